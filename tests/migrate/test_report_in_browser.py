"""The HTML report rendered by headless Chromium (Debian's, via Playwright): it lays out, shows its sections,
fetches nothing, and a screenshot is kept under the test's tmp dir for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollcall.migrate import (
    MigrateConfig,
    access_diffs,
    apply_plan,
    plan_migration,
    render_html_report,
    verify_migration,
)
from tests.chromium import launched_chromium, require_chromium

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("legacy_url", ["sqlite"], indirect=True)
def test_the_report_renders_in_chromium_and_fetches_nothing(tmp_path: Path, config: MigrateConfig) -> None:
    require_chromium()
    plan = plan_migration(config)
    apply_plan(plan, config)
    report = tmp_path / "report.html"
    report.write_text(
        render_html_report(plan, verify_migration(config), access_diffs(plan, config)), encoding="utf-8"
    )
    requests: list[str] = []
    with launched_chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri())
        assert page.title().startswith("Clever v3 account migration")
        assert page.locator("h2").all_inner_texts()[:3] == [
            "Verification", "Outcomes by role combination", "Merges (3)",
        ]  # fmt: skip
        assert page.get_by_text("All invariants hold").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1200  # the tables fit the page: nothing overflows sideways
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert requests == [report.as_uri()]
    assert (tmp_path / "report.png").stat().st_size > 10_000
