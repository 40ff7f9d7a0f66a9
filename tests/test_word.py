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
