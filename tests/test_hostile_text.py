"""Any text a user types lands intact in Markdown and Word (issues 7 and 16).

Allowed normalisation, and only this: runs of whitespace may fold to one space (Markdown
and Word both lay out text, and table cells trim their ends); every character some reader
takes for a line break (CR, VT, FF, FS, GS, RS, NEL, U+2028, U+2029) is a line break; other
control characters are shown, never written raw: C0 and DEL as their Control Pictures
(ESC as U+241B), C1 as U+FFFD."""

import io
import re

import docx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown_it import MarkdownIt

from prdkit.answers import AnswersFile
from prdkit.bank import load_bank
from prdkit.presets import get_preset, initial_answers
from prdkit.render import render_prd_markdown
from prdkit.word import DocMeta, markdown_to_docx

BANK = load_bank()
BASE = initial_answers(BANK, "en", get_preset("rag-knowledge-base"))
APPLICABLE = {q.path for q in BANK.applicable(BASE)}
# every free-text place in the schema: text and multi-line questions, list items, text fields of records
FREE_TEXT = sorted(
    [(q.path, None) for q in BANK.questions() if q.type in ("text", "multiline") and q.path in APPLICABLE and q.path != "background.version"]
    + [(q.path, "[]") for q in BANK.questions() if q.type == "list" and q.path in APPLICABLE]
    + [(q.path, f.id) for q in BANK.questions() if q.type == "records" and q.path in APPLICABLE for f in q.fields if f.type == "text"]
)
PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")
HOSTILE = ["| pipe | cell |", "line one\nline two", "# not a heading", "- not a list", "1. not a list", "> not a quote",
           "{{ jinja }} {% if x %}", "*star* _under_ `tick` [x](y) <script>alert(1)</script>", "&amp; &lt;",
           "emoji 🚀👩‍💻", "中文标点：，。！？「」", "\ttab\tinside", "trailing backslash \\", "---", "===",
           "Alice\u2028# X", "Alice\u2029## X", "Alice\x85# X", "A\x0b# X", "A\x0c# X", "A\x1c# X", "A\x1d| X |", "A\x1e- X",
           "A\r# X", "colour \x1b[31mred\x1b[0m", "bell\x07 del\x7f csi\x9b"]


SEPARATORS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n" + SEPARATORS] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0) if c != 0x85]


def shown(text):
    """What a reader must see for `text` (the normalisation in the module docstring)."""
    out = []
    for ch in text:
        if ch in SEPARATORS:
            out.append("\n")
        elif ord(ch) < 0x20 and ch not in "\t\n":
            out.append(chr(0x2400 + ord(ch)))
        elif ch == "\x7f":
            out.append("\u2421")
        elif 0x80 <= ord(ch) < 0xA0:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def folded(text):
    return " ".join(text.split())


def no_raw_controls(markdown):
    return not any(ch in markdown for ch in CONTROLS + list(SEPARATORS))


def with_value(path, field, value):
    answers = {k: dict(v) for k, v in BASE.items()}
    section, qid = path.split(".")
    if field is None:
        answers[section][qid] = value
    elif field == "[]":
        answers[section][qid] = [value]
    else:
        q = BANK.question(path)
        row = {f.id: "x" for f in q.fields if f.required and f.type == "text"}
        row.update({f.id: 1 for f in q.fields if f.required and f.type in ("int", "float")})
        row[field] = value
        answers[section][qid] = [row]
    return AnswersFile(lang="en", answers=answers, preset=None)


def markdown_text(markdown):
    """Everything a reader sees: decoded inline text, <br> and hard breaks as newlines."""
    out = []
    for token in PARSER.parse(markdown):
        if token.type == "inline":
            for child in token.children:
                if child.type in ("text", "code_inline"):
                    out.append(child.content)
                elif child.type in ("softbreak", "hardbreak") or (child.type == "html_inline" and child.content.lower().startswith("<br")):
                    out.append("\n")
                elif child.type == "html_inline":
                    out.append(child.content)
            out.append("\n")
    return "".join(out)


def headings(markdown):
    return sum(1 for token in PARSER.parse(markdown) if token.type == "heading_open")


def table_shapes_ok(markdown):
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    tokens = PARSER.parse(markdown)
    width, cells = None, 0
    for token in tokens:
        if token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "thead_open":
            width = None
        elif token.type == "tr_close":
            if width is None:
                width = cells
            elif cells != width:
                return False
    return True


text_strategy = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(SEPARATORS) + CONTROLS + ["#", "|", "\n"]),
                        min_size=1, max_size=60).filter(lambda s: s.strip())


@pytest.mark.parametrize("path, field", FREE_TEXT, ids=[f"{p}.{f}" if f else p for p, f in FREE_TEXT])
def test_hostile_samples_survive_markdown(path, field):
    baseline = headings(render_prd_markdown(with_value(path, field, "plain words")))
    for value in HOSTILE:
        if field is not None and "\n" in value:
            continue  # list items and record cells are one line in the wizard
        markdown = render_prd_markdown(with_value(path, field, value))
        assert table_shapes_ok(markdown), (path, value)
        assert no_raw_controls(markdown), (path, value)
        assert folded(shown(value)) in folded(markdown_text(markdown)), (path, value)
        # a separator or a hash never makes a heading of its own
        assert headings(markdown) == baseline, (path, value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FREE_TEXT), text_strategy)
def test_any_text_renders_and_round_trips(place, value):
    path, field = place
    if field is not None:
        value = value.replace("\n", " ")
    markdown = render_prd_markdown(with_value(path, field, value))
    assert table_shapes_ok(markdown)
    assert no_raw_controls(markdown)
    assert folded(shown(value)) in folded(markdown_text(markdown))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FREE_TEXT), text_strategy)
def test_any_text_reaches_word(place, value):
    path, field = place
    if field is not None:
        value = value.replace("\n", " ")
    warnings = []
    markdown = render_prd_markdown(with_value(path, field, value))
    data = markdown_to_docx(markdown, DocMeta(title="t", lang="en"), warn=warnings.append)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert folded(shown(value)) in folded("\n".join(texts))
    assert not warnings  # nothing Word cannot store reaches it: controls are shown, not dropped


def test_every_preset_free_text_answer_appears(tmp_path):
    from prdkit.presets import all_presets
    from prdkit import mdtext

    for preset in all_presets():
        for lang in ("zh", "en"):
            values = initial_answers(BANK, lang, preset)
            markdown = render_prd_markdown(AnswersFile(lang=lang, answers=values, preset=preset.name))
            seen = folded(markdown_text(markdown))
            for q in BANK.applicable(values):
                value = (values.get(q.section) or {}).get(q.id)
                if q.type in ("text", "multiline") and value:
                    assert folded(value) in seen, (preset.name, lang, q.path)


def test_separators_and_escapes_in_cover_fields_reach_no_output_raw(tmp_path):
    """`owner: "Alice\\u2028# X"` and friends: no heading, no broken table, no raw control
    character in prd.md, the Word body or the Word core properties (issue 16)."""
    import zipfile

    from conftest import run_prdkit

    folder = tmp_path / "prd"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    answers = folder / "answers.yaml"
    clean_headings = headings((folder / "prd.md").read_text(encoding="utf-8"))
    text = answers.read_text(encoding="utf-8")
    text = text.replace("owner: Wen Li", 'owner: "Alice\\u2028# X \\e[31mred"', 1)
    text = text.replace("business_line: Customer service", 'business_line: "A\\x1c# Y\\N## Z\\v# V\\f- W\\x1d| Q\\x1e> R\\u2029### S"', 1)
    answers.write_text(text, encoding="utf-8")
    result = run_prdkit("render", answers)
    assert result.returncode == 0, result.stderr
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    assert no_raw_controls(prd)
    assert "| Owner | Alice # X ␛\\[31mred |" in prd
    assert headings(prd) == clean_headings and table_shapes_ok(prd)
    for name in ("prd.docx", "launch-checklist.docx"):
        with zipfile.ZipFile(folder / name) as package:
            for part in ("word/document.xml", "docProps/core.xml"):
                xml = package.read(part).decode("utf-8")
                assert not any(ch in xml for ch in CONTROLS + list(SEPARATORS.replace("\r", ""))), (name, part)
            assert "<dc:creator>Alice # X ␛[31mred</dc:creator>" in package.read("docProps/core.xml").decode("utf-8")
        document = docx.Document(folder / name)
        assert not [p.text for p in document.paragraphs if p.style.name.startswith("Heading") and p.text.strip() in ("X", "Y", "Z", "S")]
