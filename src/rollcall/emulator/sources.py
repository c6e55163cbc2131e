"""Where a district comes from: an SFTP roster directory (read by `rollcall.roster`) or the seeded synthetic
generator, which writes such a directory first."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.errors import RosterError
from rollcall.roster import load_roster
from rollcall.roster.generator import generate_roster, generated_district_name


def load_sftp_snapshot(directory: Path, *, seed: str, district_name: str | None = None) -> DistrictSnapshot:
    """The snapshot of an SFTP roster directory; RosterError/RosterInvalid say what is wrong and where.

    Every id derives from (seed, district name); the name defaults to the directory's name, so a later
    export of the same district must be read with the same name to keep its ids.
    """
    if not Path(directory).is_dir():
        raise RosterError(f"roster directory {directory} does not exist or is not a directory")
    return load_roster(Path(directory), seed=seed, district_name=district_name)


def generate_snapshot(*, students: int, seed: str) -> DistrictSnapshot:
    """A synthetic district of `students` students: generated as SFTP files, then read like any roster."""
    with tempfile.TemporaryDirectory(prefix="rollcall-emulator-") as scratch:
        generate_roster(Path(scratch), students=students, seed=seed)
        return load_roster(Path(scratch), seed=seed, district_name=generated_district_name(seed))
