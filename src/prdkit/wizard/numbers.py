"""Reading a number the way a PM types it. Pure functions, no terminal.

Accepted: thousands separators (2,000 · 2，000 · 2 000 · 2_000), full-width digits (２０００),
a decimal point, a sign, k/K/M and 千/万/百万/千万/亿 after the number, a trailing `%` on a
percentage question, and a trailing unit when it is the question's own (5秒, 5 s, 20万元 when
the unit is 元…). Anything else is refused with the reason as a strings.yaml key, so that the
wizard can say why in the PM's language and show an example that would be accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Mapping

# After the number, before any unit. Longest first: 百万 must win over 万.
MULTIPLIERS: tuple[tuple[str, int], ...] = (
    ("千万", 10**7), ("百万", 10**6), ("亿", 10**8), ("億", 10**8), ("万", 10**4), ("萬", 10**4),
    ("千", 10**3), ("k", 10**3), ("K", 10**3), ("M", 10**6),
)
# Other ways to write a unit the bank spells one way. Keys are the bank's spelling.
UNIT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "s": ("s", "sec", "secs", "second", "seconds", "秒", "秒钟"),
    "秒": ("s", "sec", "secs", "second", "seconds", "秒", "秒钟"),
    "%": ("%", "percent", "pct"),
    "个百分点": ("个百分点", "百分点", "pp", "percentage points", "points"),
    "percentage points": ("个百分点", "百分点", "pp", "percentage points", "points"),
}
SEPARATORS = ",_' "
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)\s*(?P<int>\d(?:[\d,_' ]*\d)?)?(?P<frac>\.\d*)?(?:[eE](?P<exp>[+-]?\d{1,3}))?(?P<rest>.*)$"
)


@dataclass(frozen=True)
class Reading:
    """What was read. `value` is set when the text is a number in range; otherwise `problem`
    is a strings.yaml key (not_number, not_integer, bad_grouping, wrong_unit, no_unit,
    too_small, too_large) and `details` its values. `percent_guess` is set when a bare value
    under 1 was typed for a percentage (0.3 → 30): the wizard asks which was meant."""

    value: int | float | None = None
    problem: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)
    percent_guess: int | float | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def normalise(text: str) -> str:
    """Full-width digits, commas, percent signs and spaces to their ASCII forms; the
    typographic minus to a hyphen."""
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-").replace("\u2013", "-").strip()


def _fold(text: str) -> str:
    return "".join(normalise(text).casefold().split())


def unit_forms(unit: Mapping[str, str] | None) -> list[str]:
    """The spellings of a question's unit that may follow a number, folded (no spaces, lower
    case), longest first. "次/天" also allows the bare "次", "元/条（…）" the bare "元" and
    "CNY per 1M tokens" the bare "CNY"."""
    if not unit:
        return []
    forms: set[str] = set()
    for text in unit.values():
        text = normalise(text)
        forms.add(_fold(text))
        head = re.split(r"[/(（]| per ", text, maxsplit=1)[0]
        if head.strip():
            forms.add(_fold(head))
        forms.update(_fold(a) for a in UNIT_ALIASES.get(text, ()))
    forms.discard("")
    return sorted(forms, key=len, reverse=True)


def is_percent(unit: Mapping[str, str] | None) -> bool:
    return bool(unit) and any(normalise(u) == "%" for u in unit.values())


def _grouping_ok(digits: str) -> bool:
    """Separators, when present, are one kind and make groups of three after the first."""
    used = {ch for ch in digits if ch in SEPARATORS}
    if not used:
        return True
    if len(used) > 1:
        return False
    groups = re.split(f"[{re.escape(''.join(used))}]", digits)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def plain(value: int | float | Decimal) -> str:
    """A number as the wizard shows it: thousands separated by commas, no trailing zeros."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def example(integer: bool, unit: Mapping[str, str] | None, minimum: float | None, maximum: float | None,
            default: object = None) -> str:
    """A value this question would accept, written the way the PM may type it."""
    candidates = [default] if isinstance(default, (int, float)) and not isinstance(default, bool) and default else []
    candidates += [30] if is_percent(unit) else [2000, 2.5] if not integer else [2000]
    candidates += [minimum, maximum, 1]
    for value in candidates:
        if value is None:
            continue
        if integer and value != int(value):
            continue
        if (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
            value = int(value) if integer or value == int(value) else value
            return plain(value) + ("%" if is_percent(unit) else "")
    return plain(minimum if minimum is not None else 1)


LARGEST = 10 ** 15  # the schema's bound for numbers the bank leaves open (cost sums stay finite)


def read_number(text: str, *, integer: bool = False, unit: Mapping[str, str] | None = None,
                minimum: float | None = None, maximum: float | None = None) -> Reading:
    """Read `text` as the answer to a number question. Pure: same text, same reading."""
    raw = normalise(text)

    def refuse(problem: str, **details: object) -> Reading:
        return Reading(problem=problem, details={k: str(v) for k, v in details.items()})

    match = _NUMBER.match(raw)
    if not raw or not match or not (match["int"] or (match["frac"] and len(match["frac"]) > 1)):
        return refuse("not_number", text=text.strip())
    rest = "".join(match["rest"].split())
    percent_typed = False
    for form in unit_forms(unit) if rest else ():
        if rest[-len(form):].casefold() == form:
            rest, percent_typed = rest[: -len(form)], form == "%"
            break
    multiplier = 1
    for suffix, factor in MULTIPLIERS:
        if rest.endswith(suffix):
            rest, multiplier = rest[: -len(suffix)], factor
            break
    if rest:
        if re.search(r"\d", rest):
            return refuse("not_number", text=text.strip())
        return refuse("wrong_unit" if unit else "no_unit")
    digits = match["int"] or "0"
    if not _grouping_ok(digits):
        return refuse("bad_grouping")
    try:
        number = Decimal(re.sub(f"[{re.escape(SEPARATORS)}]", "", digits) + (match["frac"] or "").rstrip("."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return refuse("not_number", text=text.strip())
    if match["exp"]:
        number = number.scaleb(int(match["exp"]))
    number *= multiplier
    if match["sign"] == "-":
        number = -number
    if abs(number) > LARGEST:  # 1e999 is a float infinity: no answer is that large
        return Reading(problem="too_large", details={"max": plain(maximum if maximum is not None else LARGEST)})
    if integer and number != number.to_integral_value():
        return refuse("not_integer")
    value: int | float = int(number) if integer else float(number)
    guess = None
    if is_percent(unit) and not percent_typed and 0 < number < 1:
        guessed = number * 100
        guessed_value = int(guessed) if integer else float(guessed)
        if (minimum is None or guessed_value >= minimum) and (maximum is None or guessed_value <= maximum):
            guess = guessed_value
    if minimum is not None and value < minimum:
        return Reading(problem="too_small", details={"min": plain(minimum)}, percent_guess=guess)
    if maximum is not None and value > maximum:
        return Reading(problem="too_large", details={"max": plain(maximum)}, percent_guess=guess)
    return Reading(value=value, percent_guess=guess)
