from __future__ import annotations

from pathlib import Path

from rollcall.cli.demo import most_roles
from rollcall.roster import load_roster
from rollcall.roster.generator import generate_roster
from tests.cli.run import run_rollcall


def test_demo_serves_syncs_and_resolves_every_legacy_id_of_a_multi_role_person() -> None:
    result = run_rollcall("demo", "--students", "300", "--seed", "t")
    assert result.returncode == 0, result.stderr
    assert "GET /v2.1/teachers/" in result.stdout
    assert "GET /v2.1/school_admins/" in result.stdout
    assert "GET /v3.1/users/" in result.stdout
    assert "full sync" in result.stdout
    lookup = result.stdout.split("Migrate: find each old account", 1)[1]
    assert lookup.count("│ yes") >= 2
    assert "NO" not in lookup
    assert "[info" not in result.stdout + result.stderr  # quiet unless --verbose


def test_the_demo_person_holds_the_most_roles(tmp_path: Path) -> None:
    directory = tmp_path / "d"
    generate_roster(directory, students=300, seed="t")
    snapshot = load_roster(directory, seed="t")
    person = most_roles(snapshot)
    assert len(person.role_names()) == max(len(u.role_names()) for u in snapshot.users.values())
    assert person.roles.student is None


def test_a_district_of_no_students_is_refused_before_any_work() -> None:
    result = run_rollcall("demo", "--students", "0")
    assert result.returncode == 2
    assert "--students must be at least 1" in result.stderr
    assert "Generate" not in result.stdout
