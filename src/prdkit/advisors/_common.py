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
