"""Word output (issue 4): read back with python-docx, open in LibreOffice."""

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from markdown_it import MarkdownIt

from prdkit.word import DocMeta, ReferenceDocxError, markdown_to_docx

from conftest import run_prdkit
from lo import docx_to_pdf, pdf_pages, pdf_text
from prdkit.presets import all_presets

SAMPLE = {
    "en": """# Sample product: PRD

Intro with **bold**, *italic*, `code` and a [link](https://example.com/docs).

## First section

### Details

- one
  - nested one
- two

1. first
2. second

Between the lists.

1. again first
2. again second

| Name | Value | Note | Emoji |
| --- | --- | --- | --- |
| pipe | a \\| b | line one<br>line two | 🚀 |
| plain | 42 | ok | ✅ |

- [ ] open task
- [x] done task

```
code block line
```

> a quoted remark

#### Fourth level
""",
    "zh": """# 示例产品 产品需求文档（PRD）

介绍：**加粗**、*斜体*、`代码` 与[链接](https://example.com/zh)。

## 第一节

### 细节

- 一
  - 嵌套
- 二

1. 第一
2. 第二

两个列表之间。

1. 重新第一
2. 重新第二

| 指标 | 基线 | 目标 | 备注 |
| --- | --- | --- | --- |
| 准确率 | 无 | ≥ 90% | 双人标注，抽检 |
| 延迟 | 5 秒 | 3 秒 | 管道符 \\| 保留 |

- [ ] 未完成
- [x] 已完成

> 引用的一段话

#### 第四级
""",
}


def meta(lang):
    return DocMeta(title="Sample", lang=lang, owner="Wen Li", version="v1.2", status="Draft", date="2026-03-01",
                   subject="Customer service", keywords=("PRD", "LLM"))


def load(data: bytes):
    return docx.Document(io.BytesIO(data))


def markdown_tables(markdown):
    """Expected cell texts, from the Markdown itself."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables, current, row = [], None, None
    for tok in tokens:
        if tok.type == "table_open":
            current = []
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None:
            text = "".join(c.content if c.type != "html_inline" else "\n" for c in tok.children)
            row.append(text)
        elif tok.type == "tr_close":
            current.append(row)
            row = None
        elif tok.type == "table_close":
            tables.append(current)
    return tables


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_structure_reads_back(lang):
    document = load(markdown_to_docx(SAMPLE[lang], meta(lang)))
    styles = [p.style.name for p in document.paragraphs]
    assert "Title" in styles
    assert {"Heading 1", "Heading 2", "Heading 3"} <= set(styles)
    # every Markdown table is a Word table with the same cells
    expected = markdown_tables(SAMPLE[lang])
    assert len(document.tables) == len(expected)
    for table, cells in zip(document.tables, expected):
        got = [[c.text for c in row.cells] for row in table.rows]
        assert got == cells
        header = table.rows[0]._tr.find(qn("w:trPr"))
        assert header is not None and header.find(qn("w:tblHeader")) is not None
        assert table.style.name == "Table Grid"
    # the two numbered lists restart: different w:numId
    num_ids = []
    for p in document.paragraphs:
        if p.style.name == "List Number":
            num_pr = p._p.pPr.find(qn("w:numPr"))
            num_ids.append(num_pr.find(qn("w:numId")).get(qn("w:val")))
    assert len(num_ids) == 4 and num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    assert any(p.style.name == "List Bullet 2" for p in document.paragraphs)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "☐" in text and "☑" in text
    assert lang == "zh" or any(p.style.name == "Source Code" for p in document.paragraphs)
    # a live hyperlink
    links = [link for link in document.element.body.findall(".//" + qn("w:hyperlink")) if link.get(qn("r:id"))]
    assert links
    rid = links[0].get(qn("r:id"))
    assert document.part.rels[rid].target_ref.startswith("https://example.com")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fonts_page_and_properties(lang):
    document = load(markdown_to_docx(SAMPLE[lang], meta(lang), cjk_font="Noto Serif CJK SC"))
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC", name
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
    lang_el = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    if lang == "zh":
        assert lang_el is not None and lang_el.get(qn("w:eastAsia")) == "zh-CN"
    section = document.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.05 and abs(section.page_height.cm - 29.7) < 0.05
    props = document.core_properties
    assert props.author == "Wen Li" and props.title and props.created.year == 2026
    assert props.subject == "Customer service" and "PRD" in props.keywords
    assert "python-docx" not in (props.author + props.last_modified_by + props.comments)
    assert SAMPLE[lang].splitlines()[0][2:] == section.header.paragraphs[0].text


def test_same_input_gives_identical_bytes():
    assert markdown_to_docx(SAMPLE["en"], meta("en")) == markdown_to_docx(SAMPLE["en"], meta("en"))


def test_control_characters_are_dropped_with_a_warning():
    warnings = []
    data = markdown_to_docx("# T\n\nbefore\x00\x07\x1bafter and \ufffe end\n", meta("en"), warn=warnings.append)
    text = "\n".join(p.text for p in load(data).paragraphs)
    assert "beforeafter and  end" in text
    assert len(warnings) == 1 and "4" in warnings[0]


def test_reference_docx_keeps_styles_and_header_drops_body(tmp_path):
    ref = docx.Document()
    ref.styles["Normal"].font.name = "Georgia"
    ref.sections[0].header.paragraphs[0].text = "ACME Confidential"
    ref.add_paragraph("Sample body that must not survive")
    path = tmp_path / "ref.docx"
    ref.save(path)
    document = load(markdown_to_docx(SAMPLE["en"], meta("en"), reference_docx=path))
    assert document.sections[0].header.paragraphs[0].text == "ACME Confidential"
    assert all("must not survive" not in p.text for p in document.paragraphs)
    assert document.styles["Normal"].font.name == "Calibri" or document.styles["Normal"].element.rPr is not None
    with pytest.raises(ReferenceDocxError):
        markdown_to_docx("# x\n", meta("en"), reference_docx=tmp_path / "missing.docx")
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip")
    with pytest.raises(ReferenceDocxError):
        markdown_to_docx("# x\n", meta("en"), reference_docx=bad)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_opens_in_libreoffice(lang, tmp_path):
    path = tmp_path / f"sample-{lang}.docx"
    path.write_bytes(markdown_to_docx(SAMPLE[lang], meta(lang)))
    pdf = docx_to_pdf(path, tmp_path)
    assert pdf_pages(pdf) >= 2
    text = pdf_text(pdf)
    if lang == "zh":
        assert "第一节" in text and "双人标注" in text
    else:
        assert "First section" in text and "line two" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("preset", [p.name for p in all_presets()])
def test_every_preset_docx_reads_back_and_opens(preset, lang, tmp_path):
    folder = tmp_path / "out"
    result = run_prdkit("new", folder, "--preset", preset, "--lang", lang, "--defaults")
    assert result.returncode == 0, result.stderr
    markdown = (folder / "prd.md").read_text(encoding="utf-8")
    for name in ("prd.docx", "launch-checklist.docx"):
        if not (folder / name).exists():
            continue
        document = docx.Document(folder / name)
        assert document.core_properties.author and document.core_properties.title
        if name == "prd.docx":
            expected = markdown_tables(markdown)
            expected[0] = expected[0][1:]  # the facts table goes on the cover without its heading row
            assert len(document.tables) == len(expected)
            for table, cells in zip(document.tables, expected):
                assert [[c.text for c in row.cells] for row in table.rows] == cells
            headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
            md_h2 = [re.sub(r"^##\s+", "", line) for line in markdown.splitlines() if line.startswith("## ")]
            for h in md_h2:
                assert h.replace("\\", "") in headings
            fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia"))
        pdf = docx_to_pdf(folder / name, tmp_path)
        assert pdf_pages(pdf) >= 2


def test_render_with_reference_docx_and_cjk_font(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "agent-assistant", "--lang", "zh", "--defaults").returncode == 0
    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = "ACME 内部资料"
    ref.add_paragraph("sample body")
    ref.save(tmp_path / "corp.docx")
    result = run_prdkit("render", folder / "answers.yaml", "--reference-docx", tmp_path / "corp.docx", "--cjk-font", "Noto Serif CJK SC")
    assert result.returncode == 0, result.stderr
    document = docx.Document(folder / "prd.docx")
    assert document.sections[0].header.paragraphs[0].text == "ACME 内部资料"
    assert all("sample body" not in p.text for p in document.paragraphs)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    missing = run_prdkit("render", folder / "answers.yaml", "--reference-docx", tmp_path / "nope.docx")
    assert missing.returncode == 2 and "nope.docx" in missing.stderr
    (tmp_path / "fake.docx").write_text("not a docx")
    fake = run_prdkit("render", folder / "answers.yaml", "--reference-docx", tmp_path / "fake.docx")
    assert fake.returncode == 2 and "fake.docx" in fake.stderr and "Traceback" not in fake.stderr


def test_reference_docx_gets_prdkit_lists_tables_and_links(tmp_path):
    """A reference without prdkit's styles: they are added, lists restart, links resolve,
    and LibreOffice opens the result."""
    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = ""  # an empty header is replaced by the title
    ref.add_paragraph("old body", style="List Number")
    path = tmp_path / "ref.docx"
    ref.save(path)
    data = markdown_to_docx(SAMPLE["en"], meta("en"), reference_docx=path)
    document = load(data)
    assert document.sections[0].header.paragraphs[0].text == "Sample product: PRD"
    assert {"Table Text", "Table Heading", "Source Code"} <= {s.name for s in document.styles}
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == markdown_tables(SAMPLE["en"])[0]
    numbering = document.part.numbering_part.element
    defined = {n.get(qn("w:numId")) for n in numbering.findall(qn("w:num"))}
    num_ids = [p._p.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
               for p in document.paragraphs if p.style.name == "List Number"]
    assert len(num_ids) == 4 and num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    assert set(num_ids) <= defined
    rid = next(link.get(qn("r:id")) for link in document.element.body.findall(".//" + qn("w:hyperlink"))
               if link.get(qn("r:id")))
    assert document.part.rels[rid].target_ref == "https://example.com/docs"
    out = tmp_path / "with-ref.docx"
    out.write_bytes(data)
    text = pdf_text(docx_to_pdf(out, tmp_path))
    assert "First section" in text and "line two" in text and "old body" not in text


@pytest.mark.parametrize("broken", ["document", "styles", "rels"])
def test_damaged_reference_docx_is_a_user_error(tmp_path, broken):
    import zipfile

    ref = tmp_path / "ref.docx"
    docx.Document().save(ref)
    damaged = tmp_path / f"damaged-{broken}.docx"
    target = {"document": "word/document.xml", "styles": "word/styles.xml", "rels": "_rels/.rels"}[broken]
    with zipfile.ZipFile(ref) as source, zipfile.ZipFile(damaged, "w") as out:
        for item in source.infolist():
            out.writestr(item, b"<not xml" if item.filename == target else source.read(item.filename))
    with pytest.raises(ReferenceDocxError) as error:
        markdown_to_docx("# x\n", meta("en"), reference_docx=damaged)
    assert damaged.name in str(error.value)


# ---------------------------------------------------------------- issue 15: what a VP sees

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def part(data: bytes, name: str) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def headings_of(markdown: str) -> list[tuple[int, str]]:
    """(Word level, text) of the headings the contents should list: ## to ####."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [(int(tok.tag[1]) - 1, tokens[i + 1].content) for i, tok in enumerate(tokens)
            if tok.type == "heading_open" and 2 <= int(tok.tag[1]) <= 4]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_contents_are_written_when_the_file_is_made(lang):
    data = markdown_to_docx(SAMPLE[lang], meta(lang))
    document = load(data)
    entries = [(int(p.style.name[-1]), p.text) for p in document.paragraphs if p.style.name.startswith("toc ")]
    assert entries == headings_of(SAMPLE[lang])
    # each entry links to a bookmark on its heading
    body = document.element.body
    bookmarks = {}
    for p in body.iter(qn("w:p")):
        for mark in p.iter(qn("w:bookmarkStart")):
            bookmarks[mark.get(qn("w:name"))] = "".join(t.text for t in p.iter(qn("w:t")))
    anchors = [link for link in body.iter(qn("w:hyperlink")) if link.get(qn("w:anchor"))]
    assert [bookmarks[a.get(qn("w:anchor"))] for a in anchors] == [text for _, text in entries]
    xml = part(data, "word/document.xml")
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    # nothing for Word to ask about on opening, no placeholder, no note about prdkit
    assert "updateFields" not in part(data, "word/settings.xml") and "w:dirty" not in xml
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Word" not in text and "更新域" not in text and "prdkit" not in text
    # a document without headings has no contents page
    plain = load(markdown_to_docx("# Only a title\n\nSome text.\n", meta(lang)))
    texts = [p.text for p in plain.paragraphs if p.text]
    assert texts[0] == "Only a title" and texts[-1] == "Some text." and not {"Contents", "目录"} & set(texts)
    assert not any(p.style.name.startswith("toc") or p.style.name == "TOC Heading" for p in plain.paragraphs)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cover_is_a_title_page_without_header_or_footer_and_facts_appear_once(lang, tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", lang, "--defaults").returncode == 0
    data = (folder / "prd.docx").read_bytes()
    document = load(data)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == "" and section.first_page_footer.paragraphs[0].text == ""
    assert section.header.paragraphs[0].text  # the title, from page 2 on
    # the facts table of the Markdown is on the cover (before the contents), and only there
    owner_label = "负责人" if lang == "zh" else "Owner"
    facts = [t for t in document.tables if t.rows[0].cells[0].text == owner_label]
    assert len(facts) == 1
    body = list(document.element.body)
    contents = next(i for i, el in enumerate(body) if el.tag == qn("w:p") and "TOCHeading" in el.xml)
    assert body.index(facts[0]._tbl) < contents
    # the note for whoever edits prd.md stays out of Word
    generated = "手工修改会被保留" if lang == "zh" else "your own edits to this file are kept"
    assert generated in (folder / "prd.md").read_text(encoding="utf-8")
    assert generated not in "\n".join(p.text for p in document.paragraphs)


def test_without_a_heading_there_is_no_front_matter():
    """A document whose title is followed by no heading keeps its tables and quotes in the body."""
    document = load(markdown_to_docx("# T\n\n> a quoted remark\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n", meta("en")))
    assert any(p.text == "a quoted remark" and p.style.name == "Quote" for p in document.paragraphs)
    assert [[c.text for c in r.cells] for r in document.tables[0].rows] == [["a", "b"], ["1", "2"]]
    # the cover then shows the document's facts
    assert any(p.text == "Owner: Wen Li" for p in document.paragraphs)


TYPOGRAPHY = """# Typography

## Lists

5. five
6. six

- [ ] open `prdkit advise` item
- [x] done item

Run `prdkit render` now, *with emphasis*.

```
code line
```

> one
>> two
>>> three

| Left | Centre | Right |
| :--- | :---: | ---: |
| a | b | 1.5 |
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_typography_reads_back(lang):
    data = markdown_to_docx(TYPOGRAPHY, meta(lang))
    document = load(data)
    paragraphs = {p.text: p for p in document.paragraphs}
    # checklist items: a checkbox and no bullet
    for text in ("☐ open prdkit advise item", "☑ done item"):
        num_pr = paragraphs[text]._p.pPr.find(qn("w:numPr"))
        assert num_pr is not None and num_pr.find(qn("w:numId")).get(qn("w:val")) == "0"
        box = paragraphs[text].runs[0]
        assert box.element.rPr.find(qn("w:rFonts")).get(qn("w:ascii")) == "Segoe UI Symbol"
    # inline code and code blocks by style, so readers and the style pane see them
    code_runs = [r for p in document.paragraphs for r in p.runs if r.text in ("prdkit advise", "prdkit render")]
    assert len(code_runs) == 2 and all(r.style.name == "Verbatim Char" for r in code_runs)
    assert paragraphs["code line"].style.name == "Source Code"
    assert document.styles["Verbatim Char"].font.name == "Consolas"
    # an ordered list starting at 5 starts at 5
    num_id = paragraphs["five"]._p.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    num = next(n for n in document.part.numbering_part.element.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    assert num.find(".//" + qn("w:startOverride")).get(qn("w:val")) == "5"
    # emphasis: italic in English; in Chinese upright (CJK fonts have no italic), in colour
    emphasis = next(r for p in document.paragraphs for r in p.runs if r.text == "with emphasis")
    assert emphasis.style.name == "Emphasis"
    quote_style = document.styles["Quote"]
    if lang == "zh":
        assert "<w:i/>" not in part(data, "word/document.xml") and "<w:i/>" not in part(data, "word/styles.xml")
        assert document.styles["Emphasis"].font.color.rgb is not None
        assert quote_style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "KaiTi"
    else:
        assert document.styles["Emphasis"].font.italic and quote_style.font.italic
    # nested quotes indented by level
    indents = [paragraphs[t].paragraph_format.left_indent or 0 for t in ("one", "two", "three")]
    assert paragraphs["one"].style.name == "Quote" and indents[0] < indents[1] < indents[2]
    # column alignment kept
    cells = document.tables[-1].rows[1].cells
    assert [c.paragraphs[0].alignment for c in cells] == [None, 1, 2]  # left (default), center, right


def test_platform_fonts_with_a_font_table():
    data = markdown_to_docx(SAMPLE["zh"], meta("zh"))
    document = load(data)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Calibri" and fonts.get(qn("w:eastAsia")) == "Microsoft YaHei"
    table = part(data, "word/fontTable.xml")
    assert '<w:font w:name="Microsoft YaHei"><w:altName w:val="微软雅黑"/><w:panose1 w:val="020B0503020204020204"/>' in table
    for name in ("Calibri", "Consolas", "Segoe UI Symbol", "KaiTi"):
        assert f'w:name="{name}"' in table
    assert "DejaVu" not in part(data, "word/document.xml") + part(data, "word/styles.xml")
    assert "Noto" not in part(data, "word/styles.xml")


def test_table_columns_are_sized_by_their_words():
    markdown = ("| ID | Context | Why | Owner | Gate | unknown |\n| --- | --- | --- | --- | --- | --- |\n"
                "| G-1 | Context | " + "a long explanation of why this matters " * 4 + "| PM | yes | unknown |\n")
    document = load(markdown_to_docx("# T\n\n## S\n\n" + markdown, meta("en")))
    widths = [c.width.twips for c in document.tables[0].rows[0].cells]
    why = widths[2]
    assert why == max(widths) and why > 2.5 * max(widths[:2] + widths[3:])
    # "Context" and "unknown" fit on one line: at least their width at 9.5 pt plus the cell margins
    assert widths[1] >= 7 * 0.62 * 190 + 216 and widths[5] >= 7 * 0.62 * 190 + 216
    # a column left empty for filling in by hand is wide enough to write in
    document = load(markdown_to_docx("# T\n\n## S\n\n| ID | Item | Sign-off |\n| --- | --- | --- |\n| A-1 | "
                                     + "a long item text " * 6 + "|  |\n", meta("en")))
    assert document.tables[0].rows[0].cells[2].width.twips >= 1.5 * 567 - 1
    # a table whose words do not fit the page is set in the small table text ...
    def wide(n):
        return ("# T\n\n## S\n\nbefore\n\n| " + " | ".join(["Accountability"] * n) + " |\n|" + " --- |" * n
                + "\n|" + " x |" * n + "\n\nafter\n")
    document = load(markdown_to_docx(wide(6), meta("en")))
    assert document.tables[0].rows[0].cells[0].paragraphs[0].style.name == "Table Heading Small"
    assert len(document.sections) == 1
    assert sum(c.width.twips for c in document.tables[0].rows[0].cells) <= 11906 - 2 * 1247
    # ... and one whose words do not fit even then gets a page of its own, turned sideways
    data = markdown_to_docx(wide(9), meta("en"))
    document = load(data)
    assert [s.orientation for s in document.sections] == [0, 1, 0]  # portrait, landscape, portrait
    assert [s.different_first_page_header_footer for s in document.sections] == [True, False, False]
    assert sum(c.width.twips for c in document.tables[0].rows[0].cells) <= 16838 - 2 * 1247
    assert ooxml_problems(data) == []


def ooxml_problems(data):
    import ooxml

    return ooxml.problems(data)


def test_malformed_body_is_a_bug_that_stops_the_render():
    """A body writer that produced broken XML must not leave a .docx Word refuses."""
    def broken(writer, token):
        return "<w:p><w:r>unclosed"
    with pytest.raises(RuntimeError, match="malformed XML into word/document.xml"):
        markdown_to_docx("# T\n\n```mermaid\ngraph\n```\n", meta("en"), fence_handlers={"mermaid": broken})


def test_fence_handlers_and_extra_parts_reach_the_package():
    from prdkit.word import ExtraPart

    def handler(writer, token):
        writer.extra_parts.append(ExtraPart("extra/note.xml", "<note/>", "application/xml",
                                            "http://example.com/rel/note", writer.new_rel_id("Note")))
        return '<w:p><w:r><w:t>drawn</w:t></w:r></w:p>'
    data = markdown_to_docx("# T\n\n```Mermaid\ngraph\n```\n\n```\nplain\n```\n", meta("en"), fence_handlers={"mermaid": handler})
    assert "<note/>" == part(data, "word/extra/note.xml")
    assert 'Id="rIdPrdkitNote1" Type="http://example.com/rel/note" Target="extra/note.xml"' in part(
        data, "word/_rels/document.xml.rels")
    assert 'PartName="/word/extra/note.xml"' in part(data, "[Content_Types].xml")
    texts = [p.text for p in load(data).paragraphs]
    assert "drawn" in texts and "plain" in texts and "graph" not in texts


def test_extra_parts_reach_a_reference_package(tmp_path):
    from prdkit.word import ExtraPart

    ref = tmp_path / "ref.docx"
    docx.Document().save(ref)

    def handler(writer, token):
        writer.extra_parts.append(ExtraPart("extra/note.xml", "<note/>", "application/xml",
                                            "http://example.com/rel/note", writer.new_rel_id("Note")))
        return '<w:p><w:r><w:t>drawn</w:t></w:r></w:p>'
    data = markdown_to_docx("# T\n\n```mermaid\ngraph\n```\n", meta("en"), reference_docx=ref,
                            fence_handlers={"mermaid": handler})
    assert "<note/>" == part(data, "word/extra/note.xml")
    assert 'Target="extra/note.xml"' in part(data, "word/_rels/document.xml.rels")
    assert 'PartName="/word/extra/note.xml"' in part(data, "[Content_Types].xml")


def test_checklist_word_step_is_linear():
    """The task-list parse used to be quadratic: 8,000 items took 20 s."""
    import time

    def checklist(n):
        return "# C\n\n## G\n\n" + "".join(f"- [ ] **I-{i} item**: detail\n  - Owner: PM; evidence: report\n" for i in range(n))

    def best(markdown):
        times = []
        for _ in range(2):
            start = time.perf_counter()
            markdown_to_docx(markdown, meta("en"))
            times.append(time.perf_counter() - start)
        return min(times)
    small, large = best(checklist(1000)), best(checklist(4000))
    assert large < 7 * small  # linear: about 4x; quadratic would be about 16x
    assert large < 10


@pytest.mark.skipif(not __import__("shutil").which("pandoc"), reason="pandoc is not installed (.ci/run installs it)")
def test_pandoc_reads_contents_code_and_list_numbers(tmp_path):
    import subprocess

    path = tmp_path / "t.docx"
    path.write_bytes(markdown_to_docx(TYPOGRAPHY + "\n## Second\n\n### Third\n", meta("en")))
    out = subprocess.run(["pandoc", "-f", "docx", "-t", "markdown", str(path)], capture_output=True, text=True,
                         check=True).stdout
    assert "[Lists](#lists)" in out and "[Second](#second)" in out and "[Third](#third)" in out
    assert "`prdkit advise`" in out and "`prdkit render`" in out
    assert "5.  five" in out and "6.  six" in out
    assert "    code line" in out or "```" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_shows_headings_contents_and_cjk(lang, tmp_path):
    path = tmp_path / f"p-{lang}.docx"
    path.write_bytes(markdown_to_docx(SAMPLE[lang], meta(lang)))
    pdf = docx_to_pdf(path, tmp_path)
    import subprocess

    page = lambda n: subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                                    capture_output=True, text=True, check=True).stdout
    cover, contents, body = page(1), page(2), page(3)
    title = SAMPLE[lang].splitlines()[0][2:]
    assert title in cover and ("Page" not in cover and "页" not in cover)  # no header or footer on the cover
    for _, heading in headings_of(SAMPLE[lang]):
        assert heading in contents and heading in body
    if lang == "zh":
        assert "第一节" in body and "双人标注" in body and "目录" in contents


# ---------------------------------------------------------------- reference documents

def test_reference_keeps_theme_fonts_unless_a_cjk_font_is_given(tmp_path):
    """python-docx's template was saved by Word: its headings name the theme's fonts."""
    path = tmp_path / "word.docx"
    docx.Document().save(path)
    before = docx.Document(path).styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert before.get(qn("w:asciiTheme")) and before.get(qn("w:eastAsiaTheme"))
    kept = load(markdown_to_docx(SAMPLE["zh"], meta("zh"), reference_docx=path))
    fonts = kept.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:asciiTheme")) == before.get(qn("w:asciiTheme"))
    assert fonts.get(qn("w:eastAsiaTheme")) == before.get(qn("w:eastAsiaTheme")) and fonts.get(qn("w:eastAsia")) is None
    # a style without any East Asian font gets prdkit's
    normal = kept.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "Microsoft YaHei"
    chosen = load(markdown_to_docx(SAMPLE["zh"], meta("zh"), reference_docx=path, cjk_font="SimSun"))
    fonts = chosen.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun" and fonts.get(qn("w:eastAsiaTheme")) is None
    assert fonts.get(qn("w:asciiTheme")) == before.get(qn("w:asciiTheme"))


def test_reference_template_and_macro_documents(tmp_path):
    import zipfile

    plain = tmp_path / "plain.docx"
    docx.Document().save(plain)
    dotx = tmp_path / "corp.dotx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(dotx, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            zout.writestr(item.filename, data)
    data = markdown_to_docx(SAMPLE["en"], meta("en"), reference_docx=dotx)
    types = part(data, "[Content_Types].xml")
    assert "template.main+xml" not in types and "document.main+xml" in types
    load(data)  # python-docx refuses a template as a document
    docm = tmp_path / "macro.docx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(docm, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            zout.writestr(item.filename, data)
        zout.writestr("word/vbaProject.bin", b"\x00" * 16)
    with pytest.raises(ReferenceDocxError, match="macros"):
        markdown_to_docx("# x\n", meta("en"), reference_docx=docm)
    (tmp_path / "named.docm").write_bytes(plain.read_bytes())
    with pytest.raises(ReferenceDocxError, match="macro-enabled"):
        markdown_to_docx("# x\n", meta("en"), reference_docx=tmp_path / "named.docm")


def test_reference_even_odd_and_first_page_headers(tmp_path):
    ref = docx.Document()
    ref.settings.odd_and_even_pages_header_footer = True
    section = ref.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "ACME odd"
    section.even_page_header.paragraphs[0].text = "ACME even"
    section.first_page_header.paragraphs[0].text = "ACME first"
    path = tmp_path / "headers.docx"
    ref.save(path)
    data = markdown_to_docx(SAMPLE["en"], meta("en"), reference_docx=path)
    out = load(data).sections[0]
    assert out.header.paragraphs[0].text == "ACME odd" and out.even_page_header.paragraphs[0].text == "ACME even"
    assert out.first_page_header.paragraphs[0].text == "ACME first" and out.different_first_page_header_footer
    # the reference's footers are empty: page numbers on odd and on even pages
    for footer in (out.footer, out.even_page_footer):
        assert "PAGE" in footer._element.xml and "Page" in footer.paragraphs[0].text
    assert out.first_page_footer.paragraphs[0].text == ""


def test_reference_folder_and_zip_limits(tmp_path):
    import zipfile
    import resource

    folder = tmp_path / "templates"
    folder.mkdir()
    with pytest.raises(ReferenceDocxError, match="is a folder"):
        markdown_to_docx("# x\n", meta("en"), reference_docx=folder)
    plain = tmp_path / "plain.docx"
    docx.Document().save(plain)

    def variant(name, extra=None, method=zipfile.ZIP_DEFLATED, encrypted=False):
        target = tmp_path / name
        with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(target, "w", method) as zout:
            for item in zin.infolist():
                zout.writestr(item.filename, zin.read(item.filename))
            for entry, data in (extra or {}).items():
                info = zipfile.ZipInfo(entry)
                info.compress_type = method
                zout.writestr(info, data)
        if encrypted:  # zipfile cannot write encryption: set the flag bit in every header
            raw = bytearray(target.read_bytes())
            for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
                pos = raw.find(signature)
                while pos >= 0:
                    raw[pos + flags_at] |= 0x1
                    pos = raw.find(signature, pos + 4)
            target.write_bytes(bytes(raw))
        return target

    cases = {
        "bomb.docx": (variant("bomb.docx", {"word/media/huge.bin": b"\x00" * (65 * 2**20)}), "unpacks to"),
        "dotdot.docx": (variant("dotdot.docx", {"../../evil.xml": b"<x/>"}), "unsafe name"),
        "absolute.docx": (variant("absolute.docx", {"/etc/evil.xml": b"<x/>"}), "unsafe name"),
        "many.docx": (variant("many.docx", {f"word/m/{i}.xml": b"" for i in range(2100)}), "entries"),
        "bzip.docx": (variant("bzip.docx", {"word/x.xml": b"<x/>"}, zipfile.ZIP_BZIP2), "compression method"),
        "encrypted.docx": (variant("encrypted.docx", encrypted=True), "encrypted"),
    }
    assert cases["bomb.docx"][0].stat().st_size < 2**20  # a small file that unpacks to 65 MB
    for name, (path, message) in cases.items():
        with pytest.raises(ReferenceDocxError, match=message) as error:
            markdown_to_docx("# x\n", meta("en"), reference_docx=path)
        assert name in str(error.value)
    # a directory that understates a part's size: reading stops at what it declared (damaged file)
    lying = tmp_path / "lying.docx"
    raw = bytearray(variant("big.docx", {"word/media/big.bin": b"\x00" * (8 * 2**20)}).read_bytes())
    import struct

    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = raw.find(signature)
        while pos >= 0:
            name_at = pos + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + 18] == b"word/media/big.bin":
                raw[pos + size_at:pos + size_at + 4] = struct.pack("<I", 100)
            pos = raw.find(signature, pos + 4)
    lying.write_bytes(bytes(raw))
    with pytest.raises(ReferenceDocxError, match="lying.docx.*damaged"):
        markdown_to_docx("# x\n", meta("en"), reference_docx=lying)
    # a part whose data is damaged (bad CRC) is a damaged file, not a crash
    corrupt = tmp_path / "corrupt.docx"
    raw = bytearray(plain.read_bytes())
    offset = raw.find(b"word/document.xml") + len("word/document.xml") + 40
    raw[offset:offset + 8] = b"\xff" * 8
    corrupt.write_bytes(bytes(raw))
    with pytest.raises(ReferenceDocxError, match="corrupt.docx"):
        markdown_to_docx("# x\n", meta("en"), reference_docx=corrupt)
    # memory stays bounded while the bomb is refused
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_000_000  # KiB


def test_reference_errors_exit_2_from_the_command_line(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "agent-assistant", "--lang", "en", "--defaults").returncode == 0
    (tmp_path / "refs").mkdir()
    result = run_prdkit("render", folder / "answers.yaml", "--reference-docx", tmp_path / "refs")
    assert result.returncode == 2 and "refs" in result.stderr and "folder" in result.stderr
    docx.Document().save(tmp_path / "corp.docm")
    result = run_prdkit("render", folder / "answers.yaml", "--reference-docx", tmp_path / "corp.docm")
    assert result.returncode == 2 and "corp.docm" in result.stderr and "Traceback" not in result.stderr
