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

from .wml import MARGIN_SIDE, PAGE_W, esc

# The style names the body uses; the default stylesheet has them all, a reference document
# gets the missing ones added (reference.py).
STYLE_NAMES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
               "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3",
               "Code Block", "Quote", "Hyperlink", "Table Text", "Table Heading", "Table Grid", "Header", "Footer",
               "TOC Heading")
DEFAULT_STYLE_IDS = {name: name.replace(" ", "") for name in STYLE_NAMES}


@lru_cache(maxsize=None)
def data_part(name: str) -> str:
    """A shipped part from data/word/, its explanatory comments removed."""
    text = (Path(__file__).parent.parent / "data" / "word" / name).read_text(encoding="utf-8")
    return re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)


def default_styles(cjk_font: str, lang: str) -> str:
    lang_el = '<w:lang w:val="zh-CN" w:eastAsia="zh-CN"/>' if lang == "zh" else '<w:lang w:val="en-US"/>'
    return data_part("styles.xml").replace("@CJK_FONT@", esc(cjk_font)).replace("@LANG@", lang_el)


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
        return default_styles(self.cjk_font, self.lang)

    def numbering_xml(self, nums: str) -> str | bytes:
        """`nums`: one w:num per ordered list, as the body writer numbered them."""
        return data_part("numbering.xml").replace("@NUMS@", nums)

    def settings_xml(self) -> str | bytes:
        return default_settings(self.lang)
