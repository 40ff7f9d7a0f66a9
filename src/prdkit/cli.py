"""The `prdkit` command. Thin on purpose: each command lives in prdkit/commands/<name>.py and
is imported only when it runs, so `prdkit --help` stays instant (no python-docx, lxml, Jinja2
or markdown-it on that path)."""

from __future__ import annotations

import importlib
import sys

import click

from . import __version__
from .errors import UserError

# name -> (module under prdkit.commands, one-line help shown by `prdkit --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("new", "Run the wizard and write a new PRD folder."),
    "render": ("render", "Regenerate every document from saved answers."),
    "edit": ("edit", "Re-ask one section of saved answers, then re-render."),
    "check": ("check", "Validate and lint an answers file."),
    "presets": ("presets", "List the presets."),
    "advise": ("advise", "Scenario fit, solution path, model shortlist, cost and eval sizes."),
    "checklist": ("checklist", "Print the launch-acceptance checklist."),
    "accept": ("accept", "Record acceptance results; print the launch verdict."),
    "diff": ("diff", "Show what changed between two answers files."),
    "schema": ("schema", "Print the JSON Schema of the answers file."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"prdkit.commands.{COMMANDS[name][0]}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing the commands must not import them: the short help is kept here.
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="prdkit")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """prdkit: decide whether and how to build an LLM product, and write it down.

    Start with `prdkit new`. Saved answers regenerate everything with `prdkit render`.
    """
    ctx.obj = {"debug": debug}


def main(argv: list[str] | None = None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # Without standalone mode click returns a command's ctx.exit() code instead of exiting.
        result = cli.main(args=argv, prog_name="prdkit", standalone_mode=False)
    except UserError as exc:
        click.echo(f"prdkit: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("\nprdkit: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("\nprdkit: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2 if exc.exit_code == 1 else exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except OSError as exc:
        if debug:
            raise
        click.echo(f"prdkit: {exc.filename or ''}: {exc.strerror or exc}", err=True)
        return 2
    except Exception as exc:  # a bug: say so plainly; --debug shows the traceback
        if debug:
            raise
        click.echo(f"prdkit: internal error: {type(exc).__name__}: {exc} (run again with --debug for details)", err=True)
        return 70
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
