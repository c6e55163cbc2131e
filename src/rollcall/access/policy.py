"""The access policy: which role may do which actions on which targets within which scope, and how the
grants of several held roles combine. Read from TOML with `tomllib`; every mistake names file:line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Final, Literal

import msgspec

from rollcall.access.target import ACTIONS, TARGET_KINDS, Action, TargetKind, as_target_kind
from rollcall.domain.user import ROLE_NAMES, RoleName, as_role_name
from rollcall.errors import PolicyError

Combine = Literal["union", "highest", "lowest"]
COMBINES: Final[tuple[Combine, ...]] = ("union", "highest", "lowest")
DEFAULT_ORDER: Final[tuple[RoleName, ...]] = ("district_admin", "staff", "teacher", "student", "contact")
DEFAULT_POLICY_NAME: Final = "default_policy.toml"
DEFAULT_POLICY_TOML: Final[str] = (
    resources.files("rollcall.access").joinpath(DEFAULT_POLICY_NAME).read_text(encoding="utf-8")
)

# The scope vocabulary: each scope's name, the target kinds it can select, and its words for people. The
# engine evaluates them over its index (scopes.py); a policy can only name these.
SCOPE_KINDS: Final[dict[str, frozenset[TargetKind]]] = {
    "taught_sections": frozenset({"section"}),
    "taught_students": frozenset({"user"}),
    "role_schools": frozenset({"school"}),
    "school_sections": frozenset({"section"}),
    "school_users": frozenset({"user"}),
    "district": frozenset(TARGET_KINDS),
    "related_students": frozenset({"user"}),
    "self": frozenset({"user"}),
    "enrolled_sections": frozenset({"section"}),
}
# Scopes that read the schools of the grant's role: only roles with schools may use them.
SCHOOL_SCOPES: Final = frozenset({"role_schools", "school_sections", "school_users"})
SCHOOL_ROLES: Final[frozenset[RoleName]] = frozenset({"teacher", "staff", "student"})
# Makes the PolicyError of a message (at the line of a key of the grant, when one is named).
_Fail = Callable[[str], PolicyError]
_KeyFail = Callable[[str | None, str], PolicyError]
_GRANT_KEYS: Final = frozenset({"name", "role", "staff_roles", "actions", "targets", "scope"})
_TOP_KEYS: Final = frozenset({"combine", "order", "grant"})


class Rule(msgspec.Struct, frozen=True, gc=False):
    """One grant of the policy: `role` (holding every one of `staff_roles`, if any) may do `actions` on
    targets of `kind` within `scope`. `line` is where the grant starts in `source`."""

    name: str
    role: RoleName
    actions: tuple[Action, ...]
    kind: TargetKind
    scope: str
    staff_roles: frozenset[str] = frozenset()
    source: str = DEFAULT_POLICY_NAME
    line: int = 0

    @property
    def label(self) -> str:
        """How a decision names the rule: `teacher-sections (default_policy.toml:18)`."""
        return f"{self.name} ({self.source}:{self.line})"


class Policy(msgspec.Struct, frozen=True, gc=False):
    """A whole policy: the rules, how held roles combine, and the order `highest`/`lowest` read."""

    rules: tuple[Rule, ...]
    combine: Combine = "union"
    order: tuple[RoleName, ...] = DEFAULT_ORDER
    source: str = DEFAULT_POLICY_NAME

    def counted_roles(self, held: tuple[RoleName, ...]) -> tuple[RoleName, ...]:
        """The held roles whose grants count when no role is chosen, by `combine`, highest first."""
        if len(held) < 2:
            return held
        # Highest first: a decision names the highest held role that grants it.
        ranked = tuple(role for role in self.order if role in held)
        if self.combine == "union":
            return ranked
        return ranked[:1] if self.combine == "highest" else ranked[-1:]


class _Lines:
    """Finds the line of a key in the policy text, for messages about values TOML parsed fine."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._grants = [
            n for n, line in enumerate(self._lines, 1) if re.match(r"\s*\[\[\s*grant\s*\]\]", line)
        ]

    def of_key(self, key: str, start: int = 1) -> int:
        pattern = re.compile(rf"\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start, len(self._lines) + 1):
            line = self._lines[number - 1]
            if number > start and line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return number
        return start

    def of_grant(self, index: int) -> int:
        return self._grants[index] if index < len(self._grants) else self.of_key("grant")


def load_policy(path: Path | None = None) -> Policy:
    """The policy in `path`, or the default one (None). PolicyError names file:line for every mistake."""
    if path is None:
        return parse_policy(DEFAULT_POLICY_TOML, DEFAULT_POLICY_NAME)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"cannot read policy file {path}: {error}") from error
    return parse_policy(text, str(path))


def parse_policy(text: str, source: str) -> Policy:
    """Parse policy TOML. A file that sets only `combine`/`order` keeps the default grants."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = _decode_error_line(error, text)
        raise PolicyError(f"{source}:{line}: not valid TOML: {message}") from error
    lines = _Lines(text)

    def fail(line: int, message: str) -> PolicyError:
        return PolicyError(f"{source}:{line}: {message}")

    for key in data:
        if key not in _TOP_KEYS:
            known = ", ".join(sorted(_TOP_KEYS))
            raise fail(lines.of_key(key), f"unknown key {key!r} (a policy has {known})")
    combine = _combine(data.get("combine", "union"), lambda m: fail(lines.of_key("combine"), m))
    order = _order(data.get("order", list(DEFAULT_ORDER)), lambda m: fail(lines.of_key("order"), m))
    if "grant" not in data:
        default = parse_policy(DEFAULT_POLICY_TOML, DEFAULT_POLICY_NAME)
        return Policy(default.rules, combine=combine, order=order, source=source)
    grants = data["grant"]
    if not isinstance(grants, list) or not all(isinstance(g, dict) for g in grants):
        raise fail(lines.of_key("grant"), "grants are written as [[grant]] tables")
    rules: list[Rule] = []
    names: set[str] = set()
    for index, grant in enumerate(grants):
        start = lines.of_grant(index)

        def fail_at(key: str | None, message: str, start: int = start) -> PolicyError:
            return fail(lines.of_key(key, start) if key else start, message)

        rules.extend(_rules(grant, index, start, source, names, fail_at))
    return Policy(tuple(rules), combine=combine, order=order, source=source)


def _decode_error_line(error: tomllib.TOMLDecodeError, text: str) -> tuple[int, str]:
    """The line of a TOML syntax error and its message without the position. Python 3.14 sets `lineno`;
    before, the position is only in the message: `(at line 3, column 5)` or `(at end of document)`."""
    message = str(error)
    found = re.search(r" \(at line (\d+), column \d+\)$", message)
    if found is not None:
        return int(found.group(1)), message[: found.start()]
    line = getattr(error, "lineno", None)
    if isinstance(line, int):
        return line, message
    return max(1, len(text.splitlines())), message.removesuffix(" (at end of document)") + " at the end"


def _combine(value: object, fail: _Fail) -> Combine:
    for combine in COMBINES:
        if combine == value:
            return combine
    raise fail(f"combine must be one of {', '.join(map(repr, COMBINES))}, not {value!r}")


def _order(value: object, fail: _Fail) -> tuple[RoleName, ...]:
    if not isinstance(value, list):
        raise fail("order must be a list of the five role names, highest first")
    roles = [as_role_name(item) if isinstance(item, str) else None for item in value]
    found = [role for role in roles if role is not None]
    if len(found) != len(value) or sorted(found) != sorted(ROLE_NAMES):
        raise fail(f"order must name each of {', '.join(ROLE_NAMES)} once, highest first; got {value!r}")
    return tuple(found)


def _strings(grant: dict[str, object], key: str, fail: _KeyFail) -> list[str]:
    value = grant.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise fail(key, f"{key} must be a non-empty list of strings")
    return [str(item) for item in value]


def _rules(
    grant: dict[str, object], index: int, start: int, source: str, names: set[str], fail: _KeyFail
) -> list[Rule]:
    """The rules of one [[grant]] table: one per target kind it names."""
    for key in grant:
        if key not in _GRANT_KEYS:
            raise fail(key, f"unknown key {key!r} in a grant (use {', '.join(sorted(_GRANT_KEYS))})")
    for key in ("role", "actions", "targets", "scope"):
        if key not in grant:
            raise fail(None, f"grant #{index + 1} lacks {key!r}")
    role = as_role_name(str(grant["role"]))
    if role is None or not isinstance(grant["role"], str):
        raise fail("role", f"unknown role {grant['role']!r}: use one of {', '.join(ROLE_NAMES)}")
    name = grant.get("name", f"{role}-grant-{index + 1}")
    if not isinstance(name, str) or not name:
        raise fail("name", "name must be a non-empty string")
    if name in names:
        raise fail("name", f"two grants are named {name!r}: a decision names its rule, so names are unique")
    names.add(name)
    actions: list[Action] = []
    for text in _strings(grant, "actions", fail):
        action = next((a for a in ACTIONS if a == text), None)
        if action is None:
            raise fail("actions", f"unknown action {text!r}: use {', '.join(ACTIONS)}")
        actions.append(action)
    scope = grant["scope"]
    if not isinstance(scope, str) or scope not in SCOPE_KINDS:
        raise fail("scope", f"unknown scope {scope!r}: use one of {', '.join(SCOPE_KINDS)}")
    if scope in SCHOOL_SCOPES and role not in SCHOOL_ROLES:
        raise fail("scope", f"scope {scope!r} reads the role's schools, and a {role} has none")
    staff_roles: frozenset[str] = frozenset()
    if "staff_roles" in grant:
        if role != "staff":
            raise fail("staff_roles", "staff_roles (PortalOnly, SchoolTechLead) narrow staff grants only")
        staff_roles = frozenset(_strings(grant, "staff_roles", fail))
    rules: list[Rule] = []
    for text in _strings(grant, "targets", fail):
        kind = as_target_kind(text)
        if kind is None:
            raise fail("targets", f"unknown target kind {text!r}: use {', '.join(TARGET_KINDS)}")
        if kind not in SCOPE_KINDS[scope]:
            allowed = ", ".join(k for k in TARGET_KINDS if k in SCOPE_KINDS[scope])
            raise fail("targets", f"scope {scope!r} selects {allowed}, not {kind}")
        unique = tuple(dict.fromkeys(actions))
        rules.append(Rule(name, role, unique, kind, scope, staff_roles, source=source, line=start))
    return rules
