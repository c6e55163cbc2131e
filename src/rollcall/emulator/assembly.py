"""What goes around the Data API in one piece for `build_app`: the home page, the identity provider
(OAuth/SSO, `/me`, `/userinfo`), the data browser and the fault control routes, plus the fault and
rate-limit middleware in the order they belong (faults outermost)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from rollcall.domain.timestamps import Clock
from rollcall.emulator.browser.routes import browser_routes
from rollcall.emulator.directory import SCAN_BUDGET, Directory
from rollcall.emulator.faults import FaultMiddleware, FaultPlan, FaultPlanHolder, fault_routes
from rollcall.emulator.home import home_routes
from rollcall.emulator.ratelimit import Bucket, FixedWindowLimiter, RateLimitMiddleware
from rollcall.emulator.sso.routes import identity_routes
from rollcall.emulator.sso.userinfo import ApiVersion, MeDataType


@dataclass(frozen=True, slots=True)
class AppExtras:
    """Routes to put before the data API's catch-all, middleware to wrap the app, and the live handles."""

    routes: list[BaseRoute]
    middleware: list[Middleware]
    faults: FaultPlanHolder
    limiter: FixedWindowLimiter = field(default_factory=FixedWindowLimiter)


def app_extras(
    directory: Directory,
    *,
    fault_plan: FaultPlan | None = None,
    buckets: tuple[Bucket, ...] = (Bucket(),),
    limit_clock: Clock | None = None,
    unversioned_me: ApiVersion = "v3.0",
    me_data_type: MeDataType = "role",
    scan_budget: int = SCAN_BUDGET,
) -> AppExtras:
    """Everything this layer adds to an emulator over `directory`.

    Rate-limit windows and fault 429 resets follow `limit_clock`, by default the directory's (injected) clock;
    pass `SystemClock()` for wall-time windows while the data keeps its fixed clock.
    """
    clock = limit_clock or directory.clock
    holder = FaultPlanHolder(fault_plan)
    limiter = FixedWindowLimiter(buckets)
    routes = [
        *identity_routes(
            directory,
            directory.tokens,
            directory.clock,
            unversioned_me=unversioned_me,
            me_data_type=me_data_type,
            scan_budget=scan_budget,
        ),
        *home_routes(directory),
        *browser_routes(directory, scan_budget=scan_budget),
        *fault_routes(holder),
    ]
    middleware = [
        Middleware(FaultMiddleware, plan_holder=holder, clock=clock, rate_limit=buckets[0].limit),
        Middleware(RateLimitMiddleware, clock=clock, limiter=limiter, tokens=directory.tokens),
    ]
    return AppExtras(routes=routes, middleware=middleware, faults=holder, limiter=limiter)
