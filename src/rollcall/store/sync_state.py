"""The store's own values: sync checkpoints, sync runs and resume points (what was synced, when, how far)."""

from __future__ import annotations

from typing import Literal

import msgspec

RunKind = Literal["full", "incremental"]
RunStatus = Literal["running", "succeeded", "failed"]


class Checkpoint(msgspec.Struct, kw_only=True, frozen=True):
    """How far a district's sync got for one API version: the last applied event and the last full sync."""

    district_id: str
    api_version: str
    updated_at: str
    last_event_id: str | None = None
    last_full_sync_run_id: str | None = None


class SyncRun(msgspec.Struct, kw_only=True, frozen=True):
    """One full or incremental sync of a district; `counts` maps table → rows written."""

    run_id: str
    district_id: str
    kind: RunKind
    api_version: str
    status: RunStatus
    started_at: str
    finished_at: str | None = None
    counts: dict[str, int] = {}


class ResumePoint(msgspec.Struct, kw_only=True, frozen=True):
    """Where an interrupted full sync of a district picks up: run `run_id` has committed every collection
    before `collection`, and `collection` up to `resume_url` (None: from its first page). `start_event_id` is
    the newest event id read before the run began, the events cursor the finished run will save."""

    district_id: str
    api_version: str
    run_id: str
    collection: str
    updated_at: str
    resume_url: str | None = None
    start_event_id: str | None = None
