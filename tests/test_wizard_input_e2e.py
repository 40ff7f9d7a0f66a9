"""How single prompts behave in a real terminal (pexpect pty), in both languages: typing over
a pre-filled number, numbers written the way people write them, Esc then Enter on every
select and confirm, `?` on a pre-filled question, Ctrl-D on any prompt, and a Chinese
transcript without questionary's English.

The wizard is driven by what it shows, not by a fixed script: each prompt's key hint says
that a prompt is waiting and what kind it is, and the last question title before the hint
says which question it is. So the driver follows whichever questions the flow decides to
ask, in whatever order."""

import datetime as _dt
import os
import re
import sys
from io import StringIO

import pexpect
import pytest
import yaml

from prdkit.bank import load_bank
from prdkit.wizard import numbers
from prdkit.wizard.prompts import _strings

from conftest import run_prdkit

TIMEOUT = 40
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][A-Z0-9]|[=>78])")
KINDS = ("hint_text", "hint_text_default", "hint_multiline", "hint_multiline_default", "hint_list_item",
         "hint_select", "hint_checkbox", "hint_confirm")
# questionary selects the flow may still use (the review screen): answered with Enter
QUESTIONARY_SELECT = ["(Use arrow keys)", "(方向键选择，Enter 确认)", "(arrow keys to move, Enter to choose)"]
# What questionary prints in English whatever the language; none may reach a Chinese PM.
QUESTIONARY_ENGLISH = ["Use arrow keys", "Use shortcuts", "<space> to select", "<a> to toggle", "<i> to invert",
                       "(Y/n)", "(y/N)", "done (", "selections)", "Finish with 'Alt+Enter'", "Esc then Enter",
                       "Cancelled by user", "Invalid input", "Answer: "]


def plain(text):
    return ANSI.sub("", text or "").replace("\r", "")


def spawn(*args, columns=200):
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES="50", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(sys.executable, ["-m", "prdkit", *map(str, args)], encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(50, columns), env=env)
    child.delaybeforesend = 0.02
    child.logfile_read = StringIO()
    return child


class Driver:
    """Answers whatever the wizard asks: typed text where the test says so, otherwise the
    default (or a valid answer where there is none). `esc` presses Esc before every Enter on
    a select or confirm."""

    def __init__(self, child, lang, typed=None, esc=False):
        self.child, self.lang, self.typed, self.esc = child, lang, dict(typed or {}), esc
        strings = _strings()
        self.hints = [(kind, strings[kind][lang]) for kind in KINDS]
        # the first two phrases of a hint: they tell the kinds apart and share a line even at 60 columns
        self.patterns = [re.escape(" · ".join(text.split(" · ")[:2])) for _, text in self.hints]
        self.patterns += [re.escape(m) for m in QUESTIONARY_SELECT]
        self.questions = [q for q in load_bank().questions()]
        self.asked: list[str] = []
        self.menus = 0
        self.review = "? " + strings["review_choice"][lang]

    def current(self, screen):
        """The question whose title was printed last, and whether the review came after it."""
        best, where = None, -1
        for q in self.questions:
            spot = screen.rfind("? " + q.prompt[self.lang][:16])
            if spot > where:
                best, where = q, spot
        return best, screen.rfind(self.review) > where

    def answer_for(self, q, kind, screen):
        if kind in ("hint_select", "hint_checkbox", "hint_confirm"):
            self.menus += 1
            return "\x1b\r" if self.esc else "\r"
        if q is not None and q.path in self.typed and q.type not in ("list", "records") and q.path not in self.asked:
            self.asked.append(q.path)
            return self.typed[q.path] + ("\x1b\r" if kind.startswith("hint_multiline") else "\r")
        if kind in ("hint_text_default", "hint_multiline_default"):
            return "\r"
        if kind == "hint_list_item":
            first = "? " + _strings()["list_item"][self.lang].format(i=1)
            return "first item\r" if q is not None and q.required and first in screen[-400:] else "\r"
        if kind == "hint_multiline":
            return "A plain answer\x1b\r"
        if q is None or q.type in ("records", "list"):
            return "1\r"  # a table cell with no default: 1 fits text and number columns alike
        if q.type in ("int", "float"):
            return numbers.example(q.type == "int", q.unit, q.min, q.max, q.default) + "\r"
        if q.type == "date":
            return _dt.date.today().isoformat() + "\r"
        return "A plain answer\r"

    def run(self, until_review=False, stop_at=None, stop_at_kind=None):
        """Answer until the wizard ends (or, with until_review, until the review shows; with
        stop_at, until that question waits, unanswered; with stop_at_kind=(kind, n), until
        the n-th prompt of that kind waits)."""
        seen = {}
        while True:
            index = self.child.expect(self.patterns + [pexpect.EOF], timeout=TIMEOUT)
            if index == len(self.patterns):
                return
            screen = plain(self.child.before + self.child.after)
            q, at_review = self.current(plain(self.child.logfile_read.getvalue()))
            if at_review or index >= len(self.hints):
                if until_review and at_review:
                    return
                self.send("\r")
                continue
            kind = self.hints[index][0]
            seen[kind] = seen.get(kind, 0) + 1
            if stop_at is not None and q is not None and q.path == stop_at:
                return kind
            if stop_at_kind == (kind, seen[kind]):
                return kind
            self.send(self.answer_for(q, kind, screen))

    def send(self, keys):
        """Send an answer and wait until its prompt has ended: a prompt may draw its hint
        more than once (a full redraw), and only the first one asks for an answer."""
        self.child.send(keys)
        ended(self.child)

    def transcript(self):
        return plain(self.child.logfile_read.getvalue())


def ended(child):
    """Wait for the end of the running prompt (prompt_toolkit turns bracketed paste off)."""
    child.expect_exact("\x1b[?2004l", timeout=TIMEOUT)


def finish(child):
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    return child.exitstatus


def answers_of(folder):
    return yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))["answers"]


def prefilled(tmp_path, lang, preset="rag-knowledge-base", **changes):
    """A PRD folder made without questions, with some answers changed by hand."""
    folder = tmp_path / f"prd-{lang}"
    assert run_prdkit("new", folder, "--preset", preset, "--lang", lang, "--defaults").returncode == 0
    data = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    for path, value in changes.items():
        section, key = path.split(".")
        data["answers"][section][key] = value
    (folder / "answers.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


# ---------------------------------------------------------------- typing over a default


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_typed_5000_over_a_prefilled_70_gives_5000(tmp_path, lang):
    folder = prefilled(tmp_path, lang, **{"scenario.daily_requests": 70})
    child = spawn("edit", folder / "answers.yaml", "--section", "scenario")
    driver = Driver(child, lang, typed={"scenario.daily_requests": "5000"})
    driver.run()
    assert finish(child) == 0, driver.transcript()[-2000:]
    assert "scenario.daily_requests" in driver.asked
    assert answers_of(folder)["scenario"]["daily_requests"] == 5000
    assert "5,000" in (folder / "prd.md").read_text(encoding="utf-8")
    assert "705000" not in driver.transcript() and "705,000" not in (folder / "prd.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, users", [("en", "2,000"), ("zh", "2，000")])
def test_separators_and_percent_are_read_as_meant(tmp_path, lang, users):
    folder = prefilled(tmp_path, lang)
    child = spawn("edit", folder / "answers.yaml", "--section", "cost")
    typed = {"cost.monthly_active_users": users, "cost.cached_share": "30%"}
    driver = Driver(child, lang, typed=typed)
    driver.run()
    assert finish(child) == 0, driver.transcript()[-2000:]
    asked = set(driver.asked)
    after = answers_of(folder)["cost"]
    assert "cost.monthly_active_users" in asked and after["monthly_active_users"] == 2000
    if "cost.cached_share" in asked:  # asked only when the model is bought by the token
        assert after["cached_share"] == 30


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refused_number_says_why_and_the_prompt_waits(tmp_path, lang):
    folder = prefilled(tmp_path, lang, **{"scenario.daily_requests": 70})
    child = spawn("edit", folder / "answers.yaml", "--section", "scenario")
    driver = Driver(child, lang)
    assert driver.run(stop_at="scenario.daily_requests") == "hint_text_default"
    child.send("5分钟\r")
    reason = {"en": "This one is in requests/day", "zh": "这一题的单位是“次/天”"}[lang]
    child.expect(re.escape(reason))
    child.send("\x15" + "1.5k\r")
    ended(child)
    driver.run()
    assert finish(child) == 0, driver.transcript()[-2000:]
    assert answers_of(folder)["scenario"]["daily_requests"] == 1500


# ---------------------------------------------------------------- help on a pre-filled question


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_question_mark_shows_help_on_a_prefilled_question(tmp_path, lang):
    folder = prefilled(tmp_path, lang, **{"scenario.daily_requests": 70})
    q = load_bank().question("scenario.daily_requests")
    child = spawn("edit", folder / "answers.yaml", "--section", "scenario")
    driver = Driver(child, lang)
    assert driver.run(stop_at=q.path) == "hint_text_default"
    child.send("?\r")
    child.expect(re.escape(q.help[lang][:20]))
    child.expect(re.escape(_strings()["hint_text_default"][lang]))  # the same prompt, waiting again
    child.send("\r")  # Enter keeps 70
    ended(child)
    driver.run()
    assert finish(child) == 0, driver.transcript()[-2000:]
    assert answers_of(folder)["scenario"]["daily_requests"] == 70


# ---------------------------------------------------------------- Esc, Ctrl-D, and the Chinese transcript


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_esc_then_enter_on_every_select_and_confirm_ends_in_valid_documents(tmp_path, lang):
    folder = tmp_path / "esc"
    child = spawn("new", folder, "--lang", lang, "--preset", "agent-assistant")
    driver = Driver(child, lang, esc=True)
    driver.run()
    assert finish(child) == 0, driver.transcript()[-3000:]
    assert driver.menus >= 5
    checked = run_prdkit("check", folder / "answers.yaml")
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr  # findings are fine; invalid is not
    assert "''" not in (folder / "answers.yaml").read_text(encoding="utf-8")
    assert (folder / "prd.md").exists() and (folder / "prd.docx").exists()


def test_the_chinese_wizard_shows_no_english(tmp_path):
    folder = tmp_path / "zh"
    child = spawn("new", folder, "--lang", "zh", "--preset", "rag-knowledge-base")
    driver = Driver(child, "zh")
    driver.run(until_review=True)
    # Everything the prompts showed, up to the review screen (the flow's own select).
    transcript = driver.transcript()
    transcript = transcript[:transcript.rfind(driver.review)]
    child.send("\r")
    assert finish(child) == 0, driver.transcript()[-3000:]
    strings = _strings()
    assert len(transcript) > 2000 and strings["hint_select"]["zh"] in transcript and strings["hint_text_default"]["zh"] in transcript
    for english in QUESTIONARY_ENGLISH:
        assert english not in transcript, english
    for key, text in _strings().items():
        piece = max(re.split(r"\{[^}]*\}", text["en"]), key=len).strip()
        if text["en"] != text["zh"] and len(piece) >= 8:
            assert piece not in transcript, key
    # choices by their labels, never their ids
    assert not re.search(r"（(?:finance|medical|high|medium|low|none)）|\b(?:high|medium) \|", transcript)


@pytest.mark.parametrize("key, kind", [("\x04", "hint_text_default"), ("\x04", "hint_select"),
                                       ("\x03", "hint_select"), ("\x04", "hint_multiline_default")])
def test_ctrl_d_and_ctrl_c_on_any_prompt_keep_a_draft(tmp_path, key, kind):
    folder = tmp_path / "stop"
    child = spawn("new", folder, "--lang", "en", "--preset", "agent-assistant")
    # a few answers in, so that there is something to keep
    assert Driver(child, "en").run(stop_at_kind=(kind, 2)) == kind
    child.send(key)
    assert finish(child) == 130
    output = plain(child.logfile_read.getvalue())
    assert "Traceback" not in output and "--resume" in output
    assert (folder / "answers.draft.yaml").exists()


# ---------------------------------------------------------------- 60 columns


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sixty_columns_wrap_on_word_and_cjk_boundaries(tmp_path, lang):
    folder = tmp_path / "narrow"
    child = spawn("new", folder, "--lang", lang, "--preset", "agent-assistant", columns=60)
    driver = Driver(child, lang)
    driver.run(until_review=True)
    transcript = driver.transcript()
    transcript = transcript[:transcript.rfind(driver.review)]
    child.sendintr()
    child.expect(pexpect.EOF)
    lines = [line.rstrip() for line in transcript.split("\n")]
    from prdkit.wizard.text import cell_width, wrap

    # the sections whose header was printed ("Section 3 of 10: …" / "第 3/10 节：…")
    shown = [s for s in load_bank().sections if any(line.endswith((": " + s.title[lang], "：" + s.title[lang]))
                                                     for line in lines)]
    assert len(shown) >= 2
    for section in shown:
        # each section intro is printed as the wrapper lays it out for this width (59 columns
        # of text and a margin), so no line is wider than the terminal and no word is cut
        expected = wrap(section.why[lang], 59, "  ")
        assert all(cell_width(line) <= 60 for line in expected)
        for line in expected:
            assert line.rstrip() in lines, (line, section.id)
        if lang == "en":
            for word in re.findall(r"[A-Za-z]+", section.why[lang]):
                assert any(re.search(rf"\b{word}\b", line) for line in expected), word
