"""The `prdkit` command. Thin on purpose: each command lives in prdkit/commands/<name>.py and
is imported only when it runs (see app.py). `prdkit --help`, `prdkit` alone and `--version`
are answered here without importing click at all: click alone takes three times as long to
import as Python takes to start, and a help screen should appear at once."""

from __future__ import annotations

import sys

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


SUMMARY = (
    "prdkit: decide whether and how to build an LLM product, and write it down.",
    "Start with `prdkit new`. Saved answers regenerate everything with `prdkit render`.",
)
OPTIONS = (("--version", "Show the version and exit."), ("-h, --help", "Show this message and exit."))


def top_help(width: int | None = None) -> str:
    """The help screen of `prdkit`, for the fast path and for click (app.LazyGroup) alike."""
    import shutil
    import textwrap

    if width is None:
        width = max(min(shutil.get_terminal_size().columns, 80) - 2, 50)
    lines = ["Usage: prdkit [OPTIONS] COMMAND [ARGS]...", ""]
    for paragraph in SUMMARY:
        lines += textwrap.wrap(paragraph, width, initial_indent="  ", subsequent_indent="  ") + [""]

    def table(title: str, rows) -> None:
        first = max(len(name) for name, _ in rows) + 2
        lines.append(f"{title}:")
        for name, text in rows:
            wrapped = textwrap.wrap(text, max(width - first - 2, 20)) or [""]
            lines.append(f"  {name.ljust(first)}{wrapped[0]}")
            lines.extend(" " * (first + 2) + more for more in wrapped[1:])

    table("Options", OPTIONS)
    lines.append("")
    table("Commands", [(name, short) for name, (_, short) in COMMANDS.items()])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--help"], ["-h"]):
        sys.stdout.write(top_help())
        return 0
    if not args:  # like any command line that names no command: usage on stderr, exit 2
        sys.stderr.write(top_help())
        return 2
    if args == ["--version"]:
        sys.stdout.write(f"prdkit, version {__version__}\n")
        return 0
    import click

    from .app import cli

    debug = "--debug" in args
    try:
        # Without standalone mode click returns a command's ctx.exit() code instead of exiting.
        result = cli.main(args=args, prog_name="prdkit", standalone_mode=False)
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
        # never an empty name ("prdkit: : ..."), and the reason in words
        from .folder import reason

        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"prdkit: {where}{reason(exc)}", err=True)
        return 2
    except Exception as exc:  # a bug: say so plainly; --debug shows the traceback
        if debug:
            raise
        click.echo(f"prdkit: internal error: {type(exc).__name__}: {exc} (run again with --debug for details)", err=True)
        return 70
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
