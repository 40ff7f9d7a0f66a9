"""Each question type driven through prompt_toolkit's pipe input.

The keys are sent and the pipe closed before the prompt runs, so a prompt that wants more
keys than the test gives ends with Interrupted("eof") instead of hanging."""

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from prdkit.bank import load_bank
from prdkit.wizard import prompts

DOWN = "\x1b[B"
UP = "\x1b[A"
ENTER = "\r"
ESC = "\x1b"
CTRL_D = "\x04"
CTRL_C = "\x03"


def q(path):
    return load_bank().question(path)


def run(function, keys, *args, **kwargs):
    """`function` over these keys. Running out of keys is a test failure, not a
    KeyboardInterrupt (which would stop pytest itself)."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        try:
            return function(*args, input=pipe, output=DummyOutput(), **kwargs)
        except prompts.Interrupted as stop:
            raise AssertionError(f"the prompt stopped ({stop.reason}) before it had an answer") from None


def ask(path, default, keys, lang="en"):
    return run(prompts.ask, keys, q(path), default, lang)


def stopped_by(path, default, keys):
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        try:
            prompts.ask(q(path), default, "en", input=pipe, output=DummyOutput())
        except prompts.Interrupted as stop:
            return stop
    return None


# ---------------------------------------------------------------- defaults and typing


def test_text_default_is_accepted_with_enter():
    assert ask("background.owner", "Wen Li", ENTER) == "Wen Li"


def test_typing_replaces_a_prefilled_number():
    # the old prompt put the default in the box, so typed 5000 became 705000
    assert ask("scenario.daily_requests", 70, "5000" + ENTER) == 5000
    assert ask("scenario.daily_requests", 70, ENTER) == 70


def test_typing_replaces_prefilled_text_and_tab_edits_it():
    assert ask("background.owner", "Wen Li", "Ada" + ENTER) == "Ada"
    assert ask("background.owner", "Wen Li", "\t" + " Jr" + ENTER) == "Wen Li Jr"


def test_required_text_stays_until_given():
    assert ask("background.owner", None, ENTER + "Ada" + ENTER) == "Ada"


def test_optional_text_left_empty_is_none():
    question = next(x for x in load_bank().questions() if x.type == "text" and not x.required)
    assert ask(question.path, None, ENTER) is None


@pytest.mark.parametrize("mark", ["?", "？"])
def test_help_on_a_prefilled_question_keeps_the_default(capsys, mark):
    assert ask("background.owner", "Wen Li", mark + ENTER + ENTER) == "Wen Li"
    assert "author of the Word document" in capsys.readouterr().out


@pytest.mark.parametrize("path, default, keys, expected", [
    ("scenario.error_tolerance", "medium", ENTER, "medium"),
    ("scenario.task_types", ["generation"], ENTER, ["generation"]),
    ("launch.kill_switch", False, ENTER, False),
    ("scenario.latency_p95_s", 5, ENTER + ENTER, 5),  # text: ? then Enter, like any answer
    ("background.problem", "Slow answers", ENTER + ESC + ENTER, "Slow answers"),
    ("background.scope_in", ["kept"], ENTER, ["kept"]),
    ("background.success_metrics", [{"name": "Accuracy", "target": "90%"}], ENTER,
     [{"name": "Accuracy", "target": "90%"}]),
])
def test_help_on_every_question_type(capsys, path, default, keys, expected):
    assert ask(path, default, "?" + keys) == expected
    assert q(path).help["en"][:30] in capsys.readouterr().out


def test_help_on_a_multiline_question_does_not_answer_it(capsys):
    assert ask("background.problem", "Slow answers", "?" + ENTER + "New" + ESC + ENTER) == "New"
    assert q("background.problem").help["en"][:30] in capsys.readouterr().out


def test_help_in_chinese(capsys):
    assert ask("scenario.error_tolerance", "medium", "?" + ENTER, "zh") == "medium"
    assert q("scenario.error_tolerance").help["zh"][:10] in capsys.readouterr().out


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize("typed, expected", [
    ("2,000", 2000), ("2，000", 2000), ("2 000", 2000), ("２０００", 2000), ("2k", 2000), ("1.5万", 15000),
    ("3000次/天", 3000), ("3000 requests/day", 3000),
])
def test_numbers_as_people_type_them(typed, expected):
    assert ask("scenario.daily_requests", 70, typed + ENTER) == expected


def test_seconds_with_their_unit():
    assert ask("scenario.latency_p95_s", 5, "2.5秒" + ENTER) == 2.5
    assert ask("scenario.latency_p95_s", 5, "2.5 s" + ENTER) == 2.5


def test_percent_sign_on_a_percentage_question():
    assert ask("cost.automation_rate", 50, "30%" + ENTER) == 30


def test_a_fraction_on_a_percentage_question_asks_what_was_meant():
    assert ask("cost.automation_rate", 50, "0.3" + ENTER + ENTER) == 30          # yes, 30%
    assert ask("cost.automation_rate", 50, "0.3" + ENTER + DOWN + ENTER) == 0.3  # no, 0.3% as typed
    assert ask("cost.automation_rate", 50, "0.3%" + ENTER) == 0.3                # said so: no question


def test_a_fraction_refused_as_typed_is_asked_again(capsys):
    # GPU utilisation starts at 1%: 0.3% cannot be, so "no" leads back to the question
    assert ask("cost.gpu_utilisation", 40, "0.3" + ENTER + DOWN + ENTER + "45" + ENTER) == 45
    assert "at least 1" in capsys.readouterr().out


def test_int_out_of_range_is_rejected_then_accepted():
    assert ask("scenario.daily_requests", None, "-5" + ENTER + "\x15" + "abc" + ENTER + "\x15" + "1200" + ENTER) == 1200


@pytest.mark.parametrize("path, typed, lang, reason", [
    ("scenario.daily_requests", "abc", "en", "“abc” is not a number. Type digits, for example 1,000"),
    ("scenario.daily_requests", "abc", "zh", "“abc”不是数字。请写数字，例如 1,000"),
    ("scenario.daily_requests", "-5", "en", "Must be at least 0, for example 1,000"),
    ("scenario.daily_requests", "2.5", "zh", "这里要整数，例如 1,000"),
    ("scenario.daily_requests", "2,50", "en", "Thousands separators group three digits"),
    ("scenario.latency_p95_s", "5分钟", "zh", "这一题的单位是“秒”"),
    ("scenario.latency_p95_s", "5 minutes", "en", "This one is in s: write that unit or none, for example 5"),
    ("cost.automation_rate", "150%", "en", "Must be at most 100, for example 50%"),
    ("evaluation.margin", "30%", "en", "This one is in percentage points"),
])
def test_every_refusal_says_why_with_an_example(path, typed, lang, reason):
    assert reason in prompts.number_problem(q(path), typed, lang)


def test_percent_in_a_table_column_labelled_percent():
    metrics = q("evaluation.metrics")
    target = metrics.field("target")
    assert prompts.number_problem(target, "90%", "en") is None
    keys = "Accuracy" + ENTER + "92%" + ENTER + ENTER + ENTER + ENTER  # name, target, direction, method, done
    rows = ask("evaluation.metrics", [], keys)
    assert rows == [{"name": "Accuracy", "target": 92.0}]


def test_float_and_date():
    assert ask("scenario.latency_p95_s", 5, "\x15" + "2.5" + ENTER) == 2.5
    assert ask("background.doc_date", None, "2026-13-01" + ENTER + "\x15" * 12 + "2026-02-01" + ENTER) == "2026-02-01"
    assert ask("background.doc_date", "2026-01-01", "2026年3月1日" + ENTER) == "2026-03-01"
    assert ask("background.doc_date", "2026-01-01", "2026/3/9" + ENTER) == "2026-03-09"


# ---------------------------------------------------------------- selects and confirms


def test_choice_with_arrow_keys():
    # choices: high, medium, low, none; default medium -> one down is low
    assert ask("scenario.error_tolerance", "medium", DOWN + ENTER) == "low"


@pytest.mark.parametrize("path, default", [
    ("scenario.error_tolerance", "medium"), ("launch.kill_switch", True), ("launch.kill_switch", False),
    ("scenario.task_types", ["generation"]),
])
def test_esc_never_stores_an_empty_answer(path, default):
    # questionary answered '' to Esc then Enter, and the schema refused it at the very end
    assert ask(path, default, ESC + ENTER) == default
    assert ask(path, default, ESC + ESC + ENTER) == default


def test_optional_choice_without_answer_points_at_leave_empty():
    question = next(x for x in load_bank().questions() if x.type == "choice" and not x.required)
    assert ask(question.path, None, ENTER) is None
    assert ask(question.path, None, "1" + ENTER) == question.choices[0].value


def test_multichoice_toggles_with_space():
    assert ask("scenario.task_types", [], " " + DOWN + " " + ENTER) == ["generation", "extraction"]


def test_required_multichoice_insists_on_one():
    assert ask("scenario.task_types", [], ENTER + " " + ENTER) == ["generation"]


def test_bool_keys():
    assert ask("launch.kill_switch", True, "n") is False
    assert ask("launch.kill_switch", False, "y") is True
    assert ask("launch.kill_switch", True, DOWN + ENTER) is False


@pytest.mark.parametrize("path, default", [
    ("background.owner", "x"), ("scenario.daily_requests", 70), ("background.problem", "x"),
    ("scenario.error_tolerance", "medium"), ("scenario.task_types", []), ("launch.kill_switch", True),
    ("background.scope_in", ["a"]), ("background.success_metrics", []),
])
@pytest.mark.parametrize("key, reason", [(CTRL_D, "ctrl-d"), (CTRL_C, "ctrl-c"), ("", "eof")])
def test_every_prompt_stops_the_same_way(path, default, key, reason):
    stop = stopped_by(path, default, key)
    assert isinstance(stop, KeyboardInterrupt) and stop.reason == reason


def test_ctrl_d_after_typing_still_stops():
    assert stopped_by("scenario.daily_requests", 70, "12" + CTRL_D).reason == "ctrl-d"


def test_choose_and_confirm_for_the_flow(capsys):
    options = [("a", "Apple"), ("b", "Banana")]
    assert run(prompts.choose, DOWN + ENTER, "Fruit?", options, "en") == "b"
    assert run(prompts.choose, "?" + ESC + ENTER, "Fruit?", options, "en", default="b", help="Yellow ones") == "b"
    assert "Yellow ones" in capsys.readouterr().out
    assert run(prompts.confirm, ENTER, "Sure?", "zh", default=False) is False
    assert run(prompts.confirm, "y", "Sure?", "zh", default=False) is True


def test_choose_takes_questionary_choices_and_never_returns_nothing():
    from questionary import Choice

    options = [Choice("Write the documents", value="write"), Choice("Quit", value="quit")]
    assert run(prompts.choose, ESC + ENTER, "What next?", options, "en", default=None) == "write"
    assert run(prompts.choose, ESC + DOWN + ESC + ENTER, "What next?", options, "en") == "quit"


def test_ask_line():
    assert run(prompts.ask_line, ENTER, "Folder name:", "en", default="prd-2") == "prd-2"
    assert run(prompts.ask_line, ENTER + "mine" + ENTER, "Folder name:", "zh") == "mine"


def test_other_interrupts_pass_through_unchanged():
    class Hangup(KeyboardInterrupt):
        pass

    def hang_up(pre_run):
        pre_run()
        raise Hangup()

    with pytest.raises(Hangup):
        prompts._run(hang_up)


# ---------------------------------------------------------------- lists and tables


def test_list_entry():
    assert ask("background.scope_in", None, "first" + ENTER + "second" + ENTER + ENTER + ENTER) == ["first", "second"]


def test_list_keep_all():
    assert ask("background.scope_in", ["kept", "also"], ENTER) == ["kept", "also"]


def test_list_change_one_item_keeps_the_rest():
    # menu: keep, add, change, remove -> change; pick item 2; type over it; done
    keys = DOWN + DOWN + ENTER + DOWN + ENTER + "beta" + ENTER + ENTER
    assert ask("background.scope_in", ["alpha", "bravo", "charlie"], keys) == ["alpha", "beta", "charlie"]


def test_list_change_one_item_enter_keeps_it():
    keys = DOWN + DOWN + ENTER + ENTER + ENTER + ENTER
    assert ask("background.scope_in", ["alpha", "bravo"], keys) == ["alpha", "bravo"]


def test_list_remove_and_add():
    keys = UP + ENTER + "1" + ENTER  # remove (last option, by wrapping up), item 1
    keys += DOWN + ENTER + "delta" + ENTER + ENTER  # add delta, empty line ends adding
    keys += ENTER  # done
    assert ask("background.scope_in", ["alpha", "bravo"], keys) == ["bravo", "delta"]


def test_list_back_changes_nothing():
    keys = DOWN + DOWN + ENTER + UP + ENTER + ENTER  # change -> back -> keep
    assert ask("background.scope_in", ["alpha", "bravo"], keys) == ["alpha", "bravo"]


def test_records_entry_and_done():
    keys = "Accuracy" + ENTER + "80%" + ENTER + "90%" + ENTER + "weekly sample" + ENTER + ENTER
    rows = ask("background.success_metrics", None, keys)
    assert rows == [{"name": "Accuracy", "baseline": "80%", "target": "90%", "measurement": "weekly sample"}]


def test_records_change_one_row_with_its_values_as_defaults():
    rows = [{"name": "Accuracy", "target": "90%"}, {"name": "Latency", "target": "2 s"}]
    # change -> row 2 -> name kept, baseline empty, target typed over, measurement empty -> done
    keys = DOWN + DOWN + ENTER + DOWN + ENTER + ENTER + ENTER + "1.5 s" + ENTER + ENTER + ENTER
    assert ask("background.success_metrics", rows, keys) == [{"name": "Accuracy", "target": "90%"},
                                                              {"name": "Latency", "target": "1.5 s"}]


def test_records_remove_one_row():
    rows = [{"name": "Accuracy", "target": "90%"}, {"name": "Latency", "target": "2 s"}]
    keys = UP + ENTER + ENTER + ENTER  # remove -> row 1 -> done
    assert ask("background.success_metrics", rows, keys) == [{"name": "Latency", "target": "2 s"}]


def test_records_rows_show_labels_not_ids(capsys):
    rows = [{"name": "search", "purpose": "find orders", "effect": "write"}]
    assert ask("solution.agent_tools", rows, ENTER, "zh") == rows
    out = capsys.readouterr().out
    assert "写操作" in out and "write" not in out


def test_optional_records_can_be_skipped():
    question = next(x for x in load_bank().questions() if x.type == "records" and not x.required)
    assert ask(question.path, None, ENTER) == []


def test_multiline():
    assert ask("background.problem", None, "line one" + ENTER + "line two" + ESC + ENTER) == "line one\nline two"


def test_multiline_default_is_a_placeholder():
    assert ask("background.problem", "Preset text", "New text" + ESC + ENTER) == "New text"
    assert ask("background.problem", "Preset text", ENTER) == "Preset text"
    assert ask("background.problem", "Preset text", "\t" + " more" + ESC + ENTER) == "Preset text more"


def test_multiline_editor(tmp_path, monkeypatch):
    script = tmp_path / "fake-editor"
    script.write_text('#!/bin/sh\nprintf "from the editor\\n" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    assert ask("background.problem", None, "!e" + ENTER + ESC + ENTER) == "from the editor"
