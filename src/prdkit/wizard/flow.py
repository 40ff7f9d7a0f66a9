"""The wizard: language, preset, the decisive questions section by section (the quick path;
every question with --full), a review screen that can go deeper into a section, reopen one
or change a single answer, and a draft written after every answer so that nothing typed is
ever lost (Ctrl-C, Ctrl-D, a closed terminal, an error, a failed write).

Which questions are quick, where each is asked and what its default is given earlier answers
are data in the question bank (`depth`, `ask_in`, `defaults`); this module only walks it.
"""

from __future__ import annotations

import dataclasses
import signal
from pathlib import Path
from typing import Any, Callable, Iterable

import click
from questionary import Choice

from .. import generate
from ..answers import AnswersFile, load_answers, save_answers
from ..bank import Bank, Question, load_bank
from ..errors import UserError
from ..presets import Preset, all_presets, get_preset, localise
from ..schema import _value_conforms as value_conforms
from .prompts import ask, ask_line, choose, note, say

# Rough seconds a PM spends on one question of each type, for the "time left" estimate.
SECONDS = {"text": 15, "multiline": 60, "date": 5, "choice": 8, "bool": 5, "int": 10, "float": 10,
           "multichoice": 12, "list": 40, "records": 60}


class Hangup(KeyboardInterrupt):
    """The terminal went away (SIGHUP)."""


def _select(message: str, choices: list[Choice], lang: str, default: Any = None, **io) -> Any:
    """A select in the wizard's language that always answers with one of its values (Esc is
    ignored by prompts.choose)."""
    return choose(message, choices, lang, default=default, **io)


def ask_language(**io) -> str:
    return _select(say("choose_language", "en"), [Choice("中文", value="zh"), Choice("English", value="en")], "en", **io)


def ask_preset(lang: str, **io) -> Preset | None:
    choices = [Choice(f"{p.name} — {p.description[lang]}", value=p.name) for p in all_presets()]
    choices.append(Choice(say("blank", lang), value=""))
    name = _select(say("choose_preset", lang), choices, lang, **io)
    return get_preset(name) if name else None


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def short_value(value: Any, q: Question, lang: str, answers: dict | None = None) -> str:
    """An answer in a few words, with labels (never option ids) and units."""
    from ..render import format_number

    if _blank(value):
        return "—"
    if q.type == "choice":
        return q.choice_label(value, lang)
    if q.type == "multichoice":
        return ("、" if lang == "zh" else ", ").join(q.choice_label(v, lang) for v in value)
    if q.type == "bool":
        return say("yes" if value else "no", lang)
    if q.type in ("int", "float"):
        unit = q.unit_text(lang, answers or {})
        return f"{format_number(value)} {unit}".strip()
    if q.type in ("list", "records"):
        return say("item_one" if len(value) == 1 else "items", lang, n=len(value))
    text = " ".join(str(value).split())
    return text if len(text) <= 48 else text[:47] + "…"


class Session:
    """The answers of one wizard run and everything needed to save them as a draft."""

    def __init__(self, bank: Bank, lang: str, preset: Preset | None, folder: Path | None, full: bool,
                 force: bool = False, io: dict | None = None):
        self.bank, self.lang, self.preset, self.folder, self.full = bank, lang, preset, folder, full
        self.force = force
        self.io = io or {}
        self.answers: dict[str, dict[str, Any]] = {}
        self.assumed: set[str] = set()
        self.pages = [s.id for s in bank.sections]
        self.resumed = False
        self.lang_given = True
        self._preset_key: tuple | None = None
        self._preset_answers: dict = {}

    # ------------------------------------------------------------------ answers and defaults

    def has(self, q: Question) -> bool:
        return q.id in (self.answers.get(q.section) or {})

    def value(self, q: Question) -> Any:
        return (self.answers.get(q.section) or {}).get(q.id)

    def set(self, q: Question, value: Any) -> None:
        self.answers.setdefault(q.section, {})[q.id] = value

    def proposed(self, q: Question) -> Any:
        """What the question offers before the PM answers: the preset's answer, else the
        bank's default worked out from the answers so far."""
        if self.preset is not None:
            key = (self.preset.name, self.lang)
            if self._preset_key != key:  # localised once per preset and language
                self._preset_key, self._preset_answers = key, self.preset.answers(self.lang)
            value = (self._preset_answers.get(q.section) or {}).get(q.id)
            if value is not None:
                return value
        if q.path == "background.doc_date":
            return generate.today()
        return localise(q.default_given(self.answers), self.lang)

    def should_ask(self, q: Question) -> bool:
        """On the quick path only decisive questions are asked, and required ones that
        nothing else can fill."""
        return self.full or q.quick or (q.required and _blank(self.proposed(q)))

    def assume(self, q: Question) -> None:
        """Take the preset's answer or the default without asking, and remember that it
        was assumed (the PRD lists it under open assumptions)."""
        if self.has(q):
            return
        value = self.proposed(q)
        if not _blank(value):
            self.set(q, value)
            self.assumed.add(q.path)

    def hidden(self) -> list[Question]:
        """Answered questions that no longer apply: kept while the wizard runs, left out
        when the documents are written."""
        return [q for q in self.bank.questions() if self.has(q) and not _blank(self.value(q)) and not q.applies(self.answers)]

    def result(self) -> AnswersFile:
        kept: dict[str, dict[str, Any]] = {}
        for q in self.bank.questions():
            value = self.value(q)
            if value is not None and q.applies(self.answers):  # an empty list ("none of these") is an answer
                kept.setdefault(q.section, {})[q.id] = value
        return AnswersFile(lang=self.lang, answers=kept, preset=self.preset.name if self.preset else None,
                           assumed=sorted(self.assumed))

    # ------------------------------------------------------------------ the draft

    def draft_path(self) -> Path | None:
        return self.folder / generate.DRAFT_NAME if self.folder is not None else None

    def load_draft(self, folder: Path) -> None:
        draft = load_answers(folder / generate.DRAFT_NAME)
        self.folder, self.force, self.lang = folder, True, draft.lang
        self.preset = get_preset(draft.preset) if draft.preset else None
        self.answers = {k: dict(v) for k, v in draft.answers.items()}
        self.assumed = set(draft.assumed)
        self.resumed = True
        note(say("resuming", self.lang, path=folder / generate.DRAFT_NAME), dim=True)

    def save_draft(self) -> Path | None:
        """Written atomically after every answer; silent when there is nowhere to write yet."""
        path = self.draft_path()
        if path is None or not self.answers:
            return None
        draft = AnswersFile(lang=self.lang, answers=self.answers, preset=self.preset.name if self.preset else None,
                            assumed=sorted(self.assumed))
        save_answers(draft, path)
        return path

    # ------------------------------------------------------------------ asking

    def ask(self, q: Question) -> None:
        shown = q
        if q.unit:
            shown = dataclasses.replace(q, unit={lang: q.unit_text(lang, self.answers) for lang in ("zh", "en")})
        default = self.value(q) if self.has(q) else self.proposed(q)
        answer = ask(shown, default, self.lang, **self.io)
        if not value_conforms(q, answer):  # never let a prompt's slip make the draft unloadable
            answer = None
        self.set(q, answer)  # kept (and saved below) even when a Ctrl-C is waiting
        self.assumed.discard(q.path)
        if q.path == "background.project_name" and self.folder is None:
            self.settle_folder(Path(generate.slugify(str(self.value(q) or "prd"))))
        self.save_draft()

    def settle_folder(self, folder: Path) -> None:
        """Check the target folder as soon as it is known; when it holds files, offer
        another name or writing into it now rather than at the end."""
        while True:
            if not self.lang_given and not self.answers and (folder / generate.DRAFT_NAME).is_file():
                try:  # speak the draft's language
                    self.lang = load_answers(folder / generate.DRAFT_NAME).lang
                except UserError:
                    pass
            problem = folder_problem(folder, self.force, self.lang)
            if problem is None:
                self.folder = folder
                return
            note(problem, fg="yellow")
            choices = [Choice(say("folder_other", self.lang), value="other")]
            if (folder / generate.DRAFT_NAME).is_file() and not self.answers:
                choices.insert(0, Choice(say("folder_continue", self.lang), value="continue"))
            if folder.is_dir():
                note(say("folder_into_note", self.lang), dim=True)
                choices.append(Choice(say("folder_into", self.lang, folder=folder), value="into"))
            choice = _select(say("folder_choice", self.lang), choices, self.lang, **self.io)
            if choice == "into":
                self.force, self.folder = True, folder
                return
            if choice == "continue":
                self.load_draft(folder)
                return
            name = ask_line(say("folder_name", self.lang), self.lang, default=_next_free(folder).name, **self.io)
            if name:
                folder = folder.parent / name if not Path(name).is_absolute() else Path(name)

    def walk(self, pages: Iterable[str], pick: Callable[[Question], str], heading: bool = True) -> int:
        """Go through pages in order. `pick(q)` says "ask", "assume" or "skip"; conditions
        are evaluated just before each question, so answers given a moment ago count.
        A page's header is printed only when something on it is asked. Returns the number
        of questions asked."""
        pages = list(pages)
        asked = 0
        for page in pages:
            shown = False
            done_here = 0
            for q in self.bank.page(page):
                if not q.applies(self.answers):
                    continue
                what = pick(q)
                if what == "assume":
                    self.assume(q)
                    continue
                if what != "ask":
                    continue
                if not shown and heading:
                    self.header(page)
                    shown = True
                todo_here = done_here + 1 + sum(1 for r in self._later(page, q, pick, same_page=True))
                left = sum(SECONDS.get(r.type, 10) for r in self._later(page, q, pick, pages=pages))
                note(say("progress", self.lang, k=self.pages.index(page) + 1, n=len(self.pages), i=done_here + 1,
                         m=todo_here, eta=_minutes(left + SECONDS.get(q.type, 10), self.lang)), dim=True)
                self.ask(q)
                done_here += 1
                asked += 1
        return asked

    def _later(self, page: str, current: Question, pick, same_page: bool = False, pages: list[str] | None = None):
        """Questions still to be asked after `current` (on its page, or on every page left)."""
        after = False
        order = [page] if same_page else (pages or self.pages)[(pages or self.pages).index(page):]
        for p in order:
            for q in self.bank.page(p):
                if q is current:
                    after = True
                    continue
                if after and q.applies(self.answers) and pick(q) == "ask":
                    yield q

    def header(self, page: str) -> None:
        section = self.bank.section(page)
        note("")
        note(say("section_progress", self.lang, k=self.pages.index(page) + 1, n=len(self.pages), title=section.title[self.lang]),
             bold=True, fg="blue")
        note(f"  {section.why[self.lang]}", italic=True)

    # the passes ---------------------------------------------------------------------------

    def first_pass(self) -> None:
        """The quick path (or every question with --full); on --resume, only what is left
        (with --full, that includes what the quick path assumed)."""
        def pick(q: Question) -> str:
            if self.has(q) and not (self.full and q.path in self.assumed):
                return "skip"
            return "ask" if self.should_ask(q) else "assume"

        self.walk(self.pages, pick)

    def applicable_now(self) -> set[str]:
        return {q.path for q in self.bank.questions() if q.applies(self.answers)}

    def follow_up(self, before: set[str]) -> None:
        """Questions that became applicable, in any section, after a change: asked (or
        assumed, on the quick path) unless an answer from earlier is still there."""
        self.walk(self.pages, lambda q: "skip" if (self.has(q) or q.path in before)
                  else ("ask" if self.should_ask(q) else "assume"))

    def deeper(self, page: str) -> None:
        """The section's questions not asked yet: assumed or still open."""
        before = self.applicable_now()
        self.walk([page], lambda q: "ask" if (q.path in self.assumed or _blank(self.value(q))) else "skip")
        self.follow_up(before)

    def reopen(self, page: str, extra: Iterable[Question] = ()) -> None:
        before = self.applicable_now()
        extra = [q for q in extra if q.applies(self.answers)]
        if extra:
            self.header(page)
        total = len(extra) + sum(1 for q in self.bank.page(page) if q.applies(self.answers))
        for i, q in enumerate(extra, start=1):
            left = sum(SECONDS.get(r.type, 10) for r in extra[i - 1:]) + sum(
                SECONDS.get(r.type, 10) for r in self.bank.page(page) if r.applies(self.answers))
            note(say("progress", self.lang, k=self.pages.index(page) + 1, n=len(self.pages), i=i, m=total,
                     eta=_minutes(left, self.lang)), dim=True)
            self.ask(q)
        self.walk([page], lambda q: "skip" if q in extra else "ask", heading=not extra)
        self.follow_up(before)

    def change_one(self, q: Question) -> None:
        before = self.applicable_now()
        self.ask(q)
        self.follow_up(before)

    def remaining(self, page: str) -> int:
        return sum(1 for q in self.bank.page(page)
                   if q.applies(self.answers) and (q.path in self.assumed or _blank(self.value(q))))


def _labels(questions: Iterable[Question], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(q.label[lang] for q in questions)


def _minutes(seconds: float, lang: str) -> str:
    minutes = max(1, round(seconds / 60))
    return say("eta", lang, n=minutes)


def _next_free(folder: Path) -> Path:
    for n in range(2, 1000):
        candidate = folder.with_name(f"{folder.name}-{n}")
        if not candidate.exists():
            return candidate
    return folder


def folder_problem(folder: Path, force: bool, lang: str) -> str | None:
    """Why the documents cannot simply go into `folder` (None when they can). A draft left
    there by an earlier run counts as content: writing would replace it."""
    if folder.exists() and not folder.is_dir():
        return say("folder_not_dir", lang, folder=folder)
    if folder.is_dir() and not force:
        names = sorted(p.name for p in folder.iterdir())
        if names:
            hint = say("folder_has_draft", lang, folder=folder) if generate.DRAFT_NAME in names else ""
            return say("folder_not_empty", lang, folder=folder, files=", ".join(names[:3]) + (" …" if len(names) > 3 else "")) + hint
    return None


# ---------------------------------------------------------------------- the review screen


def show_review(session: Session) -> list[str]:
    """Print every section's applicable answers; blanks are marked, assumptions tagged.
    Returns the problems that stop the documents from being written."""
    from rich.console import Console
    from rich.table import Table
    from rich.cells import cell_len
    from rich.text import Text

    lang, bank = session.lang, session.bank
    console = Console(highlight=False)
    console.print(f"\n[bold]{say('review_title', lang)}[/bold]")
    for index, page in enumerate(session.pages, start=1):
        section = bank.section(page)
        rows = [q for q in bank.page(page) if q.applies(session.answers)]
        if not rows:
            continue
        entries = []
        for q in rows:
            value = session.value(q)
            if value is None or (_blank(value) and q.type not in ("multichoice", "list", "records")):
                mark = Text(say("blank_required" if q.required else "blank_mark", lang), style="bold red" if q.required else "yellow")
                cell = Text("")
            else:
                mark = Text(say("assumed_mark", lang), style="dim italic") if q.path in session.assumed else Text("")
                cell = Text(short_value(value, q, lang, session.answers))
            entries.append((Text(q.label[lang], style="dim"), mark, cell))
        # Widths worked out here, so a narrow terminal shortens the answers, never the labels.
        label_w = min(max(cell_len(e[0].plain) for e in entries), max(8, console.width * 2 // 5))
        mark_w = max(cell_len(e[1].plain) for e in entries)
        value_w = max(8, console.width - label_w - mark_w - 4)
        table = Table(title=f"{index}. {section.title[lang]}", title_justify="left", show_header=False, box=None,
                      padding=(0, 1), expand=False)
        table.add_column(no_wrap=True, width=label_w, overflow="ellipsis")
        table.add_column(no_wrap=True, width=mark_w)
        table.add_column(no_wrap=True, width=value_w, overflow="ellipsis")
        for label, mark, cell in entries:
            label.truncate(label_w, overflow="ellipsis")
            cell.truncate(value_w, overflow="ellipsis")
            table.add_row(label, mark, cell)
        console.print(table)
    hidden = session.hidden()
    if hidden:
        console.print(Text(say("hidden_note", lang, labels=_labels(hidden, lang)), style="yellow"))
    return validation_problems(session)


def validation_problems(session: Session) -> list[str]:
    from ..answers import validate_data

    try:
        validate_data(session.result().to_data(), "answers")
    except UserError as exc:
        return str(exc).splitlines()
    return []


def review(session: Session, problems: list[str]) -> Any:
    lang = session.lang
    choices = []
    if not problems:
        choices.append(Choice(say("write", lang), value="write"))
    for i, page in enumerate(session.pages, start=1):
        title = f"{i}. {session.bank.section(page).title[lang]}"
        more = session.remaining(page)
        if more:
            choices.append(Choice(say("deeper", lang, title=title, n=more), value=("deeper", page)))
        else:
            choices.append(Choice(say("reopen", lang, title=title), value=("reopen", page)))
    choices.append(Choice(say("change_one", lang), value="one"))
    choices.append(Choice(say("quit", lang), value="quit"))
    return _select(say("review_choice", lang), choices, lang, **session.io)


def pick_question(session: Session) -> Question | None:
    lang = session.lang
    pages = [Choice(f"{i}. {session.bank.section(p).title[lang]}", value=p) for i, p in enumerate(session.pages, start=1)]
    page = _select(say("choose_section", lang), pages, lang, **session.io)
    questions = [q for q in session.bank.page(page) if q.applies(session.answers)]
    sep = "：" if lang == "zh" else ": "
    choices = [Choice(f"{q.label[lang]}{sep}{short_value(session.value(q), q, lang, session.answers)}", value=q.path) for q in questions]
    choices.append(Choice(say("back", lang), value=""))
    path = _select(say("choose_question", lang), choices, lang, **session.io)
    return session.bank.question(path) if path else None


# ---------------------------------------------------------------------- guarding the draft


class _Guard:
    """Saves the draft on Ctrl-C, Ctrl-D, SIGHUP and any error, and says where it is."""

    def __init__(self, session: Session):
        self.session = session
        self.previous = None

    def __enter__(self):
        # SIGINT keeps Python's own handler: between prompts it raises KeyboardInterrupt at once
        # (the draft is saved below), and prompts._run holds it back while prompt_toolkit builds
        # its event loop, so it never lands half-way through that.
        if hasattr(signal, "SIGHUP"):
            def hangup(signum, frame):
                self._save_quietly()
                raise Hangup()

            try:
                self.previous = signal.signal(signal.SIGHUP, hangup)
            except ValueError:  # not the main thread (tests driving the flow in-process)
                self.previous = None
        return self

    def _save_quietly(self) -> Path | None:
        try:
            return self.session.save_draft()
        except OSError:
            return None

    def __exit__(self, kind, exc, tb):
        if self.previous is not None:
            signal.signal(signal.SIGHUP, self.previous)
        if kind is None or issubclass(kind, click.exceptions.Exit):
            return False
        path = self._save_quietly()
        lang = self.session.lang
        try:
            click.echo("", err=True)
            if path is not None:
                click.echo(say("draft_saved", lang, path=path), err=True)
                click.echo(say("resume_hint", lang, folder=self.session.folder), err=True)
        except OSError:  # the terminal is gone
            pass
        if issubclass(kind, (KeyboardInterrupt, EOFError)):
            raise click.exceptions.Exit(130)
        return False  # any other error goes on to the CLI, the draft is safe


# ---------------------------------------------------------------------- commands


def run_new(folder: Path | None, preset: Preset | None, lang: str | None, resume: bool, force: bool,
            workspace_template: Path | None = None, trust: bool = False, full: bool = False, **io) -> None:
    bank = load_bank()
    if resume:
        if folder is None:
            raise UserError(say("resume_needs_dir", lang or "en"))
        if not (folder / generate.DRAFT_NAME).exists():
            raise UserError(say("no_draft", lang or "en", path=folder / generate.DRAFT_NAME))
        session = Session(bank, lang or "en", None, folder, full, True, io)
        session.load_draft(folder)
    else:
        session = Session(bank, lang or "en", preset, None, full, force, io)
        session.lang_given = lang is not None
    with _Guard(session):
        if not session.resumed and folder is not None:
            session.settle_folder(folder)  # before the first question; may continue a draft found there
        if not session.resumed:
            if lang is None:
                session.lang = ask_language(**io)
            if preset is None:
                session.preset = ask_preset(session.lang, **io)
        session.first_pass()
        if session.folder is None:  # no project name was asked (it came from the preset)
            name = (session.answers.get("background") or {}).get("project_name") or "prd"
            session.settle_folder(Path(generate.slugify(str(name))))
        session.save_draft()
        review_loop(session, workspace_template, trust)


def review_loop(session: Session, workspace_template: Path | None, trust: bool) -> None:
    from ..commands.new import finish

    lang = session.lang
    while True:
        problems = show_review(session)
        for line in problems:
            note(line, fg="red")
        choice = review(session, problems)
        if choice == "write":
            hidden = session.hidden()
            if hidden:
                note(say("hidden_dropped", lang, labels=_labels(hidden, lang)), fg="yellow")
            try:
                finish(session.result(), session.folder, workspace_template, trust)
                return
            except (UserError, OSError) as exc:
                session.save_draft()
                reason = str(exc) if isinstance(exc, UserError) else f"{exc.filename or ''}: {exc.strerror or exc}"
                note(say("write_failed", lang, reason=reason, path=session.draft_path()), fg="red")
                continue
        if choice == "quit":
            path = session.save_draft()
            click.echo(say("draft_saved", lang, path=path))
            click.echo(say("resume_hint", lang, folder=session.folder))
            return
        if choice == "one":
            q = pick_question(session)
            if q is not None:
                session.change_one(q)
            continue
        action, page = choice
        if action == "deeper":
            session.deeper(page)
        else:
            session.reopen(page)


def run_edit(answers_path: Path, section_id: str | None, **io) -> None:
    bank = load_bank()
    saved = load_answers(answers_path)
    lang = saved.lang
    ids = [s.id for s in bank.sections]
    if section_id is not None and section_id not in ids:
        raise UserError(f"--section: no section {section_id!r}; choose one of {', '.join(ids)}")
    session = Session(bank, lang, get_preset(saved.preset) if saved.preset and saved.preset in {p.name for p in all_presets()} else None,
                      None, full=True, io=io)
    session.answers = {k: dict(v) for k, v in saved.answers.items()}
    session.assumed = set(saved.assumed)
    try:
        if section_id is None:
            section_id = _select(say("choose_section", lang),
                                 [Choice(f"{i}. {s.title[lang]}", value=s.id) for i, s in enumerate(bank.sections, start=1)], lang, **io)
        # the section's own questions asked on other pages come first (the currency, the region)
        elsewhere = [q for q in bank.section(section_id).questions if q.page != section_id]
        session.reopen(section_id, elsewhere)
    except (KeyboardInterrupt, EOFError):
        click.echo("", err=True)
        raise click.exceptions.Exit(130)
    hidden = session.hidden()
    if hidden:
        note(say("hidden_dropped", lang, labels=_labels(hidden, lang)), fg="yellow")
    result = session.result()
    saved.answers, saved.assumed = result.answers, result.assumed
    from ..answers import validate_data

    validate_data(saved.to_data(), answers_path)
    formats = ["md", "docx", "checklist"]
    if (answers_path.parent / "prd.pdf").is_file():  # a PRD shared as PDF: keep the PDF in step
        from ..pdf import find_soffice

        if find_soffice():
            formats.append("pdf")
        else:
            note(say("pdf_stale", lang), fg="yellow")
    written = generate.write_documents(saved, answers_path.parent, formats, answers_path=answers_path)
    generate.save_answers_kept(saved, answers_path)  # keeps the replaced file under .prdkit/backups/
    click.echo(say("saved", lang, path=answers_path))
    for path in written.written:
        if ".prdkit" not in path.parts:
            click.echo(f"  {path}")
    code = generate.report_merge(written.merge, lang)
    if code:
        raise click.exceptions.Exit(code)
