from __future__ import annotations

import datetime as dt
import json

import msgspec

from rollcall.domain.ids import derive_object_id
from rollcall.domain.timestamps import format_timestamp
from rollcall.store import Checkpoint, ResumePoint
from rollcall.sync.plan import (
    FULL_COLLECTIONS,
    SWEEP,
    SyncFacts,
    feed_now,
    plan_sync,
    wants_cursor_check,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DISTRICT = "5f0000000000000000000001"


def event_id(days_ago: float) -> str:
    return derive_object_id(int((NOW - dt.timedelta(days=days_ago)).timestamp()), "event", str(days_ago))


def checkpoint(last_event_id: str | None, saved_days_ago: float = 0) -> Checkpoint:
    saved = format_timestamp(NOW - dt.timedelta(days=saved_days_ago))
    return Checkpoint(
        district_id=DISTRICT, api_version="v3.1", updated_at=saved, last_event_id=last_event_id,
        last_full_sync_run_id="run-old",
    )  # fmt: skip


def facts(**changes: object) -> SyncFacts:
    base = SyncFacts(
        district_id=DISTRICT, district_name="Lincoln", api_version="v3.1", latest_event_id=event_id(0.5)
    )
    return msgspec.structs.replace(base, **changes)


def test_a_first_sync_is_full_even_when_incremental_is_asked_for() -> None:
    plan = plan_sync(facts(), mode="incremental", now=NOW, run_id="run-new")
    assert (plan.kind, plan.collections, plan.run_id) == ("full", FULL_COLLECTIONS, "run-new")
    assert "no checkpoint" in plan.reason
    assert plan.start_event_id == event_id(0.5)  # the newest event, read before pulling anything


def test_incremental_starts_after_the_checkpoint_event() -> None:
    cursor = event_id(3)
    plan = plan_sync(facts(checkpoint=checkpoint(cursor)), mode="incremental", now=NOW, run_id="r")
    assert (plan.kind, plan.start_event_id, plan.collections) == ("incremental", cursor, ("events",))


def test_a_checkpoint_past_the_30_day_window_falls_back_to_full() -> None:
    plan = plan_sync(facts(checkpoint=checkpoint(event_id(31))), mode="incremental", now=NOW, run_id="r")
    assert plan.kind == "full"
    assert "past the 30-day events window" in plan.reason
    assert plan.start_event_id == event_id(0.5)


def test_a_checkpoint_just_inside_the_window_stays_incremental() -> None:
    plan = plan_sync(facts(checkpoint=checkpoint(event_id(29.9))), mode="incremental", now=NOW, run_id="r")
    assert plan.kind == "incremental"


def test_a_cursor_the_api_no_longer_has_falls_back_to_full() -> None:
    gone = facts(checkpoint=checkpoint(event_id(2)), cursor_found=False)
    plan = plan_sync(gone, mode="incremental", now=NOW, run_id="r")
    assert (plan.kind, plan.reason) == (
        "full",
        f"the events API no longer has checkpoint event {event_id(2)}",
    )


def test_without_a_cursor_the_age_of_the_last_save_decides() -> None:
    fresh = plan_sync(facts(checkpoint=checkpoint(None, 10)), mode="incremental", now=NOW, run_id="r")
    stale = plan_sync(facts(checkpoint=checkpoint(None, 40)), mode="incremental", now=NOW, run_id="r")
    assert (fresh.kind, fresh.start_event_id) == ("incremental", None)
    assert stale.kind == "full"


def test_full_mode_ignores_a_good_checkpoint() -> None:
    plan = plan_sync(facts(checkpoint=checkpoint(event_id(1))), mode="full", now=NOW, run_id="r")
    assert (plan.kind, plan.reason) == ("full", "a full sync was asked for")


def resume_point(collection: str, start_days_ago: float = 1) -> ResumePoint:
    return ResumePoint(
        district_id=DISTRICT, api_version="v3.1", run_id="run-killed", collection=collection,
        resume_url="/v3.1/sections?limit=2&starting_after=5a0000000000000000000009",
        start_event_id=event_id(start_days_ago), updated_at=format_timestamp(NOW),
    )  # fmt: skip


def test_an_unfinished_full_sync_is_resumed_in_either_mode() -> None:
    for mode in ("full", "incremental"):
        plan = plan_sync(facts(resume=resume_point("sections")), mode=mode, now=NOW, run_id="run-new")
        assert (plan.kind, plan.run_id, plan.resuming) == ("full", "run-killed", True)
        assert plan.collections == ("sections", "users")
        assert plan.start_event_id == event_id(1)  # the run's own starting event, not today's newest


def test_a_resume_point_past_the_sweep_leaves_only_the_sweep() -> None:
    plan = plan_sync(facts(resume=resume_point(SWEEP)), mode="full", now=NOW, run_id="run-new")
    assert (plan.collections, plan.resuming) == ((), True)
    assert "its sweep" in plan.reason


def test_an_unfinished_run_that_started_outside_the_window_starts_over() -> None:
    plan = plan_sync(facts(resume=resume_point("users", 45)), mode="full", now=NOW, run_id="run-new")
    assert (plan.run_id, plan.resuming, plan.collections) == ("run-new", False, FULL_COLLECTIONS)
    assert plan.reason.startswith("restarting the unfinished full sync run-killed")


def test_the_cursor_is_looked_up_only_when_an_incremental_sync_is_possible() -> None:
    cursor = event_id(2)
    assert wants_cursor_check(facts(checkpoint=checkpoint(cursor)), "incremental", NOW) == cursor
    assert wants_cursor_check(facts(checkpoint=checkpoint(cursor)), "full", NOW) is None
    assert wants_cursor_check(facts(checkpoint=checkpoint(event_id(40))), "incremental", NOW) is None
    assert wants_cursor_check(facts(checkpoint=checkpoint(None)), "incremental", NOW) is None


def test_the_plan_renders_for_people_and_machines() -> None:
    plan = plan_sync(facts(checkpoint=checkpoint(event_id(3))), mode="incremental", now=NOW, run_id="r")
    text = plan.render_text()
    assert "incremental" in text
    assert event_id(3) in text
    decoded = json.loads(plan.to_json())
    assert decoded["kind"] == "incremental"
    assert decoded["checkpoint"]["last_event_id"] == event_id(3)
    assert decoded["resuming"] is False


# A server whose clock runs 92 days behind ours (an emulator on a fixed clock): it dates its events by its own
# clock, so its newest event, a minute old to it, looks 92 days old to us.
BEHIND = 92


def test_an_event_is_judged_by_the_feeds_clock_when_the_server_runs_behind() -> None:
    newest = event_id(BEHIND)
    cursor = event_id(BEHIND + 1)  # a day before the server's newest event: well inside the window
    seen = facts(latest_event_id=newest, checkpoint=checkpoint(cursor))
    plan = plan_sync(seen, mode="incremental", now=NOW, run_id="r")
    assert (plan.kind, plan.start_event_id) == ("incremental", cursor)
    assert wants_cursor_check(seen, "incremental", NOW) == cursor  # the API is still asked whether it has it


def test_a_full_sync_interrupted_on_a_server_that_runs_behind_resumes() -> None:
    newest = event_id(BEHIND)
    killed = msgspec.structs.replace(resume_point("users"), start_event_id=newest)
    plan = plan_sync(facts(latest_event_id=newest, resume=killed), mode="full", now=NOW, run_id="r")
    assert plan.resuming
    assert plan.run_id == "run-killed"


def test_the_feed_clock_never_runs_ahead_of_ours() -> None:
    ahead = derive_object_id(int((NOW + dt.timedelta(days=5)).timestamp()), "event", "future")
    assert feed_now(NOW, ahead) == NOW
    assert feed_now(NOW, None) == NOW
    assert feed_now(NOW, event_id(3)) == NOW - dt.timedelta(days=3)
