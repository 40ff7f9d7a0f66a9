"""Creating and regenerating PRD folders: the work behind `new` and `render`."""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import Iterable

import click

from .answers import AnswersFile, load_answers, save_answers
from .bank import load_bank
from .errors import UserError
from .presets import Preset, initial_answers
from .render import RenderOptions, make_environment, parse_formats, render_outputs, write_outputs
from .resources import templates_dir

ANSWERS_NAME = "answers.yaml"
DRAFT_NAME = "answers.draft.yaml"
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def slugify(name: str, limit: int = 60) -> str:
    """A folder name that is safe everywhere: no separators, no dots at the ends, no
    reserved device names, not too long. CJK letters are kept."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    text = re.sub(r"[^\w\-]+", "-", text, flags=re.UNICODE)
    text = re.sub(r"-{2,}", "-", text).strip("-_.")
    text = text[:limit].rstrip("-_.")
    if not text or text in _WINDOWS_RESERVED:
        text = f"prd-{text}" if text else "prd"
    return text


def today() -> str:
    return _dt.date.today().isoformat()


def check_target_folder(folder: Path, force: bool, resume: bool = False) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and not force and not resume:
        leftovers = [p.name for p in folder.iterdir() if p.name not in (DRAFT_NAME,)]
        if leftovers:
            raise UserError(f"{folder}: folder is not empty (has {', '.join(sorted(leftovers)[:3])}); use --force to write into it, or choose another folder")


def create_workspace(folder: Path, answers: AnswersFile, workspace_template: Path | None = None, trust: bool = False) -> None:
    """Lay out the folder with the cookiecutter template (README on how to regenerate)."""
    from cookiecutter.generate import generate_files

    template = workspace_template or (templates_dir() / "workspace")
    if not (template / "cookiecutter.json").is_file():
        raise UserError(f"{template}: not a cookiecutter template (no cookiecutter.json)")
    info = {
        "folder": folder.name,
        "project_name": str(answers.get("background.project_name", folder.name)),
        "owner": str(answers.get("background.owner", "")),
        "lang": answers.lang,
        "preset": answers.preset or "",
    }
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Hooks in a template run arbitrary code: only with --trust.
    generate_files(
        repo_dir=str(template),
        context={"cookiecutter": info},
        output_dir=str(folder.parent),
        overwrite_if_exists=True,
        accept_hooks=trust,
    )


def new_answers(lang: str, preset: Preset | None, earlier: dict | None = None) -> AnswersFile:
    values = initial_answers(load_bank(), lang, preset, earlier)
    values.setdefault("background", {}).setdefault("doc_date", today())
    return AnswersFile(lang=lang, answers=values, preset=preset.name if preset else None)


def warn(message: str) -> None:
    click.echo(f"prdkit: warning: {message}", err=True)


def write_documents(answers: AnswersFile, folder: Path, formats: Iterable[str] = ("md", "docx", "checklist"),
                    templates: Path | None = None, reference_docx: Path | None = None,
                    cjk_font: str = "Noto Sans CJK SC", env=None) -> list[Path]:
    options = RenderOptions(formats=tuple(formats), templates=templates, reference_docx=reference_docx,
                            cjk_font=cjk_font, warn=warn)
    outputs = render_outputs(answers, options, env=env)
    result = write_outputs(outputs, folder)
    return result.written + result.unchanged


def render_many(files: list[Path], out_dir: Path | None, formats: str, templates: Path | None,
                reference_docx: Path | None, cjk_font: str, force: bool) -> int:
    """Render each answers file; one file's failure is reported and the others go on."""
    chosen = parse_formats(formats)
    if reference_docx is not None and not reference_docx.is_file():
        raise UserError(f"--reference-docx: {reference_docx}: no such file")
    if out_dir is not None and len(files) > 1:
        raise UserError("--out: give one answers file with --out (several files render beside themselves)")
    env = make_environment(templates)
    if len(files) == 1:
        answers = load_answers(files[0])
        folder = out_dir or files[0].parent
        written = write_documents(answers, folder, chosen, templates, reference_docx, cjk_font, env)
        for path in written:
            click.echo(str(path))
        return 0
    failed = 0
    for path in _progress(files):
        try:
            answers = load_answers(path)
            write_documents(answers, path.parent, chosen, templates, reference_docx, cjk_font, env)
        except UserError as exc:
            failed += 1
            click.echo(f"prdkit: {exc}", err=True)
    click.echo(f"rendered {len(files) - failed} of {len(files)} answers files" + (f"; {failed} failed" if failed else ""))
    return 2 if failed else 0


def _progress(files: list[Path]):
    if not sys.stderr.isatty():
        yield from files
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("rendering", total=len(files))
        for path in files:
            yield path
            progress.advance(task)
