from __future__ import annotations

import json
from pathlib import Path

import click


def _finite(value):
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


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
        # JSON has no NaN or infinity: a figure that cannot be computed is null, never invalid JSON
        click.echo(json.dumps(_finite(advice), ensure_ascii=False, indent=2, allow_nan=False))
        return
    from ..advisors.report import print_advice

    print_advice(advice, answers.lang)
