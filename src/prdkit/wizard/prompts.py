"""One prompt per question type, over questionary. Each returns the typed value.

Validation happens inside the prompt, so the PM stays on the question with the message until
the answer is valid. `?` shows the question's help and asks again. Tests drive these through
prompt_toolkit's pipe input by passing `input=` and `output=` in **io.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import questionary
import yaml
from questionary import Choice

from ..bank import Question

HELP = "?"


def note(text: str = "", **style: Any) -> None:
    """A line of text between prompts. click looks up sys.stdout on every call, which keeps
    the prompts testable (prompt_toolkit's own print caches the stream)."""
    import click

    click.secho(text, **style)


EDITOR = "!e"


@lru_cache(maxsize=1)
def _strings() -> dict:
    return yaml.safe_load((Path(__file__).parent / "strings.yaml").read_text(encoding="utf-8"))


def say(key: str, lang: str, **values: Any) -> str:
    return _strings()[key][lang].format(**values)


def show_help(q: Question, lang: str) -> None:
    text = q.help[lang] if q.help and q.help.get(lang) else ""
    note(f"  ℹ {text}" if text else "  ℹ —", fg="cyan")


def _title(q: Question, lang: str, required: bool | None = None) -> str:
    unit = f" [{q.unit[lang]}]" if q.unit else ""
    star = " *" if (q.required if required is None else required) else ""
    return f"{q.prompt[lang]}{unit}{star}"


def _text_validator(q: Question, lang: str) -> Callable[[str], bool | str]:
    def validate(raw: str) -> bool | str:
        value = raw.strip()
        if value in (HELP, EDITOR):
            return True
        if not value:
            return say("required", lang) if q.required else True
        if q.type == "date":
            from ..schema import is_date  # YYYY-MM-DD and a day that exists, as the schema checks

            if not is_date(value):
                return say("bad_date", lang)
        if q.pattern and not re.search(q.pattern, value):
            return say("bad_pattern", lang)
        if q.max_length and len(value) > q.max_length:
            return say("too_long", lang, n=q.max_length)
        if q.type in ("int", "float"):
            try:
                number = int(value) if q.type == "int" else float(value)
            except ValueError:
                return say("not_integer" if q.type == "int" else "not_number", lang)
            if number != number or number in (float("inf"), float("-inf")):  # "nan", "inf": not numbers
                return say("not_number", lang)
            if q.min is not None and number < q.min:
                return say("too_small", lang, min=q.min)
            if q.max is not None and number > q.max:
                return say("too_large", lang, max=q.max)
        return True

    return validate


def _number(q: Question, raw: str) -> int | float | None:
    if not raw.strip():
        return None
    return int(raw) if q.type == "int" else float(raw)


def _open_editor(default: str) -> str:
    import click

    edited = click.edit(default or "", extension=".md")
    return default if edited is None else edited.rstrip("\n")


def ask_text(q: Question, default: Any, lang: str, **io) -> Any:
    """text, multiline, date, int and float questions."""
    multiline = q.type == "multiline"
    shown = "" if default is None else str(default)
    instruction = say("multiline_hint", lang) if multiline else say("help_hint", lang)
    while True:
        if multiline:
            # The question goes on its own line so that the answer gets the full width.
            note(f"? {_title(q, lang)}", bold=True)
            note(f"  ({say('help_hint', lang)}; !e → $EDITOR)", dim=True)
            raw = questionary.text("", qmark="›", default=shown, validate=_text_validator(q, lang),
                                   multiline=True, **io).unsafe_ask()
        else:
            raw = questionary.text(_title(q, lang), default=shown, validate=_text_validator(q, lang),
                                   instruction=f"({instruction})", **io).unsafe_ask()
        value = raw.strip()
        if value == HELP:
            show_help(q, lang)
            continue
        if value == EDITOR and multiline:
            raw = _open_editor(shown)
            value = raw.strip()
            if not value and q.required:
                note(say("required", lang), fg="red")
                continue
        if q.type in ("int", "float"):
            return _number(q, value)
        if multiline:
            return raw.strip("\n") or None
        return value or None


def ask_choice(q: Question, default: Any, lang: str, **io) -> Any:
    choices = [Choice(c.label[lang], value=c.value) for c in q.choices]
    if not q.required:
        choices.append(Choice(say("empty", lang), value=None))
    start = default if default in q.choice_values() else None
    if q.help.get(lang):
        note(f"  ℹ {q.help[lang]}", dim=True)
    return questionary.select(_title(q, lang), choices=choices, default=start,
                              instruction=f"({say('select_hint', lang)})", **io).unsafe_ask()


def ask_multichoice(q: Question, default: Any, lang: str, **io) -> list[str]:
    chosen = set(default or [])
    choices = [Choice(c.label[lang], value=c.value, checked=c.value in chosen) for c in q.choices]
    if q.help.get(lang):
        note(f"  ℹ {q.help[lang]}", dim=True)
    validate = (lambda picked: True if picked else say("required", lang)) if q.required else (lambda picked: True)
    return questionary.checkbox(_title(q, lang), choices=choices, validate=validate,
                                instruction=f"({say('checkbox_hint', lang)})", **io).unsafe_ask()


def ask_bool(q: Question, default: Any, lang: str, **io) -> bool:
    if q.help.get(lang):
        note(f"  ℹ {q.help[lang]}", dim=True)
    return questionary.confirm(_title(q, lang), default=True if default is None else bool(default), **io).unsafe_ask()


def ask_list(q: Question, default: Any, lang: str, **io) -> list[str]:
    items = list(default or [])
    if items:
        for item in items:
            note(f"  • {item}")
        if questionary.confirm(f"{q.prompt[lang]} — {say('list_keep', lang, n=len(items))}", default=True, **io).unsafe_ask():
            return items
        items = []
    else:
        note(f"{q.prompt[lang]}  ({say('help_hint', lang)})", bold=True)
    while True:
        raw = questionary.text(f"  {say('list_item', lang, i=len(items) + 1)}", **io).unsafe_ask().strip()
        if raw == HELP:
            show_help(q, lang)
            continue
        if not raw:
            if q.required and not items:
                note(say("required", lang), fg="red")
                continue
            return items
        items.append(raw)


def ask_records(q: Question, default: Any, lang: str, **io) -> list[dict]:
    rows = [dict(r) for r in (default or [])]
    if rows:
        for row in rows:
            note("  • " + " | ".join(str(row.get(f.id, "")) for f in q.fields))
        if questionary.confirm(f"{q.prompt[lang]} — {say('list_keep', lang, n=len(rows))}", default=True, **io).unsafe_ask():
            return rows
        rows = []
    else:
        note(f"{q.prompt[lang]}", bold=True)
        show_help(q, lang)
    while True:
        prompt = say("record_add", lang) if rows else say("record_first", lang)
        if not questionary.confirm(prompt, default=not rows, **io).unsafe_ask():
            if q.required and not rows:
                note(say("required", lang), fg="red")
                continue
            return rows
        row = {}
        for field in q.fields:
            value = ask(field, None, lang, **io)
            if value is not None:
                row[field.id] = value
        rows.append(row)


ASKERS = {
    "text": ask_text, "multiline": ask_text, "date": ask_text, "int": ask_text, "float": ask_text,
    "choice": ask_choice, "multichoice": ask_multichoice, "bool": ask_bool, "list": ask_list, "records": ask_records,
}


def ask(q: Question, default: Any, lang: str, **io) -> Any:
    """Ask one question; KeyboardInterrupt propagates (the flow saves a draft)."""
    return ASKERS[q.type](q, default, lang, **io)
