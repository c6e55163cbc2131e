"""`Viewer`: who is looking at a page and in which role, decided on every request from the session and the
synced store (a sync that changed someone's roles shows on their next page load)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import msgspec

from rollcall.domain.user import RoleName, User
from rollcall.web.session import SignedIn

# "You're logged in as a Teacher. Switch to Staff view →" (the seeds' words).
ROLE_LABELS: Final[dict[RoleName, str]] = {
    "student": "Student",
    "teacher": "Teacher",
    "staff": "Staff member",
    "district_admin": "District admin",
    "contact": "Contact",
}
VIEW_LABELS: Final[dict[RoleName, str]] = {
    "student": "Student view",
    "teacher": "Teacher view",
    "staff": "Staff view",
    "district_admin": "District admin view",
    "contact": "Contact view",
}


def role_label(role: RoleName) -> str:
    return ROLE_LABELS[role]


def view_label(role: RoleName) -> str:
    return VIEW_LABELS[role]


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in person on one request. `user` is the synced v3 user (None when the store does not know
    them yet); `roles` are the store's when it knows them, Clever's from sign-in otherwise. `acting_as` None
    and `combined` False means a multi-role person who has not chosen yet."""

    person: SignedIn
    user: User | None
    roles: tuple[RoleName, ...]
    acting_as: RoleName | None
    combined: bool
    roles_changed: bool

    @property
    def user_id(self) -> str:
        return self.person.user_id

    @property
    def needs_choice(self) -> bool:
        return self.acting_as is None and not self.combined

    @property
    def acting_roles(self) -> tuple[RoleName, ...]:
        """The roles in effect: every role in the combined view, the chosen one otherwise."""
        if self.combined:
            return self.roles
        return (self.acting_as,) if self.acting_as is not None else ()

    @property
    def other_roles(self) -> tuple[RoleName, ...]:
        """What the switcher offers: every held role not acted in now."""
        return tuple(role for role in self.roles if self.combined or role != self.acting_as)

    @property
    def is_tech_lead(self) -> bool:
        """A staff member with Clever's SchoolTechLead sub-role (per the synced store)."""
        staff = self.user.roles.staff if self.user is not None else None
        return staff is not None and "SchoolTechLead" in staff.roles

    @property
    def pages(self) -> list[tuple[str, str]]:
        """The navigation of the role in use: (path, label). The pages check access again themselves."""
        roles = set(self.acting_roles)
        links = [("/", "Home")]
        if roles & {"teacher", "staff", "district_admin", "student"}:
            links.append(("/sections", "My sections" if roles <= {"teacher", "student"} else "Sections"))
        if roles & {"teacher", "staff", "district_admin", "contact"}:
            links.append(("/people", "My students" if roles <= {"teacher", "contact"} else "People"))
        if "district_admin" in roles:
            links.append(("/district", "District"))
        if "district_admin" in roles or ("staff" in roles and self.is_tech_lead):
            links.append(("/technology", "Technology settings"))
        return links

    @property
    def acting_label(self) -> str:
        if self.combined:
            return "all your roles (" + ", ".join(role_label(r) for r in self.roles) + ")"
        return role_label(self.acting_as) if self.acting_as is not None else "no role yet"


def resolve_viewer(person: SignedIn, user: User | None, *, combined_view: bool) -> Viewer:
    """The viewer of this request: roles from the store when it has the person, the session's choice kept
    only while it is still held; one role is chosen by itself, several wait for the chooser unless the
    settings ask for the combined view."""
    roles = user.role_names() if user is not None else person.roles
    acting: RoleName | None = person.acting_as if person.acting_as in roles else None
    combined = person.combined and len(roles) > 1
    lost_role = person.acting_as is not None and acting is None
    if acting is None and not combined:
        if len(roles) == 1:
            acting = roles[0]
        elif len(roles) > 1 and combined_view:
            combined = True
    changed = roles != person.roles or lost_role
    return Viewer(
        person=msgspec.structs.replace(person, roles=roles, acting_as=acting, combined=combined),
        user=user,
        roles=roles,
        acting_as=acting,
        combined=combined,
        roles_changed=changed,
    )
