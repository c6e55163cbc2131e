"""rollcall's web room: sign in with Clever using every role, a role chooser and switcher, role-aware pages
enforced by the access engine, a JSON API, and the operators' migration dashboard (docs/web.md)."""

from rollcall.web.app import create_app
from rollcall.web.settings import WebSettings, default_oauth_url, session_secret_from_file

__all__ = [
    "WebSettings",
    "create_app",
    "default_oauth_url",
    "session_secret_from_file",
]
