"""The wizard: language, preset, each section in turn, a review screen that can reopen any
section, and a draft saved on Ctrl-C so that `--resume` can continue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import questionary
from questionary import Choice

from .. import generate
from ..answers import AnswersFile, load_answers, save_answers
from ..bank import Bank, Section, load_bank
from ..errors import UserError
from ..presets import Preset, all_presets, get_preset, initial_answers
from .prompts import ask, note, say


def ask_language(**io) -> str:
    return questionary.select(say("choose_language", "en"), choices=[Choice("中文", value="zh"), Choice("English", value="en")], **io).unsafe_ask()


def ask_preset(lang: str, **io) -> Preset | None:
    choices = [Choice(f"{p.name} — {p.description[lang]}", value=p.name) for p in all_presets()]
    choices.append(Choice(say("blank", lang), value=""))
    name = questionary.select(say("choose_preset", lang), choices=choices, **io).unsafe_ask()
    return get_preset(name) if name else None


def ask_section(bank: Bank, section: Section, answers: dict[str, dict[str, Any]], defaults: dict[str, dict[str, Any]],
                lang: str, position: tuple[int, int], only_missing: bool = False, **io) -> None:
    """Ask the applicable questions of one section, in place. `when` sees every answer given
    so far, so a question appears or disappears as earlier answers change."""
    k, n = position
    note("")
    note(say("section_progress", lang, k=k, n=n, title=section.title[lang]), bold=True, fg="blue")
    note(f"  {section.why[lang]}", italic=True)
    block = answers.setdefault(section.id, {})
    for q in section.questions:
        if not q.applies(answers):
            block.pop(q.id, None)  # an earlier change made it irrelevant
            continue
        if only_missing and q.id in block:
            continue
        default = block.get(q.id, (defaults.get(section.id) or {}).get(q.id))
        block[q.id] = ask(q, default, lang, **io)


def _short(value: Any, q, lang: str) -> str:
    from ..render import format_number

    if value is None or value == [] or value == "":
        return "—"
    if q.type == "choice":
        return q.choice_label(value, lang)
    if q.type == "multichoice":
        return ", ".join(q.choice_label(v, lang) for v in value)
    if q.type == "bool":
        return say("yes" if value else "no", lang)
    if q.type in ("int", "float"):
        return format_number(value)
    if q.type in ("list", "records"):
        return f"[{len(value)}]"
    text = " ".join(str(value).split())
    return text if len(text) <= 48 else text[:47] + "…"


def show_review(bank: Bank, answers: dict, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"\n[bold]{say('review_title', lang)}[/bold]")
    for index, section in enumerate(bank.sections, start=1):
        table = Table(title=f"{index}. {section.title[lang]}", title_justify="left", show_header=False, box=None, padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(overflow="ellipsis", no_wrap=True, max_width=70)
        for q in section.questions:
            if q.applies(answers):
                table.add_row(q.label[lang], _short((answers.get(section.id) or {}).get(q.id), q, lang))
        console.print(table)


def review(bank: Bank, answers: dict, lang: str, **io) -> str:
    show_review(bank, answers, lang)
    choices = [Choice(say("write", lang), value="write")]
    choices += [Choice(say("reopen", lang, title=f"{i}. {s.title[lang]}"), value=s.id) for i, s in enumerate(bank.sections, start=1)]
    choices.append(Choice(say("quit", lang), value="quit"))
    return questionary.select(say("review_choice", lang), choices=choices, **io).unsafe_ask()


class Draft:
    """Where the answers so far go when the wizard stops early."""

    def __init__(self, folder: Path | None, lang: str, preset: Preset | None):
        self.folder, self.lang, self.preset = folder, lang, preset

    def target(self, answers: dict) -> Path:
        if self.folder is None:
            name = (answers.get("background") or {}).get("project_name") or "prd"
            self.folder = Path(generate.slugify(str(name)))
        return self.folder

    def save(self, answers: dict) -> Path:
        folder = self.target(answers)
        path = folder / generate.DRAFT_NAME
        folder.mkdir(parents=True, exist_ok=True)
        save_answers(AnswersFile(lang=self.lang, answers=answers, preset=self.preset.name if self.preset else None), path)
        return path


def run_new(folder: Path | None, preset: Preset | None, lang: str | None, resume: bool, force: bool,
            workspace_template: Path | None = None, trust: bool = False, **io) -> None:
    bank = load_bank()
    answers: dict[str, dict[str, Any]] = {}
    if resume:
        if folder is None:
            raise UserError(say("resume_needs_dir", lang or "en"))
        draft_path = folder / generate.DRAFT_NAME
        if not draft_path.exists():
            raise UserError(say("no_draft", lang or "en", path=draft_path))
        draft = load_answers(draft_path)
        lang, answers = draft.lang, {k: dict(v) for k, v in draft.answers.items()}
        preset = get_preset(draft.preset) if draft.preset else None
    else:
        if folder is not None:
            generate.check_target_folder(folder, force)
    draft_store = Draft(folder, lang or "en", preset)
    try:
        if not resume:
            lang = lang or ask_language(**io)
            draft_store.lang = lang
            preset = preset if preset is not None else ask_preset(lang, **io)
            draft_store.preset = preset
        defaults = initial_answers(bank, lang, preset)
        defaults.setdefault("background", {}).setdefault("doc_date", generate.today())
        total = len(bank.sections)
        for index, section in enumerate(bank.sections, start=1):
            ask_section(bank, section, answers, defaults, lang, (index, total), only_missing=resume, **io)
        while True:
            choice = review(bank, answers, lang, **io)
            if choice == "write":
                break
            if choice == "quit":
                path = draft_store.save(answers)
                click.echo(say("draft_saved", lang, path=path))
                click.echo(say("resume_hint", lang, folder=draft_store.target(answers)))
                return
            index = next(i for i, s in enumerate(bank.sections, start=1) if s.id == choice)
            ask_section(bank, bank.sections[index - 1], answers, defaults, lang, (index, total), **io)
    except KeyboardInterrupt:
        path = draft_store.save(answers)
        click.echo("")
        click.echo(say("draft_saved", lang or "en", path=path), err=True)
        click.echo(say("resume_hint", lang or "en", folder=draft_store.target(answers)), err=True)
        raise click.exceptions.Exit(130)
    target = draft_store.target(answers)
    if folder is None and not resume:
        generate.check_target_folder(target, force)
    result = AnswersFile(lang=lang, answers={k: v for k, v in answers.items() if v}, preset=preset.name if preset else None)
    from ..commands.new import finish

    finish(result, target, workspace_template, trust)


def run_edit(answers_path: Path, section_id: str | None, **io) -> None:
    bank = load_bank()
    saved = load_answers(answers_path)
    lang = saved.lang
    ids = [s.id for s in bank.sections]
    if section_id is not None and section_id not in ids:
        raise UserError(f"--section: no section {section_id!r}; choose one of {', '.join(ids)}")
    try:
        if section_id is None:
            section_id = questionary.select(
                say("choose_section", lang),
                choices=[Choice(f"{i}. {s.title[lang]}", value=s.id) for i, s in enumerate(bank.sections, start=1)], **io,
            ).unsafe_ask()
        answers = {k: dict(v) for k, v in saved.answers.items()}
        index = ids.index(section_id) + 1
        ask_section(bank, bank.sections[index - 1], answers, answers, lang, (index, len(ids)), **io)
    except KeyboardInterrupt:
        click.echo("", err=True)
        raise click.exceptions.Exit(130)
    saved.answers = {k: v for k, v in answers.items() if v}
    from ..answers import validate_data

    validate_data(saved.to_data(), answers_path)
    result = generate.write_documents(saved, answers_path.parent, answers_path=answers_path)
    generate.save_answers_kept(saved, answers_path)  # keeps the replaced file under .prdkit/backups/
    click.echo(say("saved", lang, path=answers_path))
    for path in result.written:
        if ".prdkit" not in path.parts:
            click.echo(f"  {path}")
    code = generate.report_merge(result.merge, lang)
    if code:
        raise click.exceptions.Exit(code)
