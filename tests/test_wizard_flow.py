"""The wizard's flow as data: which questions the quick path asks, conditional defaults,
the order of dependent questions, and what survives a closed terminal or a failed write."""

import os
import signal

import pexpect
import pytest
import yaml

from prdkit.answers import load_answers
from prdkit.bank import load_bank
from prdkit.presets import get_preset
from prdkit.wizard.flow import Session

from test_wizard_e2e import PROGRESS, REVIEW, Driver, spawn


def session(preset=None, lang="en", **answers):
    s = Session(load_bank(), lang, get_preset(preset) if preset else None, None, full=False)
    for path, value in answers.items():
        section, _, qid = path.partition("__")
        s.answers.setdefault(section, {})[qid] = value
    return s


def proposed(s, path):
    return s.proposed(s.bank.question(path))


def test_conditional_defaults_follow_earlier_answers():
    s = session(compliance__region="cn_mainland", compliance__audience="public", model__deployment="api",
                solution__paths=["prompt", "rag"])
    assert proposed(s, "compliance.public_opinion") is False
    assert proposed(s, "compliance.filing_plan") == "registration"  # never full filing by default
    assert proposed(s, "solution.rag_retrieval") == "hybrid_rerank"
    assert proposed(s, "solution.rag_top_k") == 5
    s.answers["solution"]["paths"] = ["prompt", "fine_tuning"]
    assert proposed(s, "compliance.filing_plan") == "undecided"
    assert proposed(session(compliance__region="us"), "cost.currency") == "USD"
    assert proposed(session(compliance__region="eu"), "cost.currency") == "EUR"
    assert proposed(session(compliance__region="cn_mainland"), "cost.currency") == "CNY"
    assert proposed(session(cost__currency="USD", model__deployment="api"), "cost.price_input") == 0.15
    assert proposed(session(scenario__risk_domains=["minors"]), "compliance.minors") is True
    assert proposed(session(scenario__risk_domains=["finance"]), "data.personal_data") is True
    assert proposed(session(scenario__knowledge_freshness="daily"), "data.kb_update_cadence") == "daily"
    assert proposed(session(compliance__audience="internal"), "launch.human_takeover") is False


def test_questions_that_do_not_apply_are_not_asked():
    bank = load_bank()
    api = {"model": {"deployment": "api"}}
    own = {"model": {"deployment": "private"}}
    for path in ("cost.gpu_hour_price", "cost.gpu_tokens_per_s", "cost.gpu_utilisation"):
        assert not bank.question(path).applies(api) and bank.question(path).applies(own)
    for path in ("cost.price_input", "cost.price_output", "cost.cached_share"):
        assert bank.question(path).applies(api) and not bank.question(path).applies(own)
    assert not bank.question("cost.automation_rate").applies({"scenario": {"human_in_loop": "review_all"}})
    assert bank.question("cost.automation_rate").applies({"scenario": {"human_in_loop": "spot_check"}})
    internal = {"compliance": {"region": "cn_mainland", "audience": "internal"}}
    public = {"compliance": {"region": "cn_mainland", "audience": "public"}}
    for path in ("compliance.filing_plan", "compliance.public_opinion", "compliance.base_model_filed"):
        assert not bank.question(path).applies(internal) and bank.question(path).applies(public)
    assert not bank.question("compliance.personal_info").applies({"data": {"personal_data": False}})


def test_every_question_is_asked_after_the_answers_it_depends_on():
    bank = load_bank()
    order = [q.path for s in bank.sections for q in bank.page(s.id)]
    assert sorted(order) == sorted(q.path for q in bank.questions())  # each asked exactly once
    for q in bank.questions():
        for ref in q.reads():
            assert order.index(ref) < order.index(q.path), f"{q.path} is asked before {ref}"
    # the currency comes before any amount of money
    money = [q.path for q in bank.questions() if q.unit and "{currency}" in q.unit["en"]]
    assert money and all(order.index("cost.currency") < order.index(p) for p in money)
    for path in ("evaluation.safety_refuse_set", "evaluation.safety_answer_set"):
        assert order.index("compliance.audience") < order.index(path)


def test_quick_questions_are_few_and_required_ones_are_filled():
    bank = load_bank()
    quick = [q for q in bank.questions() if q.quick]
    assert 15 <= len(quick) <= 30
    s = session("rag-knowledge-base")
    asked = []
    s.ask = lambda q: (asked.append(q.path), s.set(q, s.proposed(q)))
    s.first_pass()
    assert len(asked) <= 26 and "background.project_name" in asked and "cost.gpu_hour_price" not in asked
    result = s.result()
    for q in bank.questions():
        if q.required and q.applies(result.answers):
            assert result.get(q.path) not in (None, "", []), q.path
    assert "background.scope_in" in result.assumed and "background.project_name" not in result.assumed


def test_a_closed_terminal_keeps_the_draft(tmp_path):
    folder = tmp_path / "hup"
    child = spawn("new", folder, "--lang", "en", "--preset", "rag-knowledge-base")
    driver = Driver(child, "en")
    driver.run({"background.project_name": "Hung Up"}, stop_before="scenario.task_types")
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    draft = load_answers(folder / "answers.draft.yaml")
    assert draft.answers["background"]["project_name"] == "Hung Up"
    assert draft.answers["compliance"]["audience"] == "public"
    assert not (folder / "prd.md").exists()


def test_a_failed_write_returns_to_the_review_with_the_reason(tmp_path):
    folder = tmp_path / "blocked"
    child = spawn("new", folder, "--lang", "en", "--preset", "rag-knowledge-base")
    driver = Driver(child, "en")
    driver.run({"background.project_name": "Blocked"})
    (folder / "prd.md").mkdir()  # something in the way of the PRD
    (folder / "prd.md" / "keep").write_text("x", encoding="utf-8")
    child.send("\r")
    child.expect("were not written")
    child.expect(REVIEW["en"])
    assert load_answers(folder / "answers.draft.yaml").answers["background"]["project_name"] == "Blocked"
    (folder / "prd.md" / "keep").unlink()
    (folder / "prd.md").rmdir()
    child.send("\r")
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    assert child.exitstatus == 0
    assert "Blocked" in (folder / "prd.md").read_text(encoding="utf-8")
    assert not (folder / "answers.draft.yaml").exists()


def test_a_page_asks_only_what_applies_through_pipe_input():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        s = Session(load_bank(), "en", None, None, full=True, io={"input": pipe, "output": DummyOutput()})
        s.answers = {"solution": {"paths": ["prompt"]}}
        # paths (Enter keeps [prompt]), then prompt_design, alignment, rationale, POC planned (Enter: no):
        # nothing about RAG or agents, nor the POC's details
        pipe.send_text("\r" + "design\x1b\r" + "align\x1b\r" + "because\x1b\r" + "\r")
        pipe.close()  # a question more than expected ends the walk instead of waiting for ever
        s.walk(["solution"], lambda q: "ask")
    assert set(s.answers["solution"]) == {"paths", "prompt_design", "alignment", "rationale", "poc_planned"}
    assert s.answers["solution"]["poc_planned"] is False
    assert s.answers["solution"]["rationale"] == "because"


def test_the_review_offers_write_first_then_each_section():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from prdkit.wizard.flow import review

    with create_pipe_input() as pipe:
        s = session("rag-knowledge-base")
        s.io = {"input": pipe, "output": DummyOutput()}
        pipe.send_text("\x1b[B\x1b[B\r")  # write, section 1, section 2
        assert review(s, []) == ("deeper", "scenario")  # nothing answered yet: every section can go deeper
    with create_pipe_input() as pipe:
        s.io = {"input": pipe, "output": DummyOutput()}
        pipe.send_text("\r")
        assert review(s, ["a problem"]) == ("deeper", "background")  # no "Write" while the answers are invalid


def test_an_answer_the_schema_refuses_is_stored_as_blank(monkeypatch, tmp_path):
    import prdkit.wizard.flow as flow

    # e.g. a select whose "(empty)" entry handed back its label instead of nothing
    monkeypatch.setattr(flow, "ask", lambda q, default, lang, **io: "（空）")
    s = session("rag-knowledge-base", lang="zh")
    s.folder = tmp_path
    s.answers = {"background": {"project_name": "x"}}
    s.ask(s.bank.question("scenario.human_in_loop"))
    assert s.answers["scenario"]["human_in_loop"] is None
    assert load_answers(tmp_path / "answers.draft.yaml").answers["scenario"]["human_in_loop"] is None
