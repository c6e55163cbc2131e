"""Who is who in a roster: the deterministic ids of every record, and the keys that decide which rows are
the same person (employees by e-mail, contacts by Clever's contact identity)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from hashlib import blake2b
from typing import Final

from rollcall.domain.ids import IdFactory
from rollcall.domain.timestamps import format_date, format_timestamp

# Role records and students are "created" at T0; the v3 multi-role users of employees and contacts at T1,
# so that their ids sort after every v2 id, as they do on Clever.
T0: Final = dt.datetime(2024, 8, 1, tzinfo=dt.UTC)
T1: Final = dt.datetime(2025, 8, 1, tzinfo=dt.UTC)
T0_UNIX: Final = int(T0.timestamp())
T1_UNIX: Final = int(T1.timestamp())
T0_STAMP: Final = format_timestamp(T0)
T1_STAMP: Final = format_timestamp(T1)
LAUNCH_DATE: Final = format_date(T0.date())
LEGACY_KINDS: Final = ("teacher", "staff", "district_admin", "contact")


class RosterIds:
    """Every id of one district, derived from `seed/district name` and the record's natural key.

    Each id equals `IdFactory(namespace).make(time, kind, key)`; the hashing prefix of each (time, kind) is
    prepared once because a large district derives millions of ids.
    """

    def __init__(self, seed: str, district_name: str) -> None:
        self.namespace = f"{seed}/{district_name}"
        self.factory = IdFactory(namespace=self.namespace)
        self.district = self._maker(T0_UNIX, "district")
        self.school = self._maker(T0_UNIX, "school")
        self.section = self._maker(T0_UNIX, "section")
        self.course = self._maker(T0_UNIX, "course")
        self.term = self._maker(T0_UNIX, "term")
        # A student's one id, the same in v2 and v3.
        self.student = self._maker(T0_UNIX, "student")
        self._legacy = {kind: self._maker(T0_UNIX, kind) for kind in LEGACY_KINDS}
        # The v3 user id of the employee(s) sharing a normalised e-mail address, or (key `kind\x1fsis id`)
        # of an employee record that merges with nobody.
        self.employee_user = self._maker(T1_UNIX, "user")
        self.contact_user = self._maker(T1_UNIX, "contact-user")

    def _maker(self, created_unix: int, kind: str) -> Callable[[str], str]:
        """A fast `key -> id` for one creation time and kind."""
        if not 0 <= created_unix < 2**32:
            raise ValueError(f"creation time {created_unix} does not fit an ObjectID")
        prefix = f"{created_unix:08x}"
        head = f"{self.namespace}\x1f{kind}\x1f".encode()

        def make(key: str) -> str:
            return prefix + blake2b(head + key.encode(), digest_size=8).hexdigest()

        return make

    def legacy(self, kind: str, key: str) -> str:
        """The v2 id of a teacher, staff, district_admin or contact record."""
        return self._legacy[kind](key)

    def solo_employee_user(self, kind: str, sis_id: str) -> str:
        """The v3 user id of an employee record that merges with nobody (no e-mail, or an e-mail clash)."""
        return self.employee_user(f"{kind}\x1f{sis_id}")


def contact_key(
    sis_id: str, name: str, email: str, phone: str, kind: str, relationship: str, phone_type: str
) -> str:
    """Clever's contact identity: the `Contact_sis_id` when given; else name + e-mail; else name + phone;
    else name + type + relationship + phone type (clever-api.md §8.2)."""
    if sis_id:
        return f"sis\x1f{sis_id}"
    if email:
        return f"email\x1f{name}\x1f{email.strip().lower()}"
    if phone:
        return f"phone\x1f{name}\x1f{phone}"
    return f"name\x1f{name}\x1f{kind}\x1f{relationship}\x1f{phone_type}"
