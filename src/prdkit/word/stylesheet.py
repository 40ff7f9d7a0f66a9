"""The stylesheet a document is written with: prdkit's own (data/word/) by default.

A Stylesheet tells the body writer which style id each style name has, how wide the text
column is and which list numbers are free; it gives the packager the styles, numbering and
settings parts. `reference.py` builds one from a company's .docx instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .wml import MARGIN_SIDE, NS_W, PAGE_H, PAGE_W, esc

# The style names the body uses; the default stylesheet has them all, a reference document
# gets the missing ones added (reference.py).
STYLE_NAMES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
               "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3",
               "Source Code", "Verbatim Char", "Emphasis", "Quote", "Hyperlink", "Table Text", "Table Heading",
               "Table Text Small", "Table Heading Small", "Table Grid", "Header", "Footer", "TOC Heading",
               "toc 1", "toc 2", "toc 3", "Cover Facts")
DEFAULT_STYLE_IDS = {name: name.replace(" ", "").replace("toc", "TOC") for name in STYLE_NAMES}

# Fonts that ship with Windows and with Office for Mac, so the file looks the same where a
# stakeholder opens it. The font table gives each its alternate name and panose, by which Word
# and LibreOffice pick the closest installed font when it is missing (on Linux: Carlito for
# Calibri, Noto Sans CJK for Microsoft YaHei).
LATIN_FONT = "Calibri"
CJK_FONT = "Microsoft YaHei"
MONO_FONT = "Consolas"
SYMBOL_FONT = "Segoe UI Symbol"  # has ☐ ☑; CJK fonts draw them inconsistently
KAITI_FONT = "KaiTi"  # 楷体: the upright face Chinese typesetting uses for quotations
# name: (alternate name, panose-1, charset, family, pitch)
FONTS = {
    "Calibri": ("", "020F0502020204030204", "00", "swiss", "variable"),
    "Microsoft YaHei": ("微软雅黑", "020B0503020204020204", "86", "swiss", "variable"),
    "DengXian": ("等线", "02010600030101010101", "86", "auto", "variable"),
    "SimSun": ("宋体", "02010600030101010101", "86", "auto", "variable"),
    "KaiTi": ("楷体", "02010609060101010101", "86", "modern", "fixed"),
    "Consolas": ("", "020B0609020204030204", "00", "modern", "fixed"),
    "Courier New": ("", "02070309020205020404", "00", "modern", "fixed"),
    "Segoe UI Symbol": ("", "020B0502040204020203", "00", "swiss", "variable"),
}


@lru_cache(maxsize=None)
def data_part(name: str) -> str:
    """A shipped part from data/word/, its explanatory comments removed."""
    text = (Path(__file__).parent.parent / "data" / "word" / name).read_text(encoding="utf-8")
    return re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)


def default_styles(cjk_font: str, lang: str, text_width: int = PAGE_W - 2 * MARGIN_SIDE) -> str:
    zh = lang == "zh"
    values = {
        "@LANG@": '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>' if zh else '<w:lang w:val="en-US"/>',
        "@LATIN@": LATIN_FONT, "@CJK_FONT@": esc(cjk_font), "@MONO@": MONO_FONT,
        "@TEXT_WIDTH@": str(text_width),
        "@H4_RPR@": "" if zh else "<w:i/>",
        "@EMPHASIS_RPR@": '<w:color w:val="2E5C8A"/>' if zh else "<w:i/><w:iCs/>",
        "@QUOTE_RPR@": (f'<w:rFonts w:eastAsia="{KAITI_FONT}"/><w:color w:val="404040"/>' if zh
                        else '<w:i/><w:iCs/><w:color w:val="404040"/>'),
    }
    return re.sub(r"@[A-Z0-9_]+@", lambda m: values[m.group(0)], data_part("styles.xml"))


def font_table_xml(fonts: list[str]) -> str:
    """w:fonts for the fonts the document names, with alternate names and panose."""
    entries = []
    for name in dict.fromkeys(fonts):
        alt, panose, charset, family, pitch = FONTS.get(name, ("", "", "", "auto", "variable"))
        entries.append(
            f'<w:font w:name="{esc(name)}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
            + (f'<w:panose1 w:val="{panose}"/>' if panose else "") + (f'<w:charset w:val="{charset}"/>' if charset else "")
            + f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:fonts xmlns:w="{NS_W}">{"".join(entries)}</w:fonts>')


def default_settings(lang: str) -> str:
    return data_part("settings.xml").replace("@EA_LANG@", "zh-CN" if lang == "zh" else "en-US")


def num_xml(num_id: int, abstract_id: int, level: int, start: int = 1) -> str:
    """A w:num that restarts an ordered list at `start`."""
    return (f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>')


@dataclass
class Stylesheet:
    """prdkit's stylesheet. Bullets are w:num 1, numbers abstractNum 1; each ordered list gets
    a w:num of its own from `next_num` on."""

    lang: str
    cjk_font: str
    style_ids: dict[str, str]
    text_width: int = PAGE_W - 2 * MARGIN_SIDE  # twips between the margins
    landscape_width: int = PAGE_H - 2 * MARGIN_SIDE  # the same on a page turned sideways
    bullet_num: int = 1
    number_abstract: int = 1
    next_num: int = 3
    link_prefix: str = "rIdLink"  # relationship ids of hyperlinks: prefix + 1, 2, …

    @classmethod
    def default(cls, cjk_font: str, lang: str) -> "Stylesheet":
        return cls(lang=lang, cjk_font=cjk_font, style_ids=dict(DEFAULT_STYLE_IDS))

    def sid(self, name: str) -> str:
        return self.style_ids[name]

    def styles_xml(self) -> str | bytes:
        return default_styles(self.cjk_font, self.lang, self.text_width)

    def fonts(self) -> list[str]:
        """The fonts the document names, for the font table."""
        return [LATIN_FONT, self.cjk_font, MONO_FONT, SYMBOL_FONT] + ([KAITI_FONT] if self.lang == "zh" else [])

    def font_table_xml(self) -> str | bytes:
        return font_table_xml(self.fonts())

    def numbering_xml(self, nums: str) -> str | bytes:
        """`nums`: one w:num per ordered list, as the body writer numbered them."""
        return data_part("numbering.xml").replace("@NUMS@", nums)

    def settings_xml(self) -> str | bytes:
        return default_settings(self.lang)
