from __future__ import annotations

from pathlib import Path

from rollcall.migrate.truth import _store_people
from rollcall.migrate.values import V3Person
from rollcall.store import Store
from tests.migrate import scenario


def test_people_read_from_the_role_rows_equal_people_made_from_the_full_users(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/truth.db"
    scenario.write_truth(url)
    with Store.open(url) as store:
        fast = list(_store_people(store, scenario.DISTRICT))
        full = [V3Person.of(user) for user in store.iter_users(scenario.DISTRICT)]
    assert fast == full
    assert len(fast) == len(scenario.people())
    robin = next(person for person in fast if person.id == scenario.ROBIN)
    assert robin.roles == (("teacher", "t-robin"), ("staff", "s-robin"), ("district_admin", "d-robin"))
