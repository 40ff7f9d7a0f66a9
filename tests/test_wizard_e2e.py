"""The wizard in a real terminal (pexpect pty), in both languages: the quick path with a
preset in at most 30 prompts, Ctrl-D and --resume, a non-empty folder reported up front,
reopening that keeps hidden answers and asks new ones, edit --section, and the refusal
without a terminal.

The driver recognises each question by the progress line the wizard prints before it and
the question's own prompt from the bank, so it answers whatever the wizard asks, in order."""

import io
import os
import re
import sys

import pexpect
import pytest
import yaml

from prdkit.answers import load_answers
from prdkit.bank import load_bank

from conftest import run_prdkit

TIMEOUT = 30
PROGRESS = r"· (question \d+ of \d+|第 \d+/\d+ 题)"
REVIEW = {"en": "What next", "zh": "接下来"}
LANGUAGE = "Choose a language"
PRESET = {"en": "Start from which preset", "zh": "从哪个模板开始"}
FOLDER = {"en": "Where should the documents go", "zh": "文档写到哪里"}
UP, DOWN, ESC_ENTER, CTRL_U = "\x1b[A", "\x1b[B", "\x1b\r", "\x15"


def spawn(*args, env=None, columns=200):
    # No cursor-position requests: nobody answers them in a pty, and prompt_toolkit would wait.
    full_env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES="50", PROMPT_TOOLKIT_NO_CPR="1", **(env or {}))
    child = pexpect.spawn(sys.executable, ["-m", "prdkit", *map(str, args)], encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(50, columns), env=full_env)
    child.delaybeforesend = 0.02
    return child


class Driver:
    """Answers the wizard: typed answers by question path, Enter (the offered answer) for
    the rest; counts every prompt it answers."""

    def __init__(self, child, lang):
        self.child, self.lang = child, lang
        self.prompts = 0
        self.asked: list[str] = []
        bank = load_bank()
        self.by_prompt = [(re.escape(q.prompt[lang][:40]), q) for q in bank.questions()]

    def send(self, keys):
        self.child.send(keys)
        self.prompts += 1

    def question(self):
        """After a progress line: which question is on the screen."""
        index = self.child.expect([p for p, _ in self.by_prompt])
        return self.by_prompt[index][1]

    def answer(self, q, typed):
        if q.type == "multiline":
            self.child.expect("Esc")
            if q.path in typed:
                self.child.send(CTRL_U * 30 + typed[q.path])
            self.send(ESC_ENTER)
        elif q.path in typed:
            self.child.send(CTRL_U + typed[q.path])
            self.send("\r")
        elif isinstance(typed.get(q.path + ":keys"), str):
            self.send(typed[q.path + ":keys"])
        else:
            self.send("\r")
        self.asked.append(q.path)

    def run(self, typed=None, until_review=True, stop_before=None):
        """Answer questions until the review screen (or until `stop_before` is on screen,
        which is then returned unanswered)."""
        typed = typed or {}
        while True:
            index = self.child.expect([PROGRESS, REVIEW[self.lang]])
            if index == 1:
                return None
            self.progress = self.child.after
            q = self.question()
            if stop_before is not None and q.path == stop_before:
                return q
            self.answer(q, typed)


def choose_language_and_preset(driver, lang):
    driver.child.expect(LANGUAGE)
    driver.send("\r" if lang == "zh" else DOWN + "\r")
    driver.child.expect(PRESET[lang])
    driver.send("\r")  # the first preset


def write_and_finish(driver):
    driver.send("\r")  # "Write the documents" is the first choice
    driver.child.expect(pexpect.EOF, timeout=120)
    driver.child.close()
    return driver.child.exitstatus


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_quick_path_with_a_preset_writes_checked_documents_in_30_prompts(tmp_path, lang):
    os.chdir(tmp_path)
    child = spawn("new", columns=140)
    driver = Driver(child, lang)
    choose_language_and_preset(driver, lang)
    name = "Zebra Pilot 斑马"
    driver.run({"background.project_name": name, "background.problem": "First line of a distinct problem\rSecond line"})
    assert write_and_finish(driver) == 0, child.before
    assert driver.prompts <= 30, (driver.prompts, driver.asked)
    folder = tmp_path / "zebra-pilot-斑马"
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert answers["answers"]["background"]["project_name"] == name
    assert answers["answers"]["background"]["problem"] == "First line of a distinct problem\nSecond line"
    # what was not asked is recorded as assumed and listed in the PRD
    assert "background.scope_in" in answers["assumed"] and "background.problem" not in answers["assumed"]
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    heading = "Open assumptions" if lang == "en" else "待确认的假设"
    assumptions = prd.split(heading, 1)[1]
    scope_label = load_bank().question("background.scope_in").label[lang]
    assert scope_label in assumptions and name in prd
    # only applicable, decisive questions were asked: no GPU prices for an API product
    assert "cost.gpu_hour_price" not in driver.asked and "model.deployment" in driver.asked
    assert not re.search(r"[（(](finance|medical|legal|minors)[）)]", prd)
    assert "cost page" not in prd and "成本页" not in prd
    assert not (folder / "answers.draft.yaml").exists()
    check = run_prdkit("check", folder / "answers.yaml")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ctrl_d_midway_keeps_a_draft_that_resume_completes(tmp_path, lang):
    folder = tmp_path / "draft"
    child = spawn("new", folder, "--lang", lang, "--preset", "agent-assistant")
    driver = Driver(child, lang)
    q = driver.run({"background.project_name": "Resumable Otter"}, stop_before="cost.input_tokens")
    assert q is not None
    child.send(CTRL_U + "\x04")  # Ctrl-D on an empty line
    child.expect(pexpect.EOF)
    child.close()
    output = child.before or ""
    assert child.exitstatus == 130
    assert "Traceback" not in output and "--resume" in output
    draft = load_answers(folder / "answers.draft.yaml")  # it loads: valid against the schema
    assert draft.answers["background"]["project_name"] == "Resumable Otter"
    assert "model.deployment" not in draft.assumed and draft.answers["model"]["deployment"] == "open_weights"
    assert not (folder / "prd.md").exists()

    child = spawn("new", folder, "--resume")
    driver = Driver(child, lang)
    driver.run()
    assert driver.asked[0] == "cost.input_tokens"  # nothing answered before is asked again
    assert "background.project_name" not in driver.asked
    assert write_and_finish(driver) == 0
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert answers["answers"]["background"]["project_name"] == "Resumable Otter"
    assert "Resumable Otter" in (folder / "prd.md").read_text(encoding="utf-8")
    assert not (folder / "answers.draft.yaml").exists()


def test_resume_prints_no_empty_section_headers(tmp_path):
    folder = tmp_path / "draft"
    child = spawn("new", folder, "--lang", "en", "--preset", "rag-knowledge-base")
    driver = Driver(child, "en")
    driver.run({"background.project_name": "Headers"}, stop_before="evaluation.metrics")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    child = spawn("new", folder, "--resume")
    child.logfile_read = io.StringIO()
    driver = Driver(child, "en")
    driver.run()
    assert driver.asked[0] == "evaluation.metrics"
    seen = child.logfile_read.getvalue()
    assert "Section 7 of 10" in seen
    for k in (1, 2, 3, 4, 5, 6, 8, 10):  # nothing left to ask there
        assert f"Section {k} of 10" not in seen, k
    child.send("\x03")
    child.expect(pexpect.EOF)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_non_empty_folder_is_reported_before_the_first_section(tmp_path, lang):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    child = spawn("new", folder, "--lang", lang, "--preset", "rag-knowledge-base")
    child.expect(FOLDER[lang])
    assert "notes.txt" in child.before
    assert "Section 1" not in child.before and "第 1/10 节" not in child.before
    child.send("\r")  # another folder name
    child.expect("taken-2")
    child.send("\r")  # the offered name
    child.expect(PROGRESS)
    q = Driver(child, lang).question()
    assert q.path == "background.project_name"
    child.send(CTRL_U + "Otter\r")
    child.expect(PROGRESS)
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    draft = load_answers(tmp_path / "taken-2" / "answers.draft.yaml")
    assert draft.answers["background"]["project_name"] == "Otter"


def _change_audience(driver, lang, to):
    """From the review screen: change one answer → section 1 → the audience."""
    bank = load_bank()
    child = driver.child
    review_choices = 1 + len(bank.sections)  # write, one entry per section, then "change one answer"
    driver.send(DOWN * review_choices + "\r")
    child.expect("Which section" if lang == "en" else "重新回答哪一节")
    driver.send("\r")
    child.expect("Which answer" if lang == "en" else "改哪一个")
    answers = yaml.safe_load(open(driver.draft, encoding="utf-8"))["answers"]
    page = [q.path for q in bank.page("background") if q.applies(answers)]
    driver.send(DOWN * page.index("compliance.audience") + "\r")
    child.expect(re.escape(bank.question("compliance.audience").prompt[lang][:12]))
    choices = bank.question("compliance.audience").choice_values()
    current = answers["compliance"]["audience"]
    steps = choices.index(to) - choices.index(current)
    driver.send((DOWN * steps if steps > 0 else UP * -steps) + "\r")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reopening_keeps_hidden_answers_and_asks_newly_applicable_ones(tmp_path, lang):
    folder = tmp_path / "reopen"
    child = spawn("new", folder, "--lang", lang, "--preset", "rag-knowledge-base")
    driver = Driver(child, lang)
    driver.draft = folder / "answers.draft.yaml"
    # the preset's audience is the public; pick company staff (two up)
    driver.run({"background.project_name": "Reopen", "compliance.audience:keys": UP * 2 + "\r"})
    assert "compliance.public_opinion" not in driver.asked
    # → the public: the public-opinion and filing questions now apply and are asked
    _change_audience(driver, lang, "public")
    driver.asked.clear()
    driver.run({"compliance.public_opinion:keys": "y"})
    assert driver.asked == ["compliance.public_opinion", "compliance.filing_plan"]
    # → staff again: the answer is kept, only left out when writing
    _change_audience(driver, lang, "internal")
    driver.asked.clear()
    driver.run()
    assert driver.asked == []
    hidden = "no longer apply" if lang == "en" else "已不适用"
    assert hidden in child.before
    draft = yaml.safe_load(driver.draft.read_text(encoding="utf-8"))
    assert draft["answers"]["compliance"]["public_opinion"] is True
    # → the public once more: nothing asked again, the earlier answer is back
    _change_audience(driver, lang, "public")
    driver.run()
    assert driver.asked == []
    assert write_and_finish(driver) == 0
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert answers["answers"]["compliance"]["public_opinion"] is True
    assert answers["answers"]["compliance"]["audience"] == "public"


def test_written_answers_leave_out_hidden_ones_and_say_so(tmp_path):
    folder = tmp_path / "hidden"
    child = spawn("new", folder, "--lang", "en", "--preset", "rag-knowledge-base")
    driver = Driver(child, "en")
    driver.draft = folder / "answers.draft.yaml"
    driver.run({"background.project_name": "Hidden"})
    _change_audience(driver, "en", "internal")
    driver.run()
    assert write_and_finish(driver) == 0
    assert "Left out because they no longer apply: Public-opinion attributes" in child.before
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert "public_opinion" not in answers["answers"].get("compliance", {})


def test_edit_section_asks_the_whole_section(tmp_path):
    folder = tmp_path / "edit"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    # the PRD is shared as PDF too: edit keeps prd.pdf in step with the answers
    from lo import pdf_text, require_soffice

    require_soffice()
    assert run_prdkit("render", folder / "answers.yaml", "--format", "md,docx,pdf,checklist").returncode == 0
    before = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    bank = load_bank()
    child = spawn("edit", folder / "answers.yaml", "--section", "cost")
    driver = Driver(child, "en")
    while True:
        index = child.expect([PROGRESS, pexpect.EOF], timeout=120)
        if index == 1:
            break
        driver.answer(driver.question(), {"cost.monthly_active_users": "123456"})
    child.close()
    assert child.exitstatus == 0, child.before
    cost = [q.path for q in bank.section("cost").questions if q.applies(before["answers"])]
    assert driver.asked == cost  # every applicable cost question, the currency first
    after = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert after["answers"]["cost"]["monthly_active_users"] == 123456
    for section in before["answers"]:
        if section == "background":
            ignore = {"version", "doc_date"}
            assert {k: v for k, v in after["answers"][section].items() if k not in ignore} == \
                   {k: v for k, v in before["answers"][section].items() if k not in ignore}
        elif section != "cost":
            assert after["answers"][section] == before["answers"][section], section
    assert after["revisions"][-1]["summary"] == "Changed: Monthly active users"
    assert "123,456" in (folder / "prd.md").read_text(encoding="utf-8")
    assert "123,456" in pdf_text(folder / "prd.pdf")


def test_no_terminal_and_no_defaults_is_refused(tmp_path):
    result = run_prdkit("new", tmp_path / "x", "--lang", "en", input="")
    assert result.returncode == 2
    assert "--defaults" in result.stderr and "terminal" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_a_draft_found_in_the_folder_can_be_continued(tmp_path):
    folder = tmp_path / "found"
    child = spawn("new", folder, "--lang", "zh", "--preset", "rag-knowledge-base")
    Driver(child, "zh").run({"background.project_name": "找到的草稿"}, stop_before="scenario.task_types")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    child = spawn("new", folder)  # no --resume, no --lang: the folder says what to do
    child.expect(FOLDER["zh"])
    assert "草稿" in child.before
    child.send("\r")  # continue the draft there
    child.expect(PROGRESS)
    assert Driver(child, "zh").question().path == "scenario.task_types"
    child.send("\x03")
    child.expect(pexpect.EOF)


def test_full_asks_what_the_quick_path_assumes(tmp_path):
    child = spawn("new", tmp_path / "full", "--lang", "en", "--preset", "rag-knowledge-base", "--full")
    driver = Driver(child, "en")
    q = driver.run({"background.project_name": "Full"}, stop_before="background.version")
    assert driver.asked == ["background.project_name", "background.owner", "background.business_line"]
    assert q.path == "background.version"
    # every background question, the region, currency and audience asked there included
    assert driver.progress == "· question 4 of 18"
    child.send("\x03")
    child.expect(pexpect.EOF)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_go_deeper_asks_the_rest_of_a_section(tmp_path, lang):
    folder = tmp_path / "deeper"
    child = spawn("new", folder, "--lang", lang, "--preset", "rag-knowledge-base")
    driver = Driver(child, lang)
    driver.run({"background.project_name": "Deeper"})
    bank = load_bank()
    draft = yaml.safe_load((folder / "answers.draft.yaml").read_text(encoding="utf-8"))
    rest = [q.path for q in bank.page("compliance") if q.applies(draft["answers"]) and q.path in draft["assumed"]]
    assert rest  # the quick path assumed them
    driver.send(DOWN * 9 + "\r")  # write, sections 1–8, then "Go deeper: 9. Compliance"
    child.expect("Section 9 of 10" if lang == "en" else "第 9/10 节：")
    driver.asked.clear()
    driver.run({"compliance.copyright": "Only our own texts"})
    assert driver.asked == rest
    assert write_and_finish(driver) == 0
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert answers["answers"]["compliance"]["copyright"] == "Only our own texts"
    assert not [p for p in answers.get("assumed", []) if p.startswith("compliance.")]
    assert "Only our own texts" in (folder / "prd.md").read_text(encoding="utf-8")
