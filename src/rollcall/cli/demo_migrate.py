"""The migration part of `rollcall demo`: builds a vendor's legacy database from the emulator's v2.1 API
(`migrate/rehearsal.py`), then plans, applies and verifies the v3 migration against the synced store, shows
the demo person's access diff, rolls back and proves every table identical, and writes the HTML report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.table import Table

from rollcall.cli.console import out
from rollcall.cli.demo_run import DemoRun
from rollcall.migrate import (
    access_diffs,
    apply_plan,
    build_legacy_database,
    database_digest,
    load_config,
    plan_migration,
    rehearsal_config,
    render_html_report,
    rollback_migration,
    verify_migration,
)


def migrate_accounts(run: DemoRun) -> None:
    """The demo's migration chapters: the legacy database from v2.1, plan, apply and verify against the synced
    store, the followed person's access diff, rollback proven identical, and the HTML report."""
    person = run.followed
    legacy_url = f"sqlite:///{run.scratch / 'vendor-app.db'}"
    run.chapter("The vendor's legacy database, built from the v2.1 API")
    with run.client("v2.1") as v2:
        counts = build_legacy_database(v2, legacy_url, person, seed=run.seed)
    out.print(", ".join(f"{table}: {count:,}" for table, count in counts.items()))
    config_path = run.scratch / "migrate.toml"
    config_path.write_text(rehearsal_config(legacy_url, run.db_url), encoding="utf-8")
    config = load_config(config_path)
    before = database_digest(config)

    run.chapter("migrate plan: every legacy id of every role vs the v3 truth")
    plan = plan_migration(config)
    text = plan.render_text().splitlines()
    more = [f"  ({len(text) - 16} more lines: rollcall migrate plan --json)"] if len(text) > 16 else []
    shown = text[:16] + more
    out.print("\n".join(shown), markup=False)

    run.chapter("migrate apply, then verify")
    out.print(apply_plan(plan, config).render_text(), markup=False)
    verify = verify_migration(config)
    out.print(verify.render_text(), markup=False)

    diffs = access_diffs(plan, config)
    mine = next((diff for diff in diffs if diff.user_id == person.id), None)
    run.chapter(f"{run.person_name}'s access before and after the merge")
    if mine is not None:
        table = Table("before (acting as one account's role)", "after (the one user)", title_justify="left")
        table.add_row(
            "\n".join(f"{role}: {grant}" for role, grants in mine.before.items() for grant in grants),
            "\n".join(mine.after),
        )
        out.print(table)
        out.print(f"gained: {len(mine.gained)}, lost: {len(mine.lost)}")
    else:
        out.print(f"{run.person_name} had a single account: nothing merged")

    report_path = Path(tempfile.gettempdir()) / "rollcall-demo-migration-report.html"
    report_path.write_text(render_html_report(plan, verify, diffs), encoding="utf-8")

    run.chapter("migrate rollback: every table as before apply")
    out.print(rollback_migration(config).render_text(), markup=False)
    same = "identical" if database_digest(config) == before else "DIFFERENT"
    compared = f"{len(before)} vendor tables compared (schema and rows)"
    out.print(f"{compared} before apply and after rollback: {same}")
    out.print(f"HTML migration report: {report_path}")
