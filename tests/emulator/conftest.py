"""Fixtures: an emulator serving the shared multi-role test district (and a second district), and
clients on the in-process transport."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from rollcall.emulator import Emulator
from tests.factories.maple import DISTRICT, OTHER_DISTRICT, other_snapshot, sample_snapshot


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(seed="tests")
    emu.load_snapshot(sample_snapshot())
    emu.load_snapshot(other_snapshot())
    yield emu
    emu.close()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with emulator.client(DISTRICT) as http:
        yield http


@pytest.fixture
def anonymous(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url) as http:
        yield http


@pytest.fixture
def other_token(emulator: Emulator) -> str:
    return emulator.district_token(OTHER_DISTRICT)
