"""Random keys through a real terminal: whatever a PM presses (Enter, Esc, arrows, Ctrl-D,
text, `?`), every run ends with valid documents or a draft that loads, never a traceback.

PRDKIT_FUZZ_RUNS sets the number of runs (a few by default to keep CI short; a few hundred
for a thorough pass); PRDKIT_FUZZ_SEED makes a failure repeatable."""

import os
import random
import signal

import pexpect
import pytest

from prdkit.answers import load_answers

from conftest import run_prdkit
from test_wizard_e2e import PROGRESS, spawn

RUNS = int(os.environ.get("PRDKIT_FUZZ_RUNS", "4"))
SEED = int(os.environ.get("PRDKIT_FUZZ_SEED", "13"))
KEYS = ["\r"] * 20 + ["\x1b", "\x1b\r", "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", " ", "?", "?\r", "abc", "5000\r",
                      "2,000\r", "30%\r", "\x15", "y", "n", "\t"]


@pytest.mark.parametrize("run", range(RUNS))
def test_random_keys_end_with_documents_or_a_draft(tmp_path, run):
    rng = random.Random(SEED * 1000 + run)
    lang = rng.choice(["en", "zh"])
    folder = tmp_path / "fuzz"
    args = ["new", folder, "--lang", lang] + (["--preset", rng.choice(["rag-knowledge-base", "agent-assistant", "marketing-creative"])]
                                             if rng.random() < 0.8 else [])
    child = spawn(*args, columns=rng.choice([60, 100, 200]))
    child.delaybeforesend = 0
    child.expect(["Choose a language", "从哪个模板开始", "Start from which preset", PROGRESS])  # the first prompt is up: keys now reach the wizard
    ctrl_d_at = rng.randrange(20, 250) if rng.random() < 0.3 else None
    output = []
    for i in range(250):
        if not child.isalive():
            break
        key = "\x04" if i == ctrl_d_at else rng.choice(KEYS)
        child.send(key)
        try:
            output.append(child.read_nonblocking(100000, timeout=0.05))
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
    # Let the screen settle (a PM presses Ctrl-C at a prompt, not while one is being torn down).
    for _ in range(20):
        try:
            output.append(child.read_nonblocking(100000, timeout=0.5))
        except (pexpect.TIMEOUT, pexpect.EOF):
            break
    # Long enough: interrupt, as a PM would (again if a half-typed key sequence swallowed it),
    # and finally close the terminal.
    for stop in (child.sendintr, child.sendintr, child.sendintr, lambda: child.kill(signal.SIGHUP)):
        if not child.isalive():
            break
        stop()
        try:
            child.expect(pexpect.EOF, timeout=10)
            output.append(child.before or "")
            break
        except pexpect.TIMEOUT:
            continue
    child.close()
    transcript = "".join(output)
    assert "Traceback" not in transcript and "internal error" not in transcript, transcript[-2000:]
    assert child.exitstatus in (0, 130), (child.exitstatus, transcript[-2000:])
    answers, draft = folder / "answers.yaml", folder / "answers.draft.yaml"
    if answers.exists():
        assert child.exitstatus == 0
        assert (folder / "prd.md").exists() and not draft.exists()
        check = run_prdkit("check", answers)
        assert check.returncode in (0, 1), check.stdout + check.stderr  # valid; findings allowed
    elif folder.exists():
        load_answers(draft)  # a draft that loads
