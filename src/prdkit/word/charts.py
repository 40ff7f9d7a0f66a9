"""Charts: Mermaid `pie` and `xychart-beta` blocks read strictly, written as DrawingML charts.

The PRD's Markdown carries its charts as Mermaid blocks (GitHub and most Markdown viewers draw
them); the Word writer turns the same blocks into native Word charts, so one template feeds
both. Only the two diagram types prdkit's templates emit are read, and only the subset of
their syntax with a Word equivalent: a pie, or bars and lines over a category x-axis. Anything
else (another diagram type, a numeric x-axis, a malformed line) gives None, and the caller
keeps the block as code: a chart that cannot be read exactly is never guessed at.

A chart part holds its figures as cached values (c:strCache, c:numCache), so Word and
LibreOffice draw it without a workbook; a small embedded workbook with the same figures lets
Word's "Edit Data" open them. Everything is written as text, no plotting library involved.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .body import ExtraPart
from .wml import paragraph_xml

if TYPE_CHECKING:
    from .body import BodyWriter

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
REL_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EMU_PER_TWIP = 635
# series colours (Office's default palette), so Word and LibreOffice show the same chart
PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E", "636363", "997300")
DRAWING_ID_BASE = 7000  # wp:docPr ids, clear of a reference's header logo
MAX_POINTS = 200  # a chart a reader can still take in; more stays code


@dataclass(frozen=True)
class Series:
    kind: str  # "bar", "line" or "pie"
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    kind: str  # "pie" or "xy"
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    x_title: str = ""
    y_title: str = ""
    y_min: float | None = None
    y_max: float | None = None
    horizontal: bool = False
    show_data: bool = False


class MermaidError(ValueError):
    """The block is not a chart prdkit can read; the message says why (for tests and debugging)."""


# --------------------------------------------------------------------------- Mermaid


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
# Mermaid's unquoted text: ASCII letters, digits and & + = * . # _ -
_WORD = re.compile(r"[A-Za-z0-9&+=*.#_\-]+")
_STRING = re.compile(r'"([^"\n]*)"')
_RANGE = re.compile(r"\s*[+-]?(?:\d+(?:\.\d+)?|\.\d+)\s*-->")


def parse_mermaid(source: str) -> Chart | None:
    """The chart of a Mermaid block, or None when it is not one prdkit draws."""
    try:
        return parse_mermaid_strict(source)
    except MermaidError:
        return None


def _statements(source: str) -> list[str]:
    """Lines without comments and front matter; `;` also ends a statement outside quotes."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter (title, config)
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise MermaidError("front matter is not closed") from None
        lines = lines[end + 1:]
    out = []
    for line in lines:
        if line.strip().startswith("%%"):
            continue
        piece, quoted = [], False
        for ch in line:
            if ch == '"':
                quoted = not quoted
            if ch == ";" and not quoted:
                out.append("".join(piece).strip())
                piece = []
            else:
                piece.append(ch)
        out.append("".join(piece).strip())
    return [s for s in out if s]


def parse_mermaid_strict(source: str) -> Chart:
    statements = _statements(source)
    if not statements:
        raise MermaidError("empty block")
    head = statements[0].split()
    kind = head[0].lower()
    if kind == "pie":
        return _parse_pie(statements)
    if kind in ("xychart-beta", "xychart"):
        return _parse_xy(statements)
    raise MermaidError(f"diagram type {head[0]!r} is not drawn as a chart")


class _Cursor:
    """Reads one statement left to right."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def done(self) -> bool:
        self.skip()
        return self.pos >= len(self.text)

    def peek(self, char: str) -> bool:
        self.skip()
        return self.text.startswith(char, self.pos)

    def take(self, char: str) -> None:
        if not self.peek(char):
            raise MermaidError(f"expected {char!r} in {self.text!r}")
        self.pos += len(char)

    def match(self, pattern: re.Pattern) -> re.Match | None:
        self.skip()
        found = pattern.match(self.text, self.pos)
        if found:
            self.pos = found.end()
        return found

    def text_item(self) -> str | None:
        """A quoted string or one unquoted word, or None when neither is next."""
        quoted = self.match(_STRING)
        if quoted:
            return quoted.group(1).strip()
        if self.peek("-->"):
            return None
        word = self.match(_WORD)
        return word.group(0) if word else None

    def number(self) -> float:
        found = self.match(_NUMBER)
        if not found:
            raise MermaidError(f"expected a number in {self.text!r}")
        return float(found.group(0))

    def numbers(self) -> tuple[float, ...]:
        self.take("[")
        values = [self.number()]
        while self.peek(","):
            self.take(",")
            values.append(self.number())
        self.take("]")
        return tuple(values)

    def texts(self) -> tuple[str, ...]:
        self.take("[")
        items = []
        while True:
            item = self.text_item()
            if item is None:
                raise MermaidError(f"expected a category name in {self.text!r}")
            items.append(item)
            if not self.peek(","):
                break
            self.take(",")
        self.take("]")
        return tuple(items)

    def rest(self) -> str:
        self.skip()
        value, self.pos = self.text[self.pos:], len(self.text)
        return value.strip()


def _keyword(statement: str) -> tuple[str, str]:
    word, _, rest = statement.partition(" ")
    if ":" in word and word.split(":")[0].lower() in ("acctitle", "accdescr"):
        return word.split(":")[0].lower(), ""
    return word.lower(), rest


def _title(rest: str, statement: str) -> str:
    cursor = _Cursor(rest)
    quoted = cursor.match(_STRING)
    if quoted:
        if not cursor.done():
            raise MermaidError(f"unexpected text after the title in {statement!r}")
        return quoted.group(1).strip()
    words = rest.split()
    if not words or not all(_WORD.fullmatch(w) for w in words):
        raise MermaidError(f"a title with spaces or non-ASCII letters needs quotes: {statement!r}")
    return " ".join(words)


def _parse_xy(statements: list[str]) -> Chart:
    head = statements[0].split()
    if len(head) > 2 or (len(head) == 2 and head[1].lower() not in ("horizontal", "vertical")):
        raise MermaidError(f"unexpected {statements[0]!r}")
    horizontal = len(head) == 2 and head[1].lower() == "horizontal"
    title = x_title = y_title = ""
    categories: tuple[str, ...] | None = None
    y_range: tuple[float, float] | None = None
    series: list[Series] = []
    for statement in statements[1:]:
        key, rest = _keyword(statement)
        cursor = _Cursor(rest)
        if key in ("acctitle", "accdescr"):
            continue
        if key == "title":
            title = _title(rest, statement)
            continue
        if key == "x-axis":
            if cursor.peek("["):
                categories = cursor.texts()
            else:
                x_title = cursor.text_item() or ""
                if cursor.peek("["):
                    categories = cursor.texts()
                elif not cursor.done():
                    raise MermaidError(f"only a category x-axis ([a, b, c]) is drawn: {statement!r}")
        elif key == "y-axis":
            if not _RANGE.match(rest):
                y_title = cursor.text_item() or ""
            if not cursor.done():
                low = cursor.number()
                cursor.take("-->")
                high = cursor.number()
                if high <= low:
                    raise MermaidError(f"the y-axis range must rise: {statement!r}")
                y_range = (low, high)
        elif key in ("bar", "line"):
            name = "" if cursor.peek("[") else (cursor.text_item() or "")
            series.append(Series(key, name, cursor.numbers()))
        else:
            raise MermaidError(f"unknown statement {statement!r}")
        if not cursor.done():
            raise MermaidError(f"unexpected text in {statement!r}")
    if not series:
        raise MermaidError("no bar or line series")
    count = len(series[0].values)
    if any(len(s.values) != count for s in series):
        raise MermaidError("the series have different numbers of values")
    if categories is None:
        categories = tuple(str(i) for i in range(1, count + 1))
    if len(categories) != count:
        raise MermaidError(f"{len(categories)} categories but {count} values")
    if count > MAX_POINTS:
        raise MermaidError("too many points")
    if horizontal and any(s.kind == "line" for s in series):
        raise MermaidError("a horizontal chart with lines has no Word equivalent")
    return Chart("xy", title, categories, tuple(series), x_title, y_title,
                 y_range[0] if y_range else None, y_range[1] if y_range else None, horizontal)


_PIE_SLICE = re.compile(r'"([^"\n]*)"\s*:\s*([+-]?(?:\d+(?:\.\d+)?|\.\d+))$')


def _parse_pie(statements: list[str]) -> Chart:
    head = statements[0].split(None, 1)
    show_data = False
    title = ""
    rest = head[1].strip() if len(head) > 1 else ""
    if rest.lower().startswith("showdata"):
        show_data, rest = True, rest[len("showdata"):].strip()
    if rest:
        key, value = _keyword(rest)
        if key != "title":
            raise MermaidError(f"unexpected {statements[0]!r}")
        title = value.strip()
    labels, values = [], []
    for statement in statements[1:]:
        key, value = _keyword(statement)
        if key in ("acctitle", "accdescr"):
            continue
        if key == "title":
            title = value.strip()
            continue
        if key == "showdata" and not value:
            show_data = True
            continue
        found = _PIE_SLICE.match(statement)
        if not found:
            raise MermaidError(f"a pie slice is written \"label\" : number, not {statement!r}")
        number = float(found.group(2))
        if number < 0:
            raise MermaidError(f"a pie slice cannot be negative: {statement!r}")
        labels.append(found.group(1).strip())
        values.append(number)
    if not values or sum(values) <= 0:
        raise MermaidError("a pie needs at least one slice above zero")
    if len(values) > MAX_POINTS:
        raise MermaidError("too many slices")
    return Chart("pie", title, tuple(labels), (Series("pie", "", tuple(values)),), show_data=show_data)


# --------------------------------------------------------------------------- DrawingML


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def number_text(value: float) -> str:
    """A number as chart caches and Mermaid write it: plain decimal, no exponent, no trailing zeros."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _rich(text: str, size: int, lang: str, bold: bool = False, fonts: str = "") -> str:
    b = ' b="1"' if bold else ' b="0"'
    return (f'<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}"{b}>{fonts}</a:defRPr></a:pPr>'
            f'<a:r><a:rPr lang="{lang}" sz="{size}"{b}>{fonts}</a:rPr><a:t>{_esc(text)}</a:t></a:r></a:p></c:rich></c:tx>')


def _title_xml(text: str, size: int, lang: str, bold: bool = False, fonts: str = "") -> str:
    return f'<c:title>{_rich(text, size, lang, bold, fonts)}<c:overlay val="0"/></c:title>'


def _str_ref(ref: str, items: tuple[str, ...]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{_esc(v)}</c:v></c:pt>' for i, v in enumerate(items))
    return f"<c:strRef><c:f>{ref}</c:f><c:strCache><c:ptCount val=\"{len(items)}\"/>{points}</c:strCache></c:strRef>"


def _num_ref(ref: str, values: tuple[float, ...]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{number_text(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return (f"<c:numRef><c:f>{ref}</c:f><c:numCache><c:formatCode>General</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


def _fill(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'


def _series_xml(chart: Chart, index: int, series: Series) -> str:
    rows = len(chart.categories)
    col = _column(index + 1)
    name = series.name or (chart.title if chart.kind == "pie" else f"{series.kind} {index + 1}")
    parts = [f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>',
             f"<c:tx>{_str_ref(f'Sheet1!${col}$1', (name,))}</c:tx>"]
    colour = PALETTE[index % len(PALETTE)]
    if series.kind == "bar":
        parts.append(f'<c:spPr>{_fill(colour)}</c:spPr><c:invertIfNegative val="0"/>')
    elif series.kind == "line":
        parts.append(f'<c:spPr><a:ln w="28575" cap="rnd">{_fill(colour)}<a:round/></a:ln></c:spPr>'
                     f'<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>{_fill(colour)}'
                     f'<a:ln>{_fill(colour)}</a:ln></c:spPr></c:marker>')
    else:  # pie: one colour per slice
        parts.append("".join(f'<c:dPt><c:idx val="{i}"/><c:bubble3D val="0"/><c:spPr>{_fill(PALETTE[i % len(PALETTE)])}'
                             '<a:ln w="12700"><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:ln></c:spPr></c:dPt>'
                             for i in range(rows)))
    if series.kind == "pie":
        # slivers under 1% keep their legend entry but no label, which would sit on its neighbour's
        total = sum(series.values)
        hidden = "".join(f'<c:dLbl><c:idx val="{i}"/><c:delete val="1"/></c:dLbl>'
                         for i, v in enumerate(series.values) if v / total < 0.01)
        parts.append(f'<c:dLbls>{hidden}<c:numFmt formatCode="0.0%" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
                     '<c:dLblPos val="bestFit"/><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/>'
                     '<c:showSerName val="0"/><c:showPercent val="1"/><c:showBubbleSize val="0"/><c:showLeaderLines val="1"/></c:dLbls>')
    elif series.kind == "bar" and rows <= 12:
        number_format = "#,##0" if all(v == int(v) for v in series.values) else "General"
        parts.append(f'<c:dLbls><c:numFmt formatCode="{number_format}" sourceLinked="0"/>'
                     '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:dLblPos val="outEnd"/>'
                     '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
                     '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>')
    parts.append(f"<c:cat>{_str_ref(f'Sheet1!$A$2:$A${rows + 1}', chart.categories)}</c:cat>")
    parts.append(f"<c:val>{_num_ref(f'Sheet1!${col}$2:${col}${rows + 1}', series.values)}</c:val>")
    if series.kind == "line":
        parts.append('<c:smooth val="0"/>')
    parts.append("</c:ser>")
    return "".join(parts)


_AX_CAT, _AX_VAL = 500100, 500200


def _axes_xml(chart: Chart, lang: str, fonts: str) -> str:
    cat_pos, val_pos = ("l", "b") if chart.horizontal else ("b", "l")
    scaling = '<c:orientation val="minMax"/>'
    if chart.y_max is not None:
        scaling += f"<c:max val=\"{number_text(chart.y_max)}\"/>"
    if chart.y_min is not None:
        scaling += f"<c:min val=\"{number_text(chart.y_min)}\"/>"
    cat_orientation = "maxMin" if chart.horizontal else "minMax"  # first category on top, as Mermaid draws it
    value_crosses = "max" if chart.horizontal else "autoZero"  # … and the value axis still at the bottom
    x_title = _title_xml(chart.x_title, 1000, lang, fonts=fonts) if chart.x_title else ""
    y_title = _title_xml(chart.y_title, 1000, lang, fonts=fonts) if chart.y_title else ""
    line = '<c:spPr><a:ln w="9525">' + _fill("BFBFBF") + "</a:ln></c:spPr>"
    # thousands grouped on the value axis once the figures reach them (cost in currency units)
    largest = max((abs(v) for s in chart.series for v in s.values), default=0)
    value_format = "#,##0" if largest >= 1000 else "General"
    # a small whole-number range (scores 0 to 5) is read in whole steps
    span = (chart.y_max - chart.y_min) if chart.y_max is not None and chart.y_min is not None else None
    unit = '<c:majorUnit val="1"/>' if span is not None and span <= 10 and span == int(span) else ""
    return (
        f'<c:catAx><c:axId val="{_AX_CAT}"/><c:scaling><c:orientation val="{cat_orientation}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{cat_pos}"/>{x_title}<c:numFmt formatCode="General" sourceLinked="1"/>'
        f'<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>{line}'
        f'<c:crossAx val="{_AX_VAL}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{_AX_VAL}"/><c:scaling>{scaling}</c:scaling><c:delete val="0"/><c:axPos val="{val_pos}"/>'
        '<c:majorGridlines><c:spPr><a:ln w="6350">' + _fill("E0E0E0") + '</a:ln></c:spPr></c:majorGridlines>'
        f'{y_title}<c:numFmt formatCode="{value_format}" sourceLinked="0"/><c:majorTickMark val="out"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{line}<c:crossAx val="{_AX_CAT}"/>'
        f'<c:crosses val="{value_crosses}"/><c:crossBetween val="between"/>{unit}</c:valAx>'
    )


def chart_space_xml(chart: Chart, lang: str = "en", latin_font: str | None = None, east_asian_font: str | None = None,
                    workbook_rid: str | None = None) -> str:
    """The chart part (word/charts/chartN.xml) for a chart."""
    lang_tag = "zh-CN" if lang == "zh" else "en-US"
    fonts = (f'<a:latin typeface="{_esc(latin_font)}"/>' if latin_font else "") + (
        f'<a:ea typeface="{_esc(east_asian_font)}"/>' if east_asian_font else "")
    plot: list[str] = []
    if chart.kind == "pie":
        plot.append('<c:pieChart><c:varyColors val="1"/>' + _series_xml(chart, 0, chart.series[0])
                    + '<c:firstSliceAng val="0"/></c:pieChart>')
    else:
        bars = [(i, s) for i, s in enumerate(chart.series) if s.kind == "bar"]
        lines = [(i, s) for i, s in enumerate(chart.series) if s.kind == "line"]
        axes = f'<c:axId val="{_AX_CAT}"/><c:axId val="{_AX_VAL}"/>'
        if bars:
            plot.append(f'<c:barChart><c:barDir val="{"bar" if chart.horizontal else "col"}"/><c:grouping val="clustered"/>'
                        '<c:varyColors val="0"/>' + "".join(_series_xml(chart, i, s) for i, s in bars)
                        + f'<c:gapWidth val="80"/>{axes}</c:barChart>')
        if lines:
            plot.append('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
                        + "".join(_series_xml(chart, i, s) for i, s in lines)
                        + f'<c:marker val="1"/>{axes}</c:lineChart>')
        plot.append(_axes_xml(chart, lang_tag, fonts))
    legend = ""
    if chart.kind == "pie" or len(chart.series) > 1:
        legend = f'<c:legend><c:legendPos val="{"r" if chart.kind == "pie" else "b"}"/><c:overlay val="0"/></c:legend>'
    title = (_title_xml(chart.title, 1200, lang_tag, bold=True, fonts=fonts) + '<c:autoTitleDeleted val="0"/>') if chart.title \
        else '<c:autoTitleDeleted val="1"/>'
    external = f'<c:externalData r:id="{workbook_rid}"><c:autoUpdate val="0"/></c:externalData>' if workbook_rid else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
        f'<c:date1904 val="0"/><c:lang val="{lang_tag}"/><c:roundedCorners val="0"/>'
        f"<c:chart>{title}<c:plotArea><c:layout/>{''.join(plot)}</c:plotArea>{legend}"
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900">{fonts}</a:defRPr></a:pPr>'
        f'<a:endParaRPr lang="{lang_tag}"/></a:p></c:txPr>{external}</c:chartSpace>'
    )


def drawing_xml(rid: str, drawing_id: int, chart: Chart, width_twips: int) -> str:
    """A run holding the chart inline, as wide as the text (a pie a little narrower)."""
    width = width_twips * EMU_PER_TWIP
    if chart.kind == "pie":
        width = int(width * 0.8)
        height = int(width * 0.6)
    else:
        # more categories: room for their (turned) labels below the plot
        height = int(width * (0.62 if len(chart.categories) > 6 else 0.5))
    name = f"Chart {drawing_id}"
    descr = f' descr="{_esc(chart.title)}"' if chart.title else ""
    return (
        f'<w:r><w:drawing><wp:inline xmlns:wp="{NS_WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{width}" cy="{height}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{drawing_id}" name="{name}"{descr}/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{NS_A}"><a:graphicData uri="{NS_C}">'
        f'<c:chart xmlns:c="{NS_C}" xmlns:r="{NS_R}" r:id="{rid}"/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r>"
    )


# --------------------------------------------------------------------------- the workbook


def _cell(ref: str, value: str | float) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_esc(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{number_text(value)}</v></c>'


def workbook_bytes(chart: Chart) -> bytes:
    """A one-sheet .xlsx with the chart's figures where its formulas point (Sheet1!A1...), so
    Word's "Edit Data" opens them. Inline strings keep it to five small parts."""
    header = [""] + [s.name or (chart.title if chart.kind == "pie" else f"{s.kind} {i + 1}") for i, s in enumerate(chart.series)]
    rows = [header] + [[c] + [s.values[r] for s in chart.series] for r, c in enumerate(chart.categories)]
    sheet_rows = "".join(
        f'<row r="{r + 1}">' + "".join(_cell(f"{_column(c)}{r + 1}", v) for c, v in enumerate(row) if v != "") + "</row>"
        for r, row in enumerate(rows)
    )
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{ns}" xmlns:r="{NS_R}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{NS_R}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{ns}">'
            f"<sheetData>{sheet_rows}</sheetData></worksheet>"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, content.encode("utf-8"))
    return out.getvalue()


def mermaid_fence(writer: "BodyWriter", token) -> str | None:
    """The fence handler for ```mermaid: a pie or xy chart becomes a chart part drawn inline;
    anything else returns None and stays a code block."""
    chart = parse_mermaid(token.content)
    if chart is None:
        return None
    number = 1 + sum(1 for part in writer.extra_parts if part.rel_type == REL_CHART)
    name = f"prdkit-chart{number}"  # a prefix of its own: a reference .docx may hold charts already
    rid = f"rIdPrdkitChart{number}"
    sheet = writer.sheet
    # Chinese charts set Latin text in the CJK font too, so "（CNY）" is spaced as one line of type
    latin = sheet.cjk_font if writer.lang == "zh" else None
    writer.extra_parts += [
        ExtraPart(f"charts/{name}.xml", chart_space_xml(chart, writer.lang, latin, sheet.cjk_font, "rId1"),
                  CT_CHART, REL_CHART, rid),
        ExtraPart(f"charts/_rels/{name}.xml.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  f'<Relationship Id="rId1" Type="{REL_PACKAGE}" Target="../embeddings/{name}.xlsx"/></Relationships>'),
        ExtraPart(f"embeddings/{name}.xlsx", workbook_bytes(chart), CT_XLSX),
    ]
    drawing = drawing_xml(rid, DRAWING_ID_BASE + number, chart, writer.text_width)
    return paragraph_xml(drawing, ppr_extra='<w:spacing w:before="120" w:after="120"/><w:jc w:val="center"/>')
