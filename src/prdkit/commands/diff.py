from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def command(old: Path, new: Path, as_json: bool) -> None:
    """Show what changed between two answers files, per section (exit 0 either way)."""
    from ..answers import load_answers
    from ..diffing import diff_answers, print_diff

    before, after = load_answers(old), load_answers(new)
    result = diff_answers(before, after)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_diff(result, after.lang)
