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


def test_per_role_account_tables_are_refused_plainly() -> None:
    text = _text().replace(
        "[legacy.accounts.role_values]",
        "[legacy.accounts.teacher]\ntable = 't'\n\n[legacy.accounts.role_values]",
    )
    with pytest.raises(
        MigrateConfigError, match=r"legacy.accounts.teacher: per-role account tables are not supported"
    ):
        parse_config(text, where="m.toml")


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
