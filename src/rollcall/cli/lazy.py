"""The lazy command group: `rollcall`'s sub-commands are named in a table and imported only when one runs, so
`rollcall --help` and `rollcall version` answer without importing the rooms (the emulator, the sync and the
store pull in Starlette, httpx and SQLAlchemy; benchmarks/bench_cli.py measures the difference)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import ClassVar

import typer
import typer.main
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperGroup, TyperOption

from rollcall.cli.help_style import PlainCommand, plain_help, quick_help_option

# (name, "module:attribute", one-line summary). The attribute is a `typer.Typer` (a group of commands) or a
# function (one command). The summary is what `rollcall --help` lists, so the module stays unimported.
CommandEntry = tuple[str, str, str]


def load_command(name: str, target: str) -> Command:
    """Import `target` ("module:attribute") and turn it into the click command called `name`."""
    module_name, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    command: Command
    if isinstance(found, typer.Typer):
        command = typer.main.get_group(found)  # a group even when it holds one command (`emulator serve`)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name, cls=PlainCommand)(found)
        command = typer.main.get_command(single)
    command.name = name
    plain_help(command)
    return command


class _LazyCommands(Mapping[str, Command]):
    """The group's commands by name; a command's module is imported on first lookup, names cost nothing."""

    def __init__(self, table: tuple[CommandEntry, ...]) -> None:
        self._targets = {name: target for name, target, _ in table}
        self._loaded: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            self._loaded[name] = load_command(name, self._targets[name])
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)


class LazyGroup(TyperGroup):
    """A Typer group over a `table` of commands (subclass it and set `table`). Help lists the table's
    summaries; running a command imports only that command's module."""

    table: ClassVar[tuple[CommandEntry, ...]] = ()

    def __init__(self, **attrs: object) -> None:
        super().__init__(**attrs)  # type: ignore[arg-type]
        self.commands = _LazyCommands(self.table)  # type: ignore[assignment]

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return quick_help_option(super().get_help_option(ctx))

    def list_commands(self, ctx: Context) -> list[str]:
        return [name for name, _, _ in self.table]

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, _, summary in self.table])
