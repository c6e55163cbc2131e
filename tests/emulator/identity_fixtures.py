"""The sign-in district (tests.factories.sign_in) served by the real emulator (`EmulatorState` + `build_app`)
with the identity layer wired in, as the lead wires it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from starlette.applications import Starlette

from rollcall.domain.record import Name
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import FixedClock
from rollcall.domain.user import Roles, Teacher, User
from rollcall.emulator.app import build_app
from rollcall.emulator.assembly import AppExtras, app_extras
from rollcall.emulator.data.state import EmulatorState
from tests.factories.sign_in import DISTRICT, SCHOOL_A, SECTION, other_snapshot, people, snapshot

START = dt.datetime(2026, 9, 1, 8, 0, 30, tzinfo=dt.UTC)
REDIRECT_URI = "http://127.0.0.1:8000/auth/clever/callback"


def state(users: list[User] | None = None, *, main: DistrictSnapshot | None = None) -> EmulatorState:
    """A real emulator state with both districts on a fixed clock; `users` or `main` replace the main one."""
    found = EmulatorState(seed="identity-tests", clock=FixedClock(START))
    found.add_district(main if main is not None else snapshot(users))
    found.add_district(other_snapshot())
    return found


def app(found: EmulatorState, **layer_options: Any) -> tuple[Starlette, AppExtras]:
    """The emulator app over `found` with the identity layer's routes and middleware, and the layer."""
    layer = app_extras(found, **layer_options)
    return build_app(found, extra_routes=layer.routes, middleware=layer.middleware), layer


# Markup, a quote and an ampersand: what autoescaping must turn into text wherever a name is printed.
HOSTILE_NAME = '<script>alert(1)</script> "Quoted" & Sons'
HOSTILE_PERSON = "6a00000000000000000000ef"


def hostile_state() -> EmulatorState:
    """The sign-in district with its district, a school, the section and one more person (a teacher at that
    school, teaching the section) all named `HOSTILE_NAME`."""
    person = User(
        id=HOSTILE_PERSON, district=DISTRICT, name=Name(first=HOSTILE_NAME), email="x&y@example.org",
        roles=Roles(teacher=Teacher(sis_id="T&", school=SCHOOL_A, legacy_id="5a00000000000000000000ef")),
    )  # fmt: skip
    main = snapshot([*people(), person])
    school = msgspec.structs.replace(main.schools[SCHOOL_A], name=HOSTILE_NAME)
    section = main.sections[SECTION]
    section = msgspec.structs.replace(section, name=HOSTILE_NAME, teachers=[*section.teachers, person.id])
    return state(
        main=msgspec.structs.replace(
            main,
            district=msgspec.structs.replace(main.district, name=HOSTILE_NAME),
            schools={**main.schools, SCHOOL_A: school},
            sections={**main.sections, SECTION: section},
        )
    )
