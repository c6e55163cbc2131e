"""The OAuth sign-in page (pick who to sign in as, and in which role) and the OAuth error page. Every
interpolated value is escaped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from rollcall.domain.user import ROLE_NAMES, User, default_login_role
from rollcall.emulator.directory import ScanPage
from rollcall.emulator.html_page import document, scan_note


def error_page(message: str) -> str:
    """The page shown instead of redirecting when an OAuth request cannot be trusted."""
    body = f'<p class="error" role="alert">{escape(message)}</p>'
    return document("Sign-in request rejected", body)


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    """The validated parameters of `/oauth/authorize`, carried through the login form."""

    client_id: str
    redirect_uri: str
    state: str | None
    nonce: str | None
    district_id: str | None
    scope: str | None

    def _pairs(self, **extra: str | None) -> dict[str, str]:
        """The authorize parameters (and `extra`) that have a value."""
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

    def hidden_fields(self) -> str:
        """The parameters as hidden inputs, so the next form submission carries them on."""
        return "".join(
            f'<input type="hidden" name="{escape(key)}" value="{escape(value)}">'
            for key, value in self._pairs().items()
        )

    def query(self, **extra: str | None) -> str:
        """The authorize query string with `extra` filters (None values are left out)."""
        return urlencode(self._pairs(**extra))


def _roles_text(user: User) -> str:
    return ", ".join(
        f"{escape(role)} <small>(v2 id <code>{escape(user.legacy_id(role) or 'none')}</code>)</small>"
        for role in user.role_names()
    )


def _person_row(user: User, request: AuthorizeRequest, district_id: str) -> str:
    roles = user.role_names()
    chosen = default_login_role(user)
    field_id = f"role-{escape(user.id)}"
    if len(roles) > 1:
        options = "".join(
            f'<option value="{escape(role)}"{" selected" if role == chosen else ""}>{escape(role)}</option>'
            for role in roles
        )
        role_input = (
            f'<label for="{field_id}">as</label><select id="{field_id}" name="role">{options}</select>'
        )
    else:
        role_input = f'<input type="hidden" name="role" value="{escape(chosen)}">'
    name = " ".join(part for part in (user.name.first, user.name.middle, user.name.last) if part)
    form = (
        f'<form method="post" action="/oauth/authorize">{request.hidden_fields()}'
        + (
            f'<input type="hidden" name="district_id" value="{escape(district_id)}">'
            if request.district_id is None
            else ""
        )
        + f'<input type="hidden" name="user_id" value="{escape(user.id)}">'
        f'{role_input} <button type="submit">Sign in as {escape(name or user.id)}</button></form>'
    )
    return (
        f"<tr><td>{escape(name)}</td><td>{escape(user.email or '')}</td>"
        f"<td>{_roles_text(user)}</td><td>{form}</td></tr>"
    )


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
    district_options = "".join(
        f'<option value="{escape(d)}"{" selected" if d == district_id else ""}>{escape(name)}</option>'
        for d, name in districts.items()
    )
    role_options = '<option value="">any role</option>' + "".join(
        f'<option value="{escape(r)}"{" selected" if r == role else ""}>{escape(r)}</option>'
        for r in ROLE_NAMES
    )
    filters = (
        f'<form method="get" action="/oauth/authorize" aria-label="Filter people">{request.hidden_fields()}'
        f'<label for="district">District</label><select id="district" name="district">'
        f"{district_options}</select> "
        f'<label for="role">Role</label><select id="role" name="role">{role_options}</select> '
        f'<label for="q">Name or email</label><input id="q" name="q" value="{escape(query or "")}"> '
        '<button type="submit">Filter</button></form>'
    )
    rows = "".join(_person_row(user, request, district_id) for user in page.items)
    table = (
        '<table><caption>People you can sign in as</caption><thead><tr><th scope="col">Name</th>'
        '<th scope="col">Email</th><th scope="col">Roles</th><th scope="col">Sign in</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        if rows
        else "<p>Nobody matches these filters.</p>"
    )
    links = []
    for label, start in (("Previous", page.prev_start), ("Next", page.next_start)):
        if start is not None:
            href = "/oauth/authorize?" + request.query(
                district=district_id, role=role or None, q=query or None, start=str(start)
            )
            links.append(f'<a href="{escape(href)}">{label}</a>')
    pager = f'<p class="pager">{"".join(links)}</p>' if links else ""
    intro = (
        "<p>This is the Clever emulator's sign-in page. Pick a person; a person with several roles "
        "picks the role to sign in as (preselected: their first of teacher, staff, district admin).</p>"
    )
    return document("Sign in with Clever (emulator)", intro + filters + scan_note(page) + table + pager)
