"""The shape every plan and outcome of an engine shares (a sync's plan and summary, a migration's plan and
report): a frozen value a person reads (`render_text`) and a machine reads (`to_builtins`, `to_json`), and
the stale check that makes "plan, then apply" safe."""

from __future__ import annotations

import hashlib
from typing import Protocol

import msgspec


class Report(Protocol):
    """Anything an engine hands back to be shown: text for people, JSON-ready values for machines."""

    def to_builtins(self) -> dict[str, object]: ...

    def to_json(self) -> str: ...

    def render_text(self) -> str: ...


class ReportStruct(msgspec.Struct, kw_only=True, frozen=True):
    """A frozen report value. `to_builtins` is its fields plus `derived()` (computed properties a reader wants
    in the JSON too); subclasses write only `render_text` and, when they have some, `derived`."""

    def derived(self) -> dict[str, object]:
        """Computed values added to the JSON form (none by default)."""
        return {}

    def to_builtins(self) -> dict[str, object]:
        """The report as JSON-ready values: every field, then the derived ones."""
        values = msgspec.to_builtins(self)
        assert isinstance(values, dict)
        values.update(self.derived())
        return values

    def to_json(self) -> str:
        """The report as one JSON object."""
        return msgspec.json.encode(self.to_builtins()).decode()

    def render_text(self) -> str:
        raise NotImplementedError


def fingerprint(value: object) -> str:
    """A short, stable digest of any msgspec-encodable value: what a plan records about the state it read,
    so that applying it later can tell whether that state moved (`stale_reason`)."""
    return hashlib.blake2b(msgspec.json.encode(value, order="deterministic"), digest_size=16).hexdigest()


def stale_reason(kind: str, planned_basis: str, current_basis: str, *, where: str) -> str | None:
    """Why a `kind` plan made from `planned_basis` must not be applied now that the state reads as
    `current_basis` (it changed in `where` since), or None when it is still fresh."""
    if planned_basis == current_basis:
        return None
    return (
        f"the {kind} plan is stale: what it was made from changed in {where} since it was planned; plan again"
    )
