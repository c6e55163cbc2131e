from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from rollcall.migrate import MigrateConfig, MigrationPlan, decode_plan, load_config, plan_migration
from tests.migrate import scenario


def _plan(config: MigrateConfig, **strategy: object) -> MigrationPlan:
    if strategy:
        config = msgspec.structs.replace(
            config, strategy=msgspec.structs.replace(config.strategy, **strategy)
        )
    return plan_migration(config)


def test_the_plan_summary_has_the_issue_shape_and_every_outcome(config: MigrateConfig) -> None:
    summary = _plan(config).summary()
    assert summary["accounts"] == {"total": 15, "matched": 13, "orphaned": 1, "ambiguous": 1, "unlinked": 1}
    assert summary["users"] == {"matched": 9, "new": 2, "merged": 3}
    first = "comes first in the role order"
    assert summary["merges"] == [
        {"user_id": scenario.ALEX, "survivor": 7, "absorbed": [6], "why": f"staff {first}"},
        {"user_id": scenario.PAT, "survivor": 5, "absorbed": [4], "why": f"district_admin {first}"},
        {"user_id": scenario.ROBIN, "survivor": 3, "absorbed": [1, 2], "why": f"district_admin {first}"},
    ]
    assert summary["links"] == []
    assert summary["orphans"] == [{"key": 14, "clever_id": "t-gone", "role": "teacher"}]
    assert summary["ambiguous"] == [
        {"key": 15, "clever_id": "t-dana",
         "reason": "its email 'dana.old@elsewhere.org' disagrees with the v3 user's 'dana@d.org'"}
    ]  # fmt: skip
    assert summary["contacts"] == {"created": 2, "relationships": 4, "matched_accounts": 2}
    # classes 1,2 (Robin) + 3 (Alex); members 1,4 (Robin: 2 is a duplicate of 1 in class 1... kept on 3);
    # notes 2 (Pat's district-admin note stays: 5 survives); logins 1,2,3 (Robin) and 4 (Pat).
    assert summary["references"] == {"repointed": 9, "deduplicated": 1}


def test_a_teacher_who_is_a_parent_stays_two_users(config: MigrateConfig) -> None:
    plan = _plan(config)
    by_key = {o.key: o for o in plan.accounts}
    assert (by_key[8].user_id, by_key[8].role) == (scenario.CASEY, "teacher")
    assert (by_key[9].user_id, by_key[9].role) == (scenario.CASEY_PARENT, "contact")
    assert all(scenario.CASEY not in (m.user_id,) for m in plan.merges)


def test_a_contact_of_three_students_gets_one_relationship_per_student(config: MigrateConfig) -> None:
    plan = _plan(config)
    gale = [r for r in plan.relationships if r.contact_user_id == scenario.GALE]
    assert [(r.student_id, r.student_account_key, r.relationship) for r in gale] == [
        ("st1", 11, "Parent"), ("st2", 12, "Parent"), ("st3", 13, "Parent"),
    ]  # fmt: skip
    assert [c.user_id for c in plan.contacts] == [scenario.CASEY_PARENT, scenario.GALE]


def test_students_keep_their_unchanged_id(config: MigrateConfig) -> None:
    writes = {key: v3 for key, v3, _ in _plan(config).account_writes()}
    assert (writes[11], writes[12], writes[13]) == ("st1", "st2", "st3")


@pytest.mark.parametrize(
    ("rule", "robin", "pat"),
    [("most_recent_login", 2, 4), ("role_order", 3, 5), ("most_references", 2, 4), ("lowest_key", 1, 4)],
)
def test_each_survivor_rule(config: MigrateConfig, rule: str, robin: int, pat: int) -> None:
    # Robin's references: account 1 → 1 class, 1 membership, 1 login; 2 → 1 class, 2 memberships, 2 logins.
    survivors = {m.user_id: m.survivor for m in _plan(config, survivor=rule).merges}
    assert (survivors[scenario.ROBIN], survivors[scenario.PAT]) == (robin, pat)


def test_role_specific_links_every_account_and_repoints_nothing(config: MigrateConfig) -> None:
    plan = _plan(config, multi_role="role-specific")
    assert plan.merges == []
    assert [(link.user_id, link.accounts) for link in plan.links] == [
        (scenario.ALEX, [6, 7]), (scenario.PAT, [4, 5]), (scenario.ROBIN, [1, 2, 3]),
    ]  # fmt: skip
    assert plan.summary()["references"] == {"repointed": 0, "deduplicated": 0}


def test_the_plan_round_trips_through_json_and_its_id_seals_its_content(config: MigrateConfig) -> None:
    plan = _plan(config)
    again = decode_plan(plan.to_json().encode(), "plan.json")
    assert again == plan
    assert plan.fingerprint == plan.plan_id
    assert len(plan.plan_id) == 32
    assert _plan(config).plan_id == plan.plan_id  # planning the same source twice gives the same plan


def test_plan_text_names_merges_orphans_and_ambiguous_accounts(config: MigrateConfig) -> None:
    text = _plan(config).render_text()
    assert "merge u-robin: keep 3, absorb [1, 2]" in text
    assert "orphaned account 14 (t-gone)" in text
    assert "ambiguous account 15 (t-dana)" in text


def test_clevers_csv_is_cross_checked(tmp_path: Path, config_path: Path) -> None:
    csv_path = tmp_path / "clever-map.csv"
    csv_path.write_text(
        "role_id,user_id\nt-robin,u-robin\ns-robin,u-pat\nt-nobody,u-x\n\nst1,st1\n", encoding="utf-8"
    )
    text = config_path.read_text(encoding="utf-8").replace(
        "[clever]", '[clever]\nmigration_csv = "clever-map.csv"'
    )
    config_path.write_text(text, encoding="utf-8")
    plan = plan_migration(load_config(config_path))
    assert [(c.line, c.role_id, c.truth_user_id) for c in plan.csv_conflicts] == [
        (3, "s-robin", scenario.ROBIN), (4, "t-nobody", None),
    ]  # fmt: skip
    assert "maps to u-pat in the CSV but to u-robin (staff) in v3" in plan.csv_conflicts[0].reason
