"""The v2 → v3 account migration of a vendor's own database: match every legacy account against the v3 truth
(all roles), consolidate or link a person's accounts, re-point what references them, create v3 contacts —
planned as a value, applied in batches under a ledger in the vendor database, verified, rolled back exactly.

Public API (web's operator dashboard codes against it; see docs/migrate.md):

    config = load_config(Path("migrate.toml"))             # MigrateConfigError (exit 2) names the key
    plan = plan_migration(config, reporter)                # MigrationPlan: .summary() .to_json() …
    report = apply_plan(plan, config, reporter)            # ApplyReport; StalePlanError when the source moved
    verify_migration(config, reporter)                     # VerifyReport: .ok .failures
    rollback_migration(config, reporter, dry_run=False)    # RollbackReport
    export_map(config)                                     # list[MapRow]: role_id, user_id, role, account_key
    migration_status(config)                               # MigrationStatus: state, batches_done, …
    render_html_report(plan, verify, access_diffs(plan, config))  # one self-contained HTML page
    build_legacy_database(v2_client, url, person, seed=…)  # a vendor database to rehearse on (the demo's)
    rehearsal_config(legacy_url, store_url)                # its migrate.toml text
"""

from rollcall.errors import MigrateConfigError, MigrateError, StalePlanError
from rollcall.migrate.access_diff import AccessDiff, access_diffs
from rollcall.migrate.apply import ApplyReport, RemovedRow, apply_plan
from rollcall.migrate.config import MigrateConfig, load_config, parse_config
from rollcall.migrate.export import (
    MapRow,
    MigrationStatus,
    export_map,
    map_csv,
    migration_status,
    record_plan,
)
from rollcall.migrate.legacy import database_digest
from rollcall.migrate.plan import Link, Merge, MigrationPlan
from rollcall.migrate.planner import decode_plan, plan_migration
from rollcall.migrate.rehearsal import build_legacy_database, rehearsal_config
from rollcall.migrate.report import render_html_report
from rollcall.migrate.rollback import RollbackReport, rollback_migration
from rollcall.migrate.verify import VerifyReport, verify_migration

ConfigError = MigrateConfigError  # the name the API contract uses

__all__ = [
    "AccessDiff",
    "ApplyReport",
    "ConfigError",
    "Link",
    "MapRow",
    "Merge",
    "MigrateConfig",
    "MigrateConfigError",
    "MigrateError",
    "MigrationPlan",
    "MigrationStatus",
    "RemovedRow",
    "RollbackReport",
    "StalePlanError",
    "VerifyReport",
    "access_diffs",
    "apply_plan",
    "build_legacy_database",
    "database_digest",
    "decode_plan",
    "export_map",
    "load_config",
    "map_csv",
    "migration_status",
    "parse_config",
    "plan_migration",
    "record_plan",
    "rehearsal_config",
    "render_html_report",
    "rollback_migration",
    "verify_migration",
]
