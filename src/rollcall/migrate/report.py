"""The migration report a district's success manager reads: one self-contained HTML page (Jinja2 template,
no external assets) with outcomes by role combination, merges with survivor and why, links, orphans,
ambiguous accounts, contacts, Clever CSV conflicts, verify's result, and per merged person an access diff."""

from __future__ import annotations

from importlib.resources import files

import jinja2

from rollcall.migrate.access_diff import AccessDiff
from rollcall.migrate.plan import MigrationPlan
from rollcall.migrate.verify import VerifyReport


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: files("rollcall.migrate").joinpath("templates", name).read_text(encoding="utf-8")
    )
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


def render_html_report(
    plan: MigrationPlan, verify: VerifyReport | None, access_diffs: list[AccessDiff]
) -> str:
    """The whole report as one HTML document (inline CSS, nothing fetched)."""
    summary = plan.summary()
    template = _environment().get_template("report.html.j2")
    return template.render(
        plan=plan,
        summary=summary,
        verify=verify,
        diffs=access_diffs,
        orphans=[o for o in plan.accounts if o.outcome == "orphaned"],
        ambiguous=[o for o in plan.accounts if o.outcome == "ambiguous"],
        # With per-role account tables an account is shown as `table:key` and its role is its table's.
        role_header="role column" if all(o.table is None for o in plan.accounts) else "table's role",
    )
