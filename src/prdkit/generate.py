"""Creating and regenerating PRD folders: the work behind `new` and `render`."""

from __future__ import annotations

import copy
import datetime as _dt
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
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


@dataclass
class WriteResult:
    written: list[Path]
    merge: "MergeOutcome | None" = None
    revision_added: bool = False


def write_documents(answers: AnswersFile, folder: Path, formats: Iterable[str] = ("md", "docx", "checklist"),
                    templates: Path | None = None, reference_docx: Path | None = None,
                    cjk_font: str = "Noto Sans CJK SC", env=None, force: bool = False,
                    answers_path: Path | None = None) -> WriteResult:
    """Render everything in memory, merge the PM's hand edits into prd.md, then write.

    When the answers changed since the last render a revision row is added and the answers
    file (`answers_path`) is saved, after the documents were rendered successfully."""
    from .answers import save_answers
    from .merge import BASE_NAME, STATE_DIR, merge_prd
    from .render import compute_advice, render_prd_markdown
    from .revisions import SNAPSHOT, record_revision, snapshot_text

    formats = tuple(formats)
    options = RenderOptions(formats=formats, templates=templates, reference_docx=reference_docx, cjk_font=cjk_font, warn=warn)
    env = env or make_environment(templates)
    revised = copy.deepcopy(answers)
    revision_added = answers_path is not None and record_revision(revised, folder)
    fresh = render_prd_markdown(revised, env, advice=compute_advice(revised, options.catalog))
    outcome = merge_prd(folder, fresh, revised.lang, force) if {"md", "docx", "pdf"} & set(formats) else None
    outputs = render_outputs(revised, options, env=env,
                             prd_markdown=outcome.text if outcome else None,
                             prd_docx=outcome.clean if outcome else True)
    if outcome is not None:
        outputs[f"{STATE_DIR}/{BASE_NAME}"] = fresh
        if outcome.backup:
            outputs[outcome.backup[0]] = outcome.backup[1]
    outputs[SNAPSHOT] = snapshot_text(revised)
    # a backup must exist before prd.md is replaced
    ordered = dict(sorted(outputs.items(), key=lambda kv: 0 if "backups/" in kv[0] else 1))
    result = write_outputs(ordered, folder)
    if revision_added:
        save_answers(revised, answers_path)
        answers.revisions, answers.answers = revised.revisions, revised.answers
    return WriteResult(result.written + result.unchanged, outcome, revision_added)


def report_merge(outcome, lang: str) -> int:
    """Say what happened to the PM's edits; 1 when prd.md now holds conflict markers."""
    if outcome is None:
        return 0
    zh = lang == "zh"
    if outcome.note:
        click.echo(f"prdkit: {outcome.note}" + (f" ({outcome.backup[0]})" if outcome.backup else ""), err=True)
    if outcome.conflicts:
        click.echo(("prdkit: prd.md 中你的修改与新内容冲突，已用冲突标记保留两者，请处理这些章节后重新生成：" if zh else
                    "prdkit: your edits to prd.md conflict with the new answers; both are kept between conflict markers in these sections:"), err=True)
        for section in outcome.conflicts:
            click.echo(f"  - {section}", err=True)
        click.echo(("prd.docx 未更新。" if zh else "prd.docx was left as it was. Resolve the markers, then render again (or use --force)."), err=True)
        return 1
    if outcome.merged_edits:
        click.echo("prdkit: 已保留你对 prd.md 的手工修改" if zh else "prdkit: your hand edits to prd.md were kept", err=True)
    return 0


def render_many(files: list[Path], out_dir: Path | None, formats: str, templates: Path | None,
                reference_docx: Path | None, cjk_font: str, force: bool) -> int:
    """Render each answers file; one file's failure is reported and the others go on."""
    chosen = parse_formats(formats)
    if "pdf" in chosen:  # before anything is rendered: without LibreOffice nothing is written
        from .pdf import require_soffice

        require_soffice()
    if reference_docx is not None and not reference_docx.is_file():
        raise UserError(f"--reference-docx: {reference_docx}: no such file")
    if out_dir is not None and len(files) > 1:
        raise UserError("--out: give one answers file with --out (several files render beside themselves)")
    env = make_environment(templates)
    if len(files) == 1:
        answers = load_answers(files[0])
        folder = out_dir or files[0].parent
        result = write_documents(answers, folder, chosen, templates, reference_docx, cjk_font, env, force,
                                 answers_path=files[0])
        for path in result.written:
            if ".prdkit" not in path.parts:
                click.echo(str(path))
        return report_merge(result.merge, answers.lang)
    jobs = [(path, chosen, templates, reference_docx, cjk_font, force) for path in files]
    workers = min(len(files), os.cpu_count() or 1)
    failed = conflicts = 0
    for outcome in _progress(_run_jobs(jobs, workers), len(files)):
        if outcome == "failed":
            failed += 1
        elif outcome == "conflict":
            conflicts += 1
    click.echo(f"rendered {len(files) - failed} of {len(files)} answers files" + (f"; {failed} failed" if failed else ""))
    return 2 if failed else (1 if conflicts else 0)


_WORKER_ENV: dict = {}


def _render_one(job) -> str:
    """Render one answers file in a worker; say how it went ("ok", "conflict", "failed")."""
    path, chosen, templates, reference_docx, cjk_font, force = job
    try:
        env = _WORKER_ENV.get(templates) or _WORKER_ENV.setdefault(templates, make_environment(templates))
        answers = load_answers(path)
        result = write_documents(answers, path.parent, chosen, templates, reference_docx, cjk_font, env, force,
                                 answers_path=path)
        return "conflict" if report_merge(result.merge, answers.lang) else "ok"
    except UserError as exc:
        click.echo(f"prdkit: {exc}", err=True)
        return "failed"


def _run_jobs(jobs, workers: int):
    """Files render side by side on every core; each worker keeps its loaded templates."""
    if workers <= 1:
        yield from map(_render_one, jobs)
        return
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_render_one, jobs, chunksize=max(1, len(jobs) // (workers * 4)))


def _progress(outcomes, total: int):
    if not sys.stderr.isatty():
        yield from outcomes
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("rendering", total=total)
        for outcome in outcomes:
            yield outcome
            progress.advance(task)
