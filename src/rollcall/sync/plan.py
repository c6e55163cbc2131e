"""`SyncPlan`: what a sync of one district will do and why (full or incremental, from which checkpoint), made
by the pure `plan_sync` from facts read beforehand; inspectable with `render_text()` and `to_json()`."""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import msgspec

from rollcall.domain.event import RETENTION_DAYS
from rollcall.domain.ids import is_object_id, object_id_time
from rollcall.domain.report import ReportStruct, fingerprint
from rollcall.domain.timestamps import format_timestamp, parse_timestamp
from rollcall.store import Checkpoint, ResumePoint, RunKind

SyncMode = Literal["full", "incremental"]

# Pulled in this order: what a record names (its district, school, term, course) is written before it.
FULL_COLLECTIONS: Final[tuple[str, ...]] = ("districts", "schools", "terms", "courses", "sections", "users")
# A resume point past the last collection: every page is in, only the sweep and the checkpoint are left.
SWEEP: Final = "(sweep)"
EVENTS: Final = "events"
RETENTION: Final = dt.timedelta(days=RETENTION_DAYS)


class SyncFacts(msgspec.Struct, kw_only=True, frozen=True):
    """What a plan is made from: read from the API (district, newest event, whether the cursor event still
    exists) and from the store (checkpoint, unfinished full sync) just before planning."""

    district_id: str
    district_name: str
    api_version: str
    latest_event_id: str | None
    checkpoint: Checkpoint | None = None
    resume: ResumePoint | None = None
    # None: not asked (no incremental was possible anyway); False: `GET /events/{cursor}` said 404.
    cursor_found: bool | None = None


class SyncPlan(ReportStruct, kw_only=True, frozen=True):
    """One district's sync, decided before anything is written. `start_event_id` is the events cursor: for
    an incremental sync the event to apply after, for a full sync the newest event before it began (saved
    as the checkpoint when it finishes). `collections` are what is left to pull, in order."""

    district_id: str
    district_name: str
    api_version: str
    requested: SyncMode
    kind: RunKind
    reason: str
    run_id: str
    planned_at: str
    collections: tuple[str, ...]
    start_event_id: str | None
    latest_event_id: str | None
    checkpoint: Checkpoint | None = None
    resume: ResumePoint | None = None

    @property
    def resuming(self) -> bool:
        """True when this plan continues an interrupted full sync (same run id)."""
        return self.resume is not None and self.resume.run_id == self.run_id

    @property
    def basis(self) -> str:
        """The fingerprint of the store state the plan was made from (checkpoint and unfinished run)."""
        return store_basis(self.checkpoint, self.resume)

    def derived(self) -> dict[str, object]:
        return {"resuming": self.resuming}

    def render_text(self) -> str:
        """A few lines for a person."""
        what = "incremental (events)" if self.kind == "incremental" else "full (pull every collection, sweep)"
        lines = [
            f"district {self.district_name} ({self.district_id}), API {self.api_version}",
            f"  sync:        {what}",
            f"  why:         {self.reason}",
            f"  run:         {self.run_id}{' (resumed)' if self.resuming else ''}",
        ]
        if self.kind == "incremental":
            lines.append(f"  events after: {self.start_event_id or '(the beginning of the feed)'}")
        else:
            lines.append(f"  collections: {', '.join(self.collections) or '(all pulled; sweep left)'}")
            lines.append(f"  checkpoint to save: event {self.start_event_id or '(none: the feed is empty)'}")
        cp = self.checkpoint
        if cp is None:
            lines.append("  checkpoint:  none")
        else:
            lines.append(
                f"  checkpoint:  event {cp.last_event_id or '(none)'}, saved {cp.updated_at}, "
                f"last full run {cp.last_full_sync_run_id or '(none)'}"
            )
        lines.append(f"  newest event: {self.latest_event_id or '(none)'}")
        return "\n".join(lines)


def store_basis(checkpoint: Checkpoint | None, resume: ResumePoint | None) -> str:
    """What a sync plan depends on in the store, as a fingerprint: apply refuses a plan whose basis moved."""
    return fingerprint((checkpoint, resume))


def event_age(event_id: str, now: dt.datetime) -> dt.timedelta:
    """How long ago the event was created (its ObjectID's timestamp)."""
    return now - dt.datetime.fromtimestamp(object_id_time(event_id), dt.UTC)


def feed_now(now: dt.datetime, latest_event_id: str | None) -> dt.datetime:
    """The feed's "now", by which an event's age is judged: our clock, or the newest event's time when that
    is earlier. A server whose clock runs behind ours (an emulator on a fixed clock, a skewed host) dates its
    events by its own clock, and judging them by ours would call a minute-old event months old. The earlier
    of the two can only understate an age, and an understated one is caught by asking the API whether the
    cursor event still exists (`SyncFacts.cursor_found`)."""
    if latest_event_id is None or not is_object_id(latest_event_id):
        return now
    return min(now, dt.datetime.fromtimestamp(object_id_time(latest_event_id), dt.UTC))


def _days(age: dt.timedelta) -> str:
    return f"{age.total_seconds() / 86_400:.1f} days"


def cursor_expiry(cursor: str | None, saved_at: str, now: dt.datetime, event_now: dt.datetime) -> str | None:
    """Why the events after `cursor` may no longer all be in the feed, or None when they are. Without a
    cursor (the feed was empty), the feed is complete while the last save (dated by our clock, `now`) is
    within the window; a cursor event's age is judged by the feed's clock (`event_now`, see `feed_now`)."""
    if cursor is None:
        age = now - parse_timestamp(saved_at)
        if age > RETENTION:
            return f"the last sync was {_days(age)} ago, past the {RETENTION_DAYS}-day events window"
        return None
    if not is_object_id(cursor):
        return f"checkpoint event {cursor!r} is not an ObjectID"
    age = event_age(cursor, event_now)
    if age > RETENTION:
        return f"checkpoint event {cursor} is {_days(age)} old, past the {RETENTION_DAYS}-day events window"
    return None


def remaining_collections(collection: str) -> tuple[str, ...]:
    """The collections from `collection` on; empty for the sweep marker (or a name this rollcall does not
    pull any more)."""
    if collection not in FULL_COLLECTIONS:
        return ()
    return FULL_COLLECTIONS[FULL_COLLECTIONS.index(collection) :]


def wants_cursor_check(facts: SyncFacts, mode: SyncMode, now: dt.datetime) -> str | None:
    """The event id worth looking up (`GET /events/{id}`) before planning: only when an incremental sync is
    otherwise possible."""
    cp = facts.checkpoint
    if mode != "incremental" or facts.resume is not None or cp is None or cp.last_event_id is None:
        return None
    expired = cursor_expiry(cp.last_event_id, cp.updated_at, now, feed_now(now, facts.latest_event_id))
    return None if expired else cp.last_event_id


def plan_sync(facts: SyncFacts, *, mode: SyncMode, now: dt.datetime, run_id: str) -> SyncPlan:
    """Decide one district's sync. An unfinished full sync is resumed (or restarted when its starting event
    has left the window); `incremental` falls back to full without a usable checkpoint."""

    def plan(
        kind: RunKind, reason: str, run: str, collections: tuple[str, ...], start: str | None
    ) -> SyncPlan:
        return SyncPlan(
            district_id=facts.district_id, district_name=facts.district_name, api_version=facts.api_version,
            requested=mode, kind=kind, reason=reason, run_id=run, planned_at=format_timestamp(now),
            collections=collections, start_event_id=start, latest_event_id=facts.latest_event_id,
            checkpoint=facts.checkpoint, resume=facts.resume,
        )  # fmt: skip

    def full(reason: str) -> SyncPlan:
        return plan("full", reason, run_id, FULL_COLLECTIONS, facts.latest_event_id)

    event_now = feed_now(now, facts.latest_event_id)
    resume = facts.resume
    if resume is not None:
        expired = cursor_expiry(resume.start_event_id, resume.updated_at, now, event_now)
        if expired is not None:
            return full(f"restarting the unfinished full sync {resume.run_id}: {expired}")
        remaining = remaining_collections(resume.collection)
        where = resume.collection if remaining else "its sweep"
        reason = f"resuming the unfinished full sync {resume.run_id} at {where}"
        return plan("full", reason, resume.run_id, remaining, resume.start_event_id)
    if mode == "full":
        return full("a full sync was asked for")
    cp = facts.checkpoint
    if cp is None:
        return full(f"no checkpoint for API {facts.api_version} yet: the first sync is full")
    expired = cursor_expiry(cp.last_event_id, cp.updated_at, now, event_now)
    if expired is not None:
        return full(expired)
    if facts.cursor_found is False:
        return full(f"the events API no longer has checkpoint event {cp.last_event_id}")
    since = f"after event {cp.last_event_id}" if cp.last_event_id else "from the start of the feed"
    return plan("incremental", f"applying events {since}", run_id, (EVENTS,), cp.last_event_id)
