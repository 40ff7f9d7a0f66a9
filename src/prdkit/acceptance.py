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
    _write_history(answers_path, history)
    return entry


def _write_history(answers_path: Path, history: Sequence[Mapping[str, Any]]) -> None:
    header = "# prdkit acceptance history: one record per result, newest last. Do not delete records.\n"
    write_atomic(history_path(answers_path), header + dump_yaml({"records": list(history)}))


def _now(now: _dt.datetime | None = None) -> str:
    when = (now or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc).replace(microsecond=0)
    return when.isoformat().replace("+00:00", "Z")


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


def gate_reasons(result: Verdict, history: Sequence[Mapping[str, Any]], lang: str) -> dict[str, str]:
    """For each failing gate decided by evidence: the metric and its decision, for the verdict."""
    latest = latest_status(history)
    reasons = {}
    for gate in result.failing_gates:
        rec = latest.get(gate, {})
        if rec.get("decision") in DECISION_LABELS:
            reasons[gate] = f"{rec.get('metric', '')}{'：' if lang == 'zh' else ': '}{decision_label(rec['decision'], lang)}"
    return reasons


def render_report_markdown(title: str, lang: str, items, history: Sequence[Mapping[str, Any]], result: Verdict,
                           answers: Mapping[str, Any] | None = None) -> str:
    """acceptance-report.md: the verdict, the metrics decided by evidence (table and chart),
    the safety banks, the hand-checked items, the history and the sign-off table."""
    from .checklist import ROLES, vocabulary
    from .render import make_environment

    zh = lang == "zh"
    targets = acceptance_targets(answers or {}, lang)
    latest = latest_status(judged_history(history, targets), lang)
    covered = {t.item for t in targets}
    reasons = gate_reasons(result, judged_history(history, targets), lang)
    rows = {"metric": [], "bank": []}
    for target in targets:
        rec = latest.get(target.item, {})
        sign = "≥" if target.direction == "higher" else "≤"
        row = {"item": target.item, "name": target.name, "target": f"{sign} {_fmt(target.target_pct)}%", "target_pct": target.target_pct,
               "required": target.required, "rate_label": target.rate_label, "plan": target.plan,
               "figures": False, "decision": "", "source": "", "chart_name": target.name.replace('"', "'").replace("\n", " ")}
        gate = _rejudge(rec, target)
        if gate is not None:
            row.update(figures=True, n_items=gate.items, errors=gate.errors, observed=pct(gate.rate_pct),
                       interval=f"{pct(gate.low_pct)}–{pct(gate.high_pct)}", rate=gate.rate_pct, low=gate.low_pct, high=gate.high_pct,
                       decision=decision_label(gate.decision, lang), source=Path(str(rec.get("source", ""))).name)
        elif rec:
            row["decision"] = rec.get("status_label", "") + ("（人工记录）" if zh else " (recorded by hand)")
            row["source"] = rec.get("evidence", "")
        else:
            row["decision"] = "尚无结果" if zh else "no results yet"
        rows[target.kind].append(row)
    hand = []
    for item in items:
        if item.id in covered:
            continue
        rec = latest.get(item.id, {})
        hand.append({"item": item, "status": rec.get("status_label") or ("待验收" if zh else "open"),
                     "evidence": rec.get("evidence", ""), "by": rec.get("by", ""), "at": rec.get("at", "")})
    vocab = vocabulary()
    roles = [vocab["roles"][r][lang] for r in ROLES if any(i.owner == r for i in items)]
    history_rows = [dict(r, status_label=STATUS_LABELS[r["status"]][0 if zh else 1],
                         decision_label=decision_label(r["decision"], lang) if r.get("decision") in DECISION_LABELS else "")
                    for r in history]
    failing = [f"{g} ({reasons[g]})" if g in reasons else g for g in result.failing_gates]
    return make_environment().get_template("acceptance/acceptance-report.md.j2").render(
        lang=lang, title=title, go=result.go, failing=failing, open=result.open_gates, waived=result.waived_gates,
        metrics=rows["metric"], banks=rows["bank"], banks_apply=any(t.kind == "bank" for t in targets),
        chart=[r for r in rows["metric"] if r["figures"]], hand=hand, history=history_rows, roles=roles,
    )


def _fmt(value: float) -> str:
    return f"{value:g}"


def _recorded_counts(rec: Mapping[str, Any]) -> tuple[int, int, int] | None:
    """items, passes, errors of an evidence record, or None when it has none (or they were
    edited into something that is not counts)."""
    values = [rec.get(k, 0 if k == "errors" else None) for k in ("items", "passes", "errors")]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        return None
    items, passes, errors = values
    return (items, passes, errors) if passes + errors <= items else None


def _rejudge(rec: Mapping[str, Any], target: "Target"):
    """The gate of an evidence record judged against the PRD as it is now (its target or eval
    plan may have changed since the import); None for a record that is not evidence for it."""
    from .evalstats import judge

    counts = _recorded_counts(rec) if rec.get("decision") in DECISION_LABELS else None
    if counts is None or (rec.get("metric") and normalise(rec["metric"]) not in target.keys):
        return None
    return judge(*counts, target.direction, target.target_pct, target.required)


def judged_history(history: Sequence[Mapping[str, Any]], targets: Sequence["Target"]) -> list[dict[str, Any]]:
    """The history as the verdict reads it: each evidence record decided again against the
    PRD's current target and eval plan; a record for a metric the gate no longer stands for
    (the metrics were reordered or renamed) is left out. acceptance.yaml itself is unchanged."""
    from .evalstats import DECISION_STATUS

    by_item = {t.item: t for t in targets}
    view = []
    for rec in history:
        target = by_item.get(rec["item"])
        if target is None or rec.get("decision") not in DECISION_LABELS:
            view.append(dict(rec))
            continue
        gate = _rejudge(rec, target)
        if gate is None:
            continue
        view.append(dict(rec, decision=gate.decision, status=DECISION_STATUS[gate.decision], metric=target.name))
    return view


# Evidence from evaluation results -----------------------------------------------------------

DECISION_LABELS = {
    "demonstrated": ("已证实达标", "demonstrated"),
    "met": ("达标", "met"),
    "not_met": ("未达标", "not met"),
    "insufficient": ("样本不足", "insufficient"),
}


def decision_label(decision: str, lang: str) -> str:
    return DECISION_LABELS[decision][0 if lang == "zh" else 1]


def normalise(name: Any) -> str:
    """A metric name compared ignoring case, width, spaces and punctuation."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", str(name)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass
class Target:
    """A gate that evaluation results can decide: a PRD metric or a safety test bank."""

    item: str              # the launch-checklist gate it decides
    kind: str              # "metric" or "bank"
    name: str              # in the PRD's language
    direction: str         # higher or lower
    target_pct: float
    required: int          # items the PRD's sizing (or the bank's rule) asks for
    keys: set[str] = field(default_factory=set)
    plan: dict[str, Any] = field(default_factory=dict)  # the advisor's row for it
    rate_label: str = ""


def _preset_translations() -> dict[str, set[str]]:
    """Each preset metric's name in one language → its names in both."""
    from .presets import all_presets

    pairs: dict[str, set[str]] = {}
    for preset in all_presets():
        rows = ((preset.raw_answers.get("evaluation") or {}).get("metrics")) or []
        for row in rows:
            name = row.get("name") if isinstance(row, dict) else None
            if isinstance(name, dict) and name.get("zh") and name.get("en"):
                both = {normalise(name["zh"]), normalise(name["en"])}
                for key in both:
                    pairs.setdefault(key, set()).update(both)
    return pairs


def _safety_rules() -> list[dict[str, Any]]:
    from .resources import load_data

    return load_data(Path(__file__).resolve().parent / "data" / "safety-banks.yaml")["banks"]


def acceptance_targets(answers: Mapping[str, Any], lang: str) -> list[Target]:
    """The gates evidence can decide, with what each needs: every metric of
    `evaluation.metrics` (its checklist gate GEN-EVAL-n) and, when the PRD's compliance
    requires them, the safety banks' draws (CN-03, CN-04, CN-05)."""
    from .advisors.evaluation import evaluation_plan

    plan = evaluation_plan(answers, lang)
    rows = list(plan.get("metrics") or [])
    translations = _preset_translations()
    targets: list[Target] = []
    metrics = ((answers.get("evaluation") or {}).get("metrics")) or []
    for index, metric in enumerate(metrics, start=1):
        name = str(metric.get("name") or "")
        if metric.get("target") is None or not name:
            continue
        row = next((r for r in rows if r.get("metric") == name), None)
        if row is not None:
            rows.remove(row)
        key = normalise(name)
        targets.append(Target(
            item=f"GEN-EVAL-{index}", kind="metric", name=name,
            direction="lower" if metric.get("direction") == "lower" else "higher",
            target_pct=float(metric["target"]), required=int((row or {}).get("n_needed") or 0),
            keys={key} | translations.get(key, set()), plan=dict(row or {}),
        ))
    banks = plan.get("safety_banks")
    if banks:
        for rule in _safety_rules():
            keys = {normalise(n) for n in rule["names"]} | {normalise(rule["name"]["zh"]), normalise(rule["name"]["en"])}
            row = next((b for b in banks if normalise(b.get("bank", "")) in keys), {})
            targets.append(Target(
                item=rule["item"], kind="bank", name=rule["name"][lang], direction=rule["direction"],
                target_pct=float(rule["target"]), required=int(rule["draw"]), keys=keys, plan=dict(row),
                rate_label=rule["rate"][lang],
            ))
    # a name that two targets answer to belongs to neither (it would be a guess)
    seen: dict[str, int] = {}
    for target in targets:
        for key in target.keys:
            seen[key] = seen.get(key, 0) + 1
    for target in targets:
        target.keys = {k for k in target.keys if seen[k] == 1} | {normalise(target.name)}
    return targets


def parse_maps(maps: Sequence[str], targets: Sequence[Target]) -> dict[str, Target]:
    """--map "promptfoo name=PRD metric" → normalised promptfoo name → target."""
    result: dict[str, Target] = {}
    for text in maps:
        source, sep, dest = text.partition("=")
        if not sep or not source.strip() or not dest.strip():
            raise UserError(f'--map: {text!r}: expected "name in the results=PRD metric"')
        target = _find_target(dest, targets)
        if target is None:
            raise UserError(f"--map: {dest.strip()!r} is not a metric of this PRD; {_known(targets)}{_closest(dest, targets)}")
        result[normalise(source)] = target
    return result


def _find_target(name: str, targets: Sequence[Target]) -> Target | None:
    key = normalise(name)
    return next((t for t in targets if key and key in t.keys), None)


def _known(targets: Sequence[Target]) -> str:
    metrics = [t.name for t in targets if t.kind == "metric"]
    banks = [t.name for t in targets if t.kind == "bank"]
    text = "the PRD's metrics: " + (", ".join(metrics) if metrics else "none (add them under evaluation.metrics)")
    return text + ("; safety banks: " + ", ".join(banks) if banks else "")


def _closest_name(name: str, targets: Sequence[Target]) -> str | None:
    choices: dict[str, str] = {}
    for target in targets:
        for key in sorted(target.keys):
            choices.setdefault(key, target.name)
    key = normalise(name)
    match = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.0) if key and choices else []
    return choices[match[0]] if match else None


def _closest(name: str, targets: Sequence[Target]) -> str:
    found = _closest_name(name, targets)
    return f"; closest: {found!r}" if found else ""


@dataclass
class Evidence:
    target: Target
    gate: Any               # evalstats.Gate
    source: Any             # evalresults.EvalResults
    raw_names: list[str]


def match_results(results, targets: Sequence[Target], maps: Mapping[str, Target]) -> list[Evidence]:
    """Pair each metric of one results file with the PRD's gate; UserError naming the place of
    the first name that is not the PRD's."""
    from .evalresults import MetricCounts
    from .evalstats import judge

    merged: dict[str, tuple[Target, MetricCounts, list[str]]] = {}
    for raw, counts in results.metrics.items():
        target = maps.get(normalise(raw)) or _find_target(raw, targets)
        if target is None:
            suggestion = _closest_name(raw, targets) or "PRD metric"
            raise UserError(f"{results.path}: {counts.where}: {raw!r} is not a metric of this PRD{_closest(raw, targets)}; "
                            f'{_known(targets)}. Rename it in the results or map it: --map "{raw}={suggestion}"')
        if target.item in merged:
            into = merged[target.item][1]
            for key, outcome in counts.outcomes.items():
                into.add(key, outcome)
            into.extra_items += counts.extra_items
            into.extra_passes += counts.extra_passes
            into.extra_errors += counts.extra_errors
            merged[target.item][2].append(raw)
        else:
            copy = MetricCounts(counts.name, counts.where, dict(counts.outcomes), counts.extra_items, counts.extra_passes, counts.extra_errors)
            merged[target.item] = (target, copy, [raw])
    evidence = []
    for target in targets:
        if target.item in merged:
            _, counts, names = merged[target.item]
            gate = judge(counts.items, counts.passes, counts.errors, target.direction, target.target_pct, target.required)
            evidence.append(Evidence(target, gate, results, names))
    return evidence


def pct(value: float) -> str:
    return f"{value:.1f}%"


def evidence_text(ev: Evidence, source: str, lang: str) -> str:
    gate = ev.gate
    zh = lang == "zh"
    interval = f"{pct(gate.low_pct)}–{pct(gate.high_pct)}"
    rate = (f"{ev.target.rate_label} " if ev.target.rate_label else "") + pct(gate.rate_pct)
    if gate.direction == "higher":
        core = (f"{gate.items:,} 条中 {gate.passes:,} 条通过，{rate}" if zh
                else f"{gate.passes:,} of {gate.items:,} items passed, {rate}")
    else:
        core = (f"{gate.items:,} 条中 {gate.counted:,} 条未通过，{rate}" if zh
                else f"{gate.counted:,} of {gate.items:,} items failed, {rate}")
    text = f"{source}{'：' if zh else ': '}{core}" + (f"（95% 区间 {interval}）" if zh else f" (95% interval {interval})")
    if gate.errors:
        text += f"；{gate.errors:,} 条出错" if zh else f"; {gate.errors:,} errors"
    return text


def import_results(answers_path: Path, answers: Mapping[str, Any], lang: str, files: Sequence[Path], maps: Sequence[str],
                   by: str, now: _dt.datetime | None = None) -> list[tuple[Evidence, bool]]:
    """Read every file, judge each gate it covers and append the decisions to acceptance.yaml.

    All files are read and checked before anything is written: a bad file records nothing.
    A file whose hash is already the newest evidence of a gate adds nothing for that gate
    (importing twice is importing once); a different file supersedes for the gates it
    covers. Returns each piece of evidence and whether it was newly recorded."""
    import os

    from .evalresults import read_results
    from .evalstats import DECISION_STATUS

    targets = acceptance_targets(answers, lang)
    mapping = parse_maps(maps, targets)
    matched = [match_results(read_results(Path(f)), targets, mapping) for f in files]
    history = load_history(answers_path)
    latest = {r["item"]: r for r in history}
    folder = Path(answers_path).resolve().parent
    at = _now(now)
    outcome: list[tuple[Evidence, bool]] = []
    for evidence in matched:
        for ev in evidence:
            path = ev.source.path.resolve()
            relative = os.path.relpath(path, folder)
            source = relative if not relative.startswith("..") else str(path)
            before = latest.get(ev.target.item, {})
            if before.get("sha256") == ev.source.sha256 and _rejudge(before, ev.target) is not None:
                outcome.append((ev, False))
                continue
            gate = ev.gate
            entry = {
                "item": ev.target.item, "status": DECISION_STATUS[gate.decision],
                "evidence": evidence_text(ev, source, lang), "by": by, "at": at,
                "metric": ev.target.name, "decision": gate.decision, "direction": gate.direction,
                "target": gate.target_pct, "required": gate.required, "items": gate.items, "passes": gate.passes,
                "errors": gate.errors, "rate": gate.rate_pct, "low": gate.low_pct, "high": gate.high_pct,
                "source": source, "sha256": ev.source.sha256, "format": ev.source.format,
            }
            if ev.source.run_at:
                entry["run_at"] = ev.source.run_at
            history.append(entry)
            latest[ev.target.item] = entry
            outcome.append((ev, True))
    if any(new for _, new in outcome):
        _write_history(answers_path, history)
    return outcome
