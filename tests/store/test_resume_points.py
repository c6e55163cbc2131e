from __future__ import annotations

import msgspec
import pytest

from rollcall.store import ResumePoint, Store
from tests.factories.unit import DISTRICT, student

AT = "2026-11-25T10:00:00.000Z"


def point(**changes: object) -> ResumePoint:
    base = ResumePoint(
        district_id=DISTRICT,
        api_version="v3.1",
        run_id="run-1",
        collection="users",
        updated_at=AT,
        resume_url="/v3.1/users?limit=2&starting_after=5b0000000000000000000001",
        start_event_id="6a0000000000000000000001",
    )
    return msgspec.structs.replace(base, **changes)


def test_a_resume_point_reads_back_per_district_and_version(store: Store) -> None:
    assert store.find_resume_point(DISTRICT, "v3.1") is None
    with store.transaction() as tx:
        tx.save_resume_point(point())
    assert store.find_resume_point(DISTRICT, "v3.1") == point()
    assert store.find_resume_point(DISTRICT, "v3.0") is None


def test_saving_again_moves_the_one_resume_point(store: Store) -> None:
    with store.transaction() as tx:
        tx.save_resume_point(point())
    with store.transaction() as tx:
        tx.save_resume_point(point(collection="sections", resume_url=None))
    assert store.find_resume_point(DISTRICT, "v3.1") == point(collection="sections", resume_url=None)


def test_a_resume_point_commits_or_rolls_back_with_its_page(store: Store) -> None:
    class Killed(Exception):
        pass

    def killed_page() -> None:
        with store.transaction() as tx:
            tx.upsert_users([student()], run_id="run-1")
            tx.save_resume_point(point())
            raise Killed

    with pytest.raises(Killed):
        killed_page()
    assert store.find_resume_point(DISTRICT, "v3.1") is None
    assert store.find_user(student().id) is None


def test_clearing_reports_whether_there_was_one(store: Store) -> None:
    with store.transaction() as tx:
        tx.save_resume_point(point())
    with store.transaction() as tx:
        assert tx.clear_resume_point(DISTRICT, "v3.1") is True
        assert tx.clear_resume_point(DISTRICT, "v3.1") is False
    assert store.find_resume_point(DISTRICT, "v3.1") is None


def test_purging_the_district_forgets_its_resume_point(store: Store) -> None:
    with store.transaction() as tx:
        tx.save_resume_point(point())
    with store.transaction() as tx:
        removed = tx.purge_district(DISTRICT)
    assert removed["sync_resume_points"] == 1
    assert store.find_resume_point(DISTRICT, "v3.1") is None
