"""The wizard in a real terminal (pexpect pty), in both languages: full run, Ctrl-C and
--resume, edit --section, and the refusal without a terminal."""

import os
import re
import sys

import pexpect
import pytest
import yaml

from prdkit.bank import load_bank
from prdkit.presets import get_preset, initial_answers

from conftest import run_prdkit

TIMEOUT = 30
KEEP = {"zh": "保留现有的", "en": "Keep the"}


def spawn(*args, env=None):
    # No cursor-position requests: nobody answers them in a pty, and prompt_toolkit would wait.
    full_env = dict(os.environ, TERM="xterm-256color", COLUMNS="200", LINES="50", PROMPT_TOOLKIT_NO_CPR="1", **(env or {}))
    child = pexpect.spawn(sys.executable, ["-m", "prdkit", *map(str, args)], encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(50, 200), env=full_env)
    child.delaybeforesend = 0.01
    return child


def questions_for(preset, lang):
    bank = load_bank()
    answers = initial_answers(bank, lang, get_preset(preset))
    return [q for q in bank.questions() if q.applies(answers)]


def expect_question(child, q, lang):
    child.expect(re.escape(q.prompt[lang][:18]))


def answer_default(child, q, lang):
    """Accept what the preset put there."""
    expect_question(child, q, lang)
    if q.type == "multiline":
        child.expect("Esc")  # questionary's multi-line hint: the text box is ready
        child.send("\x1b\r")
    elif q.type in ("list", "records"):
        child.expect(KEEP[lang])
        child.send("\r")
    else:
        child.send("\r")


def replace_text(child, text, lines=30):
    child.send("\x15" * lines)  # Ctrl-U clears the line, and at a line start the newline before it
    child.send(text)


def run_through(child, questions, lang, typed):
    for q in questions:
        if q.path in typed:
            expect_question(child, q, lang)
            if q.type == "multiline":
                child.expect("Esc")
                replace_text(child, typed[q.path])
                child.send("\x1b\r")
            else:
                replace_text(child, typed[q.path], 1)
                child.send("\r")
        else:
            answer_default(child, q, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_full_run_with_typed_answers(tmp_path, lang):
    folder = tmp_path / "wizard"
    typed = {"background.project_name": "Zebra Pilot 斑马", "background.problem": "First line of a distinct problem\rSecond line"}
    child = spawn("new", folder, "--lang", lang, "--preset", "rag-knowledge-base")
    run_through(child, questions_for("rag-knowledge-base", lang), lang, typed)
    child.expect("What next" if lang == "en" else "接下来")
    child.send("\r")  # the first choice writes the documents
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    assert child.exitstatus == 0, child.before
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert answers["answers"]["background"]["project_name"] == "Zebra Pilot 斑马"
    assert answers["answers"]["background"]["problem"] == "First line of a distinct problem\nSecond line"
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    assert "Zebra Pilot 斑马" in prd and "First line of a distinct problem" in prd and "Second line" in prd
    assert not (folder / "answers.draft.yaml").exists()


def test_ctrl_c_saves_a_draft_and_resume_completes_it(tmp_path):
    folder = tmp_path / "draft"
    questions = questions_for("agent-assistant", "en")
    child = spawn("new", folder, "--lang", "en", "--preset", "agent-assistant")
    typed = {"background.project_name": "Resumable Otter"}
    run_through(child, questions[:12], "en", typed)
    expect_question(child, questions[12], "en")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    output = child.before or ""
    assert child.exitstatus == 130
    assert "Traceback" not in output and "--resume" in output
    draft = yaml.safe_load((folder / "answers.draft.yaml").read_text(encoding="utf-8"))
    assert draft["answers"]["background"]["project_name"] == "Resumable Otter"
    assert not (folder / "prd.md").exists()

    child = spawn("new", folder, "--resume")
    run_through(child, questions[12:], "en", {})
    child.expect("What next")
    child.send("\r")
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    assert child.exitstatus == 0
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert answers["answers"]["background"]["project_name"] == "Resumable Otter"
    assert "Resumable Otter" in (folder / "prd.md").read_text(encoding="utf-8")
    assert not (folder / "answers.draft.yaml").exists()


def test_edit_section_changes_only_that_section(tmp_path):
    folder = tmp_path / "edit"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    before = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    bank = load_bank()
    cost_questions = [q for q in bank.section("cost").questions if q.applies(before["answers"])]
    child = spawn("edit", folder / "answers.yaml", "--section", "cost")
    run_through(child, cost_questions, "en", {"cost.monthly_active_users": "123456"})
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    assert child.exitstatus == 0, child.before
    after = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert after["answers"]["cost"]["monthly_active_users"] == 123456
    for section in before["answers"]:
        if section == "background":
            # the edit is a new revision: only the version (and date) move
            ignore = {"version", "doc_date"}
            assert {k: v for k, v in after["answers"][section].items() if k not in ignore} == \
                   {k: v for k, v in before["answers"][section].items() if k not in ignore}
        elif section != "cost":
            assert after["answers"][section] == before["answers"][section], section
    assert after["revisions"][-1]["summary"] == "Changed: Monthly active users"
    assert "123,456" in (folder / "prd.md").read_text(encoding="utf-8")


def test_no_terminal_and_no_defaults_is_refused(tmp_path):
    result = run_prdkit("new", tmp_path / "x", "--lang", "en", input="")
    assert result.returncode == 2
    assert "--defaults" in result.stderr and "terminal" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()
