"""One prompt per question type, built on prompt_toolkit. Each returns the answer's value.

How every prompt behaves:

- A default is a grey placeholder: Enter on an empty line takes it, typing replaces it, Tab
  puts it in the box for editing. `?` (or `？`) shows the question's help on every kind of
  prompt and keeps the prompt waiting.
- Validation happens inside the prompt: the PM stays on the question, and the message says
  why the answer was refused and shows one that would be accepted.
- Selects and confirms ignore Esc; they only ever return one of their own values.
- Stopping: Ctrl-C, Ctrl-D and the end of input (a closed terminal or pipe) all raise
  `Interrupted`, a KeyboardInterrupt, on every prompt. The flow catches KeyboardInterrupt and
  saves a draft; `Interrupted.reason` says which of the three it was.
- Every word shown comes from strings.yaml or the question bank, in the wizard's language;
  choices are shown by their labels, never their ids. Text wraps at the terminal's width on
  word and CJK boundaries (text.wrap).

For the flow: `choose` (a select over any options; takes questionary Choices too),
`confirm` (yes/no in the wizard's language), `ask_line` (one line of free text), `note` (a
wrapped line between prompts), `say` (a strings.yaml text) and `Interrupted`. Tests drive every prompt through prompt_toolkit's pipe input by passing
`input=` and `output=` in **io.
"""

from __future__ import annotations

import signal
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml
from prompt_toolkit.application import Application, run_in_terminal
from prompt_toolkit.application.current import get_app
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import FormattedTextControl, HSplit, Layout, Window
from prompt_toolkit.shortcuts import PromptSession
from prompt_toolkit.styles import Style

from ..bank import Question
from . import numbers
from .dates import read_date
from .text import cell_width, fill, pack, split_lead, terminal_width, wrap

HELP_MARKS = ("?", "？")
_FIRST = object()  # a menu with no default points at its first option
_EDIT = object()  # a text prompt's answer when the PM asked for $EDITOR
EDITOR_MARKS = ("!e", "！e")

STYLE = Style.from_dict({
    "qmark": "fg:#5f819d bold",
    "question": "bold",
    "answer": "fg:#ff9d00 bold",
    "pointer": "fg:#ff9d00 bold",
    "checked": "fg:#5f819d bold",
    "placeholder": "fg:#8a8a8a",
    "hint": "fg:#8a8a8a",
    "bottom-toolbar": "noreverse fg:#8a8a8a",
    "bottom-toolbar.text": "noreverse fg:#8a8a8a",
    "error": "fg:ansired bold",
    "validation-toolbar": "noreverse fg:ansired bold",
})


class Interrupted(KeyboardInterrupt):
    """The PM stopped the wizard. `reason` is "ctrl-c", "ctrl-d" or "eof" (the input ended:
    a closed terminal or an exhausted pipe). A KeyboardInterrupt, so one `except
    KeyboardInterrupt` in the flow saves the draft whichever way the wizard was left."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@lru_cache(maxsize=1)
def _strings() -> dict:
    return yaml.safe_load((Path(__file__).parent / "strings.yaml").read_text(encoding="utf-8"))


def say(key: str, lang: str, **values: Any) -> str:
    return _strings()[key][lang].format(**values)


def note(text: str = "", **style: Any) -> None:
    """A line of text between prompts, wrapped at the terminal's width; a leading bullet
    (•, ℹ, …) gets a hanging indent. click looks up sys.stdout on every call, which keeps
    the prompts testable (prompt_toolkit's own print caches the stream)."""
    import click

    lead, body = split_lead(text)
    click.secho(fill(body, terminal_width() - 1, lead), **style)


def help_text(q: Question, lang: str) -> str:
    return (q.help or {}).get(lang) or say("no_help", lang)


def show_help(q: Question, lang: str) -> None:
    note(f"  ℹ {help_text(q, lang)}", fg="cyan")


# ---------------------------------------------------------------------------- the machinery


def _sigint_mask(how: int) -> None:
    if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
        signal.pthread_sigmask(how, {signal.SIGINT})


def _let_sigint_through() -> None:
    """Called by prompt_toolkit once the prompt is set up. A Ctrl-C that came while SIGINT was
    held back is taken here and stops the prompt; letting it through instead could reach the
    event loop before its handler is in place, and the prompt would then wait for a key."""
    if hasattr(signal, "sigpending") and threading.current_thread() is threading.main_thread() \
            and signal.SIGINT in signal.sigpending():
        signal.sigwait({signal.SIGINT})  # consume it: it is blocked, so this returns at once
        get_app().exit(exception=Interrupted("ctrl-c"), style="class:aborting")
    _sigint_mask(signal.SIG_UNBLOCK)


def _run(start: Callable[..., Any]) -> Any:
    """Run one prompt (`start(pre_run=…)`); every way of stopping becomes `Interrupted`.

    SIGINT is held back while prompt_toolkit builds its event loop and let through once the
    prompt runs (its handler then turns it into Ctrl-C): a KeyboardInterrupt raised halfway
    through building the loop would leave asyncio printing a traceback."""
    _sigint_mask(signal.SIG_BLOCK)
    try:
        return start(pre_run=_let_sigint_through)
    except Interrupted:
        raise
    except EOFError:
        raise Interrupted("eof") from None
    except KeyboardInterrupt as stop:
        if type(stop) is not KeyboardInterrupt:  # the flow's own kinds (a hang-up, say) pass through
            raise
        raise Interrupted("ctrl-c") from None
    finally:
        _sigint_mask(signal.SIG_UNBLOCK)


def _stop_keys() -> KeyBindings:
    keys = KeyBindings()

    @keys.add("c-c", eager=True)
    def _(event):
        event.app.exit(exception=Interrupted("ctrl-c"), style="class:aborting")

    @keys.add("c-d", eager=True)
    def _(event):
        event.app.exit(exception=Interrupted("ctrl-d"), style="class:aborting")

    @keys.add("<sigint>")
    def _(event):
        """SIGINT (Ctrl-C typed while the terminal was not in raw mode) stops the prompt like
        Ctrl-C; if it arrives as the prompt is ending, the ending wins."""
        if event.app.is_running and not event.app.future.done():
            event.app.exit(exception=Interrupted("ctrl-c"), style="class:aborting")

    return keys


def _width() -> int:
    try:
        return max(get_app().output.get_size().columns - 1, 20)
    except Exception:  # no running application: the terminal's own width
        return terminal_width() - 1


def _title_tokens(title: str) -> list[tuple[str, str]]:
    """'? title' wrapped with a hanging indent."""
    lines = wrap(title, _width(), "? ", "  ")
    tokens = [("class:qmark", "?"), ("class:question", lines[0][1:])]
    for line in lines[1:]:
        tokens += [("", "\n"), ("class:question", line)]
    return tokens


def echo_answer(title: str, answer: str, multiline: bool = False) -> None:
    """What stays on the screen once a prompt is answered: '? title answer', wrapped on word
    and CJK boundaries (the prompt itself erases, as the editing box wraps anywhere)."""
    import click

    width = terminal_width() - 1
    lines = wrap(title, width, "? ", "  ")
    head = [click.style("?", fg="cyan", bold=True) + click.style(lines[0][1:], bold=True)]
    head += [click.style(line, bold=True) for line in lines[1:]]
    answer = answer.strip("\n")
    if multiline and answer:
        body = wrap(answer, width, "› ", "  ")
    elif answer and cell_width(lines[-1]) + 1 + cell_width(answer) <= width and "\n" not in answer:
        head[-1] += " " + click.style(answer, fg="yellow")
        body = []
    else:
        body = wrap(answer, width, "  ") if answer else []
    for line in head + [click.style(line, fg="yellow") for line in body]:
        click.echo(line)


def _hint_tokens(hint: str) -> list[tuple[str, str]]:
    return [("class:hint", "\n".join(pack(hint.split(" · "), _width(), "  ")))]


def _text_prompt(title: str, *, lang: str, default_text: str = "", check: Callable[[str], str | None] = lambda _: None,
                 multiline: bool = False, on_help: Callable[[], None] | None = None, editor: bool = False,
                 hint: str | None = None, **io) -> str:
    """One line (or several) of text. `default_text` is the grey placeholder; `hint` replaces
    the key hint ("" for none). An answer `check` refuses keeps the prompt waiting, with the
    reason just above the box (prompt_toolkit's own toolbar may sit at the screen's foot)."""
    keys = _stop_keys()
    problem: list[str] = []  # the reason the last Enter was refused, until the text changes

    def special(buffer) -> bool:
        """`?` and `!e` act at once and leave the prompt waiting."""
        typed = buffer.text.strip()
        if typed in HELP_MARKS:
            buffer.reset()
            run_in_terminal(on_help or (lambda: note(f"  ℹ {say('no_help', lang)}", fg="cyan")))
            return True
        if editor and typed in EDITOR_MARKS:
            get_app().exit(result=_EDIT)
            return True
        return False

    def accept(buffer) -> None:
        if special(buffer):
            return
        if default_text and not buffer.text.strip():
            buffer.document = Document(default_text, len(default_text))
        refused = check(buffer.text)
        if refused:
            problem[:] = [refused]
            return
        buffer.validate_and_handle()

    @keys.add("enter")
    def _(event):
        buffer = event.current_buffer
        if multiline and buffer.text.strip() and buffer.text.strip() not in HELP_MARKS + EDITOR_MARKS:
            buffer.newline(copy_margin=False)
            return
        accept(buffer)

    @keys.add("escape", "enter")
    def _(event):
        accept(event.current_buffer)

    @keys.add("tab")
    def _(event):
        buffer = event.current_buffer
        if default_text and not buffer.text:
            buffer.insert_text(default_text)

    has_default = bool(default_text)
    if hint is None:
        hint = say(("hint_multiline" if multiline else "hint_text") + ("_default" if has_default else ""), lang)
    # A default of several lines is shown above the box (a placeholder holds one line).
    several = multiline and "\n" in default_text.strip()

    def message():
        # The title, the default if it is long, the key hint, why the last answer was
        # refused, and the box on a line of its own.
        tokens = _title_tokens(title)
        if several:
            tokens += [("", "\n"), ("class:placeholder", fill(default_text.strip("\n"), _width(), "  "))]
        if hint:
            tokens += [("", "\n")] + _hint_tokens(hint)
        if problem:
            tokens += [("", "\n"), ("class:error", fill(problem[0], _width(), "  ✗ "))]
        return tokens + [("", "\n"), ("class:qmark", "›"), ("", " ")]

    placeholder = say("placeholder_multiline", lang) if several else default_text
    session: PromptSession = PromptSession(
        message=message, placeholder=FormattedText([("class:placeholder", placeholder)]) if has_default else None,
        multiline=multiline, key_bindings=keys, style=STYLE, prompt_continuation="  ",
        include_default_pygments_style=False, mouse_support=False, erase_when_done=True, **io,
    )
    session.default_buffer.on_text_changed += lambda _: problem.clear()
    typed = ""
    while True:
        result = _run(lambda pre_run: session.prompt(default=typed, pre_run=pre_run))
        if result is not _EDIT:
            echo_answer(title, result, multiline)
            return result
        # The editor has the terminal to itself; its text comes back into the box to check.
        typed = _open_editor(default_text)
        note(say("edited", lang), dim=True)


class _Menu:
    """A list of options: a select (one value) or, with `multi`, a checkbox (a list)."""

    def __init__(self, title: str, options: Sequence[tuple[Any, str]], *, lang: str, default: Any = _FIRST,
                 multi: bool = False, checked: Sequence[Any] = (), at_least_one: bool = False,
                 on_help: Callable[[], None] | None = None, hint: str | None = None,
                 shortcuts: dict[str, Any] | None = None):
        if not options:
            raise ValueError("a menu needs options")
        self.title, self.options, self.lang, self.multi = title, list(options), lang, multi
        values = [value for value, _ in self.options]
        self.pointer = values.index(default) if default is not _FIRST and default in values else 0
        self.checked = [value for value in values if value in set(checked)] if multi else []
        self.at_least_one, self.on_help, self.shortcuts = at_least_one, on_help, shortcuts or {}
        self.hint = hint or say("hint_checkbox" if multi else "hint_select", lang)
        self.error: str | None = None
        self.answer: str | None = None

    def _answer_text(self, result: Any) -> str:
        if self.multi:
            labels = [label for value, label in self.options if value in result]
            return say("list_joiner", self.lang).join(labels) if labels else say("none_chosen", self.lang)
        return next(label for value, label in self.options if value == result)

    def _tokens(self) -> list[tuple[str, str]]:
        tokens = _title_tokens(self.title)
        width = _width()
        for index, (value, label) in enumerate(self.options):
            here = index == self.pointer
            mark = "» " if here else "  "
            box = ("◉ " if value in self.checked else "○ ") if self.multi else ""
            lines = wrap(label, width, " " + mark + box)
            tokens.append(("", "\n"))
            if here:
                tokens.append(("[SetCursorPosition]", ""))
            style = "class:pointer" if here else ("class:checked" if value in self.checked else "")
            tokens.append((style, "\n".join(lines)))
        if self.error:
            tokens += [("", "\n"), ("class:error", fill(self.error, width, "  "))]
        tokens += [("", "\n")] + _hint_tokens(self.hint)
        return tokens

    def _finish(self, app, result: Any) -> None:
        self.answer = self._answer_text(result)
        app.exit(result=result)

    def ask(self, **io) -> Any:
        keys = _stop_keys()

        def move(step: int):
            def handler(event):
                self.pointer = (self.pointer + step) % len(self.options)
            return handler

        for key in ("up", "c-p", "s-tab", "left"):
            keys.add(key)(move(-1))
        for key in ("down", "c-n", "tab", "right"):
            keys.add(key)(move(1))

        @keys.add("escape", eager=True)
        def _(event):
            """Esc does nothing: a select always answers with one of its own values."""

        @keys.add("enter", eager=True)
        def _(event):
            if not self.multi:
                self._finish(event.app, self.options[self.pointer][0])
            elif self.at_least_one and not self.checked:
                self.error = say("required_choice", self.lang)
            else:
                self._finish(event.app, list(self.checked))

        if self.multi:
            @keys.add(" ", eager=True)
            def _(event):
                value = self.options[self.pointer][0]
                if value in self.checked:
                    self.checked.remove(value)
                else:
                    self.checked = [v for v, _ in self.options if v in self.checked or v == value]
                self.error = None

        for mark in HELP_MARKS:
            @keys.add(mark, eager=True)
            def _(event):
                run_in_terminal(self.on_help or (lambda: note(f"  ℹ {say('no_help', self.lang)}", fg="cyan")))

        for index in range(min(len(self.options), 9)):
            @keys.add(str(index + 1), eager=True)
            def _(event, index=index):
                self.pointer = index

        for key, value in self.shortcuts.items():
            @keys.add(key, eager=True)
            def _(event, value=value):
                self._finish(event.app, value)

        @keys.add(Keys.Any)
        def _(event):
            """Other keys do nothing."""

        control = FormattedTextControl(self._tokens, show_cursor=False, focusable=True)
        layout = Layout(HSplit([Window(control, wrap_lines=False, dont_extend_height=True, always_hide_cursor=True)]))
        app: Application = Application(layout=layout, key_bindings=keys, style=STYLE, full_screen=False,
                                       mouse_support=False, erase_when_done=True, **io)
        result = _run(app.run)
        echo_answer(self.title, self.answer or "")
        return result


# ---------------------------------------------------------------------------- for the flow


def _pair(option: Any) -> tuple[Any, str]:
    if isinstance(option, tuple):
        return option
    title = option.title  # a questionary Choice
    return option.value, title if isinstance(title, str) else "".join(text for _, text in title)


def choose(message: str, options: Sequence[Any], lang: str, default: Any = _FIRST, help: str | None = None,
           **io) -> Any:
    """A select over (value, label) pairs (or questionary Choices): returns one of the values,
    whatever keys are pressed. Esc is ignored; `?` shows `help`; the hint is in `lang`."""
    on_help = (lambda: note(f"  ℹ {help}", fg="cyan")) if help else None
    pairs = [_pair(option) for option in options]
    if default is None and None not in [value for value, _ in pairs]:
        default = _FIRST
    return _Menu(message, pairs, lang=lang, default=default, on_help=on_help).ask(**io)


def ask_line(message: str, lang: str, default: str = "", required: bool = True, **io) -> str:
    """One line of free text (a folder name, say): the default is a placeholder Enter takes."""
    def check(text: str) -> str | None:
        return say("required", lang) if required and not text.strip() else None

    return _text_prompt(message, lang=lang, default_text=default, check=check, **io).strip()


def confirm(message: str, lang: str, default: bool = True, help: str | None = None, **io) -> bool:
    """Yes or no in the wizard's language (是/否); y and n answer at once."""
    on_help = (lambda: note(f"  ℹ {help}", fg="cyan")) if help else None
    return _Menu(message, [(True, say("yes", lang)), (False, say("no", lang))], lang=lang, default=bool(default),
                 on_help=on_help, hint=say("hint_confirm", lang), shortcuts={"y": True, "n": False}).ask(**io)


# ---------------------------------------------------------------------------- one per question type


def _title(q: Question, lang: str, required: bool | None = None) -> str:
    unit = f" [{q.unit[lang]}]" if q.unit else ""
    star = " *" if (q.required if required is None else required) else ""
    return f"{q.prompt[lang]}{unit}{star}"


def _is_percent(q: Question) -> bool:
    """A percentage question: its unit is %, or (for table columns without a unit) its label
    ends in (%)."""
    if numbers.is_percent(q.unit):
        return True
    return q.unit is None and all(label.rstrip().endswith(("(%)", "（%）")) for label in q.label.values())


def _unit(q: Question) -> dict | None:
    return {"zh": "%", "en": "%"} if _is_percent(q) and not q.unit else q.unit


def _read(q: Question, text: str) -> numbers.Reading:
    return numbers.read_number(text, integer=q.type == "int", unit=_unit(q), minimum=q.min, maximum=q.max)


def _why(q: Question, reading: numbers.Reading, lang: str) -> str:
    example = numbers.example(q.type == "int", _unit(q), q.min, q.max, q.default)
    unit = (_unit(q) or {}).get(lang, "")
    return say(reading.problem, lang, example=example, unit=unit, **reading.details)


def number_problem(q: Question, text: str, lang: str) -> str | None:
    """Why `text` is not an answer to number question `q`, in `lang`; None when it is (or
    when it is a bare fraction on a percentage question: the prompt then asks)."""
    reading = _read(q, text)
    if reading.ok or reading.percent_guess is not None:
        return None
    return _why(q, reading, lang)


def _text_problem(q: Question, lang: str) -> Callable[[str], str | None]:
    def check(raw: str) -> str | None:
        value = raw.strip()
        if not value:
            return say("required", lang) if q.required else None
        if q.type in ("int", "float"):
            return number_problem(q, value, lang)
        if q.type == "date" and read_date(value) is None:
            import datetime as _dt

            return say("bad_date", lang, text=value, example=_dt.date.today().isoformat())
        if q.pattern:
            import re

            if not re.search(q.pattern, value):
                sample = q.default if isinstance(q.default, str) and re.search(q.pattern, q.default) else None
                return say("bad_pattern", lang, example=sample) if sample else say("bad_pattern_plain", lang)
        if q.max_length and len(value) > q.max_length:
            return say("too_long", lang, n=q.max_length, m=len(value))
        return None

    return check


def _open_editor(default: str) -> str:
    import click

    edited = click.edit(default or "", extension=".md")
    return default if edited is None else edited.rstrip("\n")


def _shown(q: Question, default: Any) -> str:
    if default is None or default == "":
        return ""
    if q.type in ("int", "float") and isinstance(default, (int, float)) and not isinstance(default, bool):
        return numbers.plain(default)
    return str(default).strip("\n")


def ask_text(q: Question, default: Any, lang: str, **io) -> Any:
    """text, multiline, date, int and float questions."""
    multiline = q.type == "multiline"
    while True:
        raw = _text_prompt(_title(q, lang), lang=lang, default_text=_shown(q, default), check=_text_problem(q, lang),
                           multiline=multiline, on_help=lambda: show_help(q, lang), editor=multiline, **io)
        value = raw.strip()
        if multiline:
            return raw.strip("\n") or None
        if not value:
            return None
        if q.type == "date":
            return read_date(value)
        if q.type not in ("int", "float"):
            return value
        reading = _read(q, value)
        if reading.percent_guess is not None:
            typed = numbers.plain(numbers.read_number(value, integer=False).value)
            guess = numbers.plain(reading.percent_guess)
            meant = _Menu(say("percent_guess", lang, value=typed, guess=guess),
                          [(True, say("percent_yes", lang, guess=guess)), (False, say("percent_no", lang, value=typed))],
                          lang=lang, on_help=lambda: show_help(q, lang)).ask(**io)
            if meant:
                return reading.percent_guess
            if not reading.ok:
                note("  " + _why(q, reading, lang), fg="red")
                continue
        return reading.value


def ask_choice(q: Question, default: Any, lang: str, **io) -> Any:
    options = [(c.value, c.label[lang]) for c in q.choices]
    if not q.required:
        options.append((None, say("leave_empty", lang)))
    start = default if default in q.choice_values() else (None if not q.required else q.choices[0].value)
    return _Menu(_title(q, lang), options, lang=lang, default=start, on_help=lambda: show_help(q, lang)).ask(**io)


def ask_multichoice(q: Question, default: Any, lang: str, **io) -> list[str]:
    options = [(c.value, c.label[lang]) for c in q.choices]
    return _Menu(_title(q, lang), options, lang=lang, multi=True, checked=list(default or []),
                 at_least_one=q.required, on_help=lambda: show_help(q, lang)).ask(**io)


def ask_bool(q: Question, default: Any, lang: str, **io) -> bool:
    return _Menu(_title(q, lang), [(True, say("yes", lang)), (False, say("no", lang))], lang=lang,
                 default=True if default is None else bool(default), on_help=lambda: show_help(q, lang),
                 hint=say("hint_confirm", lang), shortcuts={"y": True, "n": False}).ask(**io)


def _edit_menu(q: Question, labels: list[str], changed: bool, kind: str, lang: str, **io) -> str:
    """The items already there, then what to do with them: keep (or done), add, change one,
    remove one."""
    for index, label in enumerate(labels, start=1):
        note(f"  {index}. {label}")
    count = len(labels)
    first = say(f"{kind}_done" if changed else f"{kind}_keep", lang, n=count)
    options = [("done", first), ("add", say(f"{kind}_add", lang))]
    if count:
        options += [("change", say(f"{kind}_change", lang)), ("remove", say(f"{kind}_remove", lang))]
    message = say(f"{kind}_what", lang, n=count) if count else say("list_what_empty", lang)
    return _Menu(message, options, lang=lang, on_help=lambda: show_help(q, lang)).ask(**io)


def _pick(q: Question, labels: list[str], key: str, lang: str, **io) -> int | None:
    options = [(i, f"{i + 1}. {label}") for i, label in enumerate(labels)] + [(None, say("menu_back", lang))]
    return _Menu(say(key, lang), options, lang=lang, on_help=lambda: show_help(q, lang)).ask(**io)


def _list_prompt(q: Question, number: int, lang: str, default: str = "", **io) -> str:
    return _text_prompt(say("list_item", lang, i=number), lang=lang, default_text=default,
                        on_help=lambda: show_help(q, lang), hint=None if default else say("hint_list_item", lang),
                        **io).strip()


def ask_list(q: Question, default: Any, lang: str, **io) -> list[str]:
    items = [str(item) for item in (default or [])]
    changed = False
    adding = not items
    note(f"? {_title(q, lang)}", bold=True)
    while True:
        if adding:
            raw = _list_prompt(q, len(items) + 1, lang, **io)
            if raw:
                items.append(raw)
                changed = True
                continue
            if q.required and not items:
                note("  " + say("required", lang), fg="red")
                continue
            adding = False
            if not items:
                return items
        action = _edit_menu(q, items, changed, "list", lang, **io)
        if action == "done":
            if q.required and not items:
                note("  " + say("required", lang), fg="red")
                adding = True
                continue
            return items
        if action == "add":
            adding = True
            continue
        which = _pick(q, items, f"list_which_{action}", lang, **io)
        if which is None:
            continue
        changed = True
        if action == "remove":
            del items[which]
        else:
            raw = _list_prompt(q, which + 1, lang, default=items[which], **io)
            items[which] = raw or items[which]


def _cell(field: Question, value: Any, lang: str) -> str:
    if field.type == "choice":
        return field.choice_label(value, lang)
    if field.type == "bool":
        return say("yes" if value else "no", lang)
    if field.type in ("int", "float") and isinstance(value, (int, float)):
        return numbers.plain(value) + ("%" if _is_percent(field) else "")
    return " ".join(str(value).split())


def row_summary(q: Question, row: dict, lang: str) -> str:
    """One table row as the PM reads it: labels, not ids."""
    cells = [_cell(f, row[f.id], lang) for f in q.fields if row.get(f.id) not in (None, "", [])]
    return " · ".join(cells) or say("list_empty", lang)


def _ask_row(q: Question, row: dict, number: int, lang: str, **io) -> dict:
    note(f"  {say('record_row', lang, i=number)}", bold=True)
    new_row = {}
    for field in q.fields:
        value = ask(field, row.get(field.id), lang, **io)
        if value is not None:
            new_row[field.id] = value
    return new_row


def ask_records(q: Question, default: Any, lang: str, **io) -> list[dict]:
    rows = [dict(r) for r in (default or [])]
    changed = False
    note(f"? {_title(q, lang)}", bold=True)
    if not rows:
        if not q.required and not confirm(say("record_first", lang), lang, default=False,
                                          help=help_text(q, lang), **io):
            return rows
        rows.append(_ask_row(q, {}, 1, lang, **io))
        changed = True
    while True:
        action = _edit_menu(q, [row_summary(q, row, lang) for row in rows], changed, "record", lang, **io)
        if action == "done":
            if q.required and not rows:
                note("  " + say("required", lang), fg="red")
                rows.append(_ask_row(q, {}, 1, lang, **io))
                continue
            return rows
        if action == "add":
            rows.append(_ask_row(q, {}, len(rows) + 1, lang, **io))
            changed = True
            continue
        which = _pick(q, [row_summary(q, row, lang) for row in rows], f"record_which_{action}", lang, **io)
        if which is None:
            continue
        changed = True
        if action == "remove":
            del rows[which]
        else:
            rows[which] = _ask_row(q, rows[which], which + 1, lang, **io)


ASKERS = {
    "text": ask_text, "multiline": ask_text, "date": ask_text, "int": ask_text, "float": ask_text,
    "choice": ask_choice, "multichoice": ask_multichoice, "bool": ask_bool, "list": ask_list, "records": ask_records,
}


def ask(q: Question, default: Any, lang: str, **io) -> Any:
    """Ask one question. Ctrl-C, Ctrl-D and the end of input raise `Interrupted` (a
    KeyboardInterrupt): the flow saves a draft."""
    return ASKERS[q.type](q, default, lang, **io)
