from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("advise")
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: scenario_fit, solution_path, models, cost, evaluation.")
@click.option("--catalog", type=click.Path(path_type=Path), help="Your own model catalog (YAML) over the shipped one.")
def command(answers_file: Path, as_json: bool, catalog: Path | None) -> None:
    """Scenario-fit verdict, solution path, model shortlist, cost and eval-set sizes."""
    from ..advisors import advise, load_catalog
    from ..answers import load_answers

    answers = load_answers(answers_file)
    models = load_catalog(catalog)
    advice = advise(answers.answers, answers.lang, models)
    if as_json:
        click.echo(json.dumps(advice, ensure_ascii=False, indent=2))
        return
    from ..advisors.report import print_advice

    print_advice(advice, answers.lang)
