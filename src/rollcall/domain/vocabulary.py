"""Clever's enumerations (the same in v2.1 and v3.x): the values a field may take on the wire."""

from __future__ import annotations

from typing import Final

GRADES: Final = frozenset(
    {
        "InfantToddler", "Preschool", "PreKindergarten", "TransitionalKindergarten", "Kindergarten",
        *(str(n) for n in range(1, 14)),
        "PostGraduate", "Ungraded", "Other", "",
    }
)  # fmt: skip
SUBJECTS: Final = frozenset(
    {
        "english/language arts", "math", "science", "social studies", "language", "homeroom/advisory",
        "interventions/online learning", "technology and engineering", "PE and health", "arts and music",
        "other", "",
    }
)  # fmt: skip
GENDERS: Final = frozenset({"M", "F", "X", ""})
RACES: Final = frozenset(
    {
        "Caucasian", "Asian", "Black or African American", "American Indian",
        "Hawaiian or Other Pacific Islander", "Two or More Races", "Unknown", "",
    }
)  # fmt: skip
YES_NO: Final = frozenset({"Y", "N", ""})
FRL_STATUSES: Final = frozenset({"Free", "Reduced", "Paid", "Other", ""})
PHONE_TYPES: Final = frozenset({"Cell", "Home", "Work", "Other", ""})
RELATIONSHIPS: Final = frozenset({"Parent", "Grandparent", "Self", "Aunt/Uncle", "Sibling", "Other", ""})
CONTACT_TYPES: Final = frozenset(
    {"Parent/Guardian", "Emergency", "Primary", "Secondary", "Family", "Other", ""}
)
STAFF_PERMISSION_ROLES: Final = frozenset({"PortalOnly", "SchoolTechLead"})
DISTRICT_STATES: Final = frozenset({"running", "pending", "error", "paused", "success", ""})
