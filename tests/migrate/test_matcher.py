from __future__ import annotations

from rollcall.migrate.config import StrategyConfig
from rollcall.migrate.matcher import match_accounts
from rollcall.migrate.plan import choose_survivor
from rollcall.migrate.values import LegacyAccount, V3Person

ROLES = {"teacher": "teacher", "school_admin": "staff", "student": "student", "parent": "contact"}
ROBIN = V3Person(id="u1", email="Robin@d.org", roles=(("teacher", "t1"), ("staff", "s1")))
KID = V3Person(id="k1", email=None, roles=(("student", "k1"),))


def _outcomes(*accounts: LegacyAccount) -> list[tuple[str, str | None, str | None]]:
    return [(o.outcome, o.user_id, o.role) for o in match_accounts(accounts, [ROBIN, KID], ROLES)]  # type: ignore[arg-type]


def test_every_role_is_matched_not_only_the_teacher_one() -> None:
    found = _outcomes(LegacyAccount(1, "t1", "teacher"), LegacyAccount(2, "s1", "school_admin"))
    assert found == [("matched", "u1", "teacher"), ("matched", "u1", "staff")]


def test_students_match_by_their_unchanged_id() -> None:
    assert _outcomes(LegacyAccount(3, "k1", "student")) == [("matched", "k1", "student")]


def test_an_id_gone_from_v3_is_orphaned() -> None:
    assert _outcomes(LegacyAccount(4, "t-gone", "teacher")) == [("orphaned", None, None)]


def test_a_role_column_that_disagrees_is_ambiguous() -> None:
    [outcome] = match_accounts([LegacyAccount(5, "s1", "teacher")], [ROBIN], ROLES)  # type: ignore[arg-type]
    assert outcome.outcome == "ambiguous"
    assert outcome.reason == "its role column says teacher, but its Clever id is the staff role's legacy id"


def test_an_unmapped_role_value_is_ambiguous() -> None:
    [outcome] = match_accounts([LegacyAccount(5, "t1", "guest")], [ROBIN], ROLES)  # type: ignore[arg-type]
    assert outcome.outcome == "ambiguous"
    assert "'guest', which no Clever role maps to" in (outcome.reason or "")


def test_emails_compare_trimmed_and_case_insensitively_and_only_when_both_are_present() -> None:
    same = [LegacyAccount(1, "t1", "teacher", " robin@D.ORG "), LegacyAccount(2, "s1", "school_admin", "")]
    assert [o for o, _, _ in _outcomes(*same)] == ["matched", "matched"]
    [outcome] = match_accounts([LegacyAccount(1, "t1", "teacher", "r@x.org")], [ROBIN], ROLES)  # type: ignore[arg-type]
    assert outcome.outcome == "ambiguous"
    assert outcome.reason == "its email 'r@x.org' disagrees with the v3 user's 'Robin@d.org'"


ACCOUNTS = [
    LegacyAccount(7, "t1", "teacher", last_login="2026-05-01T08:00:00"),
    LegacyAccount(3, "s1", "school_admin", last_login="2026-06-01T08:00:00"),
    LegacyAccount(9, "d1", "district_admin", last_login=None),
]
ROLE_OF = {7: "teacher", 3: "staff", 9: "district_admin"}


def _survivor(
    rule: str, references: dict[int | str, int] | None = None, **options: object
) -> tuple[object, str]:
    strategy = StrategyConfig(survivor=rule, **options)  # type: ignore[arg-type]
    return choose_survivor(ACCOUNTS, ROLE_OF, strategy, references or {})  # type: ignore[arg-type]


def test_survivor_by_most_recent_login() -> None:
    assert _survivor("most_recent_login") == (3, "most recent login (2026-06-01T08:00:00)")


def test_survivor_by_role_order_follows_the_declared_order() -> None:
    assert _survivor("role_order")[0] == 9
    assert _survivor("role_order", role_order=["teacher", "staff"])[0] == 7


def test_survivor_by_most_references() -> None:
    assert _survivor("most_references", {7: 5, 3: 2, 9: 5}) == (7, "most references (5 rows)")


def test_survivor_by_lowest_key_and_every_tie_goes_to_the_lowest_key() -> None:
    assert _survivor("lowest_key") == (3, "lowest key")
    assert _survivor("most_references", {})[0] == 3
    tied = [
        LegacyAccount(8, "a", "teacher", last_login="x"),
        LegacyAccount(2, "b", "teacher", last_login="x"),
    ]
    strategy = StrategyConfig(survivor="most_recent_login")
    assert choose_survivor(tied, {8: "teacher", 2: "teacher"}, strategy, {})[0] == 2
