"""The question bank: one YAML file per section under prdkit/questions/.

The bank is data. This module only reads it into small objects and answers questions about
it (which questions apply, what a choice is called in Chinese). Adding a question is one
YAML entry; the wizard, the schema, the docs and the PRD pick it up from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping


from . import conditions
from .resources import load_data, questions_dir

LANGS = ("zh", "en")
SCALAR_TYPES = ("text", "multiline", "date", "choice", "bool", "int", "float")
TYPES = SCALAR_TYPES + ("multichoice", "list", "records")


@dataclass(frozen=True)
class Choice:
    value: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    type: str
    label: Mapping[str, str]
    prompt: Mapping[str, str]
    help: Mapping[str, str]
    required: bool = False
    default: Any = None
    choices: tuple[Choice, ...] = ()
    fields: tuple["Question", ...] = ()   # the columns of a `records` question
    min: float | None = None
    max: float | None = None
    unit: Mapping[str, str] | None = None
    pattern: str | None = None
    max_length: int | None = None
    when: Mapping[str, Any] | None = None
    depth: str = "full"            # "quick": asked on the quick path; "full": only in a full pass
    ask_in: str | None = None      # the section (page) of the wizard that asks it, if not its own
    defaults: tuple[Mapping[str, Any], ...] = ()  # conditional defaults: [{when, value}], first match wins

    @property
    def quick(self) -> bool:
        return self.depth == "quick"

    @property
    def page(self) -> str:
        """The section of the wizard in which the question is asked (its answer stays in
        `section`): the region, audience and currency come early because later questions
        depend on them."""
        return self.ask_in or self.section

    def default_given(self, answers: Mapping[str, Any]) -> Any:
        """The default worked out from the answers so far: the first conditional default
        whose `when` holds, else the plain default."""
        for entry in self.defaults:
            if conditions.evaluate(entry.get("when"), answers):
                return entry.get("value")
        return self.default

    def reads(self) -> list[str]:
        """Every answer its condition and conditional defaults look at."""
        return conditions.references(self.when) + [r for d in self.defaults for r in conditions.references(d.get("when"))]

    def unit_text(self, lang: str, answers: Mapping[str, Any]) -> str:
        """The unit with the chosen currency filled in ("{currency} per item" → "CNY per item")."""
        if not self.unit:
            return ""
        currency = conditions.lookup(answers, "cost.currency")
        text = self.unit[lang].replace("{currency}", str(currency) if currency else "")
        return " ".join(text.split()).lstrip("/").strip()

    @property
    def path(self) -> str:
        return f"{self.section}.{self.id}"

    def choice_values(self) -> list[str]:
        return [c.value for c in self.choices]

    def choice_label(self, value: Any, lang: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label[lang]
        return str(value)

    def field(self, field_id: str) -> "Question":
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def applies(self, answers: Mapping[str, Any]) -> bool:
        return conditions.evaluate(self.when, answers)


@dataclass(frozen=True)
class Section:
    id: str
    order: int
    title: Mapping[str, str]
    why: Mapping[str, str]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Bank:
    sections: tuple[Section, ...]
    _index: Mapping[str, Question] = field(repr=False, default_factory=dict)

    def question(self, path: str) -> Question:
        return self._index[path]

    def has(self, path: str) -> bool:
        return path in self._index

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def applicable(self, answers: Mapping[str, Any]) -> list[Question]:
        return [q for q in self.questions() if q.applies(answers)]

    def page(self, section_id: str) -> list[Question]:
        """The questions the wizard asks on one section's page, in bank order: the section's
        own questions that are not asked elsewhere, then those other sections ask here."""
        own = [q for q in self.section(section_id).questions if q.page == section_id]
        borrowed = [q for q in self.questions() if q.ask_in == section_id and q.section != section_id]
        return _merge_borrowed(own, borrowed)


def _merge_borrowed(own: list[Question], borrowed: list[Question]) -> list[Question]:
    # Questions borrowed from later sections follow the page's last quick question, so they
    # come early in both the quick and the full pass.
    # Among themselves, a question goes after those its condition or defaults read.
    ordered: list[Question] = []
    pending = list(borrowed)
    while pending:
        ready = next((q for q in pending if not any(r in {p.path for p in pending if p is not q} for r in q.reads())), pending[0])
        ordered.append(ready)
        pending.remove(ready)
    split = max((i + 1 for i, q in enumerate(own) if q.quick), default=len(own))
    return own[:split] + ordered + own[split:]


class BankError(ValueError):
    """The bank itself is malformed: a bug in a shipped data file, reported with its path."""


def _text(raw: Any, where: str, optional: bool = False) -> Mapping[str, str] | None:
    if raw is None and optional:
        return None
    if not isinstance(raw, dict) or set(raw) != set(LANGS) or not all(isinstance(raw[k], str) and raw[k] for k in LANGS):
        raise BankError(f"{where}: needs non-empty zh and en text, got {raw!r}")
    return dict(raw)


def _question(raw: Mapping[str, Any], section: str, where: str, nested: bool = False) -> Question:
    qid = raw.get("id")
    where = f"{where}: {qid}"
    qtype = raw.get("type")
    if qtype not in (SCALAR_TYPES if nested else TYPES):
        raise BankError(f"{where}: unknown type {qtype!r}")
    choices = tuple(
        Choice(value=c["value"], label=_text(c.get("label"), f"{where} choice {c.get('value')!r}"))
        for c in raw.get("choices", [])
    )
    for c in choices:
        if not isinstance(c.value, str):
            raise BankError(f"{where}: choice value {c.value!r} must be a string (quote yes/no)")
    if qtype in ("choice", "multichoice") and not choices:
        raise BankError(f"{where}: a {qtype} question needs choices")
    fields = tuple(_question(f, section, where, nested=True) for f in raw.get("fields", []))
    if qtype == "records" and not fields:
        raise BankError(f"{where}: a records question needs fields")
    label = _text(raw.get("label"), f"{where} label")
    return Question(
        id=qid,
        section=section,
        type=qtype,
        label=label,
        prompt=_text(raw.get("prompt"), f"{where} prompt", optional=nested) or label,
        help=_text(raw.get("help"), f"{where} help", optional=nested) or {"zh": "", "en": ""},
        required=bool(raw.get("required", False)),
        default=raw.get("default"),
        choices=choices,
        fields=fields,
        min=raw.get("min"),
        max=raw.get("max"),
        unit=_text(raw.get("unit"), f"{where} unit", optional=True),
        pattern=raw.get("pattern"),
        max_length=raw.get("max_length"),
        when=raw.get("when"),
        depth=_depth(raw.get("depth", "full"), where),
        ask_in=raw.get("ask_in"),
        defaults=_defaults(raw.get("defaults"), where),
    )


def _depth(value: Any, where: str) -> str:
    if value not in ("quick", "full"):
        raise BankError(f"{where}: depth must be quick or full, got {value!r}")
    return value


def _defaults(raw: Any, where: str) -> tuple[Mapping[str, Any], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(d, dict) and set(d) == {"when", "value"} for d in raw):
        raise BankError(f"{where}: defaults must be a list of {{when, value}} entries")
    return tuple(raw)


def load_bank_from(directory: Path) -> Bank:
    sections = []
    for path in sorted(directory.glob("*.yaml")):
        raw = load_data(path)
        sid = raw["id"]
        questions = tuple(_question(q, sid, f"{path.name}") for q in raw["questions"])
        sections.append(
            Section(
                id=sid,
                order=int(raw["order"]),
                title=_text(raw.get("title"), f"{path.name} title"),
                why=_text(raw.get("why"), f"{path.name} why"),
                questions=questions,
            )
        )
    sections.sort(key=lambda s: s.order)
    index = {q.path: q for s in sections for q in s.questions}
    section_ids = {s.id for s in sections}
    for q in index.values():
        for ref in q.reads():
            if ref not in index:
                raise BankError(f"{q.path}: its `when` reads unknown question {ref!r}")
        if q.ask_in is not None and q.ask_in not in section_ids:
            raise BankError(f"{q.path}: ask_in names unknown section {q.ask_in!r}")
    return Bank(sections=tuple(sections), _index=index)


@lru_cache(maxsize=1)
def load_bank() -> Bank:
    return load_bank_from(questions_dir())
