"""Who is who in a roster: the deterministic ids of every record, and the keys that decide which rows are
the same person (employees by e-mail, contacts by Clever's contact identity)."""

from __future__ import annotations

import datetime as dt
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


class RosterIds:
    """Every id of one district, derived from `seed/district name` and the record's natural key."""

    def __init__(self, seed: str, district_name: str) -> None:
        self._factory = IdFactory(namespace=f"{seed}/{district_name}")
        self._make = self._factory.make

    def district(self, name: str) -> str:
        return self._make(T0_UNIX, "district", name)

    def school(self, school_id: str) -> str:
        return self._make(T0_UNIX, "school", school_id)

    def section(self, section_id: str) -> str:
        return self._make(T0_UNIX, "section", section_id)

    def course(self, key: str) -> str:
        return self._make(T0_UNIX, "course", key)

    def term(self, key: str) -> str:
        return self._make(T0_UNIX, "term", key)

    def student(self, student_id: str) -> str:
        """A student's one id, the same in v2 and v3."""
        return self._make(T0_UNIX, "student", student_id)

    def legacy(self, kind: str, key: str) -> str:
        """The v2 id of a teacher, staff, district_admin or contact record."""
        return self._make(T0_UNIX, kind, key)

    def employee_user(self, email_key: str) -> str:
        """The v3 user id of the employee(s) sharing a normalised e-mail address."""
        return self._make(T1_UNIX, "user", email_key)

    def solo_employee_user(self, kind: str, sis_id: str) -> str:
        """The v3 user id of an employee record that merges with nobody (no e-mail, or an e-mail clash)."""
        return self._make(T1_UNIX, "user", f"{kind}\x1f{sis_id}")

    def contact_user(self, contact_key: str) -> str:
        """The v3 user id of a contact."""
        return self._make(T1_UNIX, "contact-user", contact_key)


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
