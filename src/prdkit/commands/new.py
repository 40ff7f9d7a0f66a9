from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def _default_lang() -> str:
    # --defaults without --lang follows the user's locale
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if locale.lower().startswith("zh") else "en"


@click.command("new")
@click.argument("folder", metavar="[DIR]", required=False, type=click.Path(path_type=Path))
@click.option("--preset", help="Start from a preset (see `prdkit presets`).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the questions and documents.")
@click.option("--defaults", is_flag=True, help="Ask nothing: use the preset's answers and the defaults.")
@click.option("--resume", is_flag=True, help="Continue an interrupted wizard from DIR/answers.draft.yaml.")
@click.option("--full", is_flag=True, help="Ask every question, not only the decisive ones (the quick path).")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@click.option("--workspace-template", type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="Your own cookiecutter template for the folder layout.")
@click.option("--trust", is_flag=True, help="Allow the workspace template's hooks to run.")
def command(folder: Path | None, preset: str | None, lang: str | None, defaults: bool, resume: bool, full: bool, force: bool,
            workspace_template: Path | None, trust: bool) -> None:
    """Run the wizard and write a new PRD folder.

    Asks the decisive questions (the quick path) or, with --full, every question; answers not
    asked come from the preset or the defaults and are listed in the PRD as open assumptions.
    DIR defaults to a folder named after the project. With --defaults nothing is asked.
    """
    from .. import generate
    from ..errors import UserError
    from ..presets import get_preset

    chosen = get_preset(preset) if preset else None
    if defaults:
        if resume:
            raise UserError("--resume and --defaults cannot be used together")
        lang = lang or _default_lang()
        answers = generate.new_answers(lang, chosen)
        target = folder or Path(generate.slugify(str(answers.get("background.project_name") or "prd")))
        generate.check_target_folder(target, force)
        finish(answers, target, workspace_template, trust)
        return
    if not sys.stdin.isatty():
        raise UserError("the wizard needs a terminal: run `prdkit new` in a terminal, or pass --defaults (with --preset) to use defaults without questions")
    from ..wizard import run_new

    run_new(folder=folder, preset=chosen, lang=lang, resume=resume, force=force,
            workspace_template=workspace_template, trust=trust, full=full)


def finish(answers, target: Path, workspace_template: Path | None = None, trust: bool = False) -> None:
    """Write the folder: layout, answers.yaml, every document. Used by the wizard too."""
    from .. import generate
    from ..answers import validate_data

    # Validate first; write_documents renders everything in memory before it writes.
    validate_data(answers.to_data(), f"answers for {target}")
    result = generate.create_prd_folder(answers, target, workspace_template, trust)  # all or nothing; backs up a replaced answers.yaml
    outputs = [p.name for p in result.written if ".prdkit" not in p.parts]
    draft = target / generate.DRAFT_NAME
    if draft.exists():
        draft.unlink()
    lang = answers.lang
    click.echo(("已生成 " if lang == "zh" else "Wrote ") + str(target))
    for name in [generate.ANSWERS_NAME, *outputs]:
        click.echo(f"  {target / name}")
    click.echo(("重新生成：prdkit render " if lang == "zh" else "Regenerate with: prdkit render ") + str(target / generate.ANSWERS_NAME))
