"""Clever's time formats: `2023-03-26T16:08:05.609Z` timestamps, `YYYY-MM-DD` dates, `M/D/YYYY` birth dates,
plus the injected `Clock` everything that needs "now" receives."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, Protocol

_DOB: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIMESTAMP: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


class Clock(Protocol):
    """Where "now" comes from; injected so runs are reproducible."""

    def now(self) -> dt.datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that only moves when told to (tests, the emulator's control plane)."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start")
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward by `delta` (never backwards)."""
        if delta < dt.timedelta(0):
            raise ValueError("a clock cannot go backwards")
        self._now += delta


class RunningClock:
    """The wall clock, moved ahead by whatever `advance` added: a served emulator keeps real time (so the
    events it dates agree with its clients' clocks), yet its control plane can still jump it forward."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base: Clock = base if base is not None else SystemClock()
        self._ahead = dt.timedelta(0)

    def now(self) -> dt.datetime:
        return self._base.now() + self._ahead

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward by `delta` (never backwards)."""
        if delta < dt.timedelta(0):
            raise ValueError("a clock cannot go backwards")
        self._ahead += delta


def format_timestamp(moment: dt.datetime) -> str:
    """`2023-03-26T16:08:05.609Z`: UTC with milliseconds, as Clever sends `created`/`last_modified`."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> dt.datetime:
    """The instant of a Clever timestamp; raises ValueError for anything else."""
    if not _TIMESTAMP.match(text):
        raise ValueError(f"not a Clever timestamp: {text!r}")
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def is_timestamp(text: str) -> bool:
    """True when `text` is formatted as Clever formats timestamps."""
    return _TIMESTAMP.match(text) is not None


def format_date(day: dt.date) -> str:
    """`YYYY-MM-DD`, as Clever sends term dates and `launch_date`."""
    return day.isoformat()


def format_dob(day: dt.date) -> str:
    """`M/D/YYYY` without zero padding, as Clever sends a student's `dob`."""
    return f"{day.month}/{day.day}/{day.year}"


def parse_us_date(text: str) -> dt.date:
    """A `M/D/YYYY` or `MM/DD/YYYY` date (SFTP `DOB`, `Term_start`, `Term_end`); ValueError otherwise."""
    match = _DOB.match(text.strip())
    if match is None:
        raise ValueError(f"not a MM/DD/YYYY date: {text!r}")
    month, day, year = (int(part) for part in match.groups())
    return dt.date(year, month, day)
