"""A whole district at one instant: the district record and every school, term, course, section and user."""

from __future__ import annotations

from collections import Counter

import msgspec

from rollcall.domain.district import Course, District, Resource, School, Section, Term
from rollcall.domain.user import User, role_key


class DistrictSnapshot(msgspec.Struct, kw_only=True, frozen=True, gc=False):
    """Every record of one district, keyed by id: built by `roster`, served by the emulator, diffed."""

    district: District
    schools: dict[str, School]
    terms: dict[str, Term]
    courses: dict[str, Course]
    sections: dict[str, Section]
    users: dict[str, User]
    resources: dict[str, Resource] = {}

    def users_by_roles(self) -> dict[str, int]:
        """How many users hold each combination of roles, keyed like `staff+teacher`."""
        counts = Counter(role_key(user.role_names()) for user in self.users.values())
        return dict(sorted(counts.items()))

    def enrollment_count(self) -> int:
        """Student-in-section pairs across all sections."""
        return sum(len(section.students) for section in self.sections.values())
