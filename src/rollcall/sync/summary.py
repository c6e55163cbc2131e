"""`SyncSummary`: what one district's sync did (records written per collection, events applied, rows swept,
the checkpoint it saved, how long it took), for people (`render_text`) and machines (`to_json`)."""

from __future__ import annotations

from rollcall.domain.report import ReportStruct
from rollcall.store import RunKind


class SyncSummary(ReportStruct, kw_only=True, frozen=True):
    """The outcome of one district's sync. `written` counts records per collection (and `<collection>.deleted`
    for events that deleted one); `swept` counts records a full sync soft-deleted because they vanished;
    `rows` holds the district's live rows per table afterwards."""

    district_id: str
    district_name: str
    api_version: str
    kind: RunKind
    run_id: str
    reason: str
    resumed: bool
    written: dict[str, int]
    events_applied: int
    swept: dict[str, int]
    rows: dict[str, int]
    checkpoint_event_id: str | None
    seconds: float

    @property
    def records_written(self) -> int:
        return sum(count for name, count in self.written.items() if not name.endswith(".deleted"))

    def derived(self) -> dict[str, object]:
        return {"records_written": self.records_written}

    def render_text(self) -> str:
        rate = self.records_written / self.seconds if self.seconds > 0 else 0.0
        written = ", ".join(f"{name} {count:,}" for name, count in self.written.items()) or "nothing"
        swept = ", ".join(f"{name} {count:,}" for name, count in self.swept.items() if count) or "nothing"
        lines = [
            f"district {self.district_name} ({self.district_id}), API {self.api_version}: "
            f"{self.kind} sync{' (resumed)' if self.resumed else ''} in {self.seconds:,.2f} s "
            f"({rate:,.0f} records/s)",
            f"  why:        {self.reason}",
            f"  written:    {written}",
        ]
        if self.kind == "incremental":
            lines.append(f"  events:     {self.events_applied:,} applied")
        else:
            lines.append(f"  swept:      {swept}")
        lines.append(f"  checkpoint: event {self.checkpoint_event_id or '(none: the feed was empty)'}")
        lines.append("  rows:       " + ", ".join(f"{name} {count:,}" for name, count in self.rows.items()))
        return "\n".join(lines)
