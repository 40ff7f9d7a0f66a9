"""Revision history: a render whose answers changed since the last render adds a row
(version, date, author, summary), shown in the PRD and Word.

The history is kept in the output folder, in `.prdkit/history.yaml`, written in the same
step as the documents; answers.yaml is never rewritten by a render, so the PM's comments and
layout stay as they are. An answers file that carries `revisions:` itself (written by an
older prdkit, or by `prdkit edit`) seeds the history of a folder that has none yet.

The last rendered answers are kept in `.prdkit/answers.base.yaml`. The version and date of the
document are those of the last row, so rendering the same answers again stays byte-identical.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable

from .answers import MAX_BYTES, AnswersFile, dump_yaml
from .bank import load_bank
from .errors import UserError

SNAPSHOT = ".prdkit/answers.base.yaml"
HISTORY = ".prdkit/history.yaml"
# Moved by prdkit itself with each row; a PM's own change of the version still makes a row.
OURS = {"background.version", "background.doc_date"}
ROW_KEYS = ("version", "date", "author", "summary")


def snapshot_text(answers: AnswersFile) -> str:
    # An internal file, read back only by parse_snapshot: libyaml's emitter, ten times faster
    # than the pure-Python one that writes the answers file a person reads.
    # Its quoting follows YAML 1.2 as well as 1.1, so "019" or "1e3" reads back as text.
    import yaml

    from .safeyaml import fast_dumper

    data = {"lang": answers.lang, "answers": answers.to_data()["answers"]}
    return yaml.dump(data, Dumper=fast_dumper(), allow_unicode=True, sort_keys=False, default_flow_style=False)


def _load(raw: bytes) -> Any:
    import yaml

    if len(raw) > MAX_BYTES or b"\x00" in raw:
        raise ValueError("not a small text file")
    return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parse_snapshot(raw: bytes | None, where: str, warn: Callable[[str], None] | None = None) -> dict | None:
    """The last rendered answers, or None. A damaged snapshot is only a lost comparison: it is
    ignored with a warning (this render adds no revision row) and replaced by this render."""
    if raw is None:
        return None
    try:
        data = _load(raw)
    except Exception as exc:  # any damage: YAML, encoding, size, nesting
        if warn:
            warn(f"{where}: damaged ({type(exc).__name__}); ignored and rewritten by this render")
        return None
    sections = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(sections or {}, dict) or not all(block is None or isinstance(block, dict) for block in (sections or {}).values()):
        if warn:
            warn(f"{where}: not a render record; ignored and rewritten by this render")
        return None
    return data


def parse_history(raw: bytes | None, where: str) -> list[dict[str, str]] | None:
    """The rows of `.prdkit/history.yaml`, or None when there is none. A damaged history is a
    user error: it is the only copy, so prdkit stops rather than start a new one."""
    if raw is None:
        return None
    try:
        data = _load(raw)
    except Exception as exc:  # any damage: YAML, encoding, size
        raise UserError(f"{where}: the revision history is damaged ({type(exc).__name__}); repair it, "
                        f"or delete it to start the history again") from None
    rows = data.get("revisions") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise UserError(f"{where}: expected `revisions:` followed by a list of rows; repair it, or delete it "
                        f"to start the history again")
    return normalise_rows(rows)


def normalise_rows(rows: list[dict]) -> list[dict[str, str]]:
    """Rows with the four keys, as text (an answers file's own `revisions:` may lack the author)."""
    return [{k: "" if r.get(k) is None else str(r.get(k)) for k in ROW_KEYS} for r in rows]


def history_text(rows: list[dict[str, str]], lang: str) -> str:
    header = ("# prdkit 的修订记录：每次回答有变化的 render 增加一行。可以修改摘要等文字。\n" if lang == "zh" else
              "# prdkit revision history: one row per render whose answers changed. You may edit the wording.\n")
    return header + dump_yaml({"revisions": rows})


def bump(version: str) -> str:
    """v0.1 -> v0.2, 1.2.9 -> 1.2.10; anything else gets '.1' added."""
    match = re.search(r"(\d+)(?!.*\d)", version or "")
    if not match:
        return (version or "v0") + ".1"
    return version[: match.start()] + str(int(match.group(1)) + 1) + version[match.end():]


def changed_labels(old: dict, new: dict, lang: str) -> list[str]:
    labels = []
    for q in load_bank().questions():
        if q.path in OURS:
            continue
        if (old.get(q.section) or {}).get(q.id) != (new.get(q.section) or {}).get(q.id):
            labels.append(q.label[lang])
    return labels


def summary(labels: list[str], lang: str, limit: int = 6) -> str:
    shown = labels[:limit]
    more = len(labels) - len(shown)
    if lang == "zh":
        return "修改：" + "、".join(shown) + (f" 等 {len(labels)} 项" if more > 0 else "")
    return "Changed: " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def next_history(answers: AnswersFile, snapshot: dict | None, history: list[dict[str, str]],
                 today: str | None = None) -> list[dict[str, str]] | None:
    """The history with a new row when the answers changed since the last render (None when
    nothing changed). A version the PM typed that the history does not know yet is used as
    the new row's version; otherwise the last version is bumped."""
    if snapshot is None:
        return None
    old = snapshot.get("answers") or {}
    new = answers.to_data()["answers"]
    labels = changed_labels(old, new, answers.lang)
    old_background = old.get("background") if isinstance(old.get("background"), dict) else {}
    old_version = str(old_background.get("version") or "v0.1")
    typed = str(answers.get("background.version") or "")
    known = {row["version"] for row in history} | {old_version}
    if typed and typed not in known:
        labels.insert(0, load_bank().question("background.version").label[answers.lang])
    if not labels:
        return None
    today = today or _dt.date.today().isoformat()
    owner = str(answers.get("background.owner", ""))
    rows = [dict(row) for row in history]
    if not rows:
        rows.append({"version": old_version, "date": str(old_background.get("doc_date") or ""), "author": owner,
                     "summary": "初稿" if answers.lang == "zh" else "First draft"})
    version = typed if typed and typed not in known else bump(rows[-1]["version"])
    rows.append({"version": version, "date": today, "author": owner, "summary": summary(labels, answers.lang)})
    return rows


def apply_history(answers: AnswersFile, rows: list[dict[str, str]]) -> None:
    """The document shows the history, and the version and date of its last row."""
    if not rows:
        return
    answers.revisions = [dict(row) for row in rows]
    background = answers.answers.setdefault("background", {})
    background["version"] = rows[-1]["version"]
    if rows[-1]["date"]:
        background["doc_date"] = rows[-1]["date"]
