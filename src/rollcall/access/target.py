"""What a check asks about: an action (`view`, `edit`, `manage`) on a target (`section:<id>` and the like,
ids being Clever v3 ids)."""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from rollcall.errors import AccessUsageError

Action = Literal["view", "edit", "manage"]
ACTIONS: Final[tuple[Action, ...]] = ("view", "edit", "manage")
TargetKind = Literal["district", "school", "section", "user"]
TARGET_KINDS: Final[tuple[TargetKind, ...]] = ("district", "school", "section", "user")


class Target(msgspec.Struct, frozen=True, gc=False):
    """One thing a permission is about: `Target("section", "abc")` prints as `section:abc`."""

    kind: TargetKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def as_action(text: str) -> Action:
    """`text` as an action; AccessUsageError naming the three actions otherwise."""
    for action in ACTIONS:
        if action == text:
            return action
    raise AccessUsageError(f"unknown action {text!r}: use one of {', '.join(ACTIONS)}")


def as_target_kind(text: str) -> TargetKind | None:
    """`text` as a target kind, or None when it is not one."""
    for kind in TARGET_KINDS:
        if kind == text:
            return kind
    return None


def parse_target(text: str) -> Target:
    """`kind:id` (e.g. `section:5f3c…`) as a Target; AccessUsageError saying what is wrong otherwise."""
    kind_text, colon, target_id = text.strip().partition(":")
    kind = as_target_kind(kind_text)
    if not colon or kind is None or not target_id or ":" in target_id or " " in target_id:
        kinds = ", ".join(f"{k}:<id>" for k in TARGET_KINDS)
        raise AccessUsageError(f"bad target {text!r}: write one of {kinds}")
    return Target(kind, target_id)
