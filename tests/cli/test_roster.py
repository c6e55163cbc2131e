from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.run import run_rollcall
from tests.roster.rosters import FIXTURES, write_roster

LINCOLN = str(FIXTURES / "lincoln")


def test_inspect_prints_tables_of_records_roles_and_problems() -> None:
    result = run_rollcall("roster", "inspect", LINCOLN)
    assert result.returncode == 0, result.stderr
    assert "district_admin+staff+teacher" in result.stdout
    assert "multi-role users" in result.stdout
    assert "teachers.csv:5:Teacher_email warning: teacher T3 has no email" in result.stdout
    assert "valid: 0 error(s), 1 warning(s)" in result.stdout


def test_inspect_json_is_one_document_with_users_by_roles_and_problems() -> None:
    result = run_rollcall("roster", "inspect", LINCOLN, "--json", "--seed", "x", "--district-name", "Lincoln")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["users"]["total"] == 10
    assert document["users"]["by_roles"]["district_admin+staff+teacher"] == 1
    assert document["users"]["by_roles"]["teacher"] == 2
    assert (document["schools"], document["sections"], document["enrollments"]) == (2, 4, 6)
    assert document["contacts"] == 2
    assert document["problems"] == [
        {
            "file": "teachers.csv",
            "line": 5,
            "column": "Teacher_email",
            "severity": "warning",
            "message": "teacher T3 has no email; it cannot be merged with other roles",
        }
    ]


def test_inspect_exits_3_with_the_report_when_the_roster_has_errors(tmp_path: Path) -> None:
    directory = write_roster(
        tmp_path / "d", {"enrollments.csv": "School_id,Section_id,Student_id\nS1,SEC9,1001\n"}
    )
    result = run_rollcall("roster", "inspect", str(directory), "--json")
    assert result.returncode == 3
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert next((p["file"], p["line"], p["column"], p["severity"]) for p in document["problems"]) == (
        "enrollments.csv", 2, "Section_id", "error",
    )  # fmt: skip

    text = run_rollcall("roster", "inspect", str(directory))
    assert text.returncode == 3
    assert "enrollments.csv:2:Section_id error: enrollment names unknown section SEC9" in text.stdout


def test_inspect_exits_3_with_one_line_for_a_missing_directory_or_file(tmp_path: Path) -> None:
    missing = run_rollcall("roster", "inspect", str(tmp_path / "nowhere"))
    assert missing.returncode == 3
    assert "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    directory = write_roster(tmp_path / "d", {"sections.csv": None})
    no_file = run_rollcall("roster", "inspect", str(directory))
    assert no_file.returncode == 3
    assert no_file.stderr.strip().endswith("missing required file(s): sections.csv")


def test_inspect_with_a_required_column_missing_says_the_load_stopped_and_prints_no_tables(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "lincoln"
    shutil.copytree(LINCOLN, directory)
    students = directory / "students.csv"
    header, *rows = students.read_text().splitlines()
    column = header.split(",").index("Student_id")
    students.write_text(
        "\n".join(
            ",".join(c for i, c in enumerate(line.split(",")) if i != column) for line in [header, *rows]
        )
        + "\n"
    )
    result = run_rollcall("roster", "inspect", str(directory))
    assert result.returncode == 3
    assert "students.csv:1:Student_id error: required column Student_id is missing" in result.stdout
    assert "the load stopped: the rows of students.csv could not be read" in result.stdout
    for table_line in ("records", "multi-role users", "Users by role combination", "┃"):
        assert table_line not in result.stdout
    assert "has no students" not in result.stdout  # a consequence of the one error, not a finding
    document = json.loads(run_rollcall("roster", "inspect", str(directory), "--json").stdout)
    assert document["unread_files"] == ["students.csv"]
