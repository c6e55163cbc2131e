"""`rollcall access …` as a user runs it: a real subprocess against a store holding the seeds' district."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rollcall.access import DEFAULT_POLICY_TOML
from rollcall.store import Store
from tests.access.district import snapshot
from tests.access.test_store_facts import write
from tests.cli.run import run_rollcall


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('access')}/rollcall.db"
    with Store.open(url) as store:
        write(store, snapshot())
    return url


def test_check_prints_the_decision_and_its_reason_and_exits_zero_either_way(db: str) -> None:
    denied = run_rollcall(
        "access", "check", "--db", db, "danny@springfield.org", "edit", "section:se-science7"
    )
    assert denied.returncode == 0, denied.stderr
    assert denied.stdout.strip() == (
        "denied: Danny Brakus may not edit section Science 7: teaches no such section; staff grants view only"
    )
    allowed = run_rollcall("access", "check", "--db", db, "u-danny", "view", "section:se-science7", "--json")
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout) == {
        "allowed": True, "user": "u-danny", "action": "view", "target": "section:se-science7",
        "acting_as": None, "role": "staff", "rule": "staff-sections (default_policy.toml:44)",
        "reason": "Danny Brakus may view section Science 7: staff at Oak Middle",
    }  # fmt: skip
    acting = run_rollcall(
        "access", "check", "--db", db, "u-danny", "view", "section:se-science7", "--as", "teacher"
    )
    assert acting.stdout.startswith("denied: Danny Brakus, acting as teacher, may not view")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["terry@springfield.org", "view", "user:u-sue"],
            "names 2 users: u-terry (teacher); u-terry-parent (contact)",
        ),
        (["nobody@nowhere.org", "view", "user:u-sue"], "unknown user 'nobody@nowhere.org'"),
        (["u-danny", "view", "sections:x"], "bad target 'sections:x'"),
        (["u-danny", "delete", "section:x"], "unknown action 'delete'"),
        (["u-danny", "view", "section:x", "--as", "boss"], "unknown role 'boss'"),
        (["u-danny", "view"], "give USER ACTION TARGET"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(db: str, args: list[str], message: str) -> None:
    result = run_rollcall("access", "check", "--db", db, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_policy_that_does_not_parse_is_named_with_file_and_line(db: str, tmp_path: Path) -> None:
    policy = tmp_path / "site.toml"
    policy.write_text('combine = "lowest"\norder = "staff"\n')
    result = run_rollcall(
        "access", "check", "--db", db, "u-danny", "view", "section:se-science7", "--policy", str(policy)
    )
    assert result.returncode == 2
    assert f"{policy}:2: order must" in result.stderr
    policy.write_text('combine = "lowest"\n')
    lowest = run_rollcall(
        "access", "check", "--db", db, "u-danny", "view", "section:se-science7", "--policy", str(policy)
    )
    assert lowest.returncode == 0
    assert "only their lowest role counts (teacher)" in lowest.stdout


def test_batch_answers_text_and_json_lines_from_one_index(db: str, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text(
        "# operator questions\n"
        "u-danny view section:se-science7\n"
        '{"user": "pat@example.org", "action": "view", "target": "user:u-cal"}\n'
        "\n"
        "bad line\n"
        "u-danny edit section:se-algebra9 staff\n"
    )
    result = run_rollcall("access", "check", "--db", db, "--batch", str(questions))
    assert result.returncode == 2  # one line was not a question
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a.get("allowed") for a in answers] == [True, True, None, False]
    assert answers[2] == {"line": 5, "error": "expected USER ACTION TARGET [ROLE], got 2 words"}
    assert answers[3]["acting_as"] == "staff"
    questions.write_text("u-olive edit section:se-science7\n")
    clean = run_rollcall("access", "check", "--db", db, "--batch", str(questions))
    assert clean.returncode == 0
    assert json.loads(clean.stdout)["allowed"] is True


def test_explain_and_policy(db: str) -> None:
    explained = run_rollcall("access", "explain", "--db", db, "danny@springfield.org", "--json")
    assert explained.returncode == 0, explained.stderr
    document = json.loads(explained.stdout)
    assert document["roles"] == ["teacher", "staff"]
    assert {grant["rule"].split(" ")[0] for grant in document["grants"]} >= {
        "teacher-sections",
        "staff-sections",
    }
    text = run_rollcall("access", "explain", "--db", db, "u-danny", "--as", "staff")
    assert text.returncode == 0
    assert "acting as staff" in text.stdout
    not_held = run_rollcall("access", "explain", "--db", db, "u-olive", "--as", "staff")
    assert not_held.returncode == 2
    assert "does not hold the staff role" in not_held.stderr
    printed = run_rollcall("access", "policy")
    assert printed.returncode == 0
    assert printed.stdout == DEFAULT_POLICY_TOML


def test_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = run_rollcall("access", "check", "--db", f"sqlite:///{tmp_path}/none.db", "u", "view", "user:u")
    assert result.returncode == 2
    assert "run `rollcall sync" in result.stderr
    assert not (tmp_path / "none.db").exists()
