"""`ProgressReporter`: how a sync tells its caller what it is doing (the CLI draws Rich bars from it; the
sync room itself never touches the terminal)."""

from __future__ import annotations

from typing import Protocol


class ProgressReporter(Protocol):
    """Told, in order, about each collection (or `events`) a sync walks and the records each page wrote."""

    def collection_started(self, district_id: str, collection: str) -> None: ...

    def records_written(self, district_id: str, collection: str, count: int) -> None: ...

    def collection_finished(self, district_id: str, collection: str) -> None: ...


class SilentReporter:
    """Reports nothing (tests, benchmarks, `--json` without a terminal)."""

    def collection_started(self, district_id: str, collection: str) -> None:
        pass

    def records_written(self, district_id: str, collection: str, count: int) -> None:
        pass

    def collection_finished(self, district_id: str, collection: str) -> None:
        pass
