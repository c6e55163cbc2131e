"""`plan_migration`: the shell around `build_plan` — reads the legacy database and the v3 truth, fingerprints
what it read (the basis a stale check compares), previews the re-points, and returns the plan."""

from __future__ import annotations

import msgspec
from sqlalchemy.engine import Connection

from rollcall.domain.collector import paused_collector
from rollcall.domain.progress import ProgressReporter, SilentReporter
from rollcall.domain.report import fingerprint
from rollcall.migrate.config import MigrateConfig
from rollcall.migrate.legacy import LegacyDatabase, LegacyTables
from rollcall.migrate.plan import Merge, MigrationPlan, PlanFacts, ReferencePreview, build_plan
from rollcall.migrate.repoint import read_rows, resolve
from rollcall.migrate.truth import read_migration_csv, read_people, truth_basis
from rollcall.migrate.values import Key, LegacyAccount

STEP = "plan"


def references_decide(config: MigrateConfig) -> bool:
    """Whether reference counts decide anything in a plan (they pick survivors under `most_references`).
    Otherwise apply re-points whatever rows point at an absorbed account when it runs, so they are not read
    for planning and moving them does not make a plan stale."""
    return config.strategy.multi_role == "consolidate" and config.strategy.survivor == "most_references"


def logins_decide(config: MigrateConfig) -> bool:
    """Whether last logins decide anything in a plan (they pick survivors under `most_recent_login`). A
    role-specific plan (every per-role plan) picks no survivor, so a login between plan and apply leaves it
    fresh."""
    return config.strategy.multi_role == "consolidate" and config.strategy.survivor == "most_recent_login"


def source_basis(
    config: MigrateConfig,
    accounts: list[LegacyAccount],
    unlinked: int,
    reference_counts: dict[str, dict[Key, int]] | None,
    truth: str,
    csv_rows: list[tuple[str, str, int]] | None,
) -> dict[str, str]:
    """Per part of the source, a fingerprint of what a plan depends on. Logins count only when they pick
    survivors, references only when they do; the columns apply itself writes (v3 id, merged into) never
    count. `truth` is the v3 truth's own basis (`truth.truth_basis`)."""
    with_login = logins_decide(config)
    rows = [
        (a.key, a.clever_id, a.role_value, a.email, a.last_login if with_login else None) for a in accounts
    ]
    basis = {
        "accounts": fingerprint({"rows": rows, "unlinked": unlinked}),
        "v3 truth": truth,
        "config": fingerprint([config.legacy, config.strategy]),
    }
    if reference_counts is not None:
        references = {
            name: sorted(counts.items(), key=lambda item: repr(item[0]))
            for name, counts in reference_counts.items()
        }
        basis["references"] = fingerprint(references)
    if csv_rows is not None:
        basis["Clever's migration CSV"] = fingerprint(csv_rows)
    return basis


def _read_csv(config: MigrateConfig) -> list[tuple[str, str, int]] | None:
    return read_migration_csv(config.clever.migration_csv) if config.clever.migration_csv else None


def read_facts(
    config: MigrateConfig, reporter: ProgressReporter
) -> tuple[PlanFacts, LegacyDatabase, LegacyTables]:
    """Everything a plan needs, read now. The caller closes the returned database."""
    database = LegacyDatabase(config)
    try:
        with database.connect("read the legacy accounts") as connection:
            tables = database.tables(connection)  # checks the config before anything is read in bulk
            csv_rows = _read_csv(config)
            reporter.step_started(database.where, STEP)
            accounts, unlinked = database.read_accounts(connection, tables)
            reporter.advanced(database.where, STEP, len(accounts))
            counts = database.reference_counts(connection, tables) if references_decide(config) else None
        people, truth = read_people(config)
        reporter.advanced(database.where, STEP, len(people))
        facts = PlanFacts(
            source=database.where,
            accounts=accounts,
            unlinked=unlinked,
            people=people,
            role_of_value=config.legacy.accounts.role_of_value(),
            reference_counts=counts or {},
            strategy=config.strategy,
            batch_size=config.legacy.batch_size,
            basis=source_basis(config, accounts, unlinked, counts, truth, csv_rows),
            csv_rows=csv_rows,
        )
    except BaseException:
        database.engine.dispose()
        raise
    return facts, database, tables


@paused_collector()  # millions of acyclic values: see domain/collector.py
def current_basis(config: MigrateConfig) -> tuple[dict[str, str], str]:
    """The source's basis as it reads now, and where the legacy database is: what a plan's own basis is
    compared with before applying it. Reads the accounts, but not the v3 truth's users when it is a store."""
    with LegacyDatabase(config) as database, database.connect("read the legacy accounts") as connection:
        tables = database.tables(connection)
        accounts, unlinked = database.read_accounts(connection, tables)
        counts = database.reference_counts(connection, tables) if references_decide(config) else None
        where = database.where
    basis = source_basis(config, accounts, unlinked, counts, truth_basis(config), _read_csv(config))
    return basis, where


def preview_references(
    connection: Connection, config: MigrateConfig, tables: LegacyTables, merges: list[Merge]
) -> list[ReferencePreview]:
    """Per reference column, how many rows apply will move and how many duplicates it will remove."""
    previews: list[ReferencePreview] = []
    mapping = {key: merge.survivor for merge in merges for key in merge.absorbed}
    keys = [key for merge in merges for key in (merge.survivor, *merge.absorbed)]
    for ref in config.legacy.references:
        rows = read_rows(connection, tables.reference(ref), ref.column, keys) if keys else []
        resolution = resolve(rows, mapping)
        previews.append(
            ReferencePreview(
                table=ref.table,
                column=ref.column,
                repointed=len(resolution.updates),
                deduplicated=len(resolution.deletes),
            )
        )
    return previews


@paused_collector()  # millions of acyclic values: see domain/collector.py
def plan_migration(config: MigrateConfig, reporter: ProgressReporter | None = None) -> MigrationPlan:
    """Read the source and plan the migration (nothing is written)."""
    reporter = reporter or SilentReporter()
    facts, database, tables = read_facts(config, reporter)
    with database:
        plan = build_plan(facts)
        with database.connect("preview the re-points") as connection:
            previews = preview_references(connection, config, tables, plan.merges)
        reporter.step_finished(database.where, STEP)
    return plan.with_references(previews)


@paused_collector()  # millions of acyclic values: see domain/collector.py
def decode_plan(data: bytes, where: str) -> MigrationPlan:
    """A plan file read back (`plan --out`); MigrateConfigError says what is wrong with it."""
    from rollcall.errors import MigrateConfigError

    try:
        return msgspec.json.decode(data, type=MigrationPlan)
    except msgspec.DecodeError as error:
        raise MigrateConfigError(f"{where}: not a migration plan: {error}") from error
