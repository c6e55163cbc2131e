"""The Jinja2 environment every HTML page of the emulator renders with (home, sign-in, data browser): the
templates under `emulator/templates/`, every value autoescaped, and the few helpers the pages share."""

from __future__ import annotations

from html import escape
from typing import Final, TypeVar
from urllib.parse import urlencode

import jinja2
import msgspec

from rollcall.domain.user import ROLE_NAMES, RoleName, User
from rollcall.emulator.directory import ScanPage


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


# The hand-built shell, until the sign-in page and the data browser render from templates too.
T = TypeVar("T")

_STYLE: Final = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;
color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f7f7f7;padding:.6rem;overflow:auto;max-height:40rem}
nav a,.pager a{margin-right:1rem}
.error{border-left:4px solid #b00020;padding:.5rem 1rem;background:#fff0f0}
.columns{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
label{margin-right:.3rem}
button{padding:.25rem .8rem}
"""


def document(title: str, body: str, *, nav: str = "") -> str:
    """A whole HTML page; `title` is escaped here, `body` and `nav` are already-escaped HTML."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{nav}<main><h1>{escape(title)}</h1>{body}</main></body></html>\n"
    )


def scan_note(page: ScanPage[T]) -> str:
    """Why a filtered page holds fewer matches than it could: its search stopped at the scan budget (so Next
    searches further), or nothing after the previous page matched. Empty when neither applies."""
    if page.cut_short:
        return (
            f'<p class="note">This search read positions {page.start}–{page.scanned_to} and stopped to keep '
            "the page quick; use Next to search further.</p>"
        )
    if not page.items and page.start > 0:
        return f'<p class="note">Nobody from position {page.start} on matches these filters.</p>'
    return ""
