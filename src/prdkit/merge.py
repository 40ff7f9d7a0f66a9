"""Keep a PM's hand edits to prd.md when it is regenerated.

Each render stores the exact Markdown it generated in `.prdkit/prd.base.md`. On the next
render, if prd.md differs from that base, the PM edited it: merge3 merges base, the PM's file
and the new render line by line, so both the edits and the new answers land. Where both
changed the same lines, prd.md gets conflict markers in plain words and nothing is lost.

After any render the base becomes the new render. So once the PM resolves the markers by
hand, the next render sees only the PM's own edits against an unchanged base, and merges
cleanly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STATE_DIR = ".prdkit"
BASE_NAME = "prd.base.md"
LABELS = {
    "zh": ("你在 prd.md 中的修改", "根据 answers.yaml 新生成的内容"),
    "en": ("your edit in prd.md", "new text from answers.yaml"),
}


@dataclass
class MergeOutcome:
    text: str                       # what prd.md should now hold
    conflicts: list[str] = field(default_factory=list)  # headings of sections with conflicts
    merged_edits: bool = False      # the PM's edits were carried over
    backup: tuple[str, str | bytes] | None = None  # (path relative to the folder, content) to keep first
    note: str = ""
    blocked: bool = False           # prd.md still holds unresolved markers: write nothing

    @property
    def clean(self) -> bool:
        return not self.conflicts


def next_backup_name(existing: list[str]) -> str:
    """A backup name never used before in this folder (`existing`: names in .prdkit/backups)."""
    from .folder import pick_name

    return f"{STATE_DIR}/backups/" + pick_name(existing, "prd", ".md")


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _conflict_sections(lines: list[str], start_marker: str, lang: str = "en") -> list[str]:
    """The heading of each section holding a conflict; above the first section (the title and
    the cover table) the conflicting cover fields are named instead."""
    sections, heading, title = [], None, ""
    for i, line in enumerate(lines):
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line.startswith("# ") and heading is None:
            title = line[2:].strip()
        elif line.startswith(start_marker):
            if heading is not None:
                name = heading
            else:
                fields = []
                for row in lines[i + 1:]:
                    if row.startswith(">>>>>>>"):
                        break
                    cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]
                    label = cells[0].replace("\\", "") if cells else ""
                    if label and not set(label) <= set("-: ") and label not in fields:
                        fields.append(label)
                cover = "封面表" if lang == "zh" else "cover table"
                name = f"{cover}: {', '.join(fields)}" if fields else (title or cover)
            if name not in sections:
                sections.append(name)
    return sections


def _notes(lang: str) -> dict[str, str]:
    zh = lang == "zh"
    return {
        "no_base": "prd.md 没有生成记录，旧文件已作为备份保留" if zh else
                   "prd.md had no generation record; the old file was kept as a backup",
        "force": "--force：你修改过的 prd.md 已作为备份保留并被替换" if zh else
                 "--force: your edited prd.md was kept as a backup and replaced",
        "not_text": "--force：prd.md 不是 UTF-8 文本，已作为备份保留并被替换" if zh else
                    "--force: prd.md was not UTF-8 text; it was kept as a backup and replaced",
    }


def merge_texts(current: bytes | None, base: str | None, new_text: str, lang: str, force: bool,
                backups: list[str], where: str = "prd.md") -> MergeOutcome:
    """Decide what prd.md holds after this render, from its current bytes, the base (what the
    last render generated, None when unknown) and the fresh render. Pure: reads nothing."""
    from merge3 import Merge3

    from .errors import UserError

    if current is None:
        return MergeOutcome(new_text)
    notes = _notes(lang)
    try:
        text = current.decode("utf-8")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", current, text.index("\x00"), text.index("\x00") + 1, "NUL byte")
    except UnicodeDecodeError as exc:
        if force:
            return MergeOutcome(new_text, backup=(next_backup_name(backups), current), note=notes["not_text"])
        raise UserError(f"{where}: is not UTF-8 text (byte {exc.start}), so your edits cannot be merged into it; "
                        f"move it away or save it as UTF-8 (or render with --force to keep it as a backup and replace it)") from None
    if text == new_text:
        return MergeOutcome(new_text)
    if base is None:
        # No record of what prdkit generated: the file is someone's own. Keep it, write the render.
        return MergeOutcome(new_text, backup=(next_backup_name(backups), text), note=notes["no_base"])
    if text == base:
        return MergeOutcome(new_text)
    if force:
        return MergeOutcome(new_text, backup=(next_backup_name(backups), text), note=notes["force"])
    if has_markers(text) and not has_markers(base):
        # markers of an earlier conflict, not resolved yet: stop until the PM resolves them
        return MergeOutcome(text, conflicts=_conflict_sections(_lines(text), "<<<<<<<", lang), blocked=True)
    mine, theirs = LABELS.get(lang, LABELS["en"])
    merger = Merge3(_lines(base), _lines(text), _lines(new_text))
    has_conflict = any(region[0] == "conflict" for region in merger.merge_regions())
    merged = list(merger.merge_lines(name_a=mine, name_b=theirs, start_marker="<<<<<<<", mid_marker="=======", end_marker=">>>>>>>"))
    # merge3 leaves a line without a newline at the end of a region glued to the marker
    merged_text = "".join(line if line.endswith("\n") else line + "\n" for line in merged)
    if not has_conflict:
        return MergeOutcome(merged_text, merged_edits=True)
    return MergeOutcome(merged_text, conflicts=_conflict_sections(_lines(merged_text), "<<<<<<<", lang), merged_edits=True)


CONFLICT_LINE = re.compile(r"^(<<<<<<<|=======|>>>>>>>)( |$)", re.M)


def has_markers(text: str) -> bool:
    return bool(CONFLICT_LINE.search(text))
