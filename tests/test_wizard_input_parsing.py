"""The wizard's pure readers and wrapper: numbers as people type them, dates, and text
wrapped at the terminal's width on word and CJK boundaries."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prdkit.bank import load_bank
from prdkit.wizard import numbers
from prdkit.wizard.dates import read_date
from prdkit.wizard.prompts import _strings
from prdkit.wizard.text import NO_START, cell_width, pack, split_lead, wrap

PERCENT = {"zh": "%", "en": "%"}
SECONDS = {"zh": "秒", "en": "s"}
PER_DAY = {"zh": "次/天", "en": "requests/day"}
FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def group(value: int, separator: str) -> str:
    return f"{value:,}".replace(",", separator)


# ---------------------------------------------------------------- numbers


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([",", "，", " ", "_", "", "\u00a0", "\u202f"]))
def test_thousands_separators_read_back(value, separator):
    assert numbers.read_number(group(value, separator), integer=True).value == value


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**9))
def test_full_width_digits_read_back(value):
    assert numbers.read_number(f"{value:,}".translate(FULL_WIDTH), integer=True).value == value


@settings(max_examples=300)
@given(st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(numbers.MULTIPLIERS), st.sampled_from(["", " "]))
def test_suffixes_read_back(mantissa, suffix, space):
    word, factor = suffix
    expected = mantissa * factor
    reading = numbers.read_number(f"{mantissa}{space}{word}")
    assert reading.ok and Decimal(str(reading.value)) == expected.normalize() or reading.value == float(expected)


@settings(max_examples=200)
@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_percent_sign_reads_back(value):
    reading = numbers.read_number(f"{value}%", unit=PERCENT, minimum=0, maximum=100)
    assert reading.ok and reading.value == float(value) and reading.percent_guess is None


@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=99))
def test_a_bare_fraction_on_a_percentage_suggests_the_percent(hundredths):
    reading = numbers.read_number(f"0.{hundredths:02d}", unit=PERCENT, minimum=0, maximum=100)
    assert reading.value == hundredths / 100 and reading.percent_guess == hundredths


def test_the_percent_guess_respects_the_range():
    # 0.5 on a 1..100 question is out of range as typed, but 50 fits: the wizard asks
    reading = numbers.read_number("0.5", unit=PERCENT, minimum=1, maximum=100)
    assert reading.problem == "too_small" and reading.percent_guess == 50
    assert numbers.read_number("0.5", unit=PERCENT, minimum=0, maximum=60).percent_guess == 50
    assert numbers.read_number("0.5", unit=PERCENT, minimum=0, maximum=40).percent_guess is None
    assert numbers.read_number("0.5", unit=SECONDS).percent_guess is None
    assert numbers.read_number("1", unit=PERCENT).percent_guess is None


@pytest.mark.parametrize("typed, unit, expected", [
    ("5秒", SECONDS, 5), ("5 s", SECONDS, 5), ("5 sec", SECONDS, 5), ("5 seconds", SECONDS, 5), ("5S", SECONDS, 5),
    ("2万次/天", PER_DAY, 20000), ("2000 requests/day", PER_DAY, 2000), ("2000次", PER_DAY, 2000),
    ("20万元", {"zh": "元/条（按成本页币种）", "en": "per item"}, 200000),
    ("3 个百分点", {"zh": "个百分点", "en": "percentage points"}, 3), ("3pp", {"zh": "个百分点", "en": "percentage points"}, 3),
    ("1,500 tokens", {"zh": "tokens/次调用", "en": "tokens/call"}, 1500),
    ("0.8 CNY", {"zh": "元/百万 tokens", "en": "CNY per 1M tokens"}, 0.8), ("0.8元", {"zh": "元/百万 tokens", "en": "CNY per 1M tokens"}, 0.8),
    ("1.5亿", None, 150_000_000), ("3千万", None, 30_000_000), ("2百万", None, 2_000_000), ("1.2M", None, 1_200_000),
    ("−3", None, -3), ("+4", None, 4), (".5", None, 0.5), ("1e3", None, 1000), ("  7  ", None, 7),
])
def test_units_and_multipliers(typed, unit, expected):
    reading = numbers.read_number(typed, unit=unit)
    assert reading.ok and reading.value == expected


@pytest.mark.parametrize("typed, kwargs, problem", [
    ("abc", {}, "not_number"), ("", {}, "not_number"), ("5-10", {}, "not_number"), ("1.2.3", {}, "not_number"),
    ("2.5", {"integer": True}, "not_integer"), ("0.3", {"integer": True, "unit": PERCENT}, "not_integer"),
    ("2,5", {}, "bad_grouping"), ("10,00", {}, "bad_grouping"), ("1,000 000", {}, "bad_grouping"),
    ("5分钟", {"unit": SECONDS}, "wrong_unit"), ("5 minutes", {"unit": SECONDS}, "wrong_unit"),
    ("30%", {"unit": SECONDS}, "wrong_unit"), ("30%", {}, "no_unit"), ("5 apples", {}, "no_unit"), ("5m", {}, "no_unit"),
    ("-1", {"minimum": 0}, "too_small"), ("101%", {"unit": PERCENT, "maximum": 100}, "too_large"),
])
def test_refusals_name_their_reason(typed, kwargs, problem):
    reading = numbers.read_number(typed, **kwargs)
    assert reading.problem == problem and reading.value is None


def test_every_reason_has_words_in_both_languages():
    strings = _strings()
    for problem in ("not_number", "not_integer", "bad_grouping", "wrong_unit", "no_unit", "too_small", "too_large"):
        for lang in ("zh", "en"):
            assert "{example}" in strings[problem][lang], (problem, lang)


def test_the_example_in_a_refusal_is_itself_accepted():
    bank = load_bank()
    questions = [q for top in bank.questions() for q in (top, *top.fields) if q.type in ("int", "float")]
    assert len(questions) > 20
    for q in questions:
        unit = q.unit
        sample = numbers.example(q.type == "int", unit, q.min, q.max, q.default)
        reading = numbers.read_number(sample, integer=q.type == "int", unit=unit, minimum=q.min, maximum=q.max)
        assert reading.ok, (q.path, sample, reading)


def test_plain_numbers():
    assert numbers.plain(1234567) == "1,234,567"
    assert numbers.plain(2.50) == "2.5"
    assert numbers.plain(Decimal("3.0")) == "3"
    assert numbers.plain(-0.0) == "0"


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("typed, expected", [
    ("2026-03-01", "2026-03-01"), ("2026/3/1", "2026-03-01"), ("2026.3.1", "2026-03-01"),
    ("2026年3月1日", "2026-03-01"), ("２０２６－０３－０１", "2026-03-01"), (" 2026-3-1 ", "2026-03-01"),
    ("2026-13-01", None), ("2026-02-30", None), ("yesterday", None), ("26-3-1", None),
])
def test_dates(typed, expected):
    assert read_date(typed) == expected


# ---------------------------------------------------------------- wrapping


words = st.text(alphabet=st.characters(min_codepoint=0x61, max_codepoint=0x7a), min_size=1, max_size=12)
cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=12)
punct = st.sampled_from(["，", "。", "、", "（注）", ",", ".", "2,000", "e.g.", "30%", "“引用”"])
pieces = st.lists(st.one_of(words, cjk, punct), min_size=1, max_size=60)


@settings(max_examples=300)
@given(pieces, st.lists(st.booleans(), min_size=60, max_size=60), st.integers(min_value=20, max_value=140),
       st.sampled_from(["", "  ", "  ℹ ", "  • ", "? "]))
def test_wrapped_lines_fit_lose_nothing_and_keep_words_whole(parts, spaces, width, indent):
    text = "".join(part + (" " if space else "") for part, space in zip(parts, spaces)).strip()
    lines = wrap(text, width, indent)
    assert all(cell_width(line) <= width for line in lines)
    assert lines[0].startswith(indent) and all(line.startswith(" " * cell_width(indent)) for line in lines[1:])
    body = [line[len(indent):] if i == 0 else line[cell_width(indent):] for i, line in enumerate(lines)]
    assert "".join(body).replace(" ", "") == text.replace(" ", "")
    room = width - cell_width(indent)
    for word in re.findall(r"[a-z0-9,.%]+", text):
        if cell_width(word) <= room:
            assert any(word in line for line in lines), (word, lines)
    # closing punctuation never starts a line, unless a run too long for any line was cut
    if all(cell_width(run) < room - 2 for run in re.findall(r"[^\s\u4e00-\u9fff]+", text)):
        assert all(not line or line[0] not in NO_START or not cell_width(line[0]) == 2 and f" {line[0]}" in text
                   for line in body[1:]), lines


def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_bracket():
    text = "甲乙丙丁戊己庚辛，壬癸（子丑寅卯）辰巳午未申酉。"
    for width in range(6, 40):
        lines = wrap(text, width)
        assert all(line[0] not in "，。）" for line in lines[1:]), lines
        assert all(line[-1] != "（" for line in lines), lines


def test_hanging_indent_and_kept_line_breaks():
    lines = wrap("first paragraph here\nsecond one", 14, "  ℹ ")
    assert lines == ["  ℹ first", "    paragraph", "    here", "    second one"]


def test_a_word_longer_than_the_line_is_cut_only_then():
    lines = wrap("see https://example.com/a/very/long/path now", 20)
    assert all(cell_width(line) <= 20 for line in lines)
    assert lines[0] == "see" and lines[-1].endswith("now")


@pytest.mark.parametrize("width", [60, 80, 120, 140])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bank_texts_wrap_at_common_widths(width, lang):
    bank = load_bank()
    texts = [s.why[lang] for s in bank.sections] + [q.help[lang] for q in bank.questions() if q.help[lang]]
    for text in texts:
        lines = wrap(text, width, "  ℹ ")
        assert all(cell_width(line) <= width for line in lines)
        for word in re.findall(r"[A-Za-z]+", text):
            assert any(word in line for line in lines), (word, text)


def test_split_lead():
    assert split_lead("  • item text") == ("  • ", "item text")
    assert split_lead("  12. row text") == ("  12. ", "row text")
    assert split_lead("  plain text") == ("  ", "plain text")


@pytest.mark.parametrize("width", [40, 60, 80, 140])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_key_hints_break_only_between_phrases(width, lang):
    for key, text in _strings().items():
        if not key.startswith("hint_"):
            continue
        parts = text[lang].split(" · ")
        lines = pack(parts, width, "  ")
        assert all(cell_width(line) <= width for line in lines), (key, lines)
        if all(cell_width("  " + part) <= width for part in parts):
            # lines break only between phrases: joined again, they are the hint
            assert " · ".join(line.strip() for line in lines) == text[lang], (key, lines)
