"""Presets: partial answers files for the seed's practice projects.

A preset is templates/presets/NAME.yaml with a description and answers. Any mapping whose
keys are exactly {zh, en} is a localised string; everything else (choice ids, numbers,
booleans) is language-neutral. `initial_answers` combines the bank's defaults, a preset and
earlier answers into the answers a wizard starts from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping


from .bank import Bank, Question, load_bank
from .errors import UserError
from .resources import load_data, templates_dir


def localise(value: Any, lang: str) -> Any:
    if isinstance(value, dict):
        if set(value) == {"zh", "en"}:
            return value[lang]
        return {k: localise(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [localise(v, lang) for v in value]
    return value


@dataclass(frozen=True)
class Preset:
    name: str
    order: int
    description: Mapping[str, str]
    raw_answers: Mapping[str, Any]

    def answers(self, lang: str) -> dict[str, dict[str, Any]]:
        return localise(dict(self.raw_answers), lang)


def presets_dir() -> Path:
    return templates_dir() / "presets"


@lru_cache(maxsize=1)
def all_presets() -> tuple[Preset, ...]:
    found = []
    for path in sorted(presets_dir().glob("*.yaml")):
        raw = load_data(path) or {}
        found.append(
            Preset(
                name=raw.get("name", path.stem),
                order=int(raw.get("order", 99)),
                description=raw.get("description", {"zh": "", "en": ""}),
                raw_answers=raw.get("answers", {}),
            )
        )
    return tuple(sorted(found, key=lambda p: (p.order, p.name)))


def get_preset(name: str) -> Preset:
    for preset in all_presets():
        if preset.name == name:
            return preset
    names = ", ".join(p.name for p in all_presets())
    raise UserError(f"--preset: no preset named {name!r}; choose one of: {names}")


def default_for(question: Question, lang: str) -> Any:
    return localise(question.default, lang)


def initial_answers(bank: Bank | None, lang: str, preset: Preset | None = None,
                    earlier: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Walk the bank in order; each applicable question takes, by priority, the earlier
    answer, the preset's answer, the bank's default. Questions whose `when` fails are left out,
    and `when` sees the answers chosen so far (so a preset's own choices decide what applies)."""
    bank = bank or load_bank()
    preset_answers = preset.answers(lang) if preset else {}
    earlier = earlier or {}
    result: dict[str, dict[str, Any]] = {}
    for question in bank.questions():
        if not question.applies(result):
            continue
        for source in (earlier, preset_answers):
            block = source.get(question.section) or {}
            if question.id in block and block[question.id] is not None:
                value = block[question.id]
                break
        else:  # the bank's default, worked out from the answers so far (conditional defaults)
            value = localise(question.default_given(result), lang)
        if value is not None:
            result.setdefault(question.section, {})[question.id] = value
    return result
