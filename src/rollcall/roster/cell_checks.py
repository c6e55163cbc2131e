"""Checks on single cell values: Clever's enumerations, e-mail addresses and `MM/DD/YYYY` dates. Each check
returns the problem's message (or None), so the readers stay free of validation detail."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from rollcall.domain.timestamps import format_date, format_dob, parse_us_date
from rollcall.domain.vocabulary import (
    CONTACT_TYPES,
    GENDERS,
    GRADES,
    PHONE_TYPES,
    RACES,
    RELATIONSHIPS,
    SUBJECTS,
    YES_NO,
)

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+")
STAFF_ROLE_VALUES: Final = frozenset({"", "School Tech Lead"})

# The enumerated columns of each file, with the values Clever accepts (clever-api.md §2.3).
ENUMS: Final[dict[str, dict[str, frozenset[str]]]] = {
    "schools.csv": {"Low_grade": GRADES, "High_grade": GRADES},
    "students.csv": {
        "Grade": GRADES, "Gender": GENDERS, "Race": RACES, "Hispanic_Latino": YES_NO, "Ell_status": YES_NO,
        "Contact_relationship": RELATIONSHIPS, "Contact_type": CONTACT_TYPES,
        "Contact_phone_type": PHONE_TYPES,
    },
    "sections.csv": {"Grade": GRADES, "Subject": SUBJECTS},
    "staff.csv": {"Role": STAFF_ROLE_VALUES},
}  # fmt: skip


def enum_problem(column: str, value: str, allowed: frozenset[str]) -> str:
    """The message for a value outside Clever's enumeration."""
    shown = ", ".join(repr(option) for option in sorted(allowed) if option)
    return f"{value!r} is not a valid {column}; expected one of {shown} (or blank)"


def email_problem(value: str) -> str | None:
    """None for a blank or plausible address (one `@` with text on both sides, no spaces)."""
    if not value or _EMAIL.fullmatch(value) is not None:
        return None
    return f"{value!r} is not an e-mail address (one @ with text on both sides, no spaces)"


def normalise_email(value: str) -> str:
    """The merge key of an address: trimmed and lower-cased."""
    return value.strip().lower()


@lru_cache(maxsize=65536)
def parse_dob(value: str) -> str | None:
    """`M/D/YYYY` as Clever sends a `dob`, or None when `value` is not a real `MM/DD/YYYY` date."""
    try:
        return format_dob(parse_us_date(value))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_term_date(value: str) -> str | None:
    """`YYYY-MM-DD` as Clever sends term dates, or None when `value` is not a real `MM/DD/YYYY` date."""
    try:
        return format_date(parse_us_date(value))
    except ValueError:
        return None


def date_problem(column: str, value: str) -> str:
    """The message for a malformed or impossible date."""
    return f"{value!r} is not a real date in {column}; expected MM/DD/YYYY"
