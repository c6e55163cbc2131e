from __future__ import annotations

import subprocess
import sys

import typer
import typer.main


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


def _imported_after(*args: str) -> set[str]:
    """The modules a `rollcall ARGS` process has imported when it exits."""
    code = (
        "import sys\n"
        f"sys.argv = ['rollcall', *{list(args)!r}]\n"
        "from rollcall.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return set(result.stderr.split())


HEAVY = ("rollcall.emulator", "rollcall.sync", "rollcall.store", "rollcall.client", "rollcall.roster",
         "httpx", "sqlalchemy", "starlette", "uvicorn", "rich", "structlog", "pydantic")  # fmt: skip


def test_help_and_version_import_no_room_and_no_heavy_library() -> None:
    for args in (("--help",), ("version",)):
        heavy = {name for name in _imported_after(*args) if name.startswith(HEAVY)}
        assert heavy == set(), args


def test_running_a_command_imports_only_its_own_module() -> None:
    imported = _imported_after("roster", "--help")
    assert "rollcall.cli.roster" in imported
    assert not {"rollcall.cli.sync", "rollcall.cli.emulator", "rollcall.sync", "rollcall.emulator"} & imported


def test_the_help_lists_every_command_of_the_table_with_its_whole_summary() -> None:
    from rollcall.cli.app import COMMANDS

    result = _rollcall("--help")
    assert result.returncode == 0
    flat = " ".join(result.stdout.split())
    for name, _, summary in COMMANDS:
        assert f"{name} {summary}" in flat


def _help_pages() -> list[tuple[str, ...]]:
    from rollcall.cli.app import COMMANDS, app

    pages: list[tuple[str, ...]] = [()]
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    for name, _, _ in COMMANDS:
        pages.append((name,))
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        for sub in getattr(command, "commands", {}):
            pages.append((name, sub))
    return pages


def test_every_help_page_reads_like_a_well_kept_cli() -> None:
    pages = _help_pages()
    assert ("roster", "inspect") in pages
    assert ("emulator", "serve") in pages
    for page in pages:
        result = _rollcall(*page, "--help")
        assert result.returncode == 0, page
        text = result.stdout
        assert text.startswith(f"Usage: rollcall {' '.join(page)}".rstrip()), page
        for label in ("<bool>", "<str>", "<int>", "<path>", "<list", "{", "╭"):
            assert label not in text, (page, label)
        assert "..." not in text.split("\n", 1)[1], page  # no summary cut short (usage's `[ARGS]...` aside)
        for paragraph in text.split("\n\n")[1:2]:  # the description: whole sentences, ending with a stop
            assert paragraph.rstrip().endswith("."), (page, paragraph)
