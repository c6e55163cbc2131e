"""The `rollcall` pytest plugin (entry point `pytest11`): fixtures that give a test a stateful Clever API
emulator with a district loaded, its token, and clients already pointed at it — no network, no socket.

Configure per test with `@pytest.mark.clever_district(students=…, seed=…)` or `sftp=path`, or per
project with the ini options `clever_emulator_students` and `clever_emulator_seed` (docs/testing.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest

from rollcall.client import CleverClient, HttpOptions
from rollcall.emulator import Emulator

DEFAULT_STUDENTS: Final = 30
DEFAULT_SEED: Final = "rollcall"
MARKER: Final = "clever_district"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "clever_emulator_students", f"students in the default emulated district (default {DEFAULT_STUDENTS})"
    )
    parser.addini("clever_emulator_seed", f"seed of the default emulated district (default {DEFAULT_SEED!r})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(students=N, seed=S, sftp=PATH): the district the clever_emulator fixture serves "
        "(a generated district of N students, or the SFTP roster in PATH)",
    )


def _ini(config: pytest.Config, name: str, default: str) -> str:
    value = config.getini(name)
    return str(value) if value else default


def _load_district(emulator: Emulator, request: pytest.FixtureRequest) -> str:
    config = request.config
    seed = _ini(config, "clever_emulator_seed", DEFAULT_SEED)
    students_text = _ini(config, "clever_emulator_students", str(DEFAULT_STUDENTS))
    try:
        students = int(students_text)
    except ValueError:
        raise pytest.UsageError(
            f"clever_emulator_students must be an integer, got {students_text!r}"
        ) from None
    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    unknown = set(options) - {"students", "seed", "sftp"}
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} does not take {', '.join(sorted(unknown))}")
    if "sftp" in options:
        return emulator.load_sftp(Path(str(options["sftp"])))
    return emulator.load_generated(
        students=int(options.get("students", students)), seed=str(options.get("seed", seed))
    )


@pytest.fixture
def clever_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """An in-process Clever API emulator serving one district (see the `clever_district` marker)."""
    with Emulator(seed=_ini(request.config, "clever_emulator_seed", DEFAULT_SEED)) as emulator:
        _load_district(emulator, request)
        yield emulator


@pytest.fixture
def clever_district_id(clever_emulator: Emulator) -> str:
    """The id of the district `clever_emulator` serves."""
    return clever_emulator.state.district_ids()[0]


@pytest.fixture
def clever_token(clever_emulator: Emulator, clever_district_id: str) -> str:
    """The district-app bearer token of that district."""
    return clever_emulator.district_token(clever_district_id)


@pytest.fixture
def clever_http(clever_emulator: Emulator, clever_token: str) -> Iterator[httpx.Client]:
    """A plain `httpx.Client` on the emulator (`http://clever.test`), authorized as the district app."""
    with httpx.Client(
        transport=clever_emulator.sync_transport(),
        base_url=clever_emulator.base_url,
        headers={"Authorization": f"Bearer {clever_token}"},
    ) as http:
        yield http


@pytest.fixture
def clever_client(clever_emulator: Emulator, clever_token: str) -> Iterator[CleverClient]:
    """rollcall's typed v3.1 `CleverClient` on the emulator, authorized as the district app."""
    with CleverClient(
        clever_token,
        api_version="v3.1",
        base_url=clever_emulator.base_url,
        options=HttpOptions(transport=clever_emulator.sync_transport()),
    ) as client:
        yield client
