"""Fixtures of the client tests that talk to the in-process emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rollcall.domain.snapshot import DistrictSnapshot
from tests.client.emulated import Emulated, emulate
from tests.factories.sized import build_district


@pytest.fixture(scope="session")
def snapshot() -> DistrictSnapshot:
    return build_district(students=40)


@pytest.fixture
def emulated(snapshot: DistrictSnapshot) -> Iterator[Emulated]:
    emulated = emulate(snapshot)
    with emulated.emu:
        yield emulated
