from __future__ import annotations

import re
from pathlib import Path

from rollcall.cli.demo import STEPS, most_roles, show_next
from rollcall.emulator import Emulator
from rollcall.roster import load_roster
from rollcall.roster.generator import generate_roster
from tests.cli.run import run_rollcall


def test_demo_serves_syncs_and_resolves_every_legacy_id_of_a_multi_role_person() -> None:
    result = run_rollcall("demo", "--students", "300", "--seed", "t")  # piped: stdout is not a terminal
    assert result.returncode == 0, result.stderr
    assert "district district" not in result.stdout
    assert "Generated District (seed t)" in result.stdout
    assert "temporary directory, deleted when the demo ends" in result.stdout
    assert "--out DIR" in result.stdout
    assert "GET /v2.1/teachers/" in result.stdout
    assert "GET /v2.1/school_admins/" in result.stdout
    assert "GET /v3.1/users/" in result.stdout
    assert "full sync" in result.stdout
    lookup = result.stdout.split("Migrate: find each old account", 1)[1].split("Ask the access engine", 1)[0]
    assert lookup.count("│ yes") >= 2
    assert "NO" not in lookup
    assert "[info" not in result.stdout + result.stderr  # quiet unless --verbose
    rows = [line for line in lookup.splitlines() if "│ yes" in line]
    for row in rows:  # every id whole, however narrow the pipe
        assert len([cell for cell in row.split("│") if re.fullmatch(r" [0-9a-f]{24} ", cell)]) == 2, row
    assert "…" not in lookup.split("Next", 1)[0]
    migration = result.stdout.split("The vendor's legacy database", 1)[1]
    assert "1 orphaned, 1 ambiguous" in migration
    assert "all invariants hold" in migration
    assert "duplicates removed" in migration
    assert "before apply and after rollback: identical" in migration
    assert "HTML migration report: " in migration
    access = result.stdout.split("Ask the access engine who may do what", 1)[1].split("Next", 1)[0]
    assert "allowed" in access
    assert "denied" in access
    assert "acting as" in access
    next_steps = result.stdout.split("Next", 1)[1]
    assert "rollcall emulator serve --generate-students 300 --seed t" in next_steps
    assert "rollcall sync --clever-url http://127.0.0.1:8765 --token " in next_steps
    assert next_steps.rstrip().endswith("rollcall sync --help, …")


def test_the_next_serve_command_serves_the_demos_very_district(tmp_path: Path) -> None:
    result = run_rollcall("demo", "--students", "120", "--seed", "same", "--out", str(tmp_path / "files"))
    assert result.returncode == 0, result.stderr
    assert f"files: {tmp_path / 'files'}" in result.stdout
    assert "temporary directory" not in result.stdout.split("database:", 1)[0]
    assert f"rollcall roster inspect {tmp_path / 'files'}" in result.stdout
    with Emulator(seed="same") as served:  # what `emulator serve --generate-students 120 --seed same` loads
        district_id = served.load_generated(students=120, seed="same")
        token = served.district_token(district_id)
    assert f"({district_id}), API v3.1: full sync" in result.stdout
    assert f"--token {token} " in result.stdout


def test_the_story_ends_with_what_to_try_next() -> None:
    assert STEPS[-1] is show_next


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
