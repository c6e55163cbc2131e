"""Clever-style 24-hex ObjectIDs: a 4-byte creation time followed by 8 bytes derived from a stable key.

Ids are derived, never random, so the same roster (and seed) gives the same ids every time, and ids sort
roughly by creation time as Clever's do.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

OBJECT_ID_PATTERN: Final = re.compile(r"^[0-9a-f]{24}$")


def is_object_id(value: str) -> bool:
    """True when `value` is a 24-character lower-case hex string."""
    return OBJECT_ID_PATTERN.match(value) is not None


def derive_object_id(created_unix: int, *key: str) -> str:
    """The ObjectID created at `created_unix` for the record named by `key` (e.g. namespace, kind, sis id)."""
    if not 0 <= created_unix < 2**32:
        raise ValueError(f"creation time {created_unix} does not fit an ObjectID")
    digest = hashlib.blake2b("\x1f".join(key).encode(), digest_size=8).hexdigest()
    return f"{created_unix:08x}{digest}"


def object_id_time(object_id: str) -> int:
    """The Unix second encoded in the first 4 bytes of an ObjectID."""
    return int(object_id[:8], 16)


class IdFactory:
    """Derives the ids of one district: every id is a pure function of (namespace, kind, key, time)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def make(self, created_unix: int, kind: str, key: str) -> str:
        """The id of the `kind` record whose natural key is `key`."""
        return derive_object_id(created_unix, self.namespace, kind, key)
