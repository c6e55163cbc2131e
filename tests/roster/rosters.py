"""Small hand-written rosters for the roster tests: a minimal valid district, and a way to swap any file."""

from __future__ import annotations

from pathlib import Path

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User

FIXTURES = Path(__file__).parent / "fixtures"

# One school pair, one teacher, one section, one student: the smallest roster that loads cleanly.
BASE: dict[str, str] = {
    "schools.csv": "School_id,School_name,School_number\nS1,Lincoln,101\nS2,Washington,201\n",
    "teachers.csv": (
        "School_id,Teacher_id,Teacher_email,First_name,Last_name\nS1,T1,t1@example.org,Tess,One\n"
    ),
    "sections.csv": "School_id,Section_id,Teacher_id,Course_name,Period\nS1,SEC1,T1,Math,1\n",
    "students.csv": "School_id,Student_id,First_name,Last_name\nS1,1001,Amy,Adams\n",
    "enrollments.csv": "School_id,Section_id,Student_id\nS1,SEC1,1001\n",
}


def write_roster(directory: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """BASE with `files` swapped in (None removes a file) written to `directory`; returns `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | bytes | None] = {**BASE, **(files or {})}
    for name, content in contents.items():
        if content is None:
            continue
        data = content.encode() if isinstance(content, str) else content
        (directory / name).write_bytes(data)
    return directory


def users_with_role(snapshot: DistrictSnapshot, role: str) -> list[User]:
    """The users holding `role`, in snapshot order."""
    return [user for user in snapshot.users.values() if getattr(user.roles, role) is not None]


def user_by_sis(snapshot: DistrictSnapshot, role: str, sis_id: str) -> User:
    """The one user whose `role` has this SIS id (`staff_id` for staff)."""
    found = []
    for user in users_with_role(snapshot, role):
        record = getattr(user.roles, role)
        key = record.staff_id if role == "staff" else getattr(record, "sis_id", None)
        if key == sis_id:
            found.append(user)
    assert len(found) == 1, f"{len(found)} users hold {role} {sis_id}"
    return found[0]
