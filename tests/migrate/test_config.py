from __future__ import annotations

from pathlib import Path

import pytest

from rollcall.errors import MigrateConfigError
from rollcall.migrate import load_config, parse_config, plan_migration
from tests.migrate import scenario


def _text(**options: object) -> str:
    return scenario.config_text("sqlite:///app.db", "sqlite:///rollcall.db", **options)  # type: ignore[arg-type]


def test_a_full_config_loads_with_relative_sqlite_paths_resolved_against_the_file(tmp_path: Path) -> None:
    path = tmp_path / "migrate.toml"
    path.write_text(_text(), encoding="utf-8")
    config = load_config(path)
    assert config.legacy.url == f"sqlite:///{tmp_path}/app.db"
    assert config.clever.store == f"sqlite:///{tmp_path}/rollcall.db"
    assert config.legacy.accounts.role_of_value()["school_admin"] == "staff"
    assert [ref.table for ref in config.legacy.references] == ["classes", "class_members", "notes", "logins"]
    assert config.legacy.contacts.table == "rollcall_contacts"
    assert config.strategy.survivor == "role_order"


def test_malformed_toml_names_the_file_and_line() -> None:
    with pytest.raises(MigrateConfigError, match=r"m.toml: not valid TOML: .*line 2"):
        parse_config("[legacy]\nurl = \n", where="m.toml")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('key = "id"\n', ""), r"legacy.accounts: Object missing required field `key`"),
        (
            ('survivor = "role_order"', 'survivor = "oldest"'),
            r"strategy.survivor: Invalid enum value 'oldest'",
        ),
        (
            ('contact = "parent"', 'parent = "parent"'),
            r"legacy.accounts.role_values: Invalid enum value 'parent'",
        ),
        (("batch_size = 3", "batch_size = 0"), r"legacy.batch_size: must be at least 1"),
        (
            ('table = "notes"', 'tabel = "notes"'),
            r"legacy.references\[2\]: Object contains unknown field `tabel`",
        ),
        (('store = "sqlite:///rollcall.db"', ""), r"clever: name the v3 truth with exactly one of"),
        (('student = "student"', 'student = "teacher"'), r"two roles share one value"),
    ],
)
def test_a_bad_config_names_the_key(edit: tuple[str, str], message: str) -> None:
    text = _text().replace(*edit)
    with pytest.raises(MigrateConfigError, match=message):
        parse_config(text, where="m.toml")


def _per_role_text(**options: object) -> str:
    return scenario.per_role_config_text("sqlite:///app.db", "sqlite:///rollcall.db", **options)  # type: ignore[arg-type]


def test_per_role_account_tables_load_as_one_table_per_role() -> None:
    config = parse_config(_per_role_text(), where="m.toml")
    accounts = config.legacy.accounts
    assert accounts.per_role
    assert [(t.role, t.table, t.at) for t in accounts.tables()] == [
        ("student", "students", "legacy.accounts.student"),
        ("teacher", "teachers", "legacy.accounts.teacher"),
        ("staff", "school_admins", "legacy.accounts.staff"),
        ("contact", "parents", "legacy.accounts.contact"),
    ]
    teachers = accounts.tables()[1]
    assert (teachers.email, teachers.last_login, teachers.v3_id, teachers.role_column) == (
        "email", "last_login_at", "clever_user_id", None,
    )  # fmt: skip
    assert accounts.tables()[3].v3_id == "v3_user_id"
    assert [t.map_table for t in accounts.tables()][:2] == [
        "rollcall_account_map_student", "rollcall_account_map_teacher",
    ]  # fmt: skip
    assert accounts.role_of_value() == {r: r for r in ("student", "teacher", "staff", "contact")}
    assert [ref.accounts for ref in config.legacy.references] == ["teacher", "student", "staff"]


def test_the_single_table_form_is_one_table_with_a_role_column() -> None:
    [table] = parse_config(_text(), where="m.toml").legacy.accounts.tables()
    assert (table.at, table.role, table.table, table.role_column, table.map_table) == (
        "legacy.accounts", None, "accounts", "role", "rollcall_account_map",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # both forms at once
        (("[legacy.accounts.teacher]", '[legacy.accounts]\nrole = "role"\n\n[legacy.accounts.teacher]'),
         r"legacy.accounts.role: a config describes either one accounts table .* or one table per role "
         r"\(\[legacy.accounts.student\] …\), not both"),
        (("[legacy.accounts.teacher]",
          '[legacy.accounts.role_values]\nteacher = "t"\n\n[legacy.accounts.teacher]'),
         r"legacy.accounts.role_values: a config describes either one accounts table"),
        # a table for no Clever role, and a role column in a per-role table
        (("[legacy.accounts.contact]", "[legacy.accounts.parent]"),
         r"legacy.accounts.parent: no Clever role is called 'parent'; .* one of student, teacher, staff"),
        (('table = "students"', 'table = "students"\nrole = "kind"'),
         r"legacy.accounts.student.role: a per-role table needs no role column: every account in it is a "
         r"student account"),
        (('table = "parents"\nkey = "id"\n', 'table = "parents"\n'),
         r"legacy.accounts.contact: Object missing required field `key`"),
        (('table = "parents"', 'table = "teachers"'),
         r"legacy.accounts.contact.table: table 'teachers' is already legacy.accounts.teacher's"),
        # references must say which table they point into, and it must be configured
        (('accounts = "student"\n', ""),
         r"legacy.references\[1\].accounts: with per-role account tables, say which one "
         r"enrollments.student_id points into \(accounts = one of student, teacher, staff, contact\)"),
        (('accounts = "staff"', 'accounts = "district_admin"'),
         r"legacy.references\[2\].accounts: no \[legacy.accounts.district_admin\] table is configured"),
        (('accounts = "staff"', 'accounts = "principal"'),
         r"legacy.references\[2\].accounts: Invalid enum value 'principal'"),
    ],
)  # fmt: skip
def test_a_bad_per_role_config_names_the_key(edit: tuple[str, str], message: str) -> None:
    text = _per_role_text().replace(*edit, 1)
    assert text != _per_role_text()
    with pytest.raises(MigrateConfigError, match=message):
        parse_config(text, where="m.toml")


def test_consolidate_is_refused_with_per_role_tables_and_points_to_role_specific() -> None:
    with pytest.raises(
        MigrateConfigError,
        match=r"m.toml: strategy.multi_role: consolidate \(the default\) cannot merge accounts kept in "
        r"per-role tables: .* another table, .* set multi_role = \"role-specific\"",
    ):
        parse_config(_per_role_text(multi_role="consolidate"), where="m.toml")


def test_a_reference_naming_a_table_is_refused_with_the_single_table_form() -> None:
    text = _text().replace('column = "author_account_id"', 'column = "author_account_id"\naccounts = "staff"')
    with pytest.raises(
        MigrateConfigError, match=r"legacy.references\[2\].accounts: only per-role account tables need it"
    ):
        parse_config(text, where="m.toml")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('table = "school_admins"', 'table = "admins"'),
         r"m.toml: legacy.accounts.staff.table: no table 'admins'"),
        (('table = "parents"\nkey = "id"', 'table = "parents"\nkey = "parent_id"'),
         r"legacy.accounts.contact.key: table 'parents' has no column 'parent_id'"),
        (('last_login = "last_login_at"', 'last_login = "seen_at"'),
         r"legacy.accounts.teacher.last_login: table 'teachers' has no column 'seen_at'"),
        (('column = "admin_id"', 'column = "author_id"'),
         r"legacy.references\[2\].column: table 'admin_notes' has no column 'author_id'"),
    ],
)  # fmt: skip
def test_plan_checks_each_per_role_table_against_the_database_before_reading(
    tmp_path: Path, store_url: str, edit: tuple[str, str], message: str
) -> None:
    legacy_url = f"sqlite:///{tmp_path}/app.db"
    scenario.build_per_role_legacy(legacy_url)
    text = scenario.per_role_config_text(legacy_url, store_url).replace(*edit)
    assert text != scenario.per_role_config_text(legacy_url, store_url)
    with pytest.raises(MigrateConfigError, match=message):
        plan_migration(parse_config(text, where="m.toml"))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(MigrateConfigError, match=r"cannot read the migration config .*nope.toml"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('table = "accounts"', 'table = "users"'), r"legacy.accounts.table: no table 'users'"),
        (('clever_id = "clever_id"', 'clever_id = "v2_id"'), r"accounts.clever_id: .* no column 'v2_id'"),
        (('last_login = "last_login_at"', 'last_login = "seen"'), r"last_login: .* no column 'seen'"),
        (('column = "account_id"\n\n[[legacy.references]]\ntable = "notes"',
          'column = "member"\n\n[[legacy.references]]\ntable = "notes"'),
         r"legacy.references\[1\].column: table 'class_members' has no column 'member'"),
        (('district_admin = "district_admin"', 'district_admin = "superintendent"'),
         r"legacy.accounts.role_values.district_admin: no account has role = 'superintendent'"),
    ],
)  # fmt: skip
def test_plan_checks_the_config_against_the_database_before_reading(
    tmp_path: Path, store_url: str, edit: tuple[str, str], message: str
) -> None:
    legacy_url = f"sqlite:///{tmp_path}/app.db"
    scenario.build_legacy(legacy_url)
    text = scenario.config_text(legacy_url, store_url).replace(*edit)
    assert text != scenario.config_text(legacy_url, store_url)
    config = parse_config(text, where="m.toml")
    with pytest.raises(MigrateConfigError, match=message):
        plan_migration(config)


def test_a_reference_table_without_a_primary_key_is_refused(tmp_path: Path, store_url: str) -> None:
    import sqlalchemy as sa

    legacy_url = f"sqlite:///{tmp_path}/app.db"
    scenario.build_legacy(legacy_url)
    engine = sa.create_engine(legacy_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE audit (account_id INTEGER, what TEXT)")
    engine.dispose()
    text = scenario.config_text(legacy_url, store_url) + ""
    text = text.replace(
        "[clever]", '[[legacy.references]]\ntable = "audit"\ncolumn = "account_id"\n\n[clever]'
    )
    with pytest.raises(
        MigrateConfigError, match=r"legacy.references\[4\].table: table 'audit' has no primary key"
    ):
        plan_migration(parse_config(text, where="m.toml"))


def test_an_empty_store_is_named(tmp_path: Path) -> None:
    legacy_url = f"sqlite:///{tmp_path}/app.db"
    scenario.build_legacy(legacy_url)
    store_url = f"sqlite:///{tmp_path}/empty.db"
    scenario.write_truth(store_url, users=[])
    from rollcall.store import Store

    with Store.open(f"sqlite:///{tmp_path}/blank.db"):
        pass
    config = parse_config(scenario.config_text(legacy_url, f"sqlite:///{tmp_path}/blank.db"), where="m.toml")
    with pytest.raises(
        MigrateConfigError, match=r"clever.store: .*blank.db holds no district: sync it first"
    ):
        plan_migration(config)
