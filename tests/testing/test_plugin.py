"""The public pytest plugin, exercised the way a vendor's test suite uses it (pytester)."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).resolve().parents[1] / "roster" / "fixtures" / "lincoln"


def _plugin_args() -> list[str]:
    """`-p rollcall.testing.plugin` unless the installed distribution already registers the entry point."""
    registered = any(
        e.value == "rollcall.testing.plugin" for e in importlib.metadata.entry_points(group="pytest11")
    )
    return [] if registered else ["-p", "rollcall.testing.plugin"]


def test_the_default_fixture_serves_a_generated_district(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_users(clever_emulator, clever_http, clever_district_id):
            assert clever_emulator.base_url == "http://clever.test"
            body = clever_http.get("/v3.1/users?role=student&limit=10000").json()
            assert len(body["data"]) == 30
            assert clever_http.get(f"/v3.0/districts/{clever_district_id}").status_code == 200
        """
    )
    pytester.runpytest_inprocess(*_plugin_args()).assert_outcomes(passed=1)


def test_the_marker_and_ini_options_choose_the_district(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nclever_emulator_students = 12\nclever_emulator_seed = vendor\n")
    pytester.makepyfile(
        f"""
        import pytest

        def _students(http):
            return len(http.get("/v3.0/users?role=student&limit=10000").json()["data"])

        def test_ini_default(clever_http):
            assert _students(clever_http) == 12

        @pytest.mark.clever_district(students=5, seed=2)
        def test_marker(clever_http):
            assert _students(clever_http) == 5

        @pytest.mark.clever_district(sftp={str(FIXTURES)!r})
        def test_sftp(clever_emulator, clever_district_id):
            assert clever_emulator.state.district(clever_district_id).name == "lincoln"
        """
    )
    pytester.runpytest_inprocess(*_plugin_args()).assert_outcomes(passed=3)


def test_the_typed_client_fixture_walks_the_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.clever_district(students=8)
        def test_client(clever_client, clever_emulator):
            users = list(clever_client.iter(clever_client.endpoints.users(role="student")))
            assert len(users) == 8
            assert all(user.roles.student is not None for user in users)
        """
    )
    pytester.runpytest_inprocess(*_plugin_args()).assert_outcomes(passed=1)


def test_a_misspelt_marker_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.clever_district(pupils=3)
        def test_oops(clever_emulator):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*_plugin_args())
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*does not take pupils*"])


def test_the_events_scenario_of_docs_testing_md_runs(pytester: pytest.Pytester) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "testing.md").read_text()
    scenarios = docs.split("## Scenarios", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    pytester.makepyfile(scenarios.replace("...\n", "assert token.startswith('il')\n"))
    pytester.runpytest_inprocess(*_plugin_args()).assert_outcomes(passed=2)
