"""Proof that Word accepts what prdkit writes (issue 15).

Every part of every .docx below is validated against the ISO/IEC 29500 transitional schemas
(tests/ooxml-xsd, with the markup-compatibility processing Word does) and the checks the
schemas cannot express (tests/ooxml.py): all presets in both languages, the launch
checklists, every kind of reference .docx, hostile text, and a Markdown sample of every
construct the body writer knows."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

import ooxml
from prdkit.answers import AnswersFile
from prdkit.bank import load_bank
from prdkit.presets import all_presets, get_preset, initial_answers
from prdkit.render import RenderOptions, render_outputs
from prdkit.word import DocMeta, markdown_to_docx

BANK = load_bank()
LANGS = ("zh", "en")
LARGEST = max(all_presets(), key=lambda p: len(repr(p.raw_answers))).name

EVERYTHING = """# Every construct: a & b < c "quoted"

Front matter paragraph.

| Fact | Value |
| --- | --- |
| Owner | A & "B" <c> |

> A note for the Markdown's editor.

## Lists and quotes

5. starts at five
6. six
   1. nested restarts
   2. nested two

- [ ] open task with `code`
- [x] done task
  - detail under a task

> level one
>> level two
>>> level three

*强调的中文* and *English emphasis* and **bold** and ~~struck~~ and [a link](https://example.com/?a=1&b="2").

## Tables

| Left | Centre | Right | Context | unknown |
| :--- | :---: | ---: | --- | --- |
| a | b | 3.50 | Contextual information that runs on for a while | unknown |

| c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 | c12 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| Acceptance | Threshold | Evidence | Sign-off | Verification | Responsible | Escalation | Monitoring | Availability | Reliability | Observability | Accountability |

### Code

```python
print("a < b & c")
```

    indented code

<!-- an HTML comment stays out of Word -->

<div>raw html & text</div>

---

#### Level four

##### Level five
"""


def meta(lang: str, **extra) -> DocMeta:
    return DocMeta(title="T & <t>", lang=lang, owner='O & "o"', version="v1", status="Draft", date="2026-03-01", **extra)


def assert_accepted(data: bytes, label: str) -> None:
    found = ooxml.problems(data, label)
    assert not found, "\n".join(found)


def answers_for(preset: str | None, lang: str) -> AnswersFile:
    chosen = get_preset(preset) if preset else None
    return AnswersFile(lang=lang, answers=initial_answers(BANK, lang, chosen), preset=preset)


# ---- reference documents of each kind

def _save(document, path):
    document.save(path)
    return path


def _rewrite(source, target, change):
    """Copy a zip, passing each part through change(name, data)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change(item.filename, zin.read(item.filename)))
    return target


def reference(kind: str, tmp_path):
    base = docx.Document()
    if kind == "word":  # python-docx's template: saved by Word, theme fonts on the headings
        return _save(base, tmp_path / "word.docx")
    if kind == "dotx":
        plain = _save(base, tmp_path / "plain.docx")
        return _rewrite(plain, tmp_path / "template.dotx", lambda name, data: data.replace(
            b"document.main+xml", b"template.main+xml") if name == "[Content_Types].xml" else data)
    if kind == "headers":  # even/odd and first-page headers
        base.settings.odd_and_even_pages_header_footer = True
        section = base.sections[0]
        section.different_first_page_header_footer = True
        section.header.paragraphs[0].text = "ACME odd pages"
        section.even_page_header.paragraphs[0].text = "ACME even pages"
        section.first_page_header.paragraphs[0].text = "ACME first page"
        return _save(base, tmp_path / "headers.docx")
    if kind == "hostile-ids":  # style ids with & and " in them
        style = base.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), 'Table&"Text')
        quote = base.styles["Quote"] if "Quote" in [s.name for s in base.styles] else base.styles.add_style("Quote", WD_STYLE_TYPE.PARAGRAPH)
        quote.element.set(qn("w:styleId"), 'Q<&>"')
        return _save(base, tmp_path / "hostile.docx")
    if kind == "bare":  # no numbering, no settings, no font table
        plain = _save(base, tmp_path / "plain.docx")
        dropped = ("word/numbering.xml", "word/settings.xml", "word/fontTable.xml")

        def change(name, data):
            if name == "word/_rels/document.xml.rels":
                for part in dropped:
                    data = data.replace(part.split("/")[1].encode(), b"missing-" + part.split("/")[1].encode())
            return data
        target = tmp_path / "bare.docx"
        with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(target, "w") as zout:
            for item in zin.infolist():
                if item.filename in dropped:
                    continue
                zout.writestr(item.filename, change(item.filename, zin.read(item.filename)))
        # the dangling relationships of the cut parts are removed too
        return _rewrite(target, tmp_path / "bare2.docx", lambda name, data: _drop_missing(data)
                        if name == "word/_rels/document.xml.rels" else data)
    raise AssertionError(kind)


def _drop_missing(rels: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(rels)
    for rel in list(root):
        if rel.get("Target", "").startswith("missing-"):
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


REFERENCE_KINDS = ("word", "dotx", "headers", "hostile-ids", "bare")


# ---- the tests

def test_the_validator_finds_what_word_refuses():
    """Calibration: a clean file passes, and each kind of damage is reported."""
    good = markdown_to_docx(EVERYTHING, meta("en"))
    assert ooxml.problems(good) == []

    def damaged(change):
        return _rewrite_bytes(good, change)
    out_of_order = damaged(lambda n, d: d.replace(b'<w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="right"/></w:pPr>',
                                                  b'<w:pPr><w:jc w:val="right"/><w:pStyle w:val="TableText"/></w:pPr>', 1)
                           if n == "word/document.xml" else d)
    assert any("pStyle" in p for p in ooxml.problems(out_of_order))
    unbalanced = damaged(lambda n, d: d.replace(b'<w:r><w:fldChar w:fldCharType="end"/></w:r>', b"", 1)
                         if n == "word/document.xml" else d)
    assert any("never ended" in p for p in ooxml.problems(unbalanced))
    no_para = damaged(lambda n, d: d.replace(b"</w:p></w:tc>", b"</w:p><w:tbl><w:tblPr/><w:tblGrid/></w:tbl></w:tc>", 1)
                      if n == "word/document.xml" else d)
    assert any("does not end in a paragraph" in p for p in ooxml.problems(no_para))
    missing_target = damaged(lambda n, d: d.replace(b'Target="numbering.xml"', b'Target="gone.xml"')
                             if n == "word/_rels/document.xml.rels" else d)
    assert any("missing word/gone.xml" in p for p in ooxml.problems(missing_target))
    template = damaged(lambda n, d: d.replace(b"document.main+xml", b"template.main+xml") if n == "[Content_Types].xml" else d)
    assert any("main part" in p for p in ooxml.problems(template))


def _rewrite_bytes(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change(item.filename, zin.read(item.filename)))
    return out.getvalue()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("preset", [p.name for p in all_presets()] + [None])
def test_every_preset_and_checklist_is_accepted(preset, lang):
    outputs = render_outputs(answers_for(preset, lang), RenderOptions(formats=("md", "docx", "checklist")))
    names = [name for name in outputs if name.endswith(".docx")]
    assert "prd.docx" in names and (preset is None or "launch-checklist.docx" in names)
    for name in names:
        assert_accepted(outputs[name], f"{preset}/{lang}/{name}")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", REFERENCE_KINDS)
def test_every_reference_kind_is_accepted(kind, lang, tmp_path):
    ref = reference(kind, tmp_path)
    assert_accepted(markdown_to_docx(EVERYTHING, meta(lang), reference_docx=ref), f"{kind}/{lang}/everything")
    outputs = render_outputs(answers_for(LARGEST, lang), RenderOptions(formats=("docx", "checklist"), reference_docx=ref))
    for name in ("prd.docx", "launch-checklist.docx"):
        assert_accepted(outputs[name], f"{kind}/{lang}/{name}")


@pytest.mark.parametrize("lang", LANGS)
def test_every_construct_and_hostile_text_is_accepted(lang):
    assert_accepted(markdown_to_docx(EVERYTHING, meta(lang)), f"everything/{lang}")
    from test_hostile_text import FREE_TEXT, HOSTILE, with_value

    hostile = "\n".join(HOSTILE) + '\u2028 & " < > \x00\x07 \ud800'
    for path, field in FREE_TEXT[:: max(1, len(FREE_TEXT) // 12)]:
        answers = with_value(path, field, hostile)
        answers.lang = lang
        outputs = render_outputs(answers, RenderOptions(formats=("docx",)))
        assert_accepted(outputs["prd.docx"], f"hostile {path}/{field}/{lang}")
    weird = "# " + hostile.replace("\n", " ") + "\n\n" + "\n\n".join(HOSTILE) + "\n"
    assert_accepted(markdown_to_docx(weird, meta(lang, subject=hostile, keywords=(hostile,))), f"hostile markdown/{lang}")
    # a font name is a value written into XML too
    assert_accepted(markdown_to_docx(EVERYTHING, meta(lang), cjk_font='Fang & "Song" <x>'), f"hostile font/{lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_documents_the_command_line_writes_are_accepted(lang, tmp_path):
    """What a user gets from `new`, `render` with a reference and `accept` (the acceptance report)."""
    from conftest import run_prdkit

    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "agent-assistant", "--lang", lang, "--defaults").returncode == 0
    assert run_prdkit("accept", folder / "answers.yaml", "--item", "GEN-01", "--status", "pass",
                      "--evidence", 'report & "sign-off" <ok>').returncode == 0
    assert run_prdkit("accept", folder / "answers.yaml").returncode in (0, 1)  # GO or NO-GO, with the report
    written = sorted(folder.glob("*.docx"))
    assert {p.name for p in written} == {"prd.docx", "launch-checklist.docx", "acceptance-report.docx"}
    for path in written:
        assert_accepted(path.read_bytes(), f"cli/{lang}/{path.name}")
    result = run_prdkit("render", folder / "answers.yaml", "--reference-docx", reference("headers", tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("prd.docx", "launch-checklist.docx"):
        assert_accepted((folder / name).read_bytes(), f"cli/{lang}/reference/{name}")
