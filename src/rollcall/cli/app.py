"""The `rollcall` command line: the table of sub-commands, and the one place every `RollcallError` becomes a
one-line message and its exit code instead of a traceback."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rollcall.cli.lazy import CommandEntry, LazyGroup
from rollcall.errors import RollcallError

# Every sub-command of `rollcall`, in the order `rollcall --help` lists them. Its module is imported only when
# the command runs, so `rollcall --help` stays fast however many rooms there are.
# To add a command, add ONE line: (name, "module:attribute", one-line summary), where the attribute is
# a `typer.Typer` (a group such as `rollcall roster …`) or a function (one command such as `rollcall sync`).
# Keep the summary one short sentence: it is what `rollcall --help` lists.
COMMANDS: tuple[CommandEntry, ...] = (
    ("demo", "rollcall.cli.demo:demo", "Run the v2 → v3 story on a generated district, nothing to install."),
    ("roster", "rollcall.cli.roster:app", "Read, check and generate SFTP roster directories."),
    ("emulator", "rollcall.cli.emulator:app", "Serve an emulator of Clever's API for tests and demos."),
    ("sync", "rollcall.cli.sync:sync", "Sync Clever into a SQL store: full, incremental, resumable."),
    ("fleet", "rollcall.cli.fleet:app", "Queue district syncs in PostgreSQL and watch the workers run them."),
    ("worker", "rollcall.cli.fleet:worker", "Run queued district syncs; start as many as you like."),
    ("web", "rollcall.cli.web:app", "Serve the web app: Sign in with Clever, role switcher, role pages."),
    ("access", "rollcall.cli.access:app", "Ask who may do what: role-aware checks against a synced store."),
    ("migrate", "rollcall.cli.migrate:app", "Migrate v2 accounts to v3 users: plan, apply, verify, undo."),
    ("version", "rollcall.cli.app:version", "Print rollcall's version."),
)  # fmt: skip


class _RollcallGroup(LazyGroup):
    table = COMMANDS


app = typer.Typer(
    name="rollcall",
    cls=_RollcallGroup,
    help="Clever API v3 migration toolkit: emulator, client, sync, migration and access engines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def version() -> None:
    """Print rollcall's version."""
    from rollcall import __version__

    typer.echo(__version__)


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log info events (pages, retries) to stderr.")
    ] = False,
) -> None:
    """Clever API v3 migration toolkit: emulator, client, sync, migration and access engines."""
    if ctx.invoked_subcommand == "version":
        return  # it only prints; importing structlog (and Rich with it) would triple its time
    from rollcall.cli.logs import configure_logging

    configure_logging(verbose=verbose)


def main() -> None:
    """Console-script entry point. Click handles usage errors itself (exit 2); rollcall's own errors are
    printed as one line and exit with their `exit_code`."""
    try:
        app(prog_name="rollcall")
    except RollcallError as error:
        _print_error(error)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        _print_error("interrupted")
        sys.exit(130)


def _print_error(error: RollcallError | str) -> None:
    from rich.text import Text  # Rich is imported only on this path and by the commands

    from rollcall.cli.console import err

    err.print(Text.assemble(("error:", "bold red"), f" {error}"))
