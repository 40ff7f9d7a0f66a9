from __future__ import annotations

import click


@click.command("presets")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="en", show_default=True)
def command(lang: str) -> None:
    """List the presets: the name, then a one-line description."""
    from ..presets import all_presets

    presets = all_presets()
    width = max((len(p.name) for p in presets), default=0)
    for preset in presets:
        click.echo(f"{preset.name.ljust(width)}  {preset.description[lang]}")
