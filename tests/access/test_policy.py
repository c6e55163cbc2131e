"""Policy files: the default, combine-only files, replaced grants, and every mistake named by file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollcall.access import DEFAULT_POLICY_TOML, AccessEngine, facts_from_snapshot, load_policy, parse_policy
from rollcall.errors import PolicyError
from tests.access.district import ALGEBRA_9, DANNY, OAK, SCIENCE_7, snapshot


def test_default_policy_is_the_issue_table() -> None:
    policy = load_policy()
    assert policy.combine == "union"
    assert policy.order == ("district_admin", "staff", "teacher", "student", "contact")
    by_name = {(rule.name, rule.kind): rule for rule in policy.rules}
    assert by_name[("teacher-sections", "section")].actions == ("view", "edit")
    assert by_name[("tech-lead-schools", "school")].staff_roles == frozenset({"SchoolTechLead"})
    assert {kind for name, kind in by_name if name == "district-admin-everything"} == {
        "district", "school", "section", "user",
    }  # fmt: skip
    assert "[[grant]]" in DEFAULT_POLICY_TOML


def test_a_file_setting_only_combine_keeps_the_default_grants(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('combine = "lowest"\n')
    policy = load_policy(path)
    assert policy.combine == "lowest"
    assert policy.rules == load_policy().rules
    engine = AccessEngine(facts_from_snapshot(snapshot()), policy)
    # Danny is teacher and staff; lowest (by order) is teacher: the staff grants no longer count.
    decision = engine.check(DANNY, "view", f"section:{SCIENCE_7}")
    assert not decision.allowed
    assert decision.reason.endswith("only their lowest role counts (teacher); teaches no such section")
    assert engine.check(DANNY, "edit", f"section:{ALGEBRA_9}").allowed
    highest = AccessEngine(facts_from_snapshot(snapshot()), parse_policy('combine = "highest"', "h.toml"))
    assert highest.check(DANNY, "view", f"section:{SCIENCE_7}").allowed
    assert not highest.check(DANNY, "edit", f"section:{ALGEBRA_9}").allowed


def test_a_file_defining_grants_replaces_them_all(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[grant]]\nname = "staff-edit"\nrole = "staff"\nactions = ["view", "edit"]\n'
        'targets = ["section"]\nscope = "school_sections"\n'
    )
    engine = AccessEngine(facts_from_snapshot(snapshot()), load_policy(path))
    decision = engine.check(DANNY, "edit", f"section:{SCIENCE_7}")
    assert decision.allowed
    assert decision.rule == f"staff-edit ({path}:1)"
    assert not engine.check(DANNY, "edit", f"section:{ALGEBRA_9}").allowed  # teacher grants are gone
    assert not engine.check(DANNY, "view", f"school:{OAK}").allowed


GRANT_A = '[[grant]]\nname = "a"\nrole = "student"\nactions = ["view"]\ntargets = ["user"]\nscope = "self"\n'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('combine = "union"\norder = [\n', 2, "not valid TOML"),
        ('combine = "union"\norder = = 1\ncombine = "x"\n', 2, "not valid TOML: Invalid value"),
        ('combine = "most"\n', 1, "combine must be one of"),
        ('combine = "union"\norder = ["staff"]\n', 2, "order must name each of"),
        ("colour = 1\n", 1, "unknown key 'colour'"),
        ('\n[[grant]]\nrole = "teacher"\nactions = ["view"]\ntargets = ["section"]\n', 2, "lacks 'scope'"),
        (
            '[[grant]]\nrole = "principal"\nactions = ["view"]\ntargets = ["section"]\nscope = "district"\n',
            2,
            "unknown role 'principal'",
        ),
        (
            '[[grant]]\nrole = "teacher"\nactions = ["delete"]\ntargets = ["section"]\nscope = "self"\n',
            3,
            "unknown action 'delete'",
        ),
        (
            '[[grant]]\nrole = "teacher"\nactions = ["view"]\ntargets = ["class"]\n'
            'scope = "taught_sections"\n',
            4,
            "unknown target kind 'class'",
        ),
        (
            '[[grant]]\nrole = "teacher"\nactions = ["view"]\ntargets = ["school"]\n'
            'scope = "taught_sections"\n',
            4,
            "selects section, not school",
        ),
        (
            '[[grant]]\nrole = "teacher"\nactions = ["view"]\ntargets = ["user"]\nscope = "everyone"\n',
            5,
            "unknown scope 'everyone'",
        ),
        (
            '[[grant]]\nrole = "contact"\nactions = ["view"]\ntargets = ["school"]\nscope = "role_schools"\n',
            5,
            "a contact has none",
        ),
        (
            '[[grant]]\nrole = "teacher"\nstaff_roles = ["SchoolTechLead"]\nactions = ["view"]\n'
            'targets = ["school"]\nscope = "role_schools"\n',
            3,
            "narrow staff grants only",
        ),
        (
            '[[grant]]\nrole = "teacher"\nactions = []\ntargets = ["user"]\nscope = "self"\n',
            3,
            "non-empty list",
        ),
        (
            GRANT_A + "\n" + GRANT_A,
            9,
            "two grants are named 'a'",
        ),
        (
            '[[grant]]\nrole = "teacher"\nwho = 1\nactions = ["view"]\ntargets = ["user"]\nscope = "self"\n',
            3,
            "unknown key 'who'",
        ),
        ("grant = 3\n", 1, "[[grant]] tables"),
    ],
)
def test_mistakes_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "site.toml")
    assert str(raised.value).startswith(f"site.toml:{line}: ")
    assert message in str(raised.value)
    assert raised.value.exit_code == 2


def test_an_unreadable_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(bad)
