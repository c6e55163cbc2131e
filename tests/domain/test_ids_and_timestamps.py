from __future__ import annotations

import datetime as dt

import pytest

from rollcall.domain.ids import IdFactory, derive_object_id, is_object_id, object_id_time
from rollcall.domain.timestamps import (
    FixedClock,
    RunningClock,
    format_date,
    format_dob,
    format_timestamp,
    is_timestamp,
    parse_timestamp,
    parse_us_date,
)
from rollcall.domain.version import parse_api_version


def test_object_ids_are_24_hex_deterministic_and_time_prefixed() -> None:
    first = IdFactory("district-1").make(1_700_000_000, "teacher", "T1")
    assert is_object_id(first)
    assert first == IdFactory("district-1").make(1_700_000_000, "teacher", "T1")
    assert first != IdFactory("district-2").make(1_700_000_000, "teacher", "T1")
    assert object_id_time(first) == 1_700_000_000
    assert derive_object_id(1, "a") < derive_object_id(2, "a")


def test_object_id_rejects_times_outside_four_bytes() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        derive_object_id(2**32, "a")


def test_clever_time_formats() -> None:
    moment = dt.datetime(2023, 3, 26, 16, 8, 5, 609_999, tzinfo=dt.UTC)
    assert format_timestamp(moment) == "2023-03-26T16:08:05.609Z"
    assert parse_timestamp("2023-03-26T16:08:05.609Z") == moment.replace(microsecond=609_000)
    assert is_timestamp("2023-03-26T16:08:05.609Z")
    assert not is_timestamp("2023-03-26")
    assert format_date(dt.date(2024, 1, 2)) == "2024-01-02"
    assert format_dob(dt.date(2007, 2, 11)) == "2/11/2007"
    assert parse_us_date("02/11/2007") == dt.date(2007, 2, 11)
    with pytest.raises(ValueError, match="MM/DD/YYYY"):
        parse_us_date("2007-02-11")
    with pytest.raises(ValueError, match="month must be"):
        parse_us_date("13/45/2007")


def test_fixed_clock_only_moves_forward() -> None:
    clock = FixedClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    clock.advance(dt.timedelta(days=31))
    assert clock.now() == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(dt.timedelta(seconds=-1))


def test_a_running_clock_keeps_its_base_time_plus_what_was_added() -> None:
    base = FixedClock(dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
    clock = RunningClock(base)
    assert clock.now() == base.now()
    base.advance(dt.timedelta(seconds=5))  # time passes
    clock.advance(dt.timedelta(days=2))  # and the control plane jumps ahead
    assert clock.now() == dt.datetime(2026, 12, 5, 0, 0, 5, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(dt.timedelta(seconds=-1))
    wall = RunningClock()
    assert abs(wall.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_api_versions_parse_with_or_without_v() -> None:
    assert parse_api_version("3.1") == "v3.1"
    assert parse_api_version("v2.1") == "v2.1"
    with pytest.raises(ValueError, match="unknown Clever API version"):
        parse_api_version("v4")
