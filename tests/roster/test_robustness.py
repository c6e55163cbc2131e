"""No input makes the reader fail with anything but RosterError, and the same files always give the same
snapshot, byte for byte."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.errors import RosterError
from rollcall.roster import RosterReport, read_roster
from tests.roster.rosters import BASE, FIXTURES, write_roster

LINCOLN_FILES = {path.name: path.read_bytes() for path in (FIXTURES / "lincoln").glob("*.csv")}
NASTY = st.sampled_from(['"', ",", "\n", "\r", "\x00", "\ufeff", "@", "  ", "S1", "1001", "T1", "SEC1", ""])
CELL = st.one_of(st.text(max_size=12), NASTY)


def _read_twice(files: dict[str, bytes]) -> RosterReport | None:
    with tempfile.TemporaryDirectory() as scratch:
        directory = write_roster(Path(scratch) / "d", {**dict.fromkeys(BASE), **files})
        try:
            first = read_roster(directory)
        except RosterError:
            return None
        second = read_roster(directory)
    assert msgspec.json.encode(first) == msgspec.json.encode(second)
    assert (first.snapshot is None) == any(problem.severity == "error" for problem in first.problems)
    return first


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(LINCOLN_FILES)), garbage=st.binary(max_size=200))
def test_random_bytes_in_any_file_never_raise_anything_but_roster_error(name: str, garbage: bytes) -> None:
    _read_twice({**LINCOLN_FILES, name: garbage})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(LINCOLN_FILES)),
    position=st.integers(min_value=0, max_value=2000),
    cell=CELL,
    raw=st.binary(max_size=4),
)
def test_garbage_cells_in_a_valid_roster_never_raise_anything_but_roster_error(
    name: str, position: int, cell: str, raw: bytes
) -> None:
    original = LINCOLN_FILES[name]
    cut = position % (len(original) + 1)
    _read_twice({**LINCOLN_FILES, name: original[:cut] + cell.encode() + raw + original[cut:]})


def _rewrite(original: bytes, edits: list[tuple[int, int, str]]) -> bytes:
    """The CSV `original` with the cell at each (row, column) replaced, written back as valid CSV."""
    rows = list(csv.reader(io.StringIO(original.decode("utf-8"), newline="")))
    for row_at, column_at, value in edits:
        row = rows[row_at % len(rows)]
        if row:
            row[column_at % len(row)] = value
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(LINCOLN_FILES)),
    edits=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 40), CELL), min_size=1, max_size=6),
)
def test_garbage_values_in_well_formed_csv_never_raise_anything_but_roster_error(
    name: str, edits: list[tuple[int, int, str]]
) -> None:
    _read_twice({**LINCOLN_FILES, name: _rewrite(LINCOLN_FILES[name], edits)})


def test_an_oversized_field_is_an_error_not_a_crash(tmp_path: Path) -> None:
    huge = "x" * 200_000
    schools = f"School_id,School_name,School_number\nS1,Lincoln,101\nS2,{huge},201\nS3,Ok,301\n"
    report = read_roster(write_roster(tmp_path / "d", {"schools.csv": schools}))
    assert report.snapshot is None
    assert [(error.file, error.line) for error in report.errors] == [("schools.csv", 3)]
    assert "field larger than field limit" in report.errors[0].message
