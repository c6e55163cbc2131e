from __future__ import annotations

import gc

import pytest

from rollcall.domain.collector import paused_collector


def _fail_inside() -> None:
    with paused_collector():
        assert not gc.isenabled()
        raise RuntimeError


def test_the_collector_is_off_inside_and_back_on_after_even_when_the_block_raises() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        _fail_inside()
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_it_decorates_a_function() -> None:
    @paused_collector()
    def collecting() -> bool:
        return gc.isenabled()

    assert collecting() is False
    assert gc.isenabled()
