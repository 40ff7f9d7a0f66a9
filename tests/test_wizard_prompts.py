"""Each question type driven through prompt_toolkit's pipe input."""

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from prdkit.bank import load_bank
from prdkit.wizard import prompts
from prdkit.wizard.flow import ask_section, review

DOWN = "\x1b[B"
ENTER = "\r"


@pytest.fixture
def keys():
    with create_pipe_input() as pipe:
        yield pipe


def io(pipe):
    return {"input": pipe, "output": DummyOutput()}


def q(path):
    return load_bank().question(path)


def test_text_default_is_accepted(keys):
    keys.send_text(ENTER)
    assert prompts.ask(q("background.owner"), "Wen Li", "en", **io(keys)) == "Wen Li"


def test_required_text_stays_until_given(keys):
    keys.send_text(ENTER + "Ada" + ENTER)
    assert prompts.ask(q("background.owner"), None, "en", **io(keys)) == "Ada"


def test_help_then_answer(keys, capsys):
    keys.send_text("?" + ENTER + "Ada" + ENTER)
    assert prompts.ask(q("background.owner"), None, "en", **io(keys)) == "Ada"
    assert "author of the Word document" in capsys.readouterr().out


def test_int_out_of_range_is_rejected_then_accepted(keys):
    keys.send_text("-5" + ENTER + "\x15" + "abc" + ENTER + "\x15" + "1200" + ENTER)
    assert prompts.ask(q("scenario.daily_requests"), None, "en", **io(keys)) == 1200


def test_float_with_unit_and_date(keys):
    keys.send_text("\x15" + "2.5" + ENTER)
    assert prompts.ask(q("scenario.latency_p95_s"), 5, "en", **io(keys)) == 2.5
    with create_pipe_input() as pipe:
        pipe.send_text("2026-13-01" + ENTER + "\x15" * 12 + "2026-02-01" + ENTER)
        assert prompts.ask(q("background.doc_date"), None, "en", **io(pipe)) == "2026-02-01"


def test_choice_with_arrow_keys(keys):
    keys.send_text(DOWN + ENTER)
    # choices: high, medium, low, none; default medium -> one down is low
    assert prompts.ask(q("scenario.error_tolerance"), "medium", "en", **io(keys)) == "low"


def test_multichoice_toggles_with_space(keys):
    keys.send_text(" " + DOWN + " " + ENTER)
    assert prompts.ask(q("scenario.task_types"), [], "en", **io(keys)) == ["generation", "extraction"]


def test_bool(keys):
    keys.send_text("n")
    assert prompts.ask(q("launch.kill_switch"), True, "en", **io(keys)) is False


def test_list_entry_and_keep(keys):
    keys.send_text("first" + ENTER + "second" + ENTER + ENTER)
    assert prompts.ask(q("background.scope_in"), None, "en", **io(keys)) == ["first", "second"]
    with create_pipe_input() as pipe:
        pipe.send_text("y")
        assert prompts.ask(q("background.scope_in"), ["kept"], "en", **io(pipe)) == ["kept"]


def test_records_entry(keys):
    # add a row? yes; name, baseline, target, measurement; add another? no
    keys.send_text("y" + "Accuracy" + ENTER + "80%" + ENTER + "90%" + ENTER + "weekly sample" + ENTER + "n")
    rows = prompts.ask(q("background.success_metrics"), None, "en", **io(keys))
    assert rows == [{"name": "Accuracy", "baseline": "80%", "target": "90%", "measurement": "weekly sample"}]


def test_multiline(keys):
    keys.send_text("line one" + ENTER + "line two" + "\x1b" + ENTER)
    assert prompts.ask(q("background.problem"), None, "en", **io(keys)) == "line one\nline two"


def test_when_skips_questions_that_do_not_apply(keys):
    bank = load_bank()
    section = bank.section("solution")
    answers = {"solution": {"paths": ["prompt"]}}
    # only paths (checkbox: Enter keeps [prompt]), prompt_design (multiline), alignment, rationale
    # and poc_planned apply; "n" for no POC, so none of the POC questions is asked
    keys.send_text(ENTER + "design" + "\x1b" + ENTER + "align" + "\x1b" + ENTER + "because" + "\x1b" + ENTER + "n")
    ask_section(bank, section, answers, {}, "en", (3, 10), **io(keys))
    assert set(answers["solution"]) == {"paths", "prompt_design", "alignment", "rationale", "poc_planned"}
    assert answers["solution"]["poc_planned"] is False
    assert answers["solution"]["rationale"] == "because"


def test_review_can_reopen_a_section(keys):
    bank = load_bank()
    keys.send_text(DOWN + DOWN + ENTER)  # write, reopen 1, reopen 2 -> scenario
    assert review(bank, {}, "en", **io(keys)) == "scenario"
    with create_pipe_input() as pipe:
        pipe.send_text(ENTER)
        assert review(bank, {}, "en", **io(pipe)) == "write"
