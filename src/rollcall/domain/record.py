"""The base of every district value: keyword-only msgspec Structs that omit unset fields on the wire."""

from __future__ import annotations

from typing import Any

import msgspec

JsonObject = dict[str, object]


class Record(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    """A value as Clever sends it; treat it as immutable (`msgspec.structs.replace` makes changed copies).
    `None` and empty defaults are left out of the encoded JSON.

    `gc=False`: records only hold strings, numbers and other records, never cycles, and a district holds
    millions of them; keeping them out of the cyclic collector keeps loads fast.
    """


class Name(Record):
    """A person's name. A v3 contact carries its whole name in `last`."""

    first: str | None = None
    middle: str | None = None
    last: str | None = None


class Credentials(Record):
    """Login credentials Clever shares with apps."""

    district_username: str | None = None


class Location(Record):
    """A postal address (students and schools)."""

    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    lat: str | None = None
    lon: str | None = None


class LmsStatus(Record):
    """v3.1 only: whether the record is synced in the district's LMS."""

    synced_in_lms: bool = False


def sent_when_empty() -> list[Any]:
    """A list field's default that stays on the wire when empty (Clever sends a contact's `[]`): msgspec
    leaves out only defaults it can compare, a literal or a builtin factory such as `list`, so an empty list
    made by this function is still encoded. Pinned by a domain test in case msgspec changes."""
    return []
