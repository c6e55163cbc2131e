"""Injected failures: a `FaultPlan` of rules (which requests, what goes wrong, how often), a holder that
decides per request deterministically under the plan's seed, the ASGI middleware that makes it happen,
the `/_emulator/faults` control routes and the `--fault` spec parser. Grammar: docs/emulator-identity.md.
"""

from __future__ import annotations

import fnmatch
import math
import random
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final, Literal

import anyio
import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rollcall.domain.timestamps import Clock, SystemClock
from rollcall.errors import UsageError

FaultEffect = Literal["status", "latency", "reset", "truncate"]
FAULT_STATUSES: Final = frozenset({429, 500, 502, 503})
CONTROL_PREFIX: Final = "/_emulator"
JSON_TYPE: Final = b"application/json; charset=utf-8"


class FaultRule(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Which requests (path pattern, method), what goes wrong (effect), and how often (count, probability).

    Without `count` and `probability` the rule fires on every matching request.
    """

    path: str
    effect: FaultEffect
    match: Literal["glob", "regex"] = "glob"
    method: str | None = None
    status: int | None = None  # effect "status": 429, 500, 502 or 503
    latency_ms: int = 0  # effect "latency": delay before the request goes on
    keep_bytes: int | None = None  # effect "truncate": body bytes sent before closing (default: half)
    count: int | None = None  # fire on the next `count` matching requests only
    probability: float | None = None  # fire on each matching request with this probability

    def __post_init__(self) -> None:
        if self.effect == "status" and self.status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {sorted(FAULT_STATUSES)}, not {self.status}")
        if self.effect != "status" and self.status is not None:
            raise ValueError(f"status only applies to effect 'status', not {self.effect!r}")
        if self.effect == "latency" and self.latency_ms <= 0:
            raise ValueError("effect 'latency' needs latency_ms > 0")
        if self.keep_bytes is not None and self.keep_bytes < 0:
            raise ValueError("keep_bytes must be >= 0")
        if self.count is not None and self.count < 0:
            raise ValueError("count must be >= 0")
        if self.probability is not None and not 0 <= self.probability <= 1:
            raise ValueError("probability must be between 0 and 1")
        if self.method is not None:
            self.method = self.method.upper()
        try:
            compile_pattern(self)
        except re.error as exc:
            raise ValueError(f"path regex {self.path!r} does not compile: {exc}") from exc


class FaultPlan(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The rules in the order they are tried, and the seed of their coin flips."""

    seed: int = 0
    rules: list[FaultRule] = []


class RuleCounter(msgspec.Struct):
    """How often a rule matched a request and how often it fired."""

    rule: int
    matched: int
    fired: int


class FaultReport(msgspec.Struct):
    """What `/_emulator/faults` answers: the plan and its counters."""

    seed: int
    rules: list[FaultRule]
    counters: list[RuleCounter]


def compile_pattern(rule: FaultRule) -> re.Pattern[str]:
    """The rule's path pattern as a regex: globs match the whole path (`*` also crosses `/`)."""
    return re.compile(fnmatch.translate(rule.path) if rule.match == "glob" else rule.path)


def path_matches(rule: FaultRule, pattern: re.Pattern[str], path: str) -> bool:
    """Globs must match the whole path; a regex may match anywhere (anchor it with ^ and $)."""
    found = pattern.fullmatch(path) if rule.match == "glob" else pattern.search(path)
    return found is not None


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do to one request: wait `latency_ms`, then fail as `rule` says (None: pass through)."""

    latency_ms: int = 0
    rule: FaultRule | None = None
    rule_index: int | None = None


class FaultPlanHolder:
    """The live plan, its seeded random source and counters. Replacing the plan restarts both."""

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self._lock = threading.Lock()
        self._install(plan or FaultPlan())

    def _install(self, plan: FaultPlan) -> None:
        self._plan = plan
        self._patterns = [compile_pattern(rule) for rule in plan.rules]
        self._random = random.Random(plan.seed)
        self._matched = [0] * len(plan.rules)
        self._fired = [0] * len(plan.rules)

    @property
    def plan(self) -> FaultPlan:
        return self._plan

    def replace(self, plan: FaultPlan) -> None:
        """Install a whole new plan (counters and random source start over)."""
        with self._lock:
            self._install(plan)

    def add(self, rule: FaultRule) -> None:
        """Append one rule, keeping the other rules' counters and the random sequence."""
        with self._lock:
            self._plan = FaultPlan(seed=self._plan.seed, rules=[*self._plan.rules, rule])
            self._patterns.append(compile_pattern(rule))
            self._matched.append(0)
            self._fired.append(0)

    def clear(self) -> None:
        """No more faults (the seed stays)."""
        self.replace(FaultPlan(seed=self._plan.seed))

    def report(self) -> FaultReport:
        with self._lock:
            counters = [
                RuleCounter(i, m, f) for i, (m, f) in enumerate(zip(self._matched, self._fired, strict=True))
            ]
            return FaultReport(seed=self._plan.seed, rules=list(self._plan.rules), counters=counters)

    def decide(self, method: str, path: str) -> FaultDecision:
        """Try the rules in order: latencies add up; the first other rule that fires ends the search."""
        latency = 0
        with self._lock:
            for index, rule in enumerate(self._plan.rules):
                if rule.method is not None and rule.method != method.upper():
                    continue
                if not path_matches(rule, self._patterns[index], path):
                    continue
                self._matched[index] += 1
                if rule.count is not None and self._fired[index] >= rule.count:
                    continue
                if rule.probability is not None and self._random.random() >= rule.probability:
                    continue
                self._fired[index] += 1
                if rule.effect == "latency":
                    latency += rule.latency_ms
                    continue
                return FaultDecision(latency, rule, index)
        return FaultDecision(latency)


class InjectedConnectionReset(ConnectionResetError):
    """Raised after the response started, so the server drops the connection mid-response."""


def _status_headers(
    status: int, body: bytes, clock: Clock, rate_limit: int, index: int
) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-type", JSON_TYPE),
        (b"content-length", str(len(body)).encode()),
        (b"x-emulator-fault", str(index).encode()),
    ]
    if status == 429:
        reset = math.floor(clock.now().timestamp() / 60) * 60 + 60
        headers += [
            (b"x-ratelimit-bucket", b"bearer"),
            (b"x-ratelimit-limit", str(rate_limit).encode()),
            (b"x-ratelimit-remaining", b"0"),
            (b"x-ratelimit-reset", str(reset).encode()),
        ]
    return headers


class FaultMiddleware:
    """Applies the holder's plan to every request outside `/_emulator` (put it outermost: it is the network).

    status: a JSON error instead of the app's answer; latency: a delay first; reset: headers, then the
    connection drops (over uvicorn the client sees a broken response; in-process the exception surfaces);
    truncate: the app's headers with the full Content-Length, part of the body, then the connection closes.
    """

    def __init__(
        self,
        app: ASGIApp,
        plan_holder: FaultPlanHolder,
        *,
        clock: Clock | None = None,
        rate_limit: int = 1200,
    ) -> None:
        self.app = app
        self.holder = plan_holder
        self.clock: Clock = clock or SystemClock()
        self.rate_limit = rate_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        decision = self.holder.decide(str(scope["method"]), str(scope["path"]))
        if decision.latency_ms:
            await anyio.sleep(decision.latency_ms / 1000)
        rule, index = decision.rule, decision.rule_index
        if rule is None or index is None:
            await self.app(scope, receive, send)
        elif rule.effect == "status":
            status = rule.status or 500
            body = msgspec.json.encode({"message": f"{HTTPStatus(status).phrase} (injected fault {index})"})
            headers = _status_headers(status, body, self.clock, self.rate_limit, index)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        elif rule.effect == "reset":
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", JSON_TYPE)]}
            )
            raise InjectedConnectionReset(f"injected connection reset (fault rule {index})")
        else:
            await self._truncate(scope, receive, send, rule)

    async def _truncate(self, scope: Scope, receive: Receive, send: Send, rule: FaultRule) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        keep = len(body) // 2 if rule.keep_bytes is None else min(rule.keep_bytes, max(0, len(body) - 1))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        # more_body=True and then returning: the server closes the connection before the promised length.
        await send({"type": "http.response.body", "body": body[:keep], "more_body": True})


def _error(message: str) -> Response:
    return Response(msgspec.json.encode({"message": message}), status_code=400, media_type=JSON_TYPE.decode())


def _report(holder: FaultPlanHolder, status: int = 200) -> Response:
    return Response(msgspec.json.encode(holder.report()), status_code=status, media_type=JSON_TYPE.decode())


class _SpecBody(msgspec.Struct, forbid_unknown_fields=True):
    spec: str


def fault_routes(plan_holder: FaultPlanHolder) -> list[BaseRoute]:
    """`/_emulator/faults`: GET reads plan and counters, PUT sets the plan, POST adds a rule (JSON rule or
    `{"spec": "…"}`), DELETE clears."""

    async def read(request: Request) -> Response:
        return _report(plan_holder)

    async def put(request: Request) -> Response:
        try:
            plan = msgspec.json.decode(await request.body(), type=FaultPlan)
        except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
            return _error(f"invalid fault plan: {exc}")
        plan_holder.replace(plan)
        return _report(plan_holder)

    async def post(request: Request) -> Response:
        raw = await request.body()
        try:
            rule = parse_fault_spec(msgspec.json.decode(raw, type=_SpecBody).spec)
        except UsageError as exc:
            return _error(str(exc))
        except msgspec.DecodeError:
            try:
                rule = msgspec.json.decode(raw, type=FaultRule)
            except msgspec.DecodeError as exc:
                return _error(f"invalid fault rule: {exc}")
        plan_holder.add(rule)
        return _report(plan_holder, status=201)

    async def delete(request: Request) -> Response:
        plan_holder.clear()
        return _report(plan_holder)

    path = f"{CONTROL_PREFIX}/faults"
    return [
        Route(path, read, methods=["GET"]),
        Route(path, put, methods=["PUT"]),
        Route(path, post, methods=["POST"]),
        Route(path, delete, methods=["DELETE"]),
    ]


_OPTIONS: Final = re.compile(r"^[a-z_]+=[^,]*(,[a-z_]+=[^,]*)*$")


def _effect_fields(spec: str, effect: str) -> dict[str, object]:
    name, _, value = effect.partition("=")
    if name.isdigit() and not value:
        return {"effect": "status", "status": int(name)}
    if name == "latency" and value.isdigit():
        return {"effect": "latency", "latency_ms": int(value)}
    if name == "reset" and not value:
        return {"effect": "reset"}
    if name == "truncate" and (not value or value.isdigit()):
        return {"effect": "truncate", "keep_bytes": int(value) if value else None}
    raise UsageError(
        f"fault {spec!r}: unknown effect {effect!r};"
        " use 429, 500, 502, 503, latency=MS, reset or truncate[=BYTES]"
    )


def _option_fields(spec: str, options: str) -> dict[str, object]:
    fields: dict[str, object] = {}
    for option in options.split(","):
        key, _, value = option.partition("=")
        try:
            if key == "count":
                fields["count"] = int(value)
            elif key == "p":
                fields["probability"] = float(value)
            elif key == "method":
                fields["method"] = value
            else:
                raise UsageError(
                    f"fault {spec!r}: unknown option {key!r}; use count=N, p=FLOAT or method=METHOD"
                )
        except ValueError as exc:
            raise UsageError(f"fault {spec!r}: option {option!r} needs a number") from exc
    return fields


def parse_fault_spec(spec: str) -> FaultRule:
    """`EFFECT@PATTERN[:OPTIONS]`, e.g. `500@/v3.1/users*:count=3`, `latency=250@/v3.1/*:p=0.5`,
    `reset@re:^/v3\\.0/sections:method=GET`. Raises `UsageError` naming the spec and the problem."""
    effect, at, rest = spec.strip().partition("@")
    if not at or not rest:
        raise UsageError(f"fault {spec!r}: expected EFFECT@PATTERN[:OPTIONS], e.g. 500@/v3.1/users*:count=3")
    fields = _effect_fields(spec, effect)
    pattern, options = rest, ""
    head, colon, tail = rest.rpartition(":")
    if colon and _OPTIONS.match(tail):
        pattern, options = head, tail
    if pattern.startswith("re:"):
        fields.update(match="regex", path=pattern[3:])
    else:
        fields["path"] = pattern
    if not fields["path"]:
        raise UsageError(f"fault {spec!r}: the path pattern is empty")
    if options:
        fields.update(_option_fields(spec, options))
    try:
        return msgspec.convert(fields, type=FaultRule)
    except msgspec.ValidationError as exc:
        raise UsageError(f"fault {spec!r}: {exc}") from exc


def parse_fault_plan(specs: list[str], seed: int = 0) -> FaultPlan:
    """The plan of several `--fault` specs (tried in the order given) under one seed."""
    return FaultPlan(seed=seed, rules=[parse_fault_spec(spec) for spec in specs])
