from __future__ import annotations

import subprocess
import sys


def _rollcall(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rollcall", *args], capture_output=True, text=True, check=False
    )


def test_version_prints_the_package_version() -> None:
    from rollcall import __version__

    result = _rollcall("version")
    assert result.returncode == 0
    assert result.stdout.strip() == __version__


def test_an_unknown_command_is_a_usage_error_without_traceback() -> None:
    result = _rollcall("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
