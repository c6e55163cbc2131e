"""A stateful, offline emulator of Clever's API (v2.1, v3.0, v3.1, events, OAuth/SSO) for tests and demos."""

from rollcall.emulator.data.roster_changes import Operation
from rollcall.emulator.faults import parse_fault_plan
from rollcall.emulator.instance import BASE_URL, Emulator
from rollcall.emulator.server import bind, serve_forever

__all__ = [
    "BASE_URL",
    "Emulator",
    "Operation",
    "bind",
    "parse_fault_plan",
    "serve_forever",
]
