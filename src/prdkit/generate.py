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

from .answers import AnswersFile, load_answers
from .bank import load_bank
from .errors import UserError
from .presets import Preset, initial_answers
from .render import RenderOptions, make_environment, parse_formats, render_outputs
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
    if str(folder) == "":
        raise UserError("the folder name is empty; give a folder")
    if folder.is_symlink() and not folder.is_dir():
        raise UserError(f"{folder}: is a symbolic link that leads nowhere; give a real folder")
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and not force and not resume:
        leftovers = [p.name for p in folder.iterdir() if p.name not in (DRAFT_NAME,)]
        if leftovers:
            raise UserError(f"{folder}: folder is not empty (has {', '.join(sorted(leftovers)[:3])}); use --force to write into it, or choose another folder")


def workspace_files(name: str, answers: AnswersFile, workspace_template: Path | None = None,
                    trust: bool = False, scratch: Path | None = None) -> dict[str, bytes]:
    """The files of the folder layout (README on how to regenerate), from the cookiecutter
    template, as {path inside the folder: content}: generated in a scratch folder, so that
    they are written together with the documents, or not at all."""
    import shutil
    import tempfile

    from cookiecutter.generate import generate_files

    template = workspace_template or (templates_dir() / "workspace")
    if not (template / "cookiecutter.json").is_file():
        raise UserError(f"{template}: not a cookiecutter template (no cookiecutter.json)")
    info = {
        "folder": name,
        "project_name": str(answers.get("background.project_name", name)),
        "owner": str(answers.get("background.owner", "")),
        "lang": answers.lang,
        "preset": answers.preset or "",
    }
    work = Path(tempfile.mkdtemp(prefix=".prdkit-layout-", dir=scratch))
    try:
        # Hooks in a template run arbitrary code: only with --trust.
        generate_files(repo_dir=str(template), context={"cookiecutter": info}, output_dir=str(work),
                       overwrite_if_exists=True, accept_hooks=trust)
        made = work / name
        files = {}
        for path in sorted(made.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            files[path.relative_to(made).as_posix()] = path.read_bytes()
        return files
    except OSError as exc:
        from .folder import reason

        raise UserError(f"{template}: cannot lay out the folder: {reason(exc)}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def create_prd_folder(answers: AnswersFile, target: Path, workspace_template: Path | None = None,
                      trust: bool = False) -> "WriteResult":
    """`new`: the folder layout, answers.yaml and every document, all or nothing.

    A folder that does not exist yet is built beside its final place and renamed into it at
    the end, so a failure (a full disk) leaves no half folder and a retry works. Writing into
    an existing folder (--force, or a resumed wizard) goes through one staged commit, and an
    answers.yaml already there is kept under .prdkit/backups/ first."""
    import shutil
    import tempfile

    from .folder import reason

    if str(target) == "":
        raise UserError("the folder name is empty; give a folder")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{parent}: cannot create the folder: {reason(exc)}") from None
    layout = workspace_files(target.name, answers, workspace_template, trust)
    not_documents = {*layout, ANSWERS_NAME}

    def documents(result: WriteResult, root: Path) -> WriteResult:
        # what `new` lists: the documents (answers.yaml and the layout are named apart)
        result.written = [target / p.relative_to(root) for p in result.written
                          if p.relative_to(root).as_posix() not in not_documents]
        return result

    if target.exists() or target.is_symlink():
        # a new PRD replaces the old one: an edited prd.md is kept under .prdkit/backups/, not merged
        return documents(write_documents(answers, target, extra=layout, save_answers_to=target / ANSWERS_NAME,
                                         force=True), target)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=parent))
    except OSError as exc:
        raise UserError(f"{parent}: cannot create {target.name}: {reason(exc)}") from None
    try:
        result = write_documents(answers, work, extra=layout, save_answers_to=work / ANSWERS_NAME, lock=False)
        try:
            os.chmod(work, 0o777 & ~_umask())
            os.rename(work, target)
        except OSError as exc:
            raise UserError(f"{target}: cannot create the folder: {reason(exc)}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return documents(result, work)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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


def _on_wait(message: str) -> None:
    click.echo(f"prdkit: {message}", err=True)


def write_documents(answers: AnswersFile, folder: Path, formats: Iterable[str] = ("md", "docx", "checklist"),
                    templates: Path | None = None, reference_docx: Path | None = None,
                    cjk_font: str | None = None, env=None, force: bool = False,
                    answers_path: Path | None = None, extra: dict[str, bytes] | None = None,
                    save_answers_to: Path | None = None, lock: bool = True) -> WriteResult:
    """Render everything in memory, merge the PM's hand edits into prd.md, then write every
    file in one staged commit (see folder.py): all of them, or none.

    With `answers_path` (a render of a saved answers file), a changed answers file adds a row
    to the folder's revision history (.prdkit/history.yaml); the answers file itself is not
    written. `save_answers_to` (inside `folder`) writes the answers in the same commit, after
    keeping the file it replaces under .prdkit/backups/. `extra` adds files (the layout of a
    new folder)."""
    from .folder import STATE_DIR, reason

    try:
        return _write_documents(answers, folder, tuple(formats), templates, reference_docx, cjk_font, env, force,
                                answers_path, extra, save_answers_to, lock)
    except OSError as exc:  # anything the steps below did not name themselves
        where = exc.filename if isinstance(exc.filename, str) and os.path.isabs(exc.filename) \
            and f"/{STATE_DIR}/staging-" not in exc.filename else str(folder)
        raise UserError(f"{where}: {reason(exc)}") from None


def _write_documents(answers, folder, formats, templates, reference_docx, cjk_font, env, force, answers_path,
                     extra, save_answers_to, lock) -> WriteResult:
    from .folder import STATE_DIR, RenderFolder
    from .merge import BASE_NAME, merge_texts
    from .render import compute_advice, render_prd_markdown
    from .revisions import (HISTORY, SNAPSHOT, apply_history, history_text, next_history, normalise_rows, parse_history,
                            parse_snapshot, snapshot_text)

    options = RenderOptions(formats=formats, templates=templates, reference_docx=reference_docx, cjk_font=cjk_font, warn=warn)
    env = env or make_environment(templates)
    with RenderFolder(folder, answers.lang, on_wait=_on_wait, lock=lock) as target:
        revised = copy.deepcopy(answers)
        stored = parse_history(target.read(HISTORY), target.show(HISTORY))
        history = stored if stored is not None else normalise_rows(revised.revisions)
        rows = None
        if answers_path is not None:
            rows = next_history(revised, parse_snapshot(target.read(SNAPSHOT), target.show(SNAPSHOT), warn), history)
        apply_history(revised, rows or history)
        fresh = render_prd_markdown(revised, env, advice=compute_advice(revised, options.catalog))
        outcome = None
        if {"md", "docx", "pdf"} & set(formats):
            base_raw = target.read(f"{STATE_DIR}/{BASE_NAME}")
            base = None
            if base_raw is not None:
                try:
                    base = base_raw.decode("utf-8")
                except UnicodeDecodeError:
                    warn(f"{target.show(STATE_DIR + '/' + BASE_NAME)}: damaged (not UTF-8 text); ignored and rewritten by this render")
            outcome = merge_texts(target.read("prd.md"), base, fresh, revised.lang, force,
                                  target.listdir(f"{STATE_DIR}/backups"), target.show("prd.md"))
            if outcome.blocked:
                return WriteResult([], outcome)
        outputs: dict[str, str | bytes] = dict(extra or {})
        if save_answers_to is not None:
            name = save_answers_to.relative_to(folder).as_posix()
            old = target.read(name)
            new_text = answers_text(answers, save_answers_to)
            if old is not None and old != new_text.encode("utf-8"):
                from .folder import pick_name

                outputs[f"{STATE_DIR}/backups/" + pick_name(target.listdir(f"{STATE_DIR}/backups"), "answers", ".yaml")] = old
            outputs[name] = new_text
        if outcome is not None and outcome.backup:
            outputs[outcome.backup[0]] = outcome.backup[1]
        outputs.update(render_outputs(revised, options, env=env,
                                      prd_markdown=outcome.text if outcome else None,
                                      prd_docx=outcome.clean if outcome else True))
        if outcome is not None:
            outputs[f"{STATE_DIR}/{BASE_NAME}"] = fresh
        outputs[SNAPSHOT] = snapshot_text(revised)
        if rows or history:
            outputs[HISTORY] = history_text(rows or history, revised.lang)
        written, unchanged = target.commit(outputs)
    if rows:
        # the caller may save these answers (`prdkit edit`): they carry the new row
        answers.revisions, answers.answers = revised.revisions, revised.answers
    return WriteResult(written + unchanged, outcome, bool(rows))


def answers_text(answers: AnswersFile, where: Path) -> str:
    """The answers as a file a person reads (block style). Long lists of short items take far
    more room that way (a 611 KB file with flow-style lists became 2.4 MB), so a file that
    would pass the size limit is written with such lists in flow style; one still too large
    is refused rather than written unreadable."""
    from .answers import MAX_BYTES

    text = answers.to_yaml()
    if len(text.encode("utf-8")) <= MAX_BYTES:
        return text
    import yaml

    compact = text[: text.index("\n", text.index("\n") + 1) + 1] + yaml.safe_dump(
        answers.to_data(), allow_unicode=True, sort_keys=False, width=100, default_flow_style=None)
    if len(compact.encode("utf-8")) > MAX_BYTES:
        raise UserError(f"{where}: the answers would take {len(compact.encode('utf-8')):,} bytes, over the limit of "
                        f"{MAX_BYTES:,}; nothing was written")
    return compact


def save_answers_kept(answers: AnswersFile, path: Path) -> None:
    """Rewrite an answers file (`prdkit edit`), keeping the file it replaces, comments and
    all, under .prdkit/backups/ of its folder; both in one staged commit."""
    from .folder import STATE_DIR, RenderFolder, pick_name

    text = answers_text(answers, path)
    with RenderFolder(path.parent, answers.lang, on_wait=_on_wait) as folder:
        outputs: dict[str, str | bytes] = {}
        old = folder.read(path.name)
        if old is not None and old != text.encode("utf-8"):
            outputs[f"{STATE_DIR}/backups/" + pick_name(folder.listdir(f"{STATE_DIR}/backups"), "answers", ".yaml")] = old
        outputs[path.name] = text
        folder.commit(outputs)
    answers.path = path


def report_merge(outcome, lang: str) -> int:
    """Say what happened to the PM's edits; 1 when prd.md holds conflict markers."""
    if outcome is None:
        return 0
    zh = lang == "zh"
    if outcome.note:
        click.echo(f"prdkit: {outcome.note}" + (f" ({outcome.backup[0]})" if outcome.backup else ""), err=True)
    if outcome.blocked:
        click.echo(("prdkit: prd.md 中仍有上次冲突留下的冲突标记，请先处理这些章节（或使用 --force）；本次没有写入任何文件：" if zh else
                    "prdkit: prd.md still holds conflict markers from an earlier render; resolve them in these sections "
                    "(or render with --force). Nothing was written:"), err=True)
        for section in outcome.conflicts:
            click.echo(f"  - {section}", err=True)
        return 1
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
                reference_docx: Path | None, cjk_font: str | None, force: bool) -> int:
    """Render each answers file; one file's failure is reported and the others go on."""
    chosen = parse_formats(formats)
    if "pdf" in chosen:  # before anything is rendered: without LibreOffice nothing is written
        from .pdf import require_soffice

        require_soffice()
    if reference_docx is not None and reference_docx.is_dir():
        raise UserError(f"--reference-docx: {reference_docx}: is a folder; give a Word .docx or .dotx file")
    if reference_docx is not None and not reference_docx.is_file():
        raise UserError(f"--reference-docx: {reference_docx}: no such file")
    if out_dir is not None and str(out_dir) == "":
        raise UserError("--out: the folder name is empty; give a folder, or leave --out out to write beside the answers file")
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
    except OSError as exc:
        from .folder import reason

        click.echo(f"prdkit: {path}: {reason(exc)}", err=True)
        return "failed"


def _run_jobs(jobs, workers: int):
    """Files render side by side on every core; each worker keeps its loaded templates."""
    if workers <= 1:
        yield from map(_render_one, jobs)
        return
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                  initializer=_die_with_parent, initargs=(os.getpid(),))
    finished = False
    try:
        yield from pool.map(_render_one, jobs, chunksize=max(1, len(jobs) // (workers * 4)))
        finished = True
    finally:
        if not finished:  # Ctrl-C, or the caller stopped: end the workers now, not after the queue
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=finished, cancel_futures=not finished)


def _die_with_parent(parent: int) -> None:
    """In a worker: end when the prdkit process that started it ends, however it ends (Linux
    delivers SIGTERM on the parent's death; elsewhere the pool notices a broken pipe)."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


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
