"""Read-ahead of pages: a background thread fetches and decodes the next page while the caller writes the
current one, holding at most `depth` pages in hand so memory stays set by the page size."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Final, TypeVar

T = TypeVar("T")

_POLL_SECONDS: Final = 0.1
_JOIN_SECONDS: Final = 5.0


class _Done:
    pass


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """`items` in order, produced one step ahead on a daemon thread; the producer's exception is raised
    here, in the caller's thread. Closing the result early stops the producer after its current item."""
    if depth < 1:
        yield from items
        return
    handoff: queue.Queue[T | _Done | _Failed] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(value: T | _Done | _Failed) -> bool:
        while not stop.is_set():
            try:
                handoff.put(value, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_Done())
        except BaseException as error:  # handed to the consumer, who raises it
            put(_Failed(error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="rollcall-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            value = handoff.get()
            if isinstance(value, _Done):
                return
            if isinstance(value, _Failed):
                raise value.error
            yield value
    finally:
        stop.set()
        worker.join(_JOIN_SECONDS)
