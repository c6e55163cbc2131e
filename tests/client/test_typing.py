"""The typed results stay typed: mypy (strict) infers a `User` from a users query on both clients, and
reports a wrong record type. Runs mypy itself, because the gate's mypy checks `src/` only."""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

HERE = Path(__file__).parent / "typing_checks"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.slow
def test_mypy_infers_the_record_type_of_every_query_and_refuses_a_wrong_one() -> None:
    right, wrong = HERE / "typed_results.py", HERE / "wrong_type.py"
    # The checkout's own mypy cache (the gate's mypy fills it), so only these two files are checked anew.
    cache = SRC.parent / ".mypy_cache"
    stdout, stderr, status = api.run(
        ["--strict", "--cache-dir", str(cache), "--python-version", "3.11", str(right), str(wrong)]
    )
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    marked = next(n for n, line in enumerate(wrong.read_text().splitlines(), 1) if "mypy: error here" in line)
    assert status == 1, stdout + stderr
    assert len(errors) == 1, stdout
    where, line, _ = errors[0].split(":", 2)
    assert (Path(where).resolve(), int(line)) == (wrong.resolve(), marked), errors[0]
    assert 'Expression is of type "User", not "District"' in errors[0]
