"""A vendor database (SQLite file, or a fresh PostgreSQL schema) with the hand-built scenario, the v3 truth in
a SQLite store, and a config pointing at both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rollcall.migrate import MigrateConfig, load_config
from tests.migrate import scenario
from tests.store.conftest import postgres_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def legacy_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty vendor database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/app.db"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/rollcall.db"
    scenario.write_truth(url)
    return url


@pytest.fixture
def config_path(tmp_path: Path, legacy_url: str, store_url: str) -> Path:
    scenario.build_legacy(legacy_url)
    return scenario.write_config(tmp_path / "migrate.toml", legacy_url, store_url)


@pytest.fixture
def config(config_path: Path) -> MigrateConfig:
    return load_config(config_path)


@pytest.fixture
def per_role_config_path(tmp_path: Path, legacy_url: str, store_url: str) -> Path:
    """The scenario kept in one table per role (teacher, staff, student, contact), role-specific."""
    scenario.build_per_role_legacy(legacy_url)
    return scenario.write_per_role_config(tmp_path / "migrate.toml", legacy_url, store_url)


@pytest.fixture
def per_role_config(per_role_config_path: Path) -> MigrateConfig:
    return load_config(per_role_config_path)
