"""Acceptance tracking: results recorded against checklist items, kept as an append-only
history in acceptance.yaml beside the answers file, and the launch verdict computed from it."""

from __future__ import annotations

import datetime as _dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from .answers import dump_yaml, read_yaml, write_atomic
from .errors import UserError

STATUSES = ("pass", "fail", "waived")
STATUS_LABELS = {"pass": ("通过", "pass"), "fail": ("未通过", "fail"), "waived": ("豁免", "waived")}
FILE_NAME = "acceptance.yaml"


def history_path(answers_path: Path) -> Path:
    return Path(answers_path).parent / FILE_NAME


def load_history(answers_path: Path) -> list[dict[str, Any]]:
    path = history_path(answers_path)
    if not path.exists():
        return []
    data, lines = read_yaml(path, what="acceptance file")
    records = (data or {}).get("records") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise UserError(f"{path}: expected `records:`, a list of {{item, status (pass|fail|waived), evidence, by, at}}")
    for i, r in enumerate(records):
        where = f"{path}: line {lines.get(('records', i), 1)}: records[{i}]"
        if not isinstance(r, dict):
            raise UserError(f"{where}: expected a mapping of item, status, evidence, by, at")
        for key in ("item", "status", "evidence", "by", "at"):
            if (key in ("item", "status") or r.get(key) is not None) and not (isinstance(r.get(key), str) and (r[key] or key not in ("item", "status"))):
                raise UserError(f"{path}: line {lines.get(('records', i, key), lines.get(('records', i), 1))}: records[{i}].{key}: should be text")
        if r["status"] not in STATUSES:
            raise UserError(f"{where}.status: must be one of {', '.join(STATUSES)}")
    return records


def latest_status(history: Sequence[Mapping[str, Any]], lang: str | None = None) -> dict[str, dict[str, Any]]:
    """The newest record per item (later records win)."""
    latest: dict[str, dict[str, Any]] = {}
    for record in history:
        entry = dict(record)
        if lang:
            entry["status_label"] = STATUS_LABELS[record["status"]][0 if lang == "zh" else 1]
        latest[record["item"]] = entry
    return latest


def record(answers_path: Path, item_ids: Sequence[str], item: str, status: str, evidence: str | None, by: str,
           now: _dt.datetime | None = None) -> dict[str, Any]:
    """Append one result; refuse unknown items and waivers without evidence. Never rewrites
    earlier records."""
    if status not in STATUSES:
        raise UserError(f"--status: must be one of {', '.join(STATUSES)}")
    if item not in item_ids:
        hint = difflib.get_close_matches(item, item_ids, n=3)
        more = f" (did you mean {', '.join(hint)}?)" if hint else ""
        raise UserError(f"--item: {item!r} is not an item of this checklist{more}; `prdkit checklist` lists them")
    if status == "waived" and not (evidence and evidence.strip()):
        raise UserError("--evidence: a waiver needs evidence (who approved it and why)")
    history = load_history(answers_path)
    when = (now or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc).replace(microsecond=0)
    entry = {"item": item, "status": status, "evidence": evidence or "", "by": by, "at": when.isoformat().replace("+00:00", "Z")}
    history.append(entry)
    header = "# prdkit acceptance history: one record per result, newest last. Do not delete records.\n"
    write_atomic(history_path(answers_path), header + dump_yaml({"records": history}))
    return entry


@dataclass
class Verdict:
    go: bool
    open_gates: list[str] = field(default_factory=list)
    failing_gates: list[str] = field(default_factory=list)
    waived_gates: list[str] = field(default_factory=list)
    passed_gates: list[str] = field(default_factory=list)


def verdict(items, history: Sequence[Mapping[str, Any]]) -> Verdict:
    latest = latest_status(history)
    result = Verdict(go=False)
    for item in items:
        if not item.gate:
            continue
        status = latest.get(item.id, {}).get("status")
        if status == "pass":
            result.passed_gates.append(item.id)
        elif status == "waived":
            result.waived_gates.append(item.id)
        elif status == "fail":
            result.failing_gates.append(item.id)
        else:
            result.open_gates.append(item.id)
    result.go = not result.open_gates and not result.failing_gates
    return result


def render_report_markdown(title: str, lang: str, items, history: Sequence[Mapping[str, Any]], result: Verdict) -> str:
    from .mdtext import cell, inline

    zh = lang == "zh"
    latest = latest_status(history, lang)
    lines = [f"# {inline(title)}", ""]
    if result.go:
        lines.append("**上线结论：可以上线。** 所有门槛项已通过或经批准豁免。" if zh else "**Launch verdict: GO.** Every gate has passed or been waived with evidence.")
    else:
        lines.append("**上线结论：暂不能上线。**" if zh else "**Launch verdict: NO-GO.**")
        if result.failing_gates:
            lines += ["", ("未通过的门槛项：" if zh else "Failing gates: ") + ", ".join(result.failing_gates)]
        if result.open_gates:
            lines += ["", ("尚未验收的门槛项：" if zh else "Open gates: ") + ", ".join(result.open_gates)]
    head = ("| 编号 | 事项 | 状态 | 证据 | 记录人 | 时间 |" if zh else "| ID | Item | Status | Evidence | By | At |")
    lines += ["", "## " + ("门槛项" if zh else "Gates"), "", head, "| --- | --- | --- | --- | --- | --- |"]
    for item in items:
        if not item.gate:
            continue
        rec = latest.get(item.id, {})
        status = rec.get("status_label") or ("待验收" if zh else "open")
        lines.append(f"| {item.id} | {cell(item.title)} | {cell(status)} | {cell(rec.get('evidence', ''))} | {cell(rec.get('by', ''))} | {cell(rec.get('at', ''))} |")
    lines += ["", "## " + ("全部记录" if zh else "History"), "", ("| 编号 | 状态 | 证据 | 记录人 | 时间 |" if zh else "| ID | Status | Evidence | By | At |"),
              "| --- | --- | --- | --- | --- |"]
    for rec in history:
        label = STATUS_LABELS[rec["status"]][0 if zh else 1]
        lines.append(f"| {cell(rec['item'])} | {label} | {cell(rec.get('evidence', ''))} | {cell(rec.get('by', ''))} | {cell(rec.get('at', ''))} |")
    return "\n".join(lines) + "\n"
