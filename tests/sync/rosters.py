"""A generated district served by an in-process emulator, and the roster change the sync tests apply to it:
a teacher gains a staff role, a multi-role teacher loses one, a student is deleted (and leaves their
sections), a section changes its students."""

from __future__ import annotations

import msgspec

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import Staff, User

NEW_STAFF_LEGACY_ID = "5c00000000000000000000ab"


class Change(msgspec.Struct, frozen=True):
    """The snapshot after the change, and who changed."""

    snapshot: DistrictSnapshot
    gained_staff: str
    lost_staff: str
    deleted: str
    section: str


def _with_roles(user: User, **roles: object) -> User:
    return msgspec.structs.replace(user, roles=msgspec.structs.replace(user.roles, **roles))


def change_roster(snapshot: DistrictSnapshot) -> Change:
    """The roster change of the sync tests (deterministic: the lowest ids are picked)."""
    users = dict(snapshot.users)
    by_id = sorted(users.values(), key=lambda u: u.id)
    teacher = next(u for u in by_id if u.roles.teacher is not None and u.roles.staff is None)
    assert teacher.roles.teacher is not None
    staff = Staff(staff_id=f"NEW-{teacher.id[-6:]}", schools=[teacher.roles.teacher.school],
                  legacy_id=NEW_STAFF_LEGACY_ID)  # fmt: skip
    users[teacher.id] = _with_roles(teacher, staff=staff)
    multi = next(u for u in by_id if u.roles.teacher is not None and u.roles.staff is not None)
    users[multi.id] = _with_roles(multi, staff=None)
    student = next(u for u in by_id if u.roles.student is not None)
    del users[student.id]
    sections = {
        sid: msgspec.structs.replace(s, students=[x for x in s.students if x != student.id])
        for sid, s in snapshot.sections.items()
    }
    changed = next(sid for sid in sorted(sections) if len(sections[sid].students) > 1)
    others = [u.id for u in by_id if u.roles.student is not None and u.id not in sections[changed].students]
    section = sections[changed]
    sections[changed] = msgspec.structs.replace(section, students=[*section.students[1:], others[-1]])
    new = msgspec.structs.replace(snapshot, users=users, sections=sections)
    return Change(new, gained_staff=teacher.id, lost_staff=multi.id, deleted=student.id, section=changed)
