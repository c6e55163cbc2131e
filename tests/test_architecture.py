"""The house plan as tests (shared/docs/architecture.md): what each room exports, and that the CLI uses only
that. The import rules themselves are import-linter contracts in pyproject.toml (run by scripts/test)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parents[1] / "src" / "rollcall"

# Each room's public names, pinned: a change here is a change of the room's API, made on purpose. A room
# that lands adds its line (rooms without a facade — domain's value modules, errors, testing's plugin —
# are not listed).
EXPORTS: dict[str, set[str]] = {
    "access": {
        "ACTIONS", "DEFAULT_POLICY_TOML", "TARGET_KINDS", "AccessEngine", "AccessFacts", "Action", "Combine",
        "Decision", "Explanation", "FactChanges", "Grant", "MemoryFacts", "Policy", "Rule", "Target",
        "TargetKind", "as_acting_role", "as_action", "facts_from_snapshot", "load_policy", "parse_policy",
        "parse_target",
    },
    "client": {
        "CLEVER_OAUTH_BASE", "DEFAULT_BASE_URL", "NO_RETRIES", "AsyncCleverClient", "AsyncOptions",
        "Bucket", "CleverClient", "CodeGrant", "DistrictPull", "DistrictToken", "Endpoints", "HttpOptions",
        "ListQuery", "Me", "MeIdentity", "PacingPolicy", "Page", "PageInfo", "RateLimitState",
        "RetryPolicy", "SingleQuery", "SyncOptions", "TokenResponse", "authorize_url", "exchange_code",
        "exchange_code_async", "list_district_tokens", "oauth_base_for", "pacing_delay", "parse_rate_limit",
    },
    "emulator": {"BASE_URL", "Emulator", "Operation", "bind", "parse_fault_plan", "serve_forever"},
    "fleet": {
        "DEFAULT_MAX_ATTEMPTS", "EVERY_MINUTE", "HOURLY", "NIGHTLY", "QUEUE", "SYNC_TASK", "FleetConfig",
        "FleetRuntime", "FleetSettings", "FleetStatus", "ScheduleResult", "build_status", "district_lock",
        "fleet_app", "prepare_database", "read_status", "run_sync_job", "run_worker", "schedule_syncs",
    },
    "migrate": {
        "AccessDiff", "ApplyReport", "ConfigError", "Link", "MapRow", "Merge", "MigrateConfig",
        "MigrateConfigError", "MigrateError", "MigrationPlan", "MigrationStatus", "RemovedRow",
        "RollbackReport", "StalePlanError", "VerifyReport", "access_diffs", "apply_plan",
        "build_legacy_database", "database_digest", "decode_plan", "export_map", "load_config", "map_csv",
        "migration_status", "parse_config", "plan_migration", "record_plan", "rehearsal_config",
        "render_html_report", "rollback_migration", "verify_migration",
    },
    "roster": {
        "GenerationSummary", "Problem", "RosterCounts", "RosterReport", "generate_roster",
        "generated_district_name", "load_roster", "read_roster",
    },
    "store": {
        "DEFAULT_URL", "RECORD_TYPES", "AttemptOutcome", "Batch", "Checkpoint", "DistrictState",
        "FleetDistrict", "ResumePoint", "RunKind", "RunStatus", "Store", "StoreTransaction", "SyncAttempt",
        "SyncRun", "course_batch", "district_batch", "parse_url", "school_batch", "section_batch",
        "term_batch", "user_batch",
    },
    "sync": {
        "FULL_COLLECTIONS", "SyncFacts", "SyncMode", "SyncPlan", "SyncSummary", "apply_plan", "new_run_id",
        "plan_district", "plan_sync", "read_district", "sync_district",
    },
    "web": {"WebSettings", "create_app", "default_oauth_url", "session_secret_from_file"},
}  # fmt: skip

# Rooms the CLI may import module by module: the domain's modules are its vocabulary (one noun each, no
# facade), and the error tree is one module.
OPEN_ROOMS = {"domain", "errors"}


@pytest.mark.parametrize("room", sorted(EXPORTS))
def test_each_room_exports_exactly_its_pinned_names_and_each_exists(room: str) -> None:
    package = importlib.import_module(f"rollcall.{room}")
    assert set(package.__all__) == EXPORTS[room]
    assert len(package.__all__) == len(set(package.__all__))  # no name listed twice
    for name in package.__all__:
        assert hasattr(package, name), f"rollcall.{room}.__all__ names {name}, which it does not define"


def test_every_room_with_a_facade_is_pinned() -> None:
    rooms = {path.parent.name for path in SOURCES.glob("*/__init__.py")}
    with_facade = {room for room in rooms if hasattr(importlib.import_module(f"rollcall.{room}"), "__all__")}
    assert with_facade - {"cli"} <= set(EXPORTS), "pin the new room's __all__ in EXPORTS"


def _rollcall_imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) of every import of a rollcall module in one file."""
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rollcall":
            found.append((node.lineno, node.module, tuple(alias.name for alias in node.names)))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name, ()) for alias in node.names if alias.name.startswith("rollcall.")
            ]
    return found


def _outside_the_exports(module: str, names: tuple[str, ...]) -> str | None:
    parts = module.split(".")
    room = parts[1] if len(parts) > 1 else ""
    if room in {"cli", *OPEN_ROOMS} or module == "rollcall":
        return None
    if len(parts) > 2:
        return f"imports {module}, inside rollcall.{room}: import from rollcall.{room} instead"
    exported = set(getattr(importlib.import_module(module), "__all__", ()))
    hidden = [name for name in names if name not in exported]
    if not names or hidden:
        return f"imports {', '.join(hidden) or module} from {module}, which does not export it (its __all__)"
    return None


def test_the_cli_imports_only_what_rooms_export() -> None:
    problems = [
        f"{path.relative_to(SOURCES.parent)}:{line}: {problem}"
        for path in sorted((SOURCES / "cli").rglob("*.py"))
        for line, module, names in _rollcall_imports(path)
        if (problem := _outside_the_exports(module, names)) is not None
    ]
    assert problems == []


def test_the_export_check_sees_a_module_inside_a_room_and_a_name_not_exported() -> None:
    assert _outside_the_exports("rollcall.sync", ("apply_plan",)) is None
    assert _outside_the_exports("rollcall.domain.user", ("User",)) is None
    assert _outside_the_exports("rollcall.client", ("CleverClient",)) is None  # not mistaken for the CLI
    assert "inside rollcall.sync" in (_outside_the_exports("rollcall.sync.engine", ("read_district",)) or "")
    assert "does not export" in (_outside_the_exports("rollcall.store", ("Engine",)) or "")
