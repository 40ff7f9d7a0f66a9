"""Reading a date as typed: 2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日, full-width
digits too. Answers keep the ISO form (YYYY-MM-DD). Pure function, no terminal."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")


def read_date(text: str) -> str | None:
    """The ISO date `text` names, or None when it is not a real calendar date."""
    match = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    try:
        return _dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
