"""Launch-acceptance checklist and acceptance tracking (issue 6)."""

import json

import pytest
import yaml

from prdkit.acceptance import load_history
from prdkit.bank import load_bank
from prdkit.checklist import applicable_items, _load, _pack_files
from prdkit.presets import all_presets, get_preset, initial_answers

from conftest import run_prdkit

PRESETS = [p.name for p in all_presets()]


def items_for(preset, lang="en", **changes):
    answers = initial_answers(load_bank(), lang, get_preset(preset))
    for ref, value in changes.items():
        section, qid = ref.split("__")
        answers.setdefault(section, {})[qid] = value
    return applicable_items(answers, lang)


def ids(items):
    return {i.id for i in items}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("preset", PRESETS)
def test_item_set_follows_the_conditions(preset, lang):
    answers = initial_answers(load_bank(), lang, get_preset(preset))
    got = ids(applicable_items(answers, lang))
    paths = set(answers["solution"]["paths"])
    public_cn = answers["compliance"]["region"] in ("cn_mainland", "global") and answers["compliance"]["audience"] == "public"
    assert ("CN-01" in got) == public_cn and ("CN-03" in got) == public_cn
    in_cn = answers["compliance"]["region"] in ("cn_mainland", "global")
    # PIPL follows personal data in mainland China whatever the audience
    assert ("CN-09" in got) == (in_cn and bool(answers["data"].get("personal_data")))
    assert any(i.startswith("RAG-") for i in got) == ("rag" in paths)
    assert any(i.startswith("AGT-") for i in got) == ("agent" in paths)
    assert ("MM-01" in got) == ("multimodal" in paths)
    assert ("SEC-LLM06" in got) == ("agent" in paths)
    assert ("SEC-LLM08" in got) == ("rag" in paths)
    metrics = answers["evaluation"]["metrics"]
    assert {f"GEN-EVAL-{n}" for n in range(1, len(metrics) + 1)} <= got
    assert {"GEN-03", "GEN-08", "SEC-LLM01"} <= got


def test_internal_assistant_has_no_filing_items_and_text_bot_no_image_labels():
    internal = ids(items_for("agent-assistant"))
    assert not {"CN-01", "CN-02", "CN-03", "CN-08"} & internal
    assert {"CN-09", "CN-11"} <= internal  # employee data is personal information under PIPL
    assert "MM-02" not in ids(items_for("rag-knowledge-base"))
    assert "MM-02" in ids(items_for("marketing-creative"))
    assert "PLT-01" in ids(items_for("agent-platform"))


def test_thresholds_show_the_answered_values():
    item = next(i for i in items_for("rag-knowledge-base") if i.id == "GEN-03")
    assert item.threshold == "P95 ≤ 3 s"
    item = next(i for i in items_for("rag-knowledge-base", scenario__latency_p95_s=1.5) if i.id == "GEN-03")
    assert item.threshold == "P95 ≤ 1.5 s"
    metric = next(i for i in items_for("rag-knowledge-base") if i.id == "GEN-EVAL-1")
    assert "90%" in metric.threshold and "Answer accuracy" in metric.title
    zh = next(i for i in items_for("rag-knowledge-base", "zh") if i.id == "CN-04")
    assert "500" in zh.threshold and "拒答率" in zh.threshold


def test_every_pack_is_complete_in_both_languages():
    packs = _load(tuple(_pack_files()))
    assert len(packs) >= 8
    for pack in packs:
        for item in pack["items"]:
            for key in ("title", "detail", "evidence"):
                assert item[key]["zh"] and item[key]["en"], (item["id"], key)


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "agent-assistant", "--lang", "en", "--defaults").returncode == 0
    return folder / "answers.yaml"


def test_verdict_goes_from_no_go_to_go_and_history_survives(project):
    listing = json.loads(run_prdkit("checklist", project, "--json").stdout)
    gates = [i["id"] for i in listing["items"] if i["gate"]]
    assert gates and all({"id", "title", "category", "gate"} <= set(i) for i in listing["items"])
    result = run_prdkit("accept", project)
    assert result.returncode == 1 and "NO-GO" in result.stdout
    refused = run_prdkit("accept", project, "--item", gates[0], "--status", "waived")
    assert refused.returncode == 2 and "evidence" in refused.stderr
    unknown = run_prdkit("accept", project, "--item", "NOPE-1", "--status", "pass")
    assert unknown.returncode == 2 and "NOPE-1" in unknown.stderr
    assert run_prdkit("accept", project, "--item", gates[0], "--status", "fail", "--evidence", "p95 6 s").returncode == 0
    for gate in gates[1:]:
        assert run_prdkit("accept", project, "--item", gate, "--status", "pass", "--evidence", "report", "--by", "QA lead").returncode == 0
    still = run_prdkit("accept", project)
    assert still.returncode == 1 and gates[0] in still.stdout
    assert run_prdkit("accept", project, "--item", gates[0], "--status", "waived", "--evidence", "CTO approved").returncode == 0
    go = run_prdkit("accept", project)
    assert go.returncode == 0 and "GO" in go.stdout
    history = load_history(project)
    assert len(history) == len(gates) + 1 and history[0]["status"] == "fail"  # nothing overwritten
    assert all(r["at"].endswith("Z") for r in history)
    report = (project.parent / "acceptance-report.md").read_text(encoding="utf-8")
    assert "GO" in report and "CTO approved" in report
    assert (project.parent / "acceptance-report.docx").is_file()
    # re-rendering keeps the history and shows it in the checklist
    assert run_prdkit("render", project).returncode == 0
    assert load_history(project) == history
    checklist = (project.parent / "launch-checklist.md").read_text(encoding="utf-8")
    assert f"- [x] **{gates[1]}" in checklist and "QA lead" in checklist


def test_company_packs_are_validated(tmp_path, project):
    own = tmp_path / "packs"
    own.mkdir()
    (own / "ours.yaml").write_text(yaml.safe_dump({"pack": "ours", "title": {"zh": "我们", "en": "Ours"}, "items": [
        {"id": "OUR-01", "title": {"zh": "法务签字", "en": "Legal sign-off"}, "detail": {"zh": "签字", "en": "Signed"},
         "category": "compliance", "owner": "compliance", "gate": True, "evidence": {"zh": "签字页", "en": "Signed page"}}]},
        allow_unicode=True))
    result = run_prdkit("checklist", project, "--json", "--checklists", own)
    assert result.returncode == 0 and "OUR-01" in result.stdout
    (own / "bad.yaml").write_text(yaml.safe_dump({"pack": "bad", "items": [{"id": "BAD-1", "title": {"en": "no zh"}}]}))
    result = run_prdkit("checklist", project, "--checklists", own)
    assert result.returncode == 2 and "bad.yaml" in result.stderr and "BAD-1" in result.stderr
