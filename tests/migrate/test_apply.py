from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
import sqlalchemy as sa

from rollcall.errors import MigrateError, StalePlanError
from rollcall.migrate import (
    MigrateConfig,
    apply_plan,
    database_digest,
    export_map,
    map_csv,
    migration_status,
    plan_migration,
    record_plan,
    rollback_migration,
    verify_migration,
)
from tests.migrate import scenario
from tests.migrate.scenario import query, run_sql


def test_apply_consolidates_repoints_and_creates_contacts(config: MigrateConfig) -> None:
    url = config.legacy.url
    report = apply_plan(plan_migration(config), config)
    assert (report.state, report.batches_run, report.rows_repointed, report.rows_deduplicated) == (
        "applied",
        8,
        9,
        1,
    )
    accounts = query(url, "SELECT id, clever_id, clever_user_id, merged_into FROM accounts ORDER BY id")
    assert accounts[:3] == [
        (1, "t-robin", "u-robin", 3),
        (2, "s-robin", "u-robin", 3),
        (3, "d-robin", "u-robin", None),
    ]
    assert accounts[10] == (11, "st1", "st1", None)
    assert accounts[13:] == [(14, "t-gone", None, None), (15, "t-dana", None, None), (16, None, None, None)]
    assert query(url, "SELECT id, teacher_account_id FROM classes ORDER BY id") == [
        (1, 3),
        (2, 3),
        (3, 7),
        (4, 14),
    ]
    # Robin's teacher and staff accounts were both in class 1: one membership is left, on the survivor.
    assert query(url, "SELECT id, class_id, account_id FROM class_members ORDER BY id") == [
        (1, 1, 3), (3, 1, 11), (4, 2, 3), (5, 3, 7), (6, 3, 12), (7, 4, 13),
    ]  # fmt: skip
    assert [removed.row_key for removed in report.removed] == [[2]]
    assert query(url, "SELECT user_id, legacy_id FROM rollcall_contacts ORDER BY user_id") == [
        (scenario.CASEY_PARENT, "c-casey"), (scenario.GALE, "c-gale"),
    ]  # fmt: skip
    assert report.schema_changes == [
        "added column accounts.clever_user_id",
        "added column accounts.merged_into",
        "created table rollcall_account_map (the account map apply writes accounts from; kept with the "
        "ledger until rollback)",
        "created table rollcall_contacts",
        "created table rollcall_contact_students",
    ]
    assert verify_migration(config).ok
    report.to_json()  # every value encodes


def test_apply_then_rollback_restores_every_table_exactly(config: MigrateConfig) -> None:
    before = scenario.dump(config.legacy.url)
    digest = database_digest(config)
    apply_plan(plan_migration(config), config)
    assert scenario.dump(config.legacy.url) != before
    assert database_digest(config)["accounts"] != digest["accounts"]
    report = rollback_migration(config)
    assert report.state == "rolled_back"
    assert report.rows_reinserted == 1
    assert scenario.dump(config.legacy.url) == before
    assert database_digest(config) == digest
    # Only the run's record is left of the ledger.
    assert query(config.legacy.url, "SELECT count(*) FROM rollcall_migration_ledger") == [(0,)]
    assert migration_status(config).state == "rolled_back"
    assert rollback_migration(config).plan_id is None  # nothing left to roll back


def test_apply_twice_equals_apply_once(config: MigrateConfig) -> None:
    plan = plan_migration(config)
    apply_plan(plan, config)
    once = scenario.dump(config.legacy.url)
    again = apply_plan(plan, config)
    assert again.already_applied
    assert again.batches_run == 0
    assert scenario.dump(config.legacy.url) == once


def test_a_stale_plan_is_refused_and_changes_nothing(config: MigrateConfig) -> None:
    plan = plan_migration(config)
    run_sql(config.legacy.url, "UPDATE accounts SET email = 'new@d.org' WHERE id = 6")
    before = scenario.dump(config.legacy.url)
    with pytest.raises(StalePlanError, match=r"the migration plan is stale: .* changed in accounts"):
        apply_plan(plan, config)
    assert scenario.dump(config.legacy.url) == before


def test_a_changed_truth_makes_the_plan_stale(config: MigrateConfig) -> None:
    plan = plan_migration(config)
    assert config.clever.store is not None
    scenario.write_truth(config.clever.store, scenario.people()[:-1])  # upsert: nothing removed …
    from rollcall.store import Store

    with Store.open(config.clever.store) as store, store.transaction() as tx:
        tx.delete("users", scenario.EVE, at="2026-12-01T00:00:00.000Z")  # … until Eve leaves
    with pytest.raises(StalePlanError, match=r"changed in v3 truth"):
        apply_plan(plan, config)


def test_role_specific_gives_every_account_the_v3_id_and_moves_nothing(config: MigrateConfig) -> None:
    config = msgspec.structs.replace(
        config, strategy=msgspec.structs.replace(config.strategy, multi_role="role-specific")
    )
    before = scenario.dump(config.legacy.url)
    apply_plan(plan_migration(config), config)
    assert query(config.legacy.url, "SELECT id, clever_user_id FROM accounts WHERE id <= 3 ORDER BY id") == [
        (1, "u-robin"), (2, "u-robin"), (3, "u-robin"),
    ]  # fmt: skip
    columns = {c["name"] for c in sa.inspect(sa.create_engine(config.legacy.url)).get_columns("accounts")}
    assert "merged_into" not in columns
    dumped = scenario.dump(config.legacy.url)
    for table in ("classes", "class_members", "notes", "logins"):
        assert dumped[table] == before[table]
    assert verify_migration(config).ok
    rollback_migration(config)
    assert scenario.dump(config.legacy.url) == before


def test_verify_lists_what_breaks(config: MigrateConfig) -> None:
    apply_plan(plan_migration(config), config)
    run_sql(config.legacy.url, "UPDATE logins SET account_id = 1 WHERE id = 1")
    run_sql(config.legacy.url, "UPDATE accounts SET clever_user_id = NULL WHERE id = 4")
    run_sql(config.legacy.url, "DELETE FROM notes WHERE id = 4")
    report = verify_migration(config)
    assert not report.ok
    assert report.failures == [
        "account 4 should carry v3 id u-pat, has None",
        "1 rows of logins.account_id still point at absorbed accounts",
        "table notes held 4 rows before apply; now 3 + 0 removed as duplicates",
    ]


MERGED_WRONGLY = {
    # Casey's only account is absorbed; Robin's absorbed 2 names the wrong survivor (Robin keeps 3).
    "consolidate": (
        [
            "UPDATE accounts SET merged_into = 3 WHERE id = 8",
            "UPDATE accounts SET merged_into = 8 WHERE id = 2",
        ],
        [
            "v3 user u-casey should have one live account, has []",
            "account 2 is merged into 8, not into [3]",
        ],
    ),
    # Role-specific keeps every account: any merged one is wrong, and rows still point at it.
    "role-specific": (
        [
            "ALTER TABLE accounts ADD COLUMN merged_into INTEGER",
            "UPDATE accounts SET merged_into = 3 WHERE id IN (2, 8)",
        ],
        [
            "v3 user u-casey keeps every account (role-specific), but [8] are merged",
            "v3 user u-robin keeps every account (role-specific), but [2] are merged",
            "1 rows of classes.teacher_account_id still point at absorbed accounts",
            "2 rows of class_members.account_id still point at absorbed accounts",
            "2 rows of logins.account_id still point at absorbed accounts",
        ],
    ),
}


@pytest.mark.parametrize("multi_role", sorted(MERGED_WRONGLY))
def test_verify_lists_accounts_merged_wrongly(config: MigrateConfig, multi_role: str) -> None:
    config = msgspec.structs.replace(
        config, strategy=msgspec.structs.replace(config.strategy, multi_role=multi_role)
    )
    statements, failures = MERGED_WRONGLY[multi_role]
    apply_plan(plan_migration(config), config)
    for statement in statements:
        run_sql(config.legacy.url, statement)
    assert verify_migration(config).failures == failures


def test_verify_before_apply_says_nothing_is_applied(config: MigrateConfig) -> None:
    report = verify_migration(config)
    assert not report.ok
    assert report.failures[0].startswith("no applied migration in")


def test_a_second_plan_is_refused_while_one_is_applied(config: MigrateConfig) -> None:
    apply_plan(plan_migration(config), config)
    other = msgspec.structs.replace(
        config, strategy=msgspec.structs.replace(config.strategy, survivor="lowest_key")
    )
    with pytest.raises(MigrateError, match=r"another migration \(plan .*\) is applied .*roll it back"):
        apply_plan(plan_migration(other), other)


def test_dry_runs_change_nothing(config: MigrateConfig) -> None:
    before = scenario.dump(config.legacy.url)
    plan = plan_migration(config)
    report = apply_plan(plan, config, dry_run=True)
    assert (report.dry_run, report.batches_run) == (True, 8)
    assert scenario.dump(config.legacy.url) == before
    apply_plan(plan, config)
    applied = scenario.dump(config.legacy.url)
    assert rollback_migration(config, dry_run=True).batches_undone == 8
    assert scenario.dump(config.legacy.url) == applied


def test_status_follows_the_run(config: MigrateConfig) -> None:
    assert migration_status(config).state == "not_planned"
    plan = plan_migration(config)
    assert record_plan(plan, config).state == "planned"
    apply_plan(plan, config)
    status = migration_status(config)
    assert (status.state, status.batches_done, status.batches_total) == ("applied", 8, 8)


def test_export_map_lists_every_role_with_its_account(config: MigrateConfig) -> None:
    rows = export_map(config)
    robin = [(r.role_id, r.role, r.account_key) for r in rows if r.user_id == scenario.ROBIN]
    assert robin == [("t-robin", "teacher", 1), ("s-robin", "staff", 2), ("d-robin", "district_admin", 3)]
    eve = [r for r in rows if r.user_id == scenario.EVE]
    assert [(r.role_id, r.account_key) for r in eve] == [("t-eve", None)]
    text = map_csv(rows)
    assert text.splitlines()[0] == "role_id,user_id"
    assert "t-robin,u-robin" in text.splitlines()
    assert "t-robin,u-robin,teacher,1" in map_csv(rows, wide=True).splitlines()


def test_a_vendor_column_that_already_exists_is_restored_to_its_old_values(
    tmp_path: Path, store_url: str, legacy_url: str
) -> None:
    scenario.build_legacy(legacy_url)
    run_sql(legacy_url, "ALTER TABLE accounts ADD COLUMN clever_user_id VARCHAR(64)")
    run_sql(legacy_url, "UPDATE accounts SET clever_user_id = 'stale' WHERE id IN (1, 14)")
    config_path = scenario.write_config(tmp_path / "m.toml", legacy_url, store_url)
    from rollcall.migrate import load_config

    config = load_config(config_path)
    before = scenario.dump(legacy_url)
    apply_plan(plan_migration(config), config)
    assert query(legacy_url, "SELECT clever_user_id FROM accounts WHERE id IN (1, 14) ORDER BY id") == [
        ("u-robin",),
        ("stale",),
    ]
    rollback_migration(config)
    assert scenario.dump(legacy_url) == before


def test_a_vendor_merged_into_column_keeps_its_values_outside_the_merges_and_rolls_back(
    tmp_path: Path, store_url: str, legacy_url: str
) -> None:
    scenario.build_legacy(legacy_url)
    run_sql(legacy_url, "ALTER TABLE accounts ADD COLUMN merged_into INTEGER")
    run_sql(legacy_url, "UPDATE accounts SET merged_into = 99")
    config_path = scenario.write_config(tmp_path / "m.toml", legacy_url, store_url)
    from rollcall.migrate import load_config

    config = load_config(config_path)
    before = scenario.dump(legacy_url)
    plan = plan_migration(config)
    survivors = {key: merge.survivor for merge in plan.merges for key in merge.absorbed}
    apply_plan(plan, config)
    merged = dict(query(legacy_url, "SELECT id, merged_into FROM accounts"))  # type: ignore[arg-type]
    assert survivors
    assert all(merged[key] == survivor for key, survivor in survivors.items())
    assert all(value == 99 for key, value in merged.items() if key not in survivors)
    rollback_migration(config)
    assert scenario.dump(legacy_url) == before


def test_moved_references_leave_a_role_order_plan_fresh_and_apply_moves_them_too(
    config: MigrateConfig,
) -> None:
    plan = plan_migration(config)
    absorbed = plan.merges[0].absorbed[0]
    run_sql(
        config.legacy.url, f"INSERT INTO classes (id, name, teacher_account_id) VALUES (90, 'x', {absorbed})"
    )
    apply_plan(plan, config)  # references do not decide a role_order survivor: not stale
    assert query(config.legacy.url, "SELECT teacher_account_id FROM classes WHERE id = 90") == [
        (plan.merges[0].survivor,)
    ]
    assert verify_migration(config).ok


def test_moved_references_make_a_most_references_plan_stale(
    tmp_path: Path, store_url: str, legacy_url: str
) -> None:
    scenario.build_legacy(legacy_url)
    from rollcall.migrate import load_config

    config = load_config(
        scenario.write_config(tmp_path / "m.toml", legacy_url, store_url, survivor="most_references")
    )
    plan = plan_migration(config)
    run_sql(legacy_url, "INSERT INTO classes (id, name, teacher_account_id) VALUES (90, 'x', 1)")
    with pytest.raises(StalePlanError, match=r"changed in references"):
        apply_plan(plan, config)


def test_a_table_named_like_the_account_map_is_refused_not_dropped(config: MigrateConfig) -> None:
    run_sql(config.legacy.url, "CREATE TABLE rollcall_account_map (mine INTEGER)")
    plan = plan_migration(config)
    with pytest.raises(MigrateError, match=r"already has a table rollcall_account_map"):
        apply_plan(plan, config)
    assert query(config.legacy.url, "SELECT count(*) FROM rollcall_account_map") == [(0,)]


def test_a_reference_inside_a_composite_date_key_is_repointed_and_restored(
    tmp_path: Path, store_url: str, legacy_url: str
) -> None:
    import datetime as dt

    scenario.build_legacy(legacy_url)
    attendance = sa.Table(
        "attendance",
        sa.MetaData(),
        sa.Column("account_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("note", sa.Text),
    )
    engine = sa.create_engine(legacy_url)
    with engine.begin() as connection:
        attendance.create(connection)
        connection.execute(
            sa.insert(attendance),
            [
                {"account_id": 1, "day": dt.date(2026, 9, 1), "note": "teacher"},
                {"account_id": 2, "day": dt.date(2026, 9, 1), "note": "staff, same day"},
                {"account_id": 2, "day": dt.date(2026, 9, 2), "note": "staff"},
            ],
        )
    engine.dispose()
    reference = '[[legacy.references]]\ntable = "attendance"\ncolumn = "account_id"'
    config_path = scenario.write_config(tmp_path / "m.toml", legacy_url, store_url, extra=reference)
    from rollcall.migrate import load_config

    config = load_config(config_path)
    before = scenario.dump(legacy_url)
    plan = plan_migration(config)
    robin = next(merge for merge in plan.merges if merge.user_id == "u-robin")
    report = apply_plan(plan, config)
    rows = query(legacy_url, "SELECT account_id, note FROM attendance ORDER BY day, note")
    assert rows == [(robin.survivor, "teacher"), (robin.survivor, "staff")] or rows == [
        (robin.survivor, "staff, same day"),
        (robin.survivor, "staff"),
    ]
    assert any(removed.table == "attendance" for removed in report.removed)
    assert verify_migration(config).ok
    rollback_migration(config)
    assert scenario.dump(legacy_url) == before
