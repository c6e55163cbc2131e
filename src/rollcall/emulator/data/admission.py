"""What a roster must be before the emulator serves it: the checks and derivations run on a new district or
a roster change before anything is swapped in, so a refused change leaves the emulator exactly as it was.

A role that has no `legacy_id` gets one minted the way the roster builder mints it (`RosterIds.legacy` over
the role's SIS id), so it has a v2.1 record like every other role; a role with nothing to mint from, or ids
that two people (or two districts) would share, is refused with a `UsageError` saying which and why.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Final

import msgspec

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import RoleName, Roles, User
from rollcall.domain.v2 import V2_PERSON_TYPES, V2PersonType
from rollcall.errors import UsageError
from rollcall.roster.record_ids import RosterIds, contact_key

KEYED_COLLECTIONS: Final = ("schools", "terms", "courses", "sections", "users", "resources")
# Who else holds an id: (district id, what) of another loaded district, or None.
Elsewhere = Callable[[str], tuple[str, str] | None]


def admit_roster(
    snapshot: DistrictSnapshot,
    *,
    seed: str,
    previous: DistrictSnapshot | None = None,
    touched: Mapping[str, Collection[str]] | None = None,
    claimed: Callable[[V2PersonType, str], str | None] | None = None,
    elsewhere: Elsewhere | None = None,
) -> DistrictSnapshot:
    """`snapshot` ready to serve: every role with a legacy id, or UsageError naming what is wrong.

    With `touched` (per collection, the ids a change may have altered) only those records are checked;
    `claimed(kind, legacy_id)` then says which user of the unchanged rest already holds a v2.1 id. A role the
    person held in `previous` keeps its legacy id when the new record omits it.
    """
    _check_keys(snapshot, touched)
    users = snapshot.users
    scope = users.keys() if touched is None else [u for u in touched.get("users", ()) if u in users]
    namer = RosterIds(seed, snapshot.district.name)
    completed: dict[str, User] = {}
    for user_id in scope:
        user = snapshot.users[user_id]
        before = previous.users.get(user_id) if previous is not None else None
        if not user.role_names():
            raise UsageError(f"user {user_id} holds no role; a Clever user has at least one")
        fresh = _with_legacy_ids(user, before, namer)
        if fresh is not user:
            completed[user_id] = fresh
    if completed:
        snapshot = msgspec.structs.replace(snapshot, users={**snapshot.users, **completed})
    _check_unique(snapshot, scope, claimed, elsewhere)
    return snapshot


def _check_keys(snapshot: DistrictSnapshot, touched: Mapping[str, Collection[str]] | None) -> None:
    district_id = snapshot.district.id
    for collection in KEYED_COLLECTIONS:
        table: dict[str, object] = getattr(snapshot, collection)
        keys: Iterable[str] = table.keys() if touched is None else touched.get(collection, ())
        for key in keys:
            record = table.get(key)
            if record is None:
                continue
            record_id = getattr(record, "id", key)
            if record_id != key:
                raise UsageError(f"{collection} key {key!r} holds the record of id {record_id!r}")
            owner = getattr(record, "district", district_id)
            if owner != district_id:
                raise UsageError(f"{collection} {key} belongs to district {owner}, not {district_id}")


def _with_legacy_ids(user: User, before: User | None, namer: RosterIds) -> User:
    """The user with a legacy id on every non-student role: kept from `before`, else minted."""
    roles = user.roles
    replaced: dict[str, msgspec.Struct] = {}
    for role in user.role_names():
        record = getattr(roles, role)
        if role == "student" or record.legacy_id is not None:
            continue
        kept = before.legacy_id(role) if before is not None and role in before.role_names() else None
        legacy_id = kept if kept is not None else _mint(user, role, namer)
        replaced[role] = msgspec.structs.replace(record, legacy_id=legacy_id)
    if not replaced:
        return user
    return msgspec.structs.replace(user, roles=msgspec.structs.replace(roles, **replaced))


def _mint(user: User, role: RoleName, namer: RosterIds) -> str:
    """The legacy id the roster builder gives this role: its kind over the role's SIS identity."""
    roles: Roles = user.roles
    why = f"user {user.id}: roles.{role} has no legacy_id"
    if roles.teacher is not None and role == "teacher":
        if not roles.teacher.sis_id:
            raise UsageError(f"{why} and no sis_id to mint one from; send one of them")
        return namer.legacy("teacher", roles.teacher.sis_id)
    if roles.staff is not None and role == "staff":
        if not roles.staff.staff_id:
            raise UsageError(f"{why} and no staff_id to mint one from; send one of them")
        return namer.legacy("staff", roles.staff.staff_id)
    if roles.contact is not None and role == "contact":
        contact = roles.contact
        first = contact.student_relationships[0] if contact.student_relationships else None
        name = " ".join(part for part in (user.name.first, user.name.middle, user.name.last) if part)
        key = contact_key(
            contact.sis_id or "", name, user.email or "", contact.phone or "",
            (first.type if first else None) or "", (first.relationship if first else None) or "",
            contact.phone_type or "",
        )  # fmt: skip
        return namer.legacy("contact", key)
    raise UsageError(f"{why}, and a district admin has no SIS id to mint one from; send its legacy_id")


def _check_unique(
    snapshot: DistrictSnapshot,
    scope: Iterable[str],
    claimed: Callable[[V2PersonType, str], str | None] | None,
    elsewhere: Elsewhere | None,
) -> None:
    """No v2.1 id is held twice in the district (by two roles, or as another person's v3 id), and no user or
    v2.1 id also belongs to another loaded district."""
    users = snapshot.users
    in_scope = set(scope)
    held: dict[str, tuple[str, RoleName]] = {}
    for user_id in in_scope:
        user = users[user_id]
        if elsewhere is not None and (other := elsewhere(user_id)) is not None:
            raise UsageError(f"user id {user_id} is already {other[1]} in district {other[0]}")
        for kind in V2_PERSON_TYPES if claimed is not None else ():
            owner = claimed(kind, user_id) if claimed is not None else None
            if owner is not None and owner != user_id and owner not in in_scope and owner in users:
                raise UsageError(f"user id {user_id} is already the {kind} v2.1 id of user {owner}")
        for role, legacy_id in user.legacy_ids().items():
            where = f"roles.{role}.legacy_id {legacy_id} of user {user_id}"
            previous = held.get(legacy_id)
            if previous is not None:
                raise UsageError(f"{where} is also held by user {previous[0]} as {previous[1]}")
            held[legacy_id] = (user_id, role)
            if legacy_id != user_id and legacy_id in users:
                raise UsageError(f"{where} is the v3 id of user {legacy_id}")
            for kind in V2_PERSON_TYPES if claimed is not None else ():
                owner = claimed(kind, legacy_id) if claimed is not None else None
                if owner is not None and owner != user_id and owner not in in_scope and owner in users:
                    raise UsageError(f"{where} is also held by user {owner} in {kind}")
            if elsewhere is not None and legacy_id != user_id and (other := elsewhere(legacy_id)) is not None:
                raise UsageError(f"{where} is already {other[1]} in district {other[0]}")
