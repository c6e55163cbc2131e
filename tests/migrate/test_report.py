from __future__ import annotations

import re

from rollcall.migrate import (
    MigrateConfig,
    access_diffs,
    apply_plan,
    plan_migration,
    render_html_report,
    verify_migration,
)
from tests.migrate import scenario


def test_access_diff_of_a_merged_person_comes_from_the_access_engine(config: MigrateConfig) -> None:
    diffs = {diff.user_id: diff for diff in access_diffs(plan_migration(config), config)}
    assert sorted(diffs) == [scenario.ALEX, scenario.PAT, scenario.ROBIN]
    robin = diffs[scenario.ROBIN]
    assert sorted(robin.before) == ["district_admin", "staff", "teacher"]
    # The one user can do at least everything the separate accounts could; nothing is lost by merging.
    assert robin.lost == []
    assert set(robin.after) >= {grant for grants in robin.before.values() for grant in grants}
    assert any("whole district" in grant for grant in robin.before["district_admin"])


def test_the_html_report_is_self_contained_and_shows_every_section(config: MigrateConfig) -> None:
    plan = plan_migration(config)
    apply_plan(plan, config)
    html = render_html_report(plan, verify_migration(config), access_diffs(plan, config))
    assert html.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched from elsewhere
    for text in ("Outcomes by role combination", "Merges (3)", "district_admin comes first in the role order",
                 "Access before and after", "Ambiguous accounts (1)", "dana.old@elsewhere.org",
                 "Orphaned accounts (1)", "t-gone", "2 v3 contacts created with 4 student relationships",
                 "All invariants hold"):  # fmt: skip
        assert text in html


def test_the_html_report_escapes_what_the_vendor_database_holds(config: MigrateConfig) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(config.legacy.url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE accounts SET clever_id = '<script>x()</script>' WHERE id = 14")
    engine.dispose()
    html = render_html_report(plan_migration(config), None, [])
    assert "<script>x()" not in html
    assert "&lt;script&gt;x()" in html
