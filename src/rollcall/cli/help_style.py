"""One house style for `--help`, as git and alembic print it: plain paragraphs re-wrapped to the terminal (so
sentences stay whole), `--db URL` rather than `--db <str>`, flags without a type, arguments as `DIRECTORY`."""

from __future__ import annotations

from typer._click import Command, Context
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


def quick_help_option(option: TyperOption | None) -> TyperOption | None:
    """The `--help` flag with the default a flag has (False). Typer leaves it None, and coercing that None
    imports pydantic, which alone took more than `rollcall version`'s whole budget."""
    if option is not None and option.default is None:
        option.default = False
    return option


class PlainCommand(TyperCommand):
    """A single command (`rollcall sync`, `rollcall version`) whose `--help` flag parses without pydantic."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return quick_help_option(super().get_help_option(ctx))


class _PlainArgument(TyperArgument):
    """An argument shown as `DIRECTORY` (required) or `[DIRECTORY]`, as click and git show it, without
    Typer's `{directory}` and `<path>` labels."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        return name if self.required else f"[{name}]"

    def display_type_rich(self, ctx: Context) -> str | None:
        return None


def plain_help(command: Command) -> None:
    """Give `command` and every command under it the house style: Typer's plain (non-Rich) help, and a
    metavar for every option and argument that has none (the parameter's name in capitals)."""
    if isinstance(command, TyperCommand | TyperGroup):
        command.rich_markup_mode = None
    for param in command.params:
        if isinstance(param, TyperOption) and not (param.is_flag or param.count) and param.metavar is None:
            long_names = [opt for opt in param.opts if opt.startswith("--")] or [param.name or "value"]
            param.metavar = long_names[0].lstrip("-").replace("-", "_").upper()
        elif isinstance(param, TyperArgument):
            param.metavar = param.metavar or (param.name or "value").upper()
            # Typer's argument class has no switch for its labels; this subclass only changes how it is shown.
            param.__class__ = _PlainArgument
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            plain_help(sub)
