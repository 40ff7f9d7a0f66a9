"""The click command group behind `prdkit`: commands are imported only when they run."""

from __future__ import annotations

import importlib

import click

from . import __version__
from .cli import COMMANDS, top_help


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"prdkit.commands.{COMMANDS[name][0]}")
        return module.command

    def get_help(self, ctx: click.Context) -> str:
        # One help screen: the one cli.main prints without importing click.
        return top_help().rstrip("\n")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="prdkit")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """prdkit (its help screen is cli.top_help, shared with the fast path)."""
    ctx.obj = {"debug": debug}


