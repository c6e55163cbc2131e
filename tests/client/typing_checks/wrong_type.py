"""Checked by mypy in `tests/client/test_typing.py`: a users query does not give a `District`, so mypy must
report exactly the line marked below (proof that the typing check can fail)."""

from __future__ import annotations

from typing import assert_type

from rollcall.client import CleverClient
from rollcall.domain.district import District


def wrong(clever: CleverClient) -> None:
    assert_type(clever.get(clever.endpoints.user("u1")), District)  # mypy: error here
