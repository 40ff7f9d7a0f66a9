"""Charts (issue 15): Mermaid blocks in prd.md, native DrawingML charts in prd.docx.

The figures are checked against the advisors', read back from the Markdown (the Mermaid
parser) and from the .docx (python-docx finds the chart parts, lxml reads their caches). Chart
parts are validated against the ISO/IEC 29500 transitional DrawingML chart schema copied in
tests/ooxml-xsd (see its README).
"""

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given, settings, strategies as st
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from prdkit.advisors import advise
from prdkit.generate import new_answers
from prdkit.presets import all_presets, get_preset
from prdkit.render import RenderOptions, render_outputs
from prdkit.word import DocMeta, markdown_to_docx
from prdkit.word.charts import MermaidError, chart_space_xml, number_text, parse_mermaid, parse_mermaid_strict

from lo import docx_to_pdf, pdf_text

XSD = Path(__file__).parent / "ooxml-xsd"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
MERMAID = re.compile(r"^```mermaid\n(.*?)^```$", re.M | re.S)


@lru_cache(maxsize=1)
def chart_schema():
    return etree.XMLSchema(etree.parse(str(XSD / "dml-chart.xsd")))


@lru_cache(maxsize=None)
def rendered(preset: str, lang: str):
    answers = new_answers(lang, get_preset(preset))
    outputs = render_outputs(answers, RenderOptions(formats=("md", "docx")))
    return answers, outputs["prd.md"], outputs["prd.docx"]


def read_chart(xml: bytes) -> dict:
    """Title, categories and series (kind, name, values) from a chart part's caches."""
    root = etree.fromstring(xml)
    title = root.find(f"{C}chart/{C}title")
    series = []
    for ser in root.iter(f"{C}ser"):
        kind = etree.QName(ser.getparent()).localname.replace("Chart", "")
        name = ser.find(f"{C}tx//{C}v")
        values = [float(v.text) for v in ser.findall(f"{C}val/{C}numRef/{C}numCache/{C}pt/{C}v")]
        count = int(ser.find(f"{C}val/{C}numRef/{C}numCache/{C}ptCount").get("val"))
        assert count == len(values)
        series.append((kind, name.text if name is not None else "", values))
    first = root.find(f".//{C}ser")
    categories = [v.text for v in first.findall(f"{C}cat/{C}strRef/{C}strCache/{C}pt/{C}v")]
    return {"title": "".join(t.text for t in title.iter(f"{A}t")) if title is not None else "",
            "categories": categories, "series": series}


def docx_charts(data: bytes) -> list[dict]:
    """The charts of a .docx in the order the body shows them, through python-docx's relationships."""
    document = docx.Document(io.BytesIO(data))
    parts = {rid: rel.target_part for rid, rel in document.part.rels.items() if rel.reltype == RT.CHART}
    body = etree.fromstring(document.part.blob)
    order = [el.get(R_ID) for el in body.iter(f"{C}chart")]
    assert sorted(order) == sorted(parts), "every chart in the body has its part, and no part is unused"
    charts = []
    for rid in order:
        part = parts[rid]
        assert part.content_type == CT_CHART
        root = etree.fromstring(part.blob)
        assert chart_schema().validate(root), chart_schema().error_log
        charts.append(read_chart(part.blob))
    return charts


def expected_charts(answers) -> list[tuple[str, list[str], list[tuple[str, list[float]]]]]:
    """(kind, categories, [(series kind, values)]) of each chart, from the advisors."""
    advice = advise(answers.answers, answers.lang)
    fit, cost = advice["scenario_fit"], advice["cost"]
    charts = [("xy", [d["label"] for d in fit["dimensions"]],
               [("bar", [d["score"] for d in fit["dimensions"]]), ("line", [fit["average"]] * len(fit["dimensions"]))])]
    slices = []
    if cost["api_monthly"] and not cost["api_is_comparison"]:
        slices += [cost["api_monthly"]["input"], cost["api_monthly"]["cached_input"], cost["api_monthly"]["output"]]
    if cost["self_hosted"] and cost["api_is_comparison"] and not cost["text_via_api"]:
        slices.append(cost["self_hosted"]["gpu_monthly"])
    if cost["image"]:
        slices.append(cost["image"]["monthly"])
    slices += [cost["infra_monthly"], cost["review_monthly"]]
    slices = [s for s in slices if s > 0]
    # the slices are the whole running cost, whatever the deployment
    assert sum(slices) == pytest.approx(cost["running_monthly"])
    charts.append(("pie", None, [("pie", slices)]))
    half, double = cost["sensitivity"]
    paybacks = [half["payback_months"], cost["payback_months"], double["payback_months"]]
    if None in paybacks:  # no payback somewhere: the chart shows the net monthly benefit instead
        paybacks = [half["net_monthly"], cost["net_monthly"], double["net_monthly"]]
    months = None not in [half["payback_months"], cost["payback_months"], double["payback_months"]]
    charts.append(("xy", None, [("bar", [round(v, 1 if months else 2) for v in paybacks])]))
    # charts carry the figures as the tables round them: months to a tenth, the rest to 2 decimals
    return [(kind, categories, [(k, [round(v, 2) for v in values]) for k, values in series]) for kind, categories, series in charts]


PRESETS = [p.name for p in all_presets()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("preset", PRESETS)
def test_charts_carry_the_advisors_figures_in_markdown_and_word(preset, lang):
    answers, markdown, data = rendered(preset, lang)
    expected = expected_charts(answers)
    # the Markdown: three Mermaid blocks that read back to the same numbers
    blocks = [parse_mermaid_strict(b) for b in MERMAID.findall(markdown)]
    assert len(blocks) == 3
    for chart, (kind, categories, series) in zip(blocks, expected):
        assert chart.kind == kind
        if categories:
            assert list(chart.categories) == categories
        assert [(s.kind, list(s.values)) for s in chart.series] == series
    # the Word document: three native charts with the same cached figures
    charts = docx_charts(data)
    assert len(charts) == 3
    for chart, (kind, categories, series) in zip(charts, expected):
        got = [(k, v) for k, _, v in chart["series"]]
        assert got == series
        if categories:
            assert chart["categories"] == categories
    # titles and labels are in the document's language
    scores, pie, payback = charts
    if lang == "zh":
        assert scores["title"] == "场景适配得分" and pie["title"].startswith("月运行成本构成")
        assert payback["categories"] == ["流量减半", "当前流量", "流量翻倍"]
    else:
        assert scores["title"] == "Scenario-fit scores" and pie["title"].startswith("Monthly running cost")
        assert payback["categories"] == ["Half the traffic", "Current traffic", "Double the traffic"]
    # the Mermaid source stays out of the Word body
    assert "xychart-beta" not in docx.Document(io.BytesIO(data)).part.blob.decode("utf-8")


def test_word_package_declares_charts_and_their_workbooks():
    _, _, data = rendered("agent-platform", "zh")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
        for n in (1, 2, 3):
            assert f"word/charts/prdkit-chart{n}.xml" in names
            assert f'PartName="/word/charts/prdkit-chart{n}.xml" ContentType="{CT_CHART}"' in types
            assert f'Target="charts/prdkit-chart{n}.xml"' in rels
            chart_rels = package.read(f"word/charts/_rels/prdkit-chart{n}.xml.rels").decode()
            assert f"../embeddings/prdkit-chart{n}.xlsx" in chart_rels
            # the embedded workbook (Word's "Edit Data") holds the same figures where the formulas point
            sheet = openpyxl.load_workbook(io.BytesIO(package.read(f"word/embeddings/prdkit-chart{n}.xlsx")))["Sheet1"]
            chart = read_chart(package.read(f"word/charts/prdkit-chart{n}.xml"))
            rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
            assert rows[0][1:] == [name for _, name, _ in chart["series"]]
            assert [row[0] for row in rows[1:]] == chart["categories"]
            for column, (_, _, values) in enumerate(chart["series"], 1):
                assert [row[column] for row in rows[1:]] == values
        ids = re.findall(r'<wp:docPr id="(\d+)"', package.read("word/document.xml").decode())
        assert len(ids) == 3 and len(set(ids)) == 3


def test_acceptance_report_chart_bar_with_three_lines():
    source = """xychart-beta
    title "Acceptance: observed rate against the target"
    x-axis "Metric" ["Answer accuracy", "Refusal rate", "P95 latency <= 3 s"]
    y-axis "Rate (%)" 0 --> 100
    bar "Observed rate" [91.2, 4.5, 97]
    line "Target" [90, 5, 95]
    line "Lower bound" [88.4, 3.1, 95.2]
    line "Upper bound" [93.6, 6.2, 98.4]
"""
    data = markdown_to_docx(f"# Report\n\n```mermaid\n{source}```\n", DocMeta(title="Report", lang="en"))
    (chart,) = docx_charts(data)
    assert chart["categories"] == ["Answer accuracy", "Refusal rate", "P95 latency <= 3 s"]
    assert chart["series"] == [("bar", "Observed rate", [91.2, 4.5, 97.0]), ("line", "Target", [90.0, 5.0, 95.0]),
                               ("line", "Lower bound", [88.4, 3.1, 95.2]), ("line", "Upper bound", [93.6, 6.2, 98.4])]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/charts/prdkit-chart1.xml"))
    bar, line = root.find(f".//{C}barChart"), root.find(f".//{C}lineChart")
    # both plots share one category axis and one value axis, fixed 0–100 as the block says
    assert [a.get("val") for a in bar.findall(f"{C}axId")] == [a.get("val") for a in line.findall(f"{C}axId")]
    assert root.find(f".//{C}valAx/{C}scaling/{C}max").get("val") == "100"
    assert root.find(f".//{C}valAx/{C}title") is not None and root.find(f".//{C}legend") is not None


@pytest.mark.parametrize("block", [
    "flowchart LR\n  a --> b\n",  # another diagram type
    "xychart-beta\n  x-axis [a, b, c]\n  bar [1, 2]\n",  # 3 categories, 2 values
    "xychart-beta\n  x-axis 1 --> 10\n  bar [1, 2]\n",  # numeric x-axis: no Word equivalent
    "xychart-beta\n  bar [1, two]\n",
    "xychart-beta\n  x-axis [准确率, 召回率]\n  bar [1, 2]\n",  # Mermaid needs quotes for these
    "xychart-beta\n  title \"unterminated\n  bar [1]\n",
    "pie\n  \"a\" : -3\n",
    "pie\n  \"a\" : 0\n",
    "pie\n  a : 3\n",
    "xychart-beta horizontal\n  bar [1, 2]\n  line [1, 2]\n",
    "",
])
def test_malformed_or_other_mermaid_stays_a_code_block(block):
    assert parse_mermaid(block) is None
    with pytest.raises(MermaidError):
        parse_mermaid_strict(block)
    data = markdown_to_docx(f"# T\n\n```mermaid\n{block}```\n\nafter\n", DocMeta(title="T", lang="en"))
    document = docx.Document(io.BytesIO(data))
    assert not [r for r in document.part.rels.values() if r.reltype == RT.CHART]
    code = [p.text for p in document.paragraphs if p.style.name == "Source Code"]
    first_line = block.split("\n")[0]
    assert first_line in code or not block
    assert "after" in [p.text for p in document.paragraphs]


def test_what_users_write_is_read():
    chart = parse_mermaid_strict("""---
title: ignored front matter
---
%% a comment
xychart-beta horizontal
    title Sales
    x-axis [jan, feb, "mar & apr"]
    y-axis Revenue 4000 --> 11000
    bar [5000, 6000.5, +7500]; bar [1, .5, -2]
""")
    assert chart.horizontal and chart.title == "Sales" and chart.y_title == "Revenue"
    assert (chart.y_min, chart.y_max) == (4000, 11000)
    assert chart.categories == ("jan", "feb", "mar & apr")
    assert [s.values for s in chart.series] == [(5000, 6000.5, 7500), (1, 0.5, -2)]
    pie = parse_mermaid_strict('pie showData title Pets adopted\n  "Dogs" : 386\n  "Cats": 85.5\n  accTitle: pets\n')
    assert pie.kind == "pie" and pie.show_data and pie.title == "Pets adopted"
    assert pie.categories == ("Dogs", "Cats") and pie.series[0].values == (386, 85.5)
    unlabelled = parse_mermaid_strict("xychart-beta\n  line [+1.3, .6, 2.4, -.34]\n")
    assert unlabelled.categories == ("1", "2", "3", "4")


def test_text_xml_cannot_hold_as_is_is_escaped():
    source = 'pie title R&D <costs> "quoted"\n  "A & B <c>" : 2\n  "it\'s" : 1\n'
    data = markdown_to_docx(f"# T\n\n```mermaid\n{source}```\n", DocMeta(title="T", lang="en"))
    (chart,) = docx_charts(data)  # the part parses and validates
    assert chart["title"] == 'R&D <costs> "quoted"'
    assert chart["categories"] == ["A & B <c>", "it's"]


def test_charts_with_a_reference_docx(tmp_path):
    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = "ACME Confidential"
    path = tmp_path / "corp.docx"
    ref.save(path)
    answers = new_answers("zh", get_preset("rag-knowledge-base"))
    data = render_outputs(answers, RenderOptions(formats=("md", "docx"), reference_docx=path))["prd.docx"]
    charts = docx_charts(data)
    assert [c["title"] for c in charts][0] == "场景适配得分" and len(charts) == 3
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml").decode()
    assert types.count(CT_CHART) == 3


def test_libreoffice_draws_the_charts(tmp_path):
    _, _, data = rendered("llm-recommender", "en")
    path = tmp_path / "prd.docx"
    path.write_bytes(data)
    text = pdf_text(docx_to_pdf(path, tmp_path))
    # chart titles, axis titles and category labels are drawn text in the PDF
    for words in ("Scenario-fit scores", "Monthly running cost", "Payback period under traffic sensitivity",
                  "Double the traffic", "Human review", "Dimension"):
        assert words in text, words


@lru_cache(maxsize=1)
def wml_schema():
    """wml.xsd with the xml: namespace it imports without a location (see ooxml-xsd/README)."""
    driver = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
              '<xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>'
              '<xs:import namespace="http://schemas.openxmlformats.org/wordprocessingml/2006/main" schemaLocation="wml.xsd"/>'
              "</xs:schema>")
    return etree.XMLSchema(etree.fromstring(driver, base_url=str(XSD.resolve()) + "/"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_body_with_inline_charts_validates(lang):
    """The w:drawing / wp:inline / c:chart run is schema-valid WordprocessingML."""
    _, _, data = rendered("marketing-creative", lang)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    assert len(body.findall(f".//{C}chart")) == 3
    assert wml_schema().validate(body), wml_schema().error_log


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_payback_charts_the_net_benefit_instead(lang):
    """When the project never pays back, the traffic chart shows the net monthly benefit."""
    answers = new_answers(lang, get_preset("rag-knowledge-base"))
    answers.answers["cost"]["automation_rate"] = 0  # nothing saved: the net benefit is negative
    outputs = render_outputs(answers, RenderOptions(formats=("md", "docx")))
    cost = advise(answers.answers, lang)["cost"]
    assert cost["payback_months"] is None
    expected = [cost["sensitivity"][0]["net_monthly"], cost["net_monthly"], cost["sensitivity"][1]["net_monthly"]]
    assert all(v < 0 for v in expected)
    traffic = parse_mermaid_strict(MERMAID.findall(outputs["prd.md"])[2])
    assert list(traffic.series[0].values) == expected
    assert ("月净收益" if lang == "zh" else "Net monthly benefit") in traffic.title
    assert docx_charts(outputs["prd.docx"])[2]["series"][0][2] == expected


_PIECES = ["xychart-beta", "xychart", "pie", "showData", "horizontal", "title", "x-axis", "y-axis", "bar", "line",
           "[", "]", ",", "-->", '"', "'", ":", ";", "\n", " ", "%%", "---", "accTitle:", "1", "-2.5", ".5", "+3",
           "a", "名", "&", "<", "{", "}", "\t", "\r\n", "1e5", "NaN"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_mermaid_text_is_a_chart_or_stays_code(pieces):
    """Whatever a block holds, the parser answers a chart or None, and the chart part validates."""
    source = "".join(pieces)
    chart = parse_mermaid(source)
    if chart is not None:
        root = etree.fromstring(chart_space_xml(chart, "zh", None, "Noto Sans CJK SC", "rId1").encode("utf-8"))
        assert chart_schema().validate(root), chart_schema().error_log
        assert all(len(s.values) == len(chart.categories) for s in chart.series)


_LABEL = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
_VALUE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda v: round(v, 4))


@settings(max_examples=200, deadline=None)
@given(title=_LABEL, labels=st.lists(_LABEL, min_size=1, max_size=6), data=st.data())
def test_written_numbers_read_back_exactly(title, labels, data):
    """The numbers a template writes come back unchanged; text with a quote or a line break is refused, never misread."""
    bars = data.draw(st.lists(_VALUE, min_size=len(labels), max_size=len(labels)))
    lines = data.draw(st.lists(_VALUE, min_size=len(labels), max_size=len(labels)))
    source = ("xychart-beta\n"
              f'  title "{title}"\n'
              "  x-axis [" + ", ".join(f'"{label}"' for label in labels) + "]\n"
              "  bar [" + ", ".join(number_text(v) for v in bars) + "]\n"
              '  line "Target" [' + ", ".join(number_text(v) for v in lines) + "]\n")
    chart = parse_mermaid(source)
    clean = all('"' not in t and "\n" not in t and "\r" not in t for t in [title, *labels])
    if not clean:
        assert chart is None or (chart.title, chart.categories) != (title.strip(), tuple(l.strip() for l in labels))
        return
    assert chart is not None, source
    assert chart.title == title.strip()
    assert [list(s.values) for s in chart.series] == [bars, lines]
    assert chart.categories == tuple(label.strip() for label in labels)


def test_horizontal_bars_read_top_down():
    source = 'xychart-beta horizontal\n  x-axis "Team" [alpha, beta, gamma]\n  bar [10, 20, 30]\n'
    data = markdown_to_docx(f"# T\n\n```mermaid\n{source}```\n", DocMeta(title="T", lang="en"))
    (chart,) = docx_charts(data)
    assert chart["categories"] == ["alpha", "beta", "gamma"] and chart["series"][0][2] == [10, 20, 30]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/charts/prdkit-chart1.xml"))
    assert root.find(f".//{C}barDir").get("val") == "bar"
    assert root.find(f".//{C}catAx/{C}scaling/{C}orientation").get("val") == "maxMin"  # alpha on top
    assert root.find(f".//{C}valAx/{C}crosses").get("val") == "max"  # values along the bottom
