"""The report shape shared by plans and outcomes, and the stale check of plan-then-apply."""

from __future__ import annotations

import json

from rollcall.domain.report import ReportStruct, fingerprint, stale_reason


class Tally(ReportStruct, kw_only=True, frozen=True):
    items: dict[str, int]

    def derived(self) -> dict[str, object]:
        return {"total": sum(self.items.values())}

    def render_text(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.items.items())


def test_json_holds_the_fields_and_the_derived_values() -> None:
    tally = Tally(items={"a": 1, "b": 2})
    assert tally.to_builtins() == {"items": {"a": 1, "b": 2}, "total": 3}
    assert json.loads(tally.to_json()) == tally.to_builtins()
    assert tally.render_text() == "a 1, b 2"


def test_fingerprint_is_stable_and_ignores_key_order() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


def test_a_plan_is_stale_once_its_basis_moved() -> None:
    basis = fingerprint(("checkpoint", 1))
    assert stale_reason("sync", basis, basis, where="db") is None
    reason = stale_reason("sync", basis, fingerprint(("checkpoint", 2)), where="sqlite:///x.db")
    assert reason is not None
    assert "stale" in reason
    assert "sqlite:///x.db" in reason
