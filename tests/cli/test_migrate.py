from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run import run_rollcall
from tests.migrate import scenario


def _setup(tmp_path: Path) -> tuple[Path, str]:
    legacy_url = f"sqlite:///{tmp_path}/app.db"
    store_url = f"sqlite:///{tmp_path}/rollcall.db"
    scenario.build_legacy(legacy_url)
    scenario.write_truth(store_url)
    return scenario.write_config(
        tmp_path / "migrate.toml", "sqlite:///app.db", "sqlite:///rollcall.db"
    ), legacy_url


def test_plan_apply_verify_export_rollback_from_the_command_line(tmp_path: Path) -> None:
    config, legacy_url = _setup(tmp_path)
    before = scenario.dump(legacy_url)
    plan_path = tmp_path / "plan.json"
    planned = run_rollcall("migrate", "plan", "--config", str(config), "--out", str(plan_path), "--json")
    assert planned.returncode == 0, planned.stderr
    summary = json.loads(planned.stdout)
    assert summary["accounts"] == {"total": 15, "matched": 13, "orphaned": 1, "ambiguous": 1, "unlinked": 1}
    assert summary["contacts"] == {"created": 2, "relationships": 4, "matched_accounts": 2}
    status = run_rollcall("migrate", "status", "--config", str(config), "--json")
    assert json.loads(status.stdout)["state"] == "planned"
    dry = run_rollcall("migrate", "apply", str(plan_path), "--config", str(config), "--dry-run")
    assert dry.returncode == 0
    assert "would run 8 of 8" in dry.stdout
    assert scenario.dump(legacy_url) == before
    applied = run_rollcall("migrate", "apply", str(plan_path), "--config", str(config))
    assert applied.returncode == 0, applied.stderr
    assert "ran 8 of 8" in applied.stdout
    assert "removed duplicate class_members [2]" in applied.stdout
    verified = run_rollcall("migrate", "verify", "--config", str(config), "--json")
    assert verified.returncode == 0
    assert json.loads(verified.stdout)["ok"] is True
    mapped = run_rollcall("migrate", "export-map", "--config", str(config), "--wide")
    assert mapped.stdout.splitlines()[0] == "role_id,user_id,role,account_key"
    assert "s-robin,u-robin,staff,2" in mapped.stdout.splitlines()
    rolled = run_rollcall("migrate", "rollback", "--config", str(config))
    assert rolled.returncode == 0
    assert "rolled_back" in rolled.stdout
    assert scenario.dump(legacy_url) == before


def test_errors_are_one_line_with_their_exit_codes(tmp_path: Path) -> None:
    config, legacy_url = _setup(tmp_path)
    missing = run_rollcall("migrate", "plan", "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2
    assert "cannot read the migration config" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(
        config.read_text(encoding="utf-8").replace('table = "accounts"', 'table = "people"'), encoding="utf-8"
    )
    wrong = run_rollcall("migrate", "plan", "--config", str(bad))
    assert wrong.returncode == 2
    assert "legacy.accounts.table: no table 'people'" in wrong.stderr
    plan_path = tmp_path / "plan.json"
    assert run_rollcall("migrate", "plan", "--config", str(config), "--out", str(plan_path)).returncode == 0
    scenario_engine_sql = "UPDATE accounts SET role = 'teacher' WHERE id = 2"
    import sqlalchemy as sa

    engine = sa.create_engine(legacy_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(scenario_engine_sql)
    engine.dispose()
    stale = run_rollcall("migrate", "apply", str(plan_path), "--config", str(config))
    assert stale.returncode == 11
    assert "plan is stale" in stale.stderr
    assert "Traceback" not in stale.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    broken = run_rollcall("migrate", "apply", str(garbage), "--config", str(config))
    assert broken.returncode == 2
    assert "not a migration plan" in broken.stderr
    unverified = run_rollcall("migrate", "verify", "--config", str(config))
    assert unverified.returncode == 1
    assert "no applied migration" in unverified.stdout


def test_per_role_account_tables_from_the_command_line(tmp_path: Path) -> None:
    legacy_url = f"sqlite:///{tmp_path}/app.db"
    scenario.build_per_role_legacy(legacy_url)
    scenario.write_truth(f"sqlite:///{tmp_path}/rollcall.db")
    config = scenario.write_per_role_config(
        tmp_path / "migrate.toml", "sqlite:///app.db", "sqlite:///rollcall.db"
    )
    before = scenario.dump(legacy_url)
    plan_path = tmp_path / "plan.json"
    planned = run_rollcall("migrate", "plan", "--config", str(config), "--out", str(plan_path), "--json")
    assert planned.returncode == 0, planned.stderr
    summary = json.loads(planned.stdout)
    assert summary["orphans"] == [{"key": 5, "clever_id": "t-gone", "role": "teacher", "table": "teachers"}]
    applied = run_rollcall("migrate", "apply", str(plan_path), "--config", str(config))
    assert applied.returncode == 0, applied.stderr
    assert "ran 7 of 7" in applied.stdout
    assert run_rollcall("migrate", "verify", "--config", str(config)).returncode == 0
    mapped = run_rollcall("migrate", "export-map", "--config", str(config), "--wide")
    assert "t-robin,u-robin,teacher,teachers,1" in mapped.stdout.splitlines()
    assert run_rollcall("migrate", "rollback", "--config", str(config)).returncode == 0
    assert scenario.dump(legacy_url) == before
    consolidating = tmp_path / "consolidate.toml"
    consolidating.write_text(
        config.read_text(encoding="utf-8").replace('"role-specific"', '"consolidate"'), encoding="utf-8"
    )
    refused = run_rollcall("migrate", "plan", "--config", str(consolidating))
    assert refused.returncode == 2
    assert "strategy.multi_role: consolidate (the default) cannot merge" in refused.stderr


def test_html_reports_from_plan_and_verify(tmp_path: Path) -> None:
    config, _ = _setup(tmp_path)
    plan_path, planned_html, verified_html = tmp_path / "plan.json", tmp_path / "p.html", tmp_path / "v.html"
    args = ("--config", str(config))
    planned = run_rollcall("migrate", "plan", *args, "--out", str(plan_path), "--html", str(planned_html))
    assert planned.returncode == 0, planned.stderr
    assert f"HTML report: {planned_html}" in planned.stderr
    assert run_rollcall("migrate", "apply", str(plan_path), *args).returncode == 0
    unpaired = run_rollcall("migrate", "verify", *args, "--html", str(verified_html))
    assert unpaired.returncode == 2
    assert "--html needs --plan" in unpaired.stderr
    assert not verified_html.exists()
    paired = ("--html", str(verified_html), "--plan", str(plan_path))
    verified = run_rollcall("migrate", "verify", *args, *paired)
    assert verified.returncode == 0, verified.stderr
    assert "all invariants hold" in verified.stdout
    planned_page, verified_page = (page.read_text(encoding="utf-8") for page in (planned_html, verified_html))
    assert "u-robin" in planned_page
    assert "<h2>Verification</h2>" not in planned_page
    assert "u-robin" in verified_page
    assert "All invariants hold" in verified_page
