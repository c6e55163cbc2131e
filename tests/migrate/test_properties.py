"""Properties over generated legacy databases: apply then rollback leaves every vendor table byte-identical
(schema and rows), and applying a plan twice ends where applying it once does — for either strategy and every
survivor rule, with duplicate accounts, role mismatches, orphans and unique collisions in the mix."""

from __future__ import annotations

import tempfile
from pathlib import Path

import msgspec
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.domain.record import Name
from rollcall.domain.user import DistrictAdmin, Roles, Staff, Teacher, User
from rollcall.migrate import apply_plan, load_config, plan_migration, rollback_migration, verify_migration
from tests.migrate import scenario

ROLE_VALUES = {"teacher": "teacher", "staff": "school_admin", "district_admin": "district_admin"}


@st.composite
def districts(
    draw: st.DrawFn,
) -> tuple[list[User], list[tuple[int, str | None, str, str | None, str | None]], list[tuple[int, int, int]]]:
    people: list[User] = []
    accounts: list[tuple[int, str | None, str, str | None, str | None]] = []
    for n in range(draw(st.integers(1, 6))):
        held = draw(st.sets(st.sampled_from(sorted(ROLE_VALUES)), min_size=1))
        roles = Roles(
            teacher=Teacher(sis_id="t", school=scenario.A, legacy_id=f"t{n}") if "teacher" in held else None,
            staff=Staff(staff_id="s", schools=[scenario.B], legacy_id=f"s{n}") if "staff" in held else None,
            district_admin=DistrictAdmin(legacy_id=f"d{n}") if "district_admin" in held else None,
        )
        people.append(User(id=f"u{n}", district=scenario.DISTRICT, name=Name(first=f"P{n}"), roles=roles))
        for role in sorted(held):
            for _ in range(draw(st.integers(0, 2))):  # none, one, or a duplicate account per role
                value = draw(st.sampled_from([ROLE_VALUES[role], ROLE_VALUES[role], "teacher"]))
                login = draw(st.none() | st.sampled_from(["2026-01-01", "2026-02-01", "2026-03-01"]))
                accounts.append((len(accounts) + 1, f"{role[0]}{n}", value, None, login))
    for _ in range(draw(st.integers(0, 2))):
        accounts.append((len(accounts) + 1, f"gone{len(accounts)}", "teacher", None, None))
    # Always keep every role value present (the config names them all).
    for value in ROLE_VALUES.values():
        if all(a[2] != value for a in accounts):
            accounts.append((len(accounts) + 1, None, value, None, None))
    keys = [a[0] for a in accounts]
    members = draw(st.lists(st.tuples(st.integers(1, 3), st.sampled_from(keys)), max_size=12, unique=True))
    return people, accounts, [(n + 1, cls, key) for n, (cls, key) in enumerate(members)]


def _build(
    url: str,
    accounts: list[tuple[int, str | None, str, str | None, str | None]],
    members: list[tuple[int, int, int]],
) -> None:
    md, tables = scenario.legacy_metadata()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        md.create_all(connection)
        names = ("id", "clever_id", "role", "email", "last_login_at")
        connection.execute(tables["accounts"].insert(), [dict(zip(names, a, strict=True)) for a in accounts])
        if members:
            rows = [{"id": i, "class_id": c, "account_id": k} for i, c, k in members]
            connection.execute(tables["class_members"].insert(), rows)
        logins = [{"id": n + 1, "account_id": a[0], "at": "x"} for n, a in enumerate(accounts)]
        connection.execute(tables["logins"].insert(), logins)
    engine.dispose()


CONFIG_TAIL = """
[legacy.accounts.role_values]
teacher = "teacher"
staff = "school_admin"
district_admin = "district_admin"

[[legacy.references]]
table = "class_members"
column = "account_id"

[[legacy.references]]
table = "logins"
column = "account_id"
"""


@pytest.mark.slow
@settings(max_examples=15)
@given(
    district=districts(),
    multi_role=st.sampled_from(["consolidate", "role-specific"]),
    survivor=st.sampled_from(["most_recent_login", "role_order", "most_references", "lowest_key"]),
    batch_size=st.integers(1, 4),
)
def test_apply_then_rollback_is_identical_and_apply_twice_is_apply_once(
    district: tuple[
        list[User], list[tuple[int, str | None, str, str | None, str | None]], list[tuple[int, int, int]]
    ],
    multi_role: str,
    survivor: str,
    batch_size: int,
) -> None:
    people, accounts, members = district
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        legacy_url, store_url = f"sqlite:///{root}/app.db", f"sqlite:///{root}/rollcall.db"
        _build(legacy_url, accounts, members)
        scenario.write_truth(store_url, people)
        text = scenario.config_text(
            legacy_url, store_url, multi_role=multi_role, survivor=survivor, batch_size=batch_size
        )
        head = text[: text.index("[legacy.accounts.role_values]")]
        tail = text[text.index("[clever]") :]
        path = root / "m.toml"
        path.write_text(head + CONFIG_TAIL + "\n" + tail, encoding="utf-8")
        config = load_config(path)
        start = scenario.dump(legacy_url)
        plan = plan_migration(config)
        apply_plan(plan, config)
        once = scenario.dump(legacy_url)
        assert verify_migration(config).ok
        assert apply_plan(plan, config).already_applied
        assert scenario.dump(legacy_url) == once
        rollback_migration(config)
        assert scenario.dump(legacy_url) == start
        # The same plan applied again after the rollback ends exactly where the first apply did.
        apply_plan(msgspec.json.decode(plan.to_json(), type=type(plan)), config)
        assert scenario.dump(legacy_url) == once
