"""Revision history: a render whose answers changed since the last render adds a row
(version, date, author, summary) to the answers file, shown in the PRD and Word.

The last rendered answers are kept in `.prdkit/answers.base.yaml`. The date is written into
the answers file, so rendering the same answers again stays byte-identical."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from .answers import AnswersFile, dump_yaml, read_yaml
from .bank import load_bank
from .errors import UserError

SNAPSHOT = ".prdkit/answers.base.yaml"


def snapshot_text(answers: AnswersFile) -> str:
    # An internal file, read back only by load_snapshot: libyaml's emitter, ten times faster
    # than the pure-Python one that writes the answers file a person reads.
    # Its quoting follows YAML 1.2 as well as 1.1, so "019" or "1e3" reads back as text.
    import yaml

    from .safeyaml import fast_dumper

    data = {"lang": answers.lang, "answers": answers.to_data()["answers"]}
    return yaml.dump(data, Dumper=fast_dumper(), allow_unicode=True, sort_keys=False, default_flow_style=False)


def load_snapshot(folder: Path) -> dict | None:
    path = folder / SNAPSHOT
    if not path.exists():
        return None
    data, lines = read_yaml(path, what="render snapshot")
    # prdkit writes this file; a damaged one is named, field and line, rather than half-read
    answers = data.get("answers") if isinstance(data, dict) else None
    problem = None if isinstance(answers, dict) else ("answers", "should be a mapping of sections")
    for section, block in (answers if isinstance(answers, dict) else {}).items():
        if problem is None and not (block is None or isinstance(block, dict)):
            problem = (f"answers.{section}", "should be a mapping of answers")
    if problem:
        where = problem[0].split(".")
        line = lines.get(tuple(where)) or lines.get(("answers",)) or 1
        raise UserError(f"{path}: line {line}: {problem[0]}: {problem[1]}; this file is prdkit's record of the last "
                        f"render: delete it to start the revision history afresh")
    return data


def bump(version: str) -> str:
    """v0.1 -> v0.2, 1.2.9 -> 1.2.10; anything else gets '.1' added."""
    match = re.search(r"(\d+)(?!.*\d)", version or "")
    if not match:
        return (version or "v0") + ".1"
    return version[: match.start()] + str(int(match.group(1)) + 1) + version[match.end():]


def changed_labels(old: dict, new: dict, lang: str) -> list[str]:
    labels = []
    for q in load_bank().questions():
        if (old.get(q.section) or {}).get(q.id) != (new.get(q.section) or {}).get(q.id):
            labels.append(q.label[lang])
    return labels


def summary(labels: list[str], lang: str, limit: int = 6) -> str:
    shown = labels[:limit]
    more = len(labels) - len(shown)
    if lang == "zh":
        return "修改：" + "、".join(shown) + (f" 等 {len(labels)} 项" if more > 0 else "")
    return "Changed: " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def record_revision(answers: AnswersFile, folder: Path, today: str | None = None) -> bool:
    """Add a revision row when the answers changed since the last render. Returns True when
    a row was added (the caller saves the answers file)."""
    snapshot = load_snapshot(folder)
    if snapshot is None:
        return False
    old = snapshot.get("answers") or {}
    new = answers.to_data()["answers"]
    # The version and date are ours to move; other changes make a revision.
    labels = [label for label in changed_labels(old, new, answers.lang)]
    if not labels:
        return False
    today = today or _dt.date.today().isoformat()
    owner = str(answers.get("background.owner", ""))
    old_version = str((old.get("background") or {}).get("version") or "v0.1")
    new_version = str(answers.get("background.version") or old_version)
    if not answers.revisions:
        old_date = str((old.get("background") or {}).get("doc_date") or "")
        answers.revisions.append({"version": old_version, "date": old_date, "author": owner,
                                  "summary": "初稿" if answers.lang == "zh" else "First draft"})
    if new_version == old_version:
        new_version = bump(answers.revisions[-1]["version"] if answers.revisions else old_version)
    answers.answers.setdefault("background", {})["version"] = new_version
    answers.answers["background"]["doc_date"] = today
    answers.revisions.append({"version": new_version, "date": today, "author": owner, "summary": summary(labels, answers.lang)})
    return True
