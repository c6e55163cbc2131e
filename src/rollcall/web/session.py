"""What a browser session holds once a person signed in with Clever: who they are, the roles Clever gave at
sign-in, the role they act as, and the CSRF token. Kept in Starlette's signed session cookie — no token or
secret is ever put there, since a signed cookie is readable by its holder."""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any, Final

import msgspec

from rollcall.domain.user import RoleName

PERSON_KEY: Final = "person"
CSRF_KEY: Final = "csrf"
OPERATOR_KEY: Final = "operator"
COMBINED: Final = "all"  # the form value of the combined view (every role at once)

Session = MutableMapping[str, Any]


class SignedIn(msgspec.Struct, kw_only=True, frozen=True):
    """The person behind a session. `roles` are Clever's at sign-in; the store's, when it has the person, win
    on every page load (a sync may have changed them). `acting_as` None with `combined` False means the
    person has not chosen yet."""

    user_id: str
    district: str
    name: str
    roles: tuple[RoleName, ...]
    acting_as: RoleName | None = None
    combined: bool = False


def find_signed_in(session: Session) -> SignedIn | None:
    """The signed-in person, or None. A session that does not decode as one is treated as signed out (its
    signature was valid, so this only happens across incompatible versions of the app)."""
    raw = session.get(PERSON_KEY)
    if raw is None:
        return None
    try:
        return msgspec.convert(raw, SignedIn)
    except msgspec.ValidationError:
        session.pop(PERSON_KEY, None)
        return None


def start_session(session: Session, person: SignedIn) -> None:
    """Replace whatever the browser held (no session fixation: state, old person, old CSRF token) with
    `person` and a fresh CSRF token."""
    session.clear()
    session[PERSON_KEY] = msgspec.to_builtins(person)
    session[CSRF_KEY] = new_csrf_token()


def save_person(session: Session, person: SignedIn) -> None:
    """Write a changed person (a role switch) back to the session."""
    session[PERSON_KEY] = msgspec.to_builtins(person)


def start_operator_session(session: Session) -> None:
    """An operator's session: nothing of a Clever sign-in rides along, and a fresh CSRF token."""
    session.clear()
    session[OPERATOR_KEY] = True
    session[CSRF_KEY] = new_csrf_token()


def end_session(session: Session) -> None:
    """Forget everything: the person, the operator flag, the CSRF token, pending sign-in state."""
    session.clear()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(session: Session) -> str:
    """The session's CSRF token, created on first use (a signed-out visitor's forms need one too)."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = new_csrf_token()
        session[CSRF_KEY] = token
    return token


def csrf_ok(session: Session, submitted: str | None) -> bool:
    """True when `submitted` is this session's CSRF token (constant-time compare)."""
    expected = session.get(CSRF_KEY)
    if not isinstance(expected, str) or not expected or not submitted:
        return False
    return secrets.compare_digest(expected.encode(), submitted.encode())


def is_operator(session: Session) -> bool:
    """True only after the operator login of this app; a Clever sign-in never sets it."""
    return session.get(OPERATOR_KEY) is True
