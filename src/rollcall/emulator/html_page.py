"""The Jinja2 environment every HTML page of the emulator renders with (home, sign-in, data browser): the
templates under `emulator/templates/`, every value autoescaped, and the few helpers the pages share."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlencode

import jinja2
import msgspec

from rollcall.domain.user import ROLE_NAMES, RoleName, User


def url(path: str, **query: str | int | None) -> str:
    """`path` with the query pairs that have a value (not escaped: the template escapes what it prints)."""
    pairs = {key: str(value) for key, value in query.items() if value not in (None, "")}
    return path + ("?" + urlencode(pairs) if pairs else "")


def person_name(user: User) -> str:
    """First, middle and last name, as far as the person has them (may be empty)."""
    return " ".join(part for part in (user.name.first, user.name.middle, user.name.last) if part)


def roles_and_legacy_ids(user: User) -> list[tuple[RoleName, str]]:
    """Each role the person holds with its legacy (v2) id, or "none"."""
    return [(role, user.legacy_id(role) or "none") for role in user.role_names()]


def pretty_json(value: object) -> str:
    """A record as indented JSON, the way the API would encode it."""
    return msgspec.json.format(msgspec.json.encode(value), indent=2).decode()


PAGES: Final = jinja2.Environment(
    loader=jinja2.PackageLoader("rollcall.emulator", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    # The templates are package data: never stat them again once compiled (a request costs no file access).
    auto_reload=False,
)
PAGES.globals.update(url=url, role_names=ROLE_NAMES)
PAGES.filters.update(person_name=person_name, pretty_json=pretty_json)
