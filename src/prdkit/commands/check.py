from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("check")
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def command(answers_file: Path, as_json: bool) -> None:
    """Validate and lint an answers file.

    Exit 0: clean. Exit 1: findings (unanswered required questions, inconsistent numbers).
    Exit 2: the file is invalid (the message names the line and key path).
    """
    from ..answers import load_answers
    from ..lint import findings

    answers = load_answers(answers_file)
    found = findings(answers)
    if as_json:
        click.echo(json.dumps({"file": str(answers_file), "findings": [f.as_dict() for f in found]}, ensure_ascii=False, indent=2))
    elif not found:
        click.echo(f"{answers_file}: OK" if answers.lang == "en" else f"{answers_file}：没有发现问题")
    else:
        for f in found:
            click.echo(f"{answers_file}: {f.severity}: {f.path}: {f.message}")
        click.echo(f"{len(found)} finding(s)" if answers.lang == "en" else f"共 {len(found)} 项问题")
    if found:
        click.get_current_context().exit(1)
