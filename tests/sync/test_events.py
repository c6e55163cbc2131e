from __future__ import annotations

import msgspec
import pytest

from rollcall.domain.event import Event, EventData
from rollcall.domain.user import User
from rollcall.errors import SyncError
from rollcall.store import Store
from rollcall.sync.events import Delete, Upsert, apply_operations, operations
from tests.factories.unit import DISTRICT, student, teacher_staff_admin

AT = "2026-11-25T10:00:00.000Z"


def event(number: int, kind: str, record: object, record_type: str = "users") -> Event:
    body = msgspec.to_builtins(record)
    assert isinstance(body, dict)
    return Event(id=f"{number:024x}", type=f"{record_type}.{kind}", created=AT, data=EventData(object=body))


def test_consecutive_upserts_of_one_type_share_a_batch_and_a_delete_ends_it() -> None:
    a, b = student(), teacher_staff_admin()
    ops = operations(
        [event(1, "created", a), event(2, "updated", b), event(3, "deleted", a), event(4, "created", a)]
    )
    assert ops == [Upsert("users", [a, b]), Delete("users", a.id, AT), Upsert("users", [a])]


def test_resource_events_are_not_stored() -> None:
    resource = {"id": "5e0000000000000000000001", "district": DISTRICT}
    assert operations([event(1, "created", resource, "resources")]) == []


def test_an_unknown_event_type_is_an_error_naming_the_event() -> None:
    with pytest.raises(SyncError, match=r"event 0+1 has type 'students.created'"):
        operations([event(1, "created", student(), "students")])


def test_a_record_that_does_not_decode_is_an_error_naming_the_event() -> None:
    broken = Event(id="1" * 24, type="users.updated", created=AT, data=EventData(object={"id": "x"}))
    with pytest.raises(SyncError, match=r"event 1{24} \(users.updated\) carries a users record"):
        operations([broken])


def test_applying_the_same_events_twice_changes_nothing(store: Store) -> None:
    lost_role = msgspec.structs.replace(
        teacher_staff_admin(),
        roles=msgspec.structs.replace(teacher_staff_admin().roles, staff=None),
    )
    events = [
        event(1, "created", teacher_staff_admin()),
        event(2, "created", student()),
        event(3, "updated", lost_role),
        event(4, "deleted", student()),
    ]
    for _ in range(2):
        with store.transaction() as tx:
            apply_operations(tx, operations(events), "run-1")
        assert store.find_user(lost_role.id) == lost_role
        assert store.find_user(student().id) is None
        assert store.counts(DISTRICT)["user_roles"] == len(lost_role.role_names())


def test_counts_report_writes_and_deletes(store: Store) -> None:
    with store.transaction() as tx:
        counts = apply_operations(
            tx, operations([event(1, "created", student()), event(2, "deleted", student())]), "run-1"
        )
        assert counts == {"users": 1, "users.deleted": 1}
        again = apply_operations(tx, operations([event(2, "deleted", student())]), "run-1")
    assert again == {}
    assert isinstance(store.find_user(student().id, include_deleted=True), User)
