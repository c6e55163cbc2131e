from __future__ import annotations

import threading
from pathlib import Path

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
