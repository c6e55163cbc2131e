"""SQL persistence of synced Clever districts (SQLite by default, PostgreSQL by URL).

Public API (names are stable; sync and migrate code against them):

    store = Store.open("sqlite:///rollcall.db")            # or postgresql://user@host/db; migrates to head
    with store.transaction() as tx:                        # commit on exit, rollback on error
        tx.start_run(run_id, district_id=…, kind="full", api_version="v3.1", at=…)
        tx.upsert_district(district, run_id=run_id)
        tx.upsert_schools(schools, run_id=run_id)          # also upsert_terms, upsert_courses → rows written
        tx.upsert_sections(sections, run_id=run_id)        # replaces section_teachers / section_students
        tx.upsert_users(users, run_id=run_id)              # replaces roles, role schools, relationships
        tx.write(user_batch(users, run_id))               # the same, from a batch built beforehand (pure)
        tx.delete("users", user_id, at=…)                  # soft delete (users.deleted) → bool; RECORD_TYPES
        tx.sweep(district_id, run_id=run_id, at=…)         # soft-delete what run_id did not see → {table: n}
        tx.save_checkpoint(Checkpoint(…))                  # commits with the data it covers
        tx.save_resume_point(ResumePoint(…)) · tx.clear_resume_point(district_id, api_version)
        tx.finish_run(run_id, at=…, counts={…})            # status="succeeded" | "failed"
        tx.purge_district(district_id)                     # physically remove a disconnected district
        tx.defer_indexes() · tx.ensure_indexes()           # a first load: drop on empty tables, build after
    store.counts(district_id) · store.table_fingerprint(district_id) · store.missing_indexes()
    store.find_user(id) · store.find_user_by_legacy_id(legacy_id) → (User, role)
    store.iter_users(district_id, page_size=5000)          # lazy, id order, keyset pages
    store.find_section(id) · store.iter_sections(district_id) · store.find_district(id)
    store.district_ids()                                   # every live district, id order
    store.iter_schools(district_id)                        # lazy, id order
    store.iter_role_legacy_ids(district_id)                # (user id, email, role, legacy id), no payloads
    store.iter_users_with_role(district_id, "contact")      # lazy, id order
    store.find_checkpoint(district_id, api_version) → Checkpoint | None
    store.find_run(run_id) → SyncRun | None
    store.find_resume_point(district_id, api_version) → ResumePoint | None  (an unfinished full sync)
    store.record_fleet_districts([id, …], at=…) · store.set_district_state(id, "failed", at=…, reason=…)
    store.start_attempt(SyncAttempt(…)) · store.finish_attempt(attempt_id, at=…, outcome=…)
    store.fleet_districts() · store.sync_attempts(district_id) · store.latest_runs()   (the fleet's ledger)
    with store.district_fence(district_id) as held: …      # one sync of a district at a time (PostgreSQL)
    with store.exclusively("queue schema"): …              # one process at a time does a set-up step
    store.close()

Upserts are idempotent and restore soft-deleted rows; a batch naming one record twice keeps the last.
Reads return live rows only (`include_deleted=True` on find_user/find_section/counts says otherwise).
Every failure is a `rollcall.errors.StoreError` naming the (password-masked) URL and the table.
On PostgreSQL, pick a schema with the URL's libpq options, e.g.
`postgresql://u@h/db?options=-csearch_path%3Dmyschema`.
"""

from rollcall.store.batch import (
    Batch,
    course_batch,
    district_batch,
    school_batch,
    section_batch,
    term_batch,
    user_batch,
)
from rollcall.store.engine import DEFAULT_URL, parse_url
from rollcall.store.fleet_ledger import AttemptOutcome, DistrictState, FleetDistrict, SyncAttempt
from rollcall.store.schema import RECORD_TYPES
from rollcall.store.store import Store
from rollcall.store.sync_state import Checkpoint, ResumePoint, RunKind, RunStatus, SyncRun
from rollcall.store.transaction import StoreTransaction

__all__ = [
    "DEFAULT_URL",
    "RECORD_TYPES",
    "AttemptOutcome",
    "Batch",
    "Checkpoint",
    "DistrictState",
    "FleetDistrict",
    "ResumePoint",
    "RunKind",
    "RunStatus",
    "Store",
    "StoreTransaction",
    "SyncAttempt",
    "SyncRun",
    "course_batch",
    "district_batch",
    "parse_url",
    "school_batch",
    "section_batch",
    "term_batch",
    "user_batch",
]
