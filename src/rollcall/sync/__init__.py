"""Clever → store: full sync (mark and sweep, resumable page by page), incremental sync from events, both
planned before they run.

    plan = plan_district(client, store, mode="incremental")  # reads only; render_text(), to_json()
    summary = apply_plan(plan, client, store, reporter=…)   # writes; render_text(), to_json()
    sync_district(client, store, mode="full")                # both in one call

Every page (of records or of events) commits in one transaction with the checkpoint or resume point that
covers it, so a sync killed at any instant and run again ends with the rows an uninterrupted run writes.
"""

from rollcall.sync.engine import apply_plan, new_run_id, plan_district, read_district, sync_district
from rollcall.sync.plan import FULL_COLLECTIONS, SyncFacts, SyncMode, SyncPlan, plan_sync
from rollcall.sync.summary import SyncSummary

__all__ = [
    "FULL_COLLECTIONS",
    "SyncFacts",
    "SyncMode",
    "SyncPlan",
    "SyncSummary",
    "apply_plan",
    "new_run_id",
    "plan_district",
    "plan_sync",
    "read_district",
    "sync_district",
]
