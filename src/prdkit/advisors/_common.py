"""Small helpers shared by the advisors."""

from __future__ import annotations

from typing import Any, Mapping


def get(answers: Mapping[str, Any], ref: str, default: Any = None) -> Any:
    section, _, qid = ref.partition(".")
    value = (answers.get(section) or {}).get(qid)
    return default if value is None else value


def say(lang: str, zh: str, en: str, **values: Any) -> str:
    """One sentence in the document's language, with values filled in."""
    return (zh if lang == "zh" else en).format(**values)


def num(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def choice_label(ref: str, value: str, lang: str) -> str:
    """How the question bank names a choice ("medical" → "医疗健康"), so advice never shows a raw
    id. The bank is shipped data, read once per process (load_bank is cached); this is the
    advisors' only look at it. A value the bank does not know is shown as it is."""
    from ..bank import load_bank

    try:
        return load_bank().question(ref).choice_label(value, lang)
    except KeyError:
        return value
