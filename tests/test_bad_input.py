"""Bad input files: exit 2, one message naming the file and the line or key path, no
traceback, nothing written (issue 7)."""

import importlib.util
import shutil
from pathlib import Path

import pytest

from conftest import run_prdkit

CORPUS = Path(__file__).parent / "bad_inputs"
# file -> fragments the message must contain (besides the file name)
EXPECTED = {
    "syntax_error.yaml": ["line"],
    "empty.yaml": ["empty"],
    "not_mapping.yaml": ["expected a mapping"],
    "wrong_types.yaml": ["answers.scenario.daily_requests", "answers.scenario.task_types", "answers.launch.kill_switch", "line 5"],
    "out_of_range.yaml": ["answers.cost.price_input", "at least 0", "answers.cost.cached_share", "at most 100"],
    "unknown_question.yaml": ["answers.cost.price_inptu", "did you mean 'price_input'"],
    "unknown_section.yaml": ["answers.costs", "did you mean 'cost'"],
    "bad_choice.yaml": ["answers.model.deployment", "on_the_moon", "api"],
    "future_version.yaml": ["schema_version 7", "upgrade prdkit"],
    "unknown_language.yaml": ["lang", "'fr'"],
    "alias_bomb.yaml": ["aliases", "line 4"],
    "python_tag.yaml": ["tags", "line 5"],
    "duplicate_key.yaml": ["price_input", "twice", "line 6"],
    "several_problems.yaml": ["3 problems", "answers.scenario.daily_requests", "answers.cost.currency", "answers.evaluation.metrics[0].target"],
}


def generated_bad_files(tmp_path):
    files = {}
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    files[binary] = ["binary"]
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("schema_version: 1\nlang: en\nanswers:\n  background:\n    owner: Jos\xe9\n".encode("latin-1"))
    files[latin] = ["UTF-8", "line 5"]
    huge = tmp_path / "huge.yaml"
    huge.write_text("schema_version: 1\nlang: en\nanswers: {}\n# " + "x" * (3 * 1024 * 1024) + "\n")
    files[huge] = ["too large"]
    files[tmp_path / "missing.yaml"] = ["no such file"]
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    files[folder] = ["folder"]
    return files


COMMANDS = [
    ("render", []), ("check", []), ("advise", []), ("checklist", []), ("accept", []), ("edit", []), ("diff", ["OTHER"]),
]


def all_cases(tmp_path):
    cases = {CORPUS / name: fragments for name, fragments in EXPECTED.items()}
    cases.update(generated_bad_files(tmp_path))
    return cases


@pytest.mark.parametrize("command, extra", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_every_command_reports_every_bad_file(command, extra, tmp_path):
    good = tmp_path / "good"
    assert run_prdkit("new", good, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    for path, fragments in all_cases(tmp_path).items():
        work = tmp_path / "work" / path.name
        if path.exists():
            work.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                work.mkdir(exist_ok=True)
            else:
                shutil.copy(path, work)
        else:
            work = path
        before = sorted(p.name for p in work.parent.iterdir()) if work.parent.exists() else []
        args = [command, work] + [good / "answers.yaml" if e == "OTHER" else e for e in extra]
        result = run_prdkit(*args)
        assert result.returncode == 2, (command, path.name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, (command, path.name, result.stderr)
        assert str(work) in result.stderr, (command, path.name, result.stderr)
        for fragment in fragments:
            assert fragment in result.stderr, (command, path.name, fragment, result.stderr)
        after = sorted(p.name for p in work.parent.iterdir()) if work.parent.exists() else []
        assert before == after, f"{command} wrote files for {path.name}"
        assert not Path("/tmp/prdkit-pwned").exists()


def test_debug_shows_a_traceback_for_bugs_only(tmp_path):
    result = run_prdkit("--debug", "check", CORPUS / "out_of_range.yaml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
