"""The page shell every HTML page of the emulator shares (home, sign-in, data browser): one document with
a small stylesheet, and the note a filtered page shows when its scan stopped early."""

from __future__ import annotations

from html import escape
from typing import Final, TypeVar

from rollcall.emulator.directory import ScanPage

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
