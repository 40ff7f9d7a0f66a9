"""Launch acceptance decided by evidence: eval results imported into the gates (issue 17).

The promptfoo files under fixtures/promptfoo are real promptfoo output (regenerate.py says
how they were made). The fixture PRD has three metrics — Answer accuracy ≥ 80%, Faithfulness
≥ 85%, Hallucination rate ≤ 10% — with a ±20-point margin, so the planned sizes stay far below
the 100 items of the full runs; the go run has 92, 90 and 4 (of 100) as its counts.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import run_prdkit
from prdkit.acceptance import acceptance_targets, load_history, match_results
from prdkit.advisors.evaluation import evaluation_plan
from prdkit.evalresults import read_results
from prdkit.evalstats import judge, wilson_interval

FIXTURES = Path(__file__).parent / "fixtures" / "promptfoo"
METRICS = {
    "en": ["Answer accuracy", "Faithfulness", "Hallucination rate"],
    "zh": ["回答准确率", "忠实度（有据可依）", "幻觉率"],
}


def make_project(folder: Path, lang: str = "en", public: bool = True) -> Path:
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", lang, "--defaults").returncode == 0
    path = folder / "answers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = METRICS[lang]
    data["answers"]["evaluation"]["metrics"] = [
        {"name": names[0], "target": 80, "direction": "higher"},
        {"name": names[1], "target": 85, "direction": "higher"},
        {"name": names[2], "target": 10, "direction": "lower"},
    ]
    data["answers"]["evaluation"]["margin"] = 20
    if not public:
        data["answers"]["compliance"]["audience"] = "internal"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = evaluation_plan(data["answers"], lang)
    assert all(row["n_needed"] <= 100 for row in plan["metrics"]), "the fixture runs must cover the planned sizes"
    return path


def answers_of(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]


def record_other_gates(project: Path, skip=("GEN-EVAL-", "CN-03", "CN-04", "CN-05")) -> None:
    listing = json.loads(run_prdkit("checklist", project, "--json").stdout)
    for item in listing["items"]:
        if item["gate"] and not item["id"].startswith(skip):
            assert run_prdkit("accept", project, "--item", item["id"], "--status", "pass", "--evidence", "signed report").returncode == 0


def decisions(project: Path) -> dict:
    latest = {}
    for rec in load_history(project):
        latest[rec["item"]] = rec
    return {item: rec.get("decision", rec["status"]) for item, rec in latest.items()}


# statistics ---------------------------------------------------------------------------------

def hand_wilson(k: int, n: int) -> tuple[float, float]:
    """The Wilson score interval written out step by step, z = 1.96."""
    z = 1.96
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("k, n, low, high", [
    (92, 100, 0.8500, 0.9589),   # accuracy of the go run
    (90, 100, 0.8256, 0.9448),   # faithfulness: met but not demonstrated against 85%
    (4, 100, 0.0157, 0.0984),    # hallucination occurrences: upper bound under 10%
    (0, 10, 0.0, 0.2775),        # nothing seen in 10 items still allows 27.8%
    (10, 10, 0.7225, 1.0),
])
def test_wilson_interval_against_hand_calculation(k, n, low, high):
    got = wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=5e-5)
    by_hand = hand_wilson(k, n)
    assert got[0] == pytest.approx(max(0.0, by_hand[0]), abs=1e-4) and got[1] == pytest.approx(min(1.0, by_hand[1]), abs=1e-4)


def test_gate_decisions():
    assert judge(100, 92, 0, "higher", 80, 16).decision == "demonstrated"   # lower bound 85.0% ≥ 80%
    assert judge(100, 90, 0, "higher", 85, 20).decision == "met"            # 90% ≥ 85% but lower bound 82.6%
    assert judge(100, 70, 0, "higher", 85, 20).decision == "not_met"
    assert judge(6, 6, 0, "higher", 80, 16).decision == "insufficient"     # 100% on 6 items proves little
    # lower is better: the rate counts the items that did not pass
    low = judge(100, 96, 0, "lower", 10, 30)
    assert (low.rate_pct, low.decision) == (4.0, "demonstrated")
    assert judge(100, 80, 0, "lower", 10, 30).decision == "not_met"        # 20 occurrences: 20% > 10%
    # errors never pass, and do not count towards the planned size
    errored = judge(20, 16, 2, "higher", 80, 19)
    assert (errored.rate_pct, errored.decision) == (80.0, "insufficient")


# the command line ---------------------------------------------------------------------------

def test_a_run_meeting_every_target_is_go(tmp_path):
    project = make_project(tmp_path / "p")
    record_other_gates(project)
    result = run_prdkit("accept", project, "--results", FIXTURES / "results-go.json", "--results", FIXTURES / "safety.csv")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Launch verdict: GO" in result.stdout
    assert "Answer accuracy: 92.0% (95% interval 85.0%–95.9%, 100 items" in result.stdout
    decided = decisions(project)
    assert {k: decided[k] for k in ("GEN-EVAL-1", "GEN-EVAL-2", "GEN-EVAL-3", "CN-03", "CN-04", "CN-05")} == {
        "GEN-EVAL-1": "demonstrated", "GEN-EVAL-2": "met", "GEN-EVAL-3": "demonstrated",
        "CN-03": "demonstrated", "CN-04": "demonstrated", "CN-05": "met"}
    records = [r for r in load_history(project) if r.get("decision")]
    digest = hashlib.sha256((FIXTURES / "results-go.json").read_bytes()).hexdigest()
    first = records[0]
    assert first["sha256"] == digest and first["source"].endswith("results-go.json") and first["at"].endswith("Z")
    assert first["by"] == answers_of(project)["background"]["owner"]
    assert (first["items"], first["passes"], first["errors"]) == (100, 92, 0)

    report = (project.parent / "acceptance-report.md").read_text(encoding="utf-8")
    assert "**Launch verdict: GO.**" in report
    assert "| GEN-EVAL-1 | Answer accuracy | ≥ 80% | 100 | 92.0% | 85.0%–95.9% |" in report
    assert "| GEN-EVAL-3 | Hallucination rate | ≤ 10% | 100 | 4.0% | 1.6%–9.8% |" in report
    chart = report.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert chart.startswith("xychart-beta")
    assert 'x-axis ["Answer accuracy", "Faithfulness", "Hallucination rate"]' in chart
    assert "bar [92.0, 90.0, 4.0]" in chart and "line [80, 85, 10]" in chart
    assert "line [85.0, 82.6, 1.6]" in chart and "line [95.9, 94.5, 9.8]" in chart
    # safety banks with the draw sizes and thresholds of the PRD's compliance
    banks = report.split("## Safety test banks", 1)[1].split("## ", 1)[0]
    assert "| CN-04 | Should-refuse bank | 500 / 500 | refusal rate | ≥ 95% | 300 | 97.7% |" in banks
    assert "| CN-05 | Should-not-refuse bank | 500 / 500 | false-refusal rate | ≤ 5% | 300 | 3.0% |" in banks
    # hand-checked items follow, then an empty sign-off table with the checklist's owner roles
    hand = report.split("## Items checked by hand", 1)[1].split("## ", 1)[0]
    assert "| GEN-03 | P95 latency meets the target | Engineering | yes | pass | signed report |" in hand
    assert "GEN-EVAL-1" not in hand
    signoff = report.split("## Sign-off", 1)[1]
    assert "| Role | Name | Signature | Date |" in signoff
    for role in ("Product manager", "Algorithm", "Engineering", "QA", "Legal and compliance"):
        assert f"| {role} |  |  |  |" in signoff

    import docx

    document = docx.Document(str(project.parent / "acceptance-report.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "Launch verdict: GO." in text and "85.0%–95.9%" in cells and "Legal and compliance" in cells


def test_one_metric_below_target_is_no_go_naming_it(tmp_path):
    project = make_project(tmp_path / "p", public=False)
    record_other_gates(project)
    result = run_prdkit("accept", project, "--results", FIXTURES / "results-below.json")
    assert result.returncode == 1
    assert "NO-GO" in result.stdout and "GEN-EVAL-2 (Faithfulness: not met)" in result.stdout
    assert "GEN-EVAL-1 (" not in result.stdout  # the other metrics pass
    report = (project.parent / "acceptance-report.md").read_text(encoding="utf-8")
    assert "| GEN-EVAL-2 | Faithfulness | ≥ 85% | 100 | 70.0% |" in report and "**not met**" in report
    assert "## Safety test banks" not in report  # an internal tool draws no safety banks


def test_fewer_items_than_planned_is_insufficient(tmp_path):
    project = make_project(tmp_path / "p", public=False)
    result = run_prdkit("accept", project, "--results", FIXTURES / "results-short.json")
    assert result.returncode == 1
    assert "Answer accuracy: 100.0%" in result.stdout and "→ insufficient" in result.stdout
    assert decisions(project) == {"GEN-EVAL-1": "insufficient", "GEN-EVAL-2": "insufficient", "GEN-EVAL-3": "insufficient"}
    assert "GEN-EVAL-1 (Answer accuracy: insufficient)" in result.stdout


def test_lower_is_better_counts_failures(tmp_path):
    project = make_project(tmp_path / "p", public=False)
    counts = tmp_path / "counts.csv"
    counts.write_text("metric,id,pass\n" + "".join(f"Hallucination rate,{i},{'no' if i < 20 else 'yes'}\n" for i in range(100)), encoding="utf-8")
    assert run_prdkit("accept", project, "--results", counts).returncode == 1
    rec = load_history(project)[-1]
    assert (rec["item"], rec["rate"], rec["passes"], rec["decision"]) == ("GEN-EVAL-3", 20.0, 80, "not_met")
    # in the promptfoo run, each failed not-contains assertion is one occurrence: 4 of 100
    run_prdkit("accept", project, "--results", FIXTURES / "results-go.json")
    rec = [r for r in load_history(project) if r["item"] == "GEN-EVAL-3"][-1]
    assert (rec["rate"], rec["decision"]) == (4.0, "demonstrated")


def test_provider_errors_are_counted_apart_and_never_pass(tmp_path):
    project = make_project(tmp_path / "p", public=False)
    result = run_prdkit("accept", project, "--results", FIXTURES / "results-errors.json")
    rec = load_history(project)[-1]
    assert (rec["items"], rec["passes"], rec["errors"], rec["rate"]) == (20, 16, 2, 80.0)
    assert "2 errors" in rec["evidence"]
    report = (project.parent / "acceptance-report.md").read_text(encoding="utf-8")
    assert "| 20 (2 errors) | 80.0% |" in report
    assert result.returncode == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_csv_and_jsonl_give_the_same_decisions_as_promptfoo(tmp_path, lang):
    project = make_project(tmp_path / "p", lang=lang)
    answers = answers_of(project)
    targets = acceptance_targets(answers, lang)
    seen = {}
    for name in ("results-go.json", "results-go.jsonl", "go.csv", "go.jsonl"):
        evidence = match_results(read_results(FIXTURES / name), targets, {})
        seen[name] = {ev.target.item: (ev.gate.items, ev.gate.passes, ev.gate.rate_pct, ev.gate.decision) for ev in evidence}
    assert seen["results-go.json"] == {"GEN-EVAL-1": (100, 92, 92.0, "demonstrated"), "GEN-EVAL-2": (100, 90, 90.0, "met"),
                                       "GEN-EVAL-3": (100, 96, 4.0, "demonstrated")}
    assert seen["results-go.jsonl"] == seen["go.csv"] == seen["go.jsonl"] == seen["results-go.json"]
    # the same rows as a JSON array, and JSONL saved under a .json name
    rows = [json.loads(line) for line in (FIXTURES / "go.jsonl").read_text(encoding="utf-8").splitlines()]
    (tmp_path / "array.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    shutil.copy(FIXTURES / "go.jsonl", tmp_path / "lines.json")
    for name in ("array.json", "lines.json"):
        evidence = match_results(read_results(tmp_path / name), targets, {})
        assert {ev.target.item: (ev.gate.items, ev.gate.passes, ev.gate.rate_pct, ev.gate.decision) for ev in evidence} == seen["go.csv"]
    # a spreadsheet saved by Excel in China: GB18030, semicolons
    (tmp_path / "excel.csv").write_bytes(
        (FIXTURES / "go.csv").read_text(encoding="utf-8").replace(",", ";").replace("Faithfulness", "忠实度（有据可依）").encode("gb18030"))
    evidence = match_results(read_results(tmp_path / "excel.csv"), targets, {})
    assert {ev.target.item: (ev.gate.items, ev.gate.passes, ev.gate.rate_pct, ev.gate.decision) for ev in evidence} == seen["go.csv"]


def test_reimport_is_idempotent_and_a_newer_file_supersedes(tmp_path):
    project = make_project(tmp_path / "p", public=False)
    run_prdkit("accept", project, "--results", FIXTURES / "results-go.json")
    once = load_history(project)
    again = run_prdkit("accept", project, "--results", FIXTURES / "results-go.json")
    assert "already imported" in again.stdout and load_history(project) == once
    run_prdkit("accept", project, "--results", FIXTURES / "results-below.json")
    history = load_history(project)
    assert len(history) == 6 and history[:3] == once  # kept, not rewritten
    assert decisions(project)["GEN-EVAL-2"] == "not_met"
    # the CSV export of the go run supersedes again, for the metrics it covers
    run_prdkit("accept", project, "--results", FIXTURES / "go.csv")
    assert decisions(project)["GEN-EVAL-2"] == "met" and len(load_history(project)) == 9


def test_zh_report_from_english_metric_names(tmp_path):
    project = make_project(tmp_path / "p", lang="zh")
    result = run_prdkit("accept", project, "--results", FIXTURES / "results-go.json", "--results", FIXTURES / "safety.csv")
    assert result.returncode == 1 and "上线结论：暂不能上线（NO-GO）" in result.stdout
    assert "GEN-EVAL-2 忠实度（有据可依）：90.0%" in result.stdout
    report = (project.parent / "acceptance-report.md").read_text(encoding="utf-8")
    assert "上线验收报告" in report and "## 评测指标" in report
    assert "| GEN-EVAL-1 | 回答准确率 | ≥ 80% | 100 | 92.0% | 85.0%–95.9% |" in report and "**已证实达标**" in report
    assert "| GEN-EVAL-2 | 忠实度（有据可依） | ≥ 85% | 100 | 90.0% | 82.6%–94.5% |" in report and "**达标**" in report
    assert 'x-axis ["回答准确率", "忠实度（有据可依）", "幻觉率"]' in report
    assert "## 安全测试题库" in report and "| CN-05 | 非拒答题库 | 500 / 500 | 误拒率 | ≤ 5% | 300 | 3.0% |" in report
    assert "## 人工验收项" in report and "| 产品经理 |  |  |  |" in report and "| 角色 | 姓名 | 签字 | 日期 |" in report
    for english in ("Launch verdict", "Decision", "Sign-off", "demonstrated", "Items checked"):
        assert english not in report
    from lo import docx_to_pdf, pdf_text

    shown = pdf_text(docx_to_pdf(project.parent / "acceptance-report.docx", tmp_path)).replace(" ", "")
    for text in ("上线结论：暂不能上线", "评测指标", "已证实达标", "安全测试题库", "人工验收项", "签字确认", "85.0%–95.9%"):
        assert text in shown, text


# bad input: exit 2, the file and the place named, nothing recorded ---------------------------

@pytest.fixture(scope="module")
def bad_project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("bad") / "p", public=False)


def _promptfoo_copy(tmp_path, edit) -> Path:
    data = json.loads((FIXTURES / "results-go.json").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _strip_metrics(data):
    for row in data["results"]["results"]:
        for component in row["gradingResult"]["componentResults"]:
            component["assertion"].pop("metric", None)


def _rename_first_metric(data):
    data["results"]["results"][0]["gradingResult"]["componentResults"][0]["assertion"]["metric"] = "Acuracy"


def _negative_stats(data):
    data["results"]["stats"]["failures"] = -3


def _two_providers(data):
    data["results"]["results"][5]["provider"] = {"id": "openai:gpt-4o-mini", "label": ""}


CASES = {
    "not_json": ("broken.json", '{"results": {"results": [', ["broken.json", "not JSON (line 1"]),
    "binary": ("export.csv", b"\x00\x01PK\x03\x04", ["export.csv", "not a JSON, JSONL or CSV file"]),
    "no_metric_column": ("sheet.csv", "id,answer,verdict\n1,x,ok\n", ["sheet.csv", "line 1", "no `metric` column", "id, answer, verdict"]),
    "unknown_metric_csv": ("typo.csv", "metric,pass\nAnswer accuracy,yes\nAcuracy,no\n",
                           ["typo.csv", "line 3", "'Acuracy' is not a metric of this PRD", "closest: 'Answer accuracy'",
                            "Answer accuracy, Faithfulness, Hallucination rate", '--map "Acuracy=Answer accuracy"']),
    "row_without_pass": ("rows.csv", "id,metric,pass,score\n1,Faithfulness,yes,\n2,Faithfulness,,\n", ["rows.csv", "line 3", "no `pass` or `score`"]),
    "score_without_threshold": ("judge.jsonl", '{"metric": "Faithfulness", "score": 0.8}\n', ["judge.jsonl", "line 1", "threshold"]),
    "bad_pass_word": ("rows2.csv", "metric,pass\nFaithfulness,maybe\n", ["rows2.csv", "line 2", "'maybe'"]),
    "negative_count": ("totals.csv", "metric,items,passes\nAnswer accuracy,-5,3\n", ["totals.csv", "line 2", "items", "negative"]),
    "passes_over_items": ("totals2.jsonl", '{"metric": "Faithfulness", "items": 10, "passes": 12}\n', ["totals2.jsonl", "line 1", "more than items"]),
    "jsonl_not_json": ("rows.jsonl", '{"metric": "Faithfulness", "pass": true}\n{oops\n', ["rows.jsonl", "line 2", "not JSON"]),
    "promptfoo_csv_export": ("promptfoo.csv", 'answer,[echo] {{answer}},Status,Score,Named Scores,Metric: faithfulness\nx,x,PASS,1.00,{},1.00\n',
                             ["promptfoo.csv", "promptfoo's CSV export", "-o results.json"]),
    "not_promptfoo_json": ("other.json", '{"accuracy": 0.93}', ["other.json", "results.results: not found"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_results_files(tmp_path, bad_project, case):
    name, content, expected = CASES[case]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = run_prdkit("accept", bad_project, "--results", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for fragment in expected:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert not (bad_project.parent / "acceptance.yaml").exists()


@pytest.mark.parametrize("edit, expected", [
    (_strip_metrics, ["edited.json", "no result carries a metric name"]),
    (_rename_first_metric, ["edited.json", "results.results[0].gradingResult.componentResults[0].assertion.metric",
                            "'Acuracy' is not a metric of this PRD", "closest: 'Answer accuracy'"]),
    (_negative_stats, ["edited.json", "results.stats.failures", "-3"]),
    (_two_providers, ["edited.json", "2 prompt/provider combinations", "--filter-providers"]),
])
def test_bad_promptfoo_output(tmp_path, bad_project, edit, expected):
    path = _promptfoo_copy(tmp_path, edit)
    # a good file in the same call is not recorded either
    result = run_prdkit("accept", bad_project, "--results", FIXTURES / "go.csv", "--results", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for fragment in expected:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert not (bad_project.parent / "acceptance.yaml").exists()


def test_map_names_a_metric_the_results_spell_differently(tmp_path):
    project = make_project(tmp_path / "p", public=False)
    path = _promptfoo_copy(tmp_path, _rename_first_metric)
    unknown = run_prdkit("accept", project, "--results", path, "--map", "Acuracy=Recall")
    assert unknown.returncode == 2 and "--map: 'Recall' is not a metric of this PRD" in unknown.stderr
    mapped = run_prdkit("accept", project, "--results", path, "--map", "Acuracy=answer ACCURACY")
    assert "GEN-EVAL-1 Answer accuracy: 92.0%" in mapped.stdout
    assert run_prdkit("accept", project, "--item", "GEN-03", "--status", "pass", "--results", path).returncode == 2
    no_equals = run_prdkit("accept", project, "--results", path, "--map", "Acuracy")
    assert no_equals.returncode == 2 and "--map: 'Acuracy'" in no_equals.stderr
    missing = run_prdkit("accept", project, "--results", tmp_path / "nope.json")
    assert missing.returncode == 2 and "nope.json: no such file" in missing.stderr


def test_fixtures_are_real_promptfoo_output():
    data = json.loads((FIXTURES / "results-go.json").read_text(encoding="utf-8"))
    assert data["results"]["version"] == 3 and data["metadata"]["promptfooVersion"]
    assert data["config"]["providers"] == ["echo"] or data["config"]["providers"][0] in ("echo", {"id": "echo"})
    assert (FIXTURES / "regenerate.py").is_file() and (FIXTURES / "promptfooconfig.yaml").is_file()


def test_the_verdict_judges_recorded_evidence_against_the_prd_as_it_is_now(tmp_path):
    project = make_project(tmp_path / "p", public=False)
    record_other_gates(project)
    assert run_prdkit("accept", project, "--results", FIXTURES / "results-go.json").returncode == 0
    recorded = load_history(project)
    data = yaml.safe_load(project.read_text(encoding="utf-8"))
    data["answers"]["evaluation"]["metrics"][1]["target"] = 95  # Faithfulness: 90% no longer reaches it
    project.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    stricter = run_prdkit("accept", project)
    assert stricter.returncode == 1 and "GEN-EVAL-2 (Faithfulness: not met)" in stricter.stdout
    assert "| GEN-EVAL-2 | Faithfulness | ≥ 95% | 100 | 90.0% |" in (project.parent / "acceptance-report.md").read_text(encoding="utf-8")
    # reordered metrics: the evidence stays with its metric, never with the gate's new one
    metrics = data["answers"]["evaluation"]["metrics"]
    metrics[1]["target"] = 85
    metrics.insert(0, metrics.pop(2))
    project.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    reordered = run_prdkit("accept", project)
    assert reordered.returncode == 1 and "open gates: GEN-EVAL-1, GEN-EVAL-2, GEN-EVAL-3" in reordered.stdout
    assert load_history(project) == recorded  # the file is never rewritten
    again = run_prdkit("accept", project, "--results", FIXTURES / "results-go.json")
    assert again.returncode == 0 and "already imported" not in again.stdout
    assert "GEN-EVAL-1 Hallucination rate: 4.0%" in again.stdout and len(load_history(project)) == len(recorded) + 3


def test_report_as_pdf_with_its_chart(tmp_path):
    """--pdf (or a prd.pdf beside the answers) adds acceptance-report.pdf; the .docx carries the
    observed-vs-target chart as a native chart, not as Mermaid text."""
    import io
    import zipfile

    from lo import pdf_text, require_soffice

    require_soffice()
    project = make_project(tmp_path / "p")
    result = run_prdkit("accept", project, "--results", FIXTURES / "results-go.json", "--pdf")
    assert result.returncode in (0, 1), result.stdout + result.stderr
    pdf = project.parent / "acceptance-report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Launch acceptance report" in text and "85.0%–95.9%" in text
    with zipfile.ZipFile(io.BytesIO((project.parent / "acceptance-report.docx").read_bytes())) as z:
        charts = [n for n in z.namelist() if n.startswith("word/charts/") and n.endswith(".xml")]
        body = z.read("word/document.xml").decode("utf-8")
        assert len(charts) == 1 and "Answer accuracy" in z.read(charts[0]).decode("utf-8")
    assert "xychart-beta" not in body
    # without --pdf, a folder whose PRD was rendered to PDF gets the report as PDF too
    pdf.unlink()
    (project.parent / "prd.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert run_prdkit("accept", project).returncode in (0, 1)
    assert (project.parent / "acceptance-report.pdf").read_bytes().startswith(b"%PDF")
