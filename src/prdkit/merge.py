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
from pathlib import Path

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
    backup: tuple[str, str] | None = None  # (path relative to the folder, content) to keep first
    note: str = ""

    @property
    def clean(self) -> bool:
        return not self.conflicts


def base_path(folder: Path) -> Path:
    return folder / STATE_DIR / BASE_NAME


def next_backup_name(folder: Path) -> str:
    """A backup name never used before in this folder."""
    backups = folder / STATE_DIR / "backups"
    taken = {p.name for p in backups.glob("prd-*.md")} if backups.is_dir() else set()
    n = 1
    while f"prd-{n}.md" in taken:
        n += 1
    return f"{STATE_DIR}/backups/prd-{n}.md"


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


def merge_prd(folder: Path, new_text: str, lang: str, force: bool = False) -> MergeOutcome:
    from merge3 import Merge3

    target = folder / "prd.md"
    if not target.exists():
        return MergeOutcome(new_text)
    from .safeyaml import read_text

    current = read_text(target, "Markdown file")
    base_file = base_path(folder)
    base = read_text(base_file, "render record") if base_file.exists() else None
    if current == new_text:
        return MergeOutcome(new_text)
    if base is None:
        # No record of what prdkit generated: the file is someone's own. Keep it, write the render.
        return MergeOutcome(new_text, backup=(next_backup_name(folder), current),
                            note="prd.md had no generation record; the old file was kept as a backup")
    if current == base:
        return MergeOutcome(new_text)
    if force:
        return MergeOutcome(new_text, backup=(next_backup_name(folder), current),
                            note="--force: your edited prd.md was kept as a backup and replaced")
    mine, theirs = LABELS.get(lang, LABELS["en"])
    merger = Merge3(_lines(base), _lines(current), _lines(new_text))
    has_conflict = any(region[0] == "conflict" for region in merger.merge_regions())
    merged = list(merger.merge_lines(name_a=mine, name_b=theirs, start_marker="<<<<<<<", mid_marker="=======", end_marker=">>>>>>>"))
    # merge3 leaves a line without a newline at the end of a region glued to the marker
    text = "".join(line if line.endswith("\n") else line + "\n" for line in merged)
    if not has_conflict:
        return MergeOutcome(text, merged_edits=True)
    return MergeOutcome(text, conflicts=_conflict_sections(_lines(text), "<<<<<<<", lang), merged_edits=True)


CONFLICT_LINE = re.compile(r"^(<<<<<<<|=======|>>>>>>>)( |$)", re.M)


def has_markers(text: str) -> bool:
    return bool(CONFLICT_LINE.search(text))
