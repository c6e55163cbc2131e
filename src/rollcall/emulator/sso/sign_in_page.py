"""The OAuth sign-in page (pick who to sign in as, and in which role) and the OAuth error page, rendered
from `templates/sso/`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from rollcall.domain.user import RoleName, User, default_login_role
from rollcall.emulator.directory import ScanPage
from rollcall.emulator.html_page import PAGES, person_name, roles_and_legacy_ids

_SIGN_IN: Final = PAGES.get_template("sso/sign_in.html")
_ERROR: Final = PAGES.get_template("sso/error.html")


def error_page(message: str) -> str:
    """The page shown instead of redirecting when an OAuth request cannot be trusted."""
    return _ERROR.render(message=message)


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    """The validated parameters of `/oauth/authorize`, carried through the login form."""

    client_id: str
    redirect_uri: str
    state: str | None
    nonce: str | None
    district_id: str | None
    scope: str | None

    def pairs(self, **extra: str | None) -> dict[str, str]:
        """The authorize parameters (and `extra`) that have a value: what each form carries on."""
        pairs = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "nonce": self.nonce,
            "scope": self.scope,
            "district_id": self.district_id,
            **extra,
        }
        return {key: value for key, value in pairs.items() if value is not None}

    def query(self, **extra: str | None) -> str:
        """The authorize query string with `extra` filters (None values are left out)."""
        return urlencode(self.pairs(**extra))


# (v3 id, name, email, [(role, v2 id)], the role preselected)
PersonRow = tuple[str, str, str, list[tuple[RoleName, str]], RoleName]


def _person_row(user: User) -> PersonRow:
    """What the sign-in page shows of a person (worked out here: a template's calls cost more per row)."""
    return user.id, person_name(user), user.email or "", roles_and_legacy_ids(user), default_login_role(user)


def login_page(
    request: AuthorizeRequest,
    *,
    districts: Mapping[str, str],
    district_id: str,
    role: str | None,
    query: str | None,
    page: ScanPage[User],
) -> str:
    """The person picker: filters (district, role, name), one row per person with every role they hold."""
    pager = [
        (
            label,
            "/oauth/authorize?"
            + request.query(district=district_id, role=role or None, q=query or None, start=str(start)),
        )
        for label, start in (("Previous", page.prev_start), ("Next", page.next_start))
        if start is not None
    ]
    return _SIGN_IN.render(
        carried=request.pairs(),
        pick_district=request.district_id is None,
        districts=districts,
        district_id=district_id,
        role=role,
        query=query or "",
        page=page,
        people=[_person_row(user) for user in page.items],
        pager=pager,
    )
