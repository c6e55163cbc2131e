from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from rollcall.sync.prefetch import prefetched


def test_items_arrive_in_order_at_every_depth() -> None:
    for depth in (0, 1, 3):
        assert list(prefetched(iter(range(50)), depth)) == list(range(50))


def test_the_producers_error_is_raised_in_the_consumer_after_the_items_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("page 3 is damaged")

    seen: list[int] = []
    with pytest.raises(ValueError, match="page 3 is damaged"):
        seen.extend(prefetched(failing()))
    assert seen == [1, 2]


def test_the_producer_stays_at_most_depth_items_ahead_and_stops_when_the_consumer_does() -> None:
    produced: list[int] = []
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            for n in range(1000):
                produced.append(n)
                yield n
        finally:
            closed.set()

    items = prefetched(source(), depth=2)
    assert next(items) == 0
    items.close()
    assert closed.wait(5)
    assert len(produced) <= 4  # the one handed over, two queued, one waiting to be queued
