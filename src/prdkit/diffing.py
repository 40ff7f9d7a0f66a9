"""What changed between two answers files, question by question, with labels a reader knows."""

from __future__ import annotations

from typing import Any

from .answers import AnswersFile
from .bank import Question, load_bank
from .revisions import summary


def display(q: Question, value: Any, lang: str) -> Any:
    """A readable form of an answer: choice labels instead of ids; lists and records kept as lists."""
    if value is None:
        return None
    if q.type == "choice":
        return q.choice_label(value, lang)
    if q.type == "multichoice":
        return [q.choice_label(v, lang) for v in value]
    if q.type == "records":
        return [{f.label[lang]: (f.choice_label(row.get(f.id), lang) if f.type == "choice" else row.get(f.id))
                 for f in q.fields if row.get(f.id) is not None} for row in value]
    return value


def diff_answers(old: AnswersFile, new: AnswersFile) -> dict[str, Any]:
    lang = new.lang
    sections = []
    labels = []
    for section in load_bank().sections:
        changes = []
        for q in section.questions:
            before, after = old.get(q.path), new.get(q.path)
            if before == after:
                continue
            kind = "added" if before is None else ("removed" if after is None else "changed")
            changes.append({"question": q.path, "label": q.label[lang], "kind": kind,
                            "old": display(q, before, lang), "new": display(q, after, lang)})
            labels.append(q.label[lang])
        if changes:
            sections.append({"id": section.id, "title": section.title[lang], "changes": changes})
    return {"sections": sections, "count": len(labels), "summary": summary(labels, lang) if labels else ""}


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "\n".join(_text(v) if not isinstance(v, dict) else "; ".join(f"{k}: {x}" for k, x in v.items()) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def print_diff(result: dict[str, Any], lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    zh = lang == "zh"
    if not result["sections"]:
        console.print("两个文件的回答相同。" if zh else "The two files give the same answers.")
        return
    for section in result["sections"]:
        table = Table(title=section["title"], title_justify="left")
        table.add_column("问题" if zh else "Question", overflow="fold")
        table.add_column("原来" if zh else "Old", overflow="fold")
        table.add_column("现在" if zh else "New", overflow="fold")
        for change in section["changes"]:
            table.add_row(f"{change['label']}\n[dim]{change['question']}[/dim]", _text(change["old"]), _text(change["new"]))
        console.print(table)
    console.print(result["summary"])
