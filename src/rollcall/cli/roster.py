"""`rollcall roster …`: the commands that read, check and generate Clever SFTP roster directories."""

from __future__ import annotations

import typer

from rollcall.cli.roster_generate import generate

app = typer.Typer(help="Read, check and generate Clever SFTP roster directories.", no_args_is_help=True)
app.command("generate")(generate)
