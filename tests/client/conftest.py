"""Fixtures of the client tests that talk to the in-process emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.emulator import Emulator
from tests.client.district import build_district
from tests.client.emulated import Emulated


@pytest.fixture(scope="session")
def snapshot() -> DistrictSnapshot:
    return build_district(students=40)


@pytest.fixture
def emulated(snapshot: DistrictSnapshot) -> Iterator[Emulated]:
    with Emulator(seed="client-tests") as emu:
        district_id = emu.load_snapshot(snapshot)
        yield Emulated(emu, district_id, snapshot)
