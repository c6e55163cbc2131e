"""`rollcall roster generate` on the real command line: files, summary, and its refusals (exit 2)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rollcall.cli.app import app
from rollcall.cli.roster_generate import PROGRESS_FROM_STUDENTS, parse_seed
from rollcall.roster.generator.writer import HEADERS, generate_roster
from tests.cli.run import run_rollcall


def test_generate_writes_every_file_and_prints_rows_per_file_and_throughput(tmp_path: Path) -> None:
    out = tmp_path / "district"
    result = run_rollcall("roster", "generate", "--students", "400", "--seed", "9", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(HEADERS)
    for name in HEADERS:
        assert name in result.stdout
    assert "rows/s" in result.stdout
    assert "400 students" in result.stdout


def test_a_numeric_seed_means_the_same_district_as_the_api_with_that_integer(tmp_path: Path) -> None:
    result = run_rollcall("roster", "generate", "-n", "300", "--seed", "42", "--out", str(tmp_path / "cli"))
    assert result.returncode == 0, result.stderr
    generate_roster(tmp_path / "api", students=300, seed=42)
    for name in HEADERS:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()
    assert parse_seed("42") == 42
    assert parse_seed("-7") == -7
    assert parse_seed("spring district") == "spring district"


def test_a_non_empty_directory_is_refused_with_exit_2_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text("precious")
    refused = run_rollcall("roster", "generate", "--students", "50", "--seed", "1", "--out", str(tmp_path))
    assert refused.returncode == 2
    assert "not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (tmp_path / "students.csv").read_text() == "precious"
    forced = run_rollcall(
        "roster", "generate", "--students", "50", "--seed", "1", "--out", str(tmp_path), "--force"
    )
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "students.csv").read_text().startswith("School_id,")


def test_fewer_than_one_student_is_a_usage_error(tmp_path: Path) -> None:
    for count in ("0", "-3"):
        result = run_rollcall(
            "roster", "generate", "--students", count, "--seed", "1", "--out", str(tmp_path / "x")
        )
        assert result.returncode == 2
        assert "at least 1" in result.stderr
        assert "Traceback" not in result.stderr
    not_a_number = run_rollcall(
        "roster", "generate", "--students", "many", "--seed", "1", "--out", str(tmp_path)
    )
    assert not_a_number.returncode == 2


def test_an_unwritable_directory_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_rollcall(
        "roster", "generate", "--students", "5", "--seed", "1", "--out", str(blocker / "sub")
    )
    assert result.returncode == 2
    assert "cannot use" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_large_run_shows_progress_and_still_prints_the_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "roster",
            "generate",
            "--students",
            str(PROGRESS_FROM_STUDENTS),
            "--seed",
            "3",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{PROGRESS_FROM_STUDENTS:,} students" in result.output
    assert (tmp_path / "enrollments.csv").stat().st_size > 0
