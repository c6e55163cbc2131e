"""`verify_migration`: checks every invariant of an applied migration against the database as it is now —
each v3 user has exactly the accounts the strategy wants, every matched account carries its v3 id, no
reference points at an absorbed account, contacts are all there, and no application row was lost."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from rollcall.domain.collector import paused_collector
from rollcall.domain.progress import ProgressReporter, SilentReporter
from rollcall.domain.report import ReportStruct
from rollcall.domain.user import RoleName
from rollcall.migrate.config import MigrateConfig
from rollcall.migrate.ledger import find_latest_run, has_ledger, run_entries
from rollcall.migrate.legacy import LegacyDatabase, as_key
from rollcall.migrate.matcher import match_accounts
from rollcall.migrate.truth import read_people
from rollcall.migrate.values import Key, PerUser, account_label

STEP = "verify"
MAX_LISTED = 50  # failures of one kind listed one by one before they are only counted


class VerifyReport(ReportStruct, kw_only=True, frozen=True):
    """The invariants checked and the failures found (empty when all hold)."""

    source: str
    plan_id: str | None
    state: str
    ok: bool
    checks: dict[str, int]
    failures: list[str]
    counts_before: dict[str, int] = {}
    counts_after: dict[str, int] = {}
    deduplicated: dict[str, int] = {}

    def render_text(self) -> str:
        head = "all invariants hold" if self.ok else f"{len(self.failures)} invariant failures"
        lines = [f"verify of {self.source} (plan {(self.plan_id or '-')[:12]}, {self.state}): {head}"]
        lines += [f"  checked {count:>8} {name}" for name, count in self.checks.items()]
        lines += [f"  FAIL {failure}" for failure in self.failures]
        return "\n".join(lines)


class _Failures:
    def __init__(self) -> None:
        self.items: list[str] = []
        self._per_kind: dict[str, int] = defaultdict(int)

    def add(self, kind: str, text: str) -> None:
        self._per_kind[kind] += 1
        if self._per_kind[kind] <= MAX_LISTED:
            self.items.append(text)
        elif self._per_kind[kind] == MAX_LISTED + 1:
            self.items.append(
                f"… more failures of the kind {kind!r} (only the first {MAX_LISTED} are listed)"
            )


def _label(per_role: bool, table: str, key: Key) -> Key:
    """An account as messages show it: its key, or `table:key` with per-role account tables."""
    return account_label(table if per_role else None, key)


def _referenced_table(config: MigrateConfig, role: RoleName | None, one_table: str) -> str:
    """The accounts table a reference points into: its role's with per-role tables, else the one table."""
    found = config.legacy.accounts.role_tables().get(role) if role is not None else None
    return found.table if found is not None else one_table


@paused_collector()  # millions of acyclic values: see domain/collector.py
def verify_migration(config: MigrateConfig, reporter: ProgressReporter | None = None) -> VerifyReport:
    """Check the migration the vendor database holds now (see the module docstring). `reporter` hears of the
    accounts and v3 users read, then of the accounts checked."""
    reporter = reporter or SilentReporter()
    with LegacyDatabase(config) as database, database.connect("verify the migration") as connection:
        tables = database.tables(connection)
        run = find_latest_run(connection) if has_ledger(connection) else None
        if run is None or run.state != "applied":
            state = run.state if run is not None else "not applied"
            return VerifyReport(
                source=database.where, plan_id=run.run_id if run else None, state=state, ok=False, checks={},
                failures=[f"no applied migration in {database.where} (state: {state})"],
            )  # fmt: skip
        failures = _Failures()
        checks: dict[str, int] = {}
        consolidate = run.multi_role == "consolidate"
        reporter.step_started(database.where, STEP)
        read = database.read_accounts_with(connection, tables, ["v3_id", "merged_into"])
        reporter.advanced(database.where, STEP, len(read.accounts))
        people, _ = read_people(config)
        reporter.advanced(database.where, STEP, len(people))
        outcomes = match_accounts(read.accounts, people, config.legacy.accounts.role_of_value())
        one_table = next(iter(tables.accounts))  # the table of accounts whose outcome names none
        per_role = config.legacy.accounts.per_role
        # Per v3 user, each matched account: (its table, its key, its v3 id and merged into as written now).
        held: list[tuple[str, tuple[str, Key, tuple[object, ...]]]] = []
        values = read.values
        for outcome in outcomes:
            user_id = outcome.user_id
            if outcome.outcome != "matched" or user_id is None:
                continue
            table_name = outcome.table or one_table
            written = values[table_name][outcome.key]
            held.append((user_id, (table_name, outcome.key, written)))
            if written[0] != user_id:
                failures.add(
                    "v3 id", f"account {outcome.label} should carry v3 id {user_id}, has {written[0]!r}"
                )
        checks["matched accounts carry their v3 id"] = len(held)
        reporter.advanced(database.where, STEP, len(outcomes))
        per_user = PerUser(held)
        # A person with one account passes unless that account is merged; the others are looked at one by one.
        merged_alone = {user for user, (_, _, written) in per_user.first.items() if written[1] is not None}
        looked_at = per_user.several.keys() | merged_alone
        absorbed: dict[str, list[Key]] = defaultdict(list)
        for user_id in sorted(looked_at):
            accounts = per_user.of(user_id)
            live = [_label(per_role, name, key) for name, key, written in accounts if written[1] is None]
            gone = [(name, key, written[1]) for name, key, written in accounts if written[1] is not None]
            for name, key, _ in gone:
                absorbed[name].append(key)
            if consolidate and len(live) != 1:
                failures.add("one account", f"v3 user {user_id} should have one live account, has {live}")
            if not consolidate and gone:
                failures.add(
                    "one account",
                    f"v3 user {user_id} keeps every account (role-specific), but "
                    f"{[_label(per_role, name, key) for name, key, _ in gone]} are merged",
                )
            for name, key, survivor in gone:
                if live and as_key(survivor) not in live:
                    label = _label(per_role, name, key)
                    merged = f"account {label} is merged into {survivor!r}, not into {live}"
                    failures.add("merged into", merged)
        checks["v3 users with the accounts the strategy wants"] = len(per_user.first)
        for ref in config.legacy.references:
            table = tables.reference(ref)
            column = table.c[ref.column]
            pointing = 0
            into = absorbed[_referenced_table(config, ref.accounts, one_table)]
            for start in range(0, len(into), 1000):
                chunk = into[start : start + 1000]
                pointing += int(
                    connection.execute(sa.select(sa.func.count()).where(column.in_(chunk))).scalar_one()
                )
            checks[f"references {ref.table}.{ref.column} off absorbed accounts"] = len(into)
            if pointing:
                failures.add(
                    "reference",
                    f"{pointing} rows of {ref.table}.{ref.column} still point at absorbed accounts",
                )
        contact_ids = {p.id for p in people if p.contact is not None}
        contacts = database.reflect(connection, config.legacy.contacts.table)
        stored = {str(v) for v in connection.execute(sa.select(contacts.c.user_id)).scalars()}
        for missing in sorted(contact_ids - stored):
            failures.add("contacts", f"v3 contact {missing} has no row in {contacts.name}")
        checks["v3 contacts written"] = len(contact_ids)
        before = run.row_counts_before()
        after = database.row_counts(connection)
        deduplicated: dict[str, int] = defaultdict(int)
        for entry in run_entries(connection, run.run_id, "delete"):
            deduplicated[entry.table_name] += 1
        for name, count in sorted(before.items()):
            now = after.get(name)
            if now is None:
                failures.add("rows", f"table {name} is gone (held {count} rows before apply)")
            elif now + deduplicated[name] != count:
                failures.add(
                    "rows",
                    f"table {name} held {count} rows before apply; "
                    f"now {now} + {deduplicated[name]} removed as duplicates",
                )
        checks["tables with every row accounted for"] = len(before)
        reporter.step_finished(database.where, STEP)
        return VerifyReport(
            source=database.where, plan_id=run.run_id, state=run.state, ok=not failures.items, checks=checks,
            failures=failures.items, counts_before=before, counts_after=after,
            deduplicated=dict(deduplicated),
        )  # fmt: skip
