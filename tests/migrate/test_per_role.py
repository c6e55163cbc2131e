"""Per-role account tables (`[legacy.accounts.<role>]`): matching per table, identities that keep their
table (keys collide across tables), and plan → apply → verify → rollback byte-identical, on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from rollcall.errors import StalePlanError
from rollcall.migrate import (
    MigrateConfig,
    apply_plan,
    database_digest,
    export_map,
    map_csv,
    plan_migration,
    render_html_report,
    rollback_migration,
    verify_migration,
)
from tests.migrate import scenario
from tests.migrate.scenario import query, run_sql


def test_each_roles_ids_are_matched_against_its_own_table(per_role_config: MigrateConfig) -> None:
    summary = plan_migration(per_role_config).summary()
    assert summary["accounts"] == {"total": 15, "matched": 11, "orphaned": 1, "ambiguous": 3, "unlinked": 1}
    assert summary["users"] == {"matched": 9, "new": 2, "merged": 0}
    # Keys collide across tables (teachers 1 and school_admins 1): an account is shown with its table.
    assert summary["links"] == [
        {"user_id": scenario.ALEX, "accounts": ["school_admins:2", "teachers:3"]},
        {"user_id": scenario.ROBIN, "accounts": ["school_admins:1", "teachers:1"]},
    ]
    assert summary["merges"] == []
    assert summary["orphans"] == [{"key": 5, "clever_id": "t-gone", "role": "teacher", "table": "teachers"}]
    assert summary["ambiguous"] == [
        {"key": 6, "clever_id": "t-dana", "table": "teachers",
         "reason": "its email 'dana.old@elsewhere.org' disagrees with the v3 user's 'dana@d.org'"},
        {"key": 7, "clever_id": "s-alex", "table": "teachers",
         "reason": "it is in the teacher table, but its Clever id is the staff role's legacy id"},
        {"key": 3, "clever_id": "d-pat", "table": "school_admins",
         "reason": "it is in the staff table, but its Clever id is the district_admin role's legacy id"},
    ]  # fmt: skip
    assert summary["contacts"] == {"created": 2, "relationships": 4, "matched_accounts": 2}
    assert summary["references"] == {"repointed": 0, "deduplicated": 0}
    # schema; students; teachers (3 + 1: a batch never spans two tables); staff; contact accounts; contacts
    assert summary["batches"] == 7


def test_relationships_point_at_the_students_key_in_the_student_table(per_role_config: MigrateConfig) -> None:
    plan = plan_migration(per_role_config)
    assert [(r.contact_user_id, r.student_id, r.student_account_key) for r in plan.relationships] == [
        (scenario.CASEY_PARENT, "st1", "S-001"),
        (scenario.GALE, "st1", "S-001"), (scenario.GALE, "st2", "S-002"), (scenario.GALE, "st3", "S-003"),
    ]  # fmt: skip


def test_plan_text_and_report_show_each_account_with_its_table(per_role_config: MigrateConfig) -> None:
    plan = plan_migration(per_role_config)
    text = plan.render_text()
    assert "orphaned account teachers:5 (t-gone)" in text
    assert "ambiguous account school_admins:3 (d-pat)" in text
    html = render_html_report(plan, None, [])
    assert "<td>teachers:5</td>" in html
    assert "school_admins:1, teachers:1" in html


def test_apply_gives_every_matched_account_in_every_table_its_v3_id_and_rollback_restores_all(
    per_role_config: MigrateConfig,
) -> None:
    url = per_role_config.legacy.url
    before = scenario.dump(url)
    digest = database_digest(per_role_config)
    report = apply_plan(plan_migration(per_role_config), per_role_config)
    assert (report.state, report.batches_run, report.accounts_updated) == ("applied", 7, 11)
    assert (report.rows_repointed, report.rows_deduplicated) == (0, 0)
    assert query(url, "SELECT id, clever_user_id FROM teachers ORDER BY id") == [
        (1, "u-robin"), (2, "u-pat"), (3, "u-alex"), (4, "u-casey"),
        (5, None), (6, None), (7, None), (8, None),
    ]  # fmt: skip
    # school_admins had the column: 1 ('old') is overwritten, 3 (ambiguous) keeps 'stale'.
    assert query(url, "SELECT id, clever_user_id FROM school_admins ORDER BY id") == [
        (1, "u-robin"), (2, "u-alex"), (3, "stale"),
    ]  # fmt: skip
    assert query(url, "SELECT id, clever_user_id FROM students ORDER BY id") == [
        ("S-001", "st1"), ("S-002", "st2"), ("S-003", "st3"),
    ]  # fmt: skip
    assert query(url, "SELECT id, v3_user_id FROM parents ORDER BY id") == [
        (1, scenario.CASEY_PARENT), (2, scenario.GALE),
    ]  # fmt: skip
    assert query(
        url,
        "SELECT contact_user_id, student_id, student_account_key FROM rollcall_contact_students "
        "ORDER BY contact_user_id, student_id",
    ) == [
        (scenario.CASEY_PARENT, "st1", "S-001"),
        (scenario.GALE, "st1", "S-001"), (scenario.GALE, "st2", "S-002"), (scenario.GALE, "st3", "S-003"),
    ]  # fmt: skip
    columns = {c["name"] for c in sa.inspect(sa.create_engine(url)).get_columns("teachers")}
    assert "merged_into" not in columns  # role-specific never merges
    dumped = scenario.dump(url)
    for table in ("classes", "enrollments", "admin_notes"):
        assert dumped[table] == before[table]  # nothing is re-pointed
    verified = verify_migration(per_role_config)
    assert verified.ok, verified.failures
    rolled_back = rollback_migration(per_role_config)
    assert rolled_back.state == "rolled_back"
    assert scenario.dump(url) == before
    assert database_digest(per_role_config) == digest


def test_verify_names_the_table_of_an_account_that_lost_its_v3_id(per_role_config: MigrateConfig) -> None:
    apply_plan(plan_migration(per_role_config), per_role_config)
    url = per_role_config.legacy.url
    run_sql(url, "UPDATE school_admins SET clever_user_id = NULL WHERE id = 1")
    report = verify_migration(per_role_config)
    assert report.failures == ["account school_admins:1 should carry v3 id u-robin, has None"]


def test_apply_twice_equals_apply_once(per_role_config: MigrateConfig) -> None:
    plan = plan_migration(per_role_config)
    apply_plan(plan, per_role_config)
    once = scenario.dump(per_role_config.legacy.url)
    assert apply_plan(plan, per_role_config).already_applied
    assert scenario.dump(per_role_config.legacy.url) == once


def test_a_login_leaves_a_per_role_plan_fresh_but_a_changed_email_makes_it_stale(
    per_role_config: MigrateConfig,
) -> None:
    url = per_role_config.legacy.url
    plan = plan_migration(per_role_config)
    run_sql(url, "UPDATE teachers SET last_login_at = '2026-09-01 08:00:00' WHERE id = 2")
    assert plan_migration(per_role_config).plan_id == plan.plan_id  # role-specific picks no survivor
    run_sql(url, "UPDATE school_admins SET email = 'alex@else.org' WHERE id = 2")
    with pytest.raises(StalePlanError, match=r"changed in accounts"):
        apply_plan(plan, per_role_config)


def test_export_map_names_each_roles_table(per_role_config: MigrateConfig) -> None:
    rows = export_map(per_role_config)
    robin = [(r.role_id, r.role, r.account_table, r.account_key) for r in rows if r.user_id == scenario.ROBIN]
    assert robin == [
        ("t-robin", "teacher", "teachers", 1),
        ("s-robin", "staff", "school_admins", 1),
        ("d-robin", "district_admin", None, None),  # no district-admin table
    ]
    pat = [(r.role_id, r.account_key) for r in rows if r.user_id == scenario.PAT]
    assert pat == [("t-pat", 2), ("d-pat", None)]  # school_admins 3 holds d-pat, ambiguously
    lines = map_csv(rows, wide=True).splitlines()
    assert lines[0] == "role_id,user_id,role,account_table,account_key"
    assert "s-robin,u-robin,staff,school_admins,1" in lines
    assert "st1,st1,student,students,S-001" in lines
    assert map_csv(rows).splitlines()[0] == "role_id,user_id"
