"""The `rollcall` Typer application: every sub-command is registered here, and every `RollcallError` becomes a
one-line message and its exit code instead of a traceback."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rollcall.cli.console import err
from rollcall.cli.demo import demo
from rollcall.cli.emulator import app as emulator_app
from rollcall.cli.logs import configure_logging
from rollcall.cli.roster import app as roster_app
from rollcall.cli.sync import sync
from rollcall.errors import RollcallError

app = typer.Typer(
    name="rollcall",
    help="Clever API v3 migration toolkit: emulator, client, sync, migration and access engines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.add_typer(roster_app, name="roster")
app.add_typer(emulator_app, name="emulator")
app.command("demo")(demo)
app.command("sync")(sync)


@app.command()
def version() -> None:
    """Print rollcall's version."""
    from rollcall import __version__

    typer.echo(__version__)


@app.callback()
def _root(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log info events (pages, retries) to stderr.")
    ] = False,
) -> None:
    """Clever API v3 migration toolkit: emulator, client, sync, migration and access engines."""
    configure_logging(verbose=verbose)


def main() -> None:
    """Console-script entry point. Click handles usage errors itself (exit 2); rollcall's own errors are
    printed as one line and exit with their `exit_code`."""
    try:
        app()
    except RollcallError as error:
        err.print(f"[bold red]error:[/] {error}", markup=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
