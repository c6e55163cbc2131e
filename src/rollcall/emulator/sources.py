"""Where a district comes from: an SFTP roster directory (read by `rollcall.roster`) or the seeded synthetic
generator, which writes such a directory first."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.errors import RosterError


def load_sftp_snapshot(directory: Path, *, seed: str) -> DistrictSnapshot:
    """The snapshot of an SFTP roster directory; RosterError/RosterInvalid say what is wrong and where."""
    try:
        from rollcall.roster import load_roster  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as error:  # the roster room lands on main separately
        raise RosterError("this rollcall build has no SFTP roster reader (rollcall.roster)") from error
    if not Path(directory).is_dir():
        raise RosterError(f"roster directory {directory} does not exist or is not a directory")
    snapshot = load_roster(Path(directory), seed=seed)
    if not isinstance(snapshot, DistrictSnapshot):
        raise RosterError(f"roster reader returned {type(snapshot).__name__}, not a snapshot")
    return snapshot


def generate_snapshot(*, students: int, seed: str) -> DistrictSnapshot:
    """A synthetic district of `students` students: generated as SFTP files, then read like any roster."""
    try:
        from rollcall.roster.generator import generate_roster  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as error:
        raise RosterError(
            "this rollcall build has no roster generator (rollcall.roster.generator)"
        ) from error
    with tempfile.TemporaryDirectory(prefix="rollcall-emulator-") as scratch:
        generate_roster(Path(scratch), students=students, seed=seed)
        return load_sftp_snapshot(Path(scratch), seed=seed)
