from __future__ import annotations

import json

import click


@click.command("schema")
def command() -> None:
    """Print the JSON Schema of the answers file."""
    from ..bank import load_bank
    from ..schema import answers_schema

    click.echo(json.dumps(answers_schema(load_bank()), ensure_ascii=False, indent=2))
