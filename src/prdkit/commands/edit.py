from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("edit")
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(path_type=Path))
@click.option("--section", help="The section to re-ask, by id (background, scenario, solution, model, data, cost, evaluation, launch, compliance, collaboration).")
def command(answers_file: Path, section: str | None) -> None:
    """Re-ask one section with the saved answers as defaults, save, then re-render."""
    from ..answers import load_answers
    from ..errors import UserError

    load_answers(answers_file)  # a broken file is reported before anything is asked
    if not sys.stdin.isatty():
        raise UserError("edit asks questions, so it needs a terminal; to change answers without one, edit the YAML and run `prdkit render`")
    from ..wizard import run_edit

    run_edit(answers_file, section)
