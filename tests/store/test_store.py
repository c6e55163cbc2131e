from __future__ import annotations

import threading
from pathlib import Path

import msgspec

from rollcall.store import Store
from tests.factories import unit as records


def test_two_stores_on_one_sqlite_file_write_in_turn_without_lock_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    Store.open(url).close()
    failures: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            with Store.open(url) as store:
                for n in range(15):
                    user = records.teacher(f"{prefix}{n:022d}", f"{prefix}{n}")
                    with store.transaction() as tx:
                        tx.upsert_users([user], run_id=prefix)
                    assert store.find_user(user.id) == user  # reads go on while the other writes
        except BaseException as error:  # collected: an assertion in a thread would otherwise vanish
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(prefix,)) for prefix in ("aa", "bb")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with Store.open(url) as store:
        assert store.counts(records.DISTRICT)["users"] == 30


def test_district_ids_lists_live_districts_in_id_order(store: Store) -> None:
    assert store.district_ids() == []
    other = msgspec.structs.replace(records.district(), id="5f0000000000000000000000")
    with store.transaction() as tx:
        tx.upsert_district(records.district(), run_id="r1")
        tx.upsert_district(other, run_id="r1")
    assert store.district_ids() == [other.id, records.DISTRICT]
    with store.transaction() as tx:
        tx.delete("districts", other.id, at="2026-12-01T00:00:00.000Z")
    assert store.district_ids() == [records.DISTRICT]


def test_iter_schools_reads_the_districts_live_schools(store: Store) -> None:
    with store.transaction() as tx:
        tx.upsert_district(records.district(), run_id="r1")
        tx.upsert_schools(records.schools(), run_id="r1")
    assert [school.id for school in store.iter_schools(records.DISTRICT, page_size=1)] == sorted(
        school.id for school in records.schools()
    )
    assert list(store.iter_schools("5f0000000000000000000999")) == []


def test_role_legacy_ids_and_users_with_a_role_read_what_the_payloads_say(store: Store) -> None:
    people = [records.teacher_staff_admin(), records.student(), records.guardian_of_two()]
    with store.transaction() as tx:
        tx.upsert_district(records.district(), run_id="r1")
        tx.upsert_users(people, run_id="r1")
    expected = sorted(
        (user.id, user.email, role, user.legacy_id(role)) for user in people for role in user.role_names()
    )
    assert list(store.iter_role_legacy_ids(records.DISTRICT, page_size=2)) == expected
    contacts = list(store.iter_users_with_role(records.DISTRICT, "contact", page_size=1))
    assert contacts == [records.guardian_of_two()]
    with store.transaction() as tx:
        tx.delete("users", records.guardian_of_two().id, at="2026-12-01T00:00:00.000Z")
    assert list(store.iter_users_with_role(records.DISTRICT, "contact")) == []
    assert all(row[0] != records.guardian_of_two().id for row in store.iter_role_legacy_ids(records.DISTRICT))
