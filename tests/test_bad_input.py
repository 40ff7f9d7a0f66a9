"""Bad input files: exit 2, one message naming the file and the line or key path, no
traceback, nothing written (issue 7)."""

import importlib.util
import os
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
    # issue 16: numbers, dates and YAML 1.1 leftovers
    "nan_number.yaml": ["line 5", "answers.cost.calls_per_request", ".nan", "NaN"],
    "infinite_share.yaml": ["line 5", "answers.cost.cached_share", ".inf"],
    "nan_metric_target.yaml": ["line 6", "answers.evaluation.metrics[0].target", ".NaN"],
    "impossible_date.yaml": ["line 5", "answers.background.doc_date", "2026-02-30", "not a real date"],
    "month_13.yaml": ["line 5", "answers.background.doc_date", "2026-13-01", "not a real date"],
    "quoted_zero_date.yaml": ["line 5", "answers.background.doc_date", "0000-00-00", "not a real date"],
    "octal_number.yaml": ["line 5", "answers.scenario.daily_requests", "octal number 5120", "YAML 1.2", "12000"],
    "base60_number.yaml": ["line 5", "answers.scenario.daily_requests", "'3:20:00'", "YAML 1.2", "base-60"],
    "yes_for_bool.yaml": ["line 5", "answers.launch.kill_switch", "'yes'", "YAML 1.2", "true or false"],
    "binary_tag.yaml": ["line 5", "tags"],
    "timestamp_tag.yaml": ["line 5", "tags"],
    "huge_integer.yaml": ["line 5", "answers.scenario.daily_requests"],
    "two_documents.yaml": ["line 6", "second YAML document"],
    "complex_key.yaml": ["line 5", "plain names"],
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
    deep = tmp_path / "deep.yaml"  # 900 levels: Python's recursion limit, before issue 16
    deep.write_text("schema_version: 1\nlang: en\nanswers:\n  background:\n    owner: " + "[" * 900 + "]" * 900 + "\n")
    files[deep] = ["line 5", "nested more than"]
    deep_block = tmp_path / "deep-block.yaml"
    deep_block.write_text("answers:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(60)) + "  " * 61 + "x: 1\n")
    files[deep_block] = ["nested more than"]
    many = tmp_path / "many.yaml"
    many.write_text("schema_version: 1\nlang: en\nanswers:\n  background:\n    scope_in: [" + "a," * 400_000 + "a]\n")
    files[many] = ["line 5", "entries"]
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    files[fifo] = ["named pipe"]
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
        if path.is_fifo():
            work = path  # a FIFO nobody writes to: opening it for reading would wait forever
        elif path.exists():
            work.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                work.mkdir(exist_ok=True)
            else:
                shutil.copy(path, work)
        else:
            work = path
        before = sorted(p.name for p in work.parent.iterdir()) if work.parent.exists() else []
        args = [command, work] + [good / "answers.yaml" if e == "OTHER" else e for e in extra]
        result = run_prdkit(*args, timeout=60)
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


# --------------------------------------------------------------------------- issue 16: parsing


def test_a_device_is_refused_without_reading_it():
    """/dev/zero never ends: prdkit refuses it at once instead of reading gigabytes."""
    result = run_prdkit("check", "/dev/zero", timeout=30)
    assert result.returncode == 2 and "/dev/zero" in result.stderr and "device" in result.stderr


def test_a_file_larger_than_the_limit_is_read_only_up_to_it(tmp_path, monkeypatch):
    from prdkit import safeyaml
    from prdkit.errors import UserError

    reads = []
    real_read = os.read
    monkeypatch.setattr(safeyaml.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (safeyaml.MAX_BYTES * 3))
    with pytest.raises(UserError, match="too large"):
        safeyaml.read_yaml(big)
    assert sum(reads) <= safeyaml.MAX_BYTES + 1


def test_yaml_1_1_text_forms_are_text(tmp_path):
    """`owner: 1:20` is the text 1:20 (YAML 1.2), not "int 80"; yes/no/on are text too."""
    folder = tmp_path / "prd"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    answers = folder / "answers.yaml"
    text = answers.read_text()
    text = text.replace("owner: Wen Li", "owner: 1:20", 1).replace("business_line: Customer service", "business_line: on", 1)
    answers.write_text(text)
    result = run_prdkit("render", answers)
    assert result.returncode == 0, result.stderr
    prd = (folder / "prd.md").read_text()
    assert "| Owner | 1:20 |" in prd and "| Business line | on |" in prd


def test_a_number_where_text_belongs_says_how_to_quote_it(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("schema_version: 1\nlang: en\nanswers:\n  background:\n    owner: 12\n")
    result = run_prdkit("check", bad)
    assert result.returncode == 2
    assert "answers.background.owner" in result.stderr and '"12"' in result.stderr and "int" not in result.stderr


def _folder_with_render(tmp_path):
    folder = tmp_path / "prd"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    return folder, folder / "answers.yaml"


@pytest.mark.parametrize("content, fragments", [
    ("records:\n- item: [1]\n  status: pass\n", ["records[0].item", "line 2"]),
    ("records:\n- item: GEN-01\n  status: [pass]\n", ["records[0].status", "line 3"]),
    ("records:\n- 5\n", ["records[0]", "line 2"]),
    ("records: {}\n", ["records"]),
])
def test_a_damaged_acceptance_file_names_the_field(tmp_path, content, fragments):
    folder, answers = _folder_with_render(tmp_path)
    (folder / "acceptance.yaml").write_text(content)
    for args in (["accept", answers], ["checklist", answers]):
        result = run_prdkit(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "acceptance.yaml" in result.stderr and "Traceback" not in result.stderr
        for fragment in fragments:
            assert fragment in result.stderr, (args, fragment, result.stderr)


@pytest.mark.parametrize("content, field", [
    ("answers: [1]\n", "answers"),
    ("lang: en\nanswers:\n  background: [1]\n", "answers.background"),
    ("- x\n", "answers"),
])
def test_a_damaged_render_record_is_named_and_replaced(tmp_path, content, field):
    """The record of the last render is prdkit's own file and only feeds the revision history:
    a damaged one is named in a warning, ignored, and rewritten; the documents still render."""
    import yaml

    folder, answers = _folder_with_render(tmp_path)
    record = folder / ".prdkit" / "answers.base.yaml"
    record.write_text(content)
    answers.write_text(answers.read_text().replace("owner: Wen Li", "owner: Wen Lu"))
    result = run_prdkit("render", answers)
    assert result.returncode == 0, result.stderr
    assert "answers.base.yaml" in result.stderr and "Traceback" not in result.stderr
    assert yaml.safe_load(record.read_text())["answers"]["background"]["owner"] == "Wen Lu"
    assert "Wen Lu" in (folder / "prd.md").read_text()


@pytest.mark.parametrize("content, fragment", [(b"\x89PNG\r\n\x1a\n\x00\x00", "binary"), (b"# PRD\n\xff\xfe", "UTF-8")])
def test_a_binary_prd_md_is_bad_input(tmp_path, content, fragment):
    folder, answers = _folder_with_render(tmp_path)
    (folder / "prd.md").write_bytes(content)
    result = run_prdkit("render", answers)
    assert result.returncode == 2 and "prd.md" in result.stderr and fragment in result.stderr, result.stderr
    assert (folder / "prd.md").read_bytes() == content


def test_advise_json_is_always_valid_json(tmp_path):
    """No NaN or Infinity, even with the largest amounts the schema allows."""
    import json

    folder, answers = _folder_with_render(tmp_path)
    text = answers.read_text()
    import re

    answers.write_text(re.sub(r"amount: [0-9.]+", "amount: 1000000000000000", text))
    result = run_prdkit("advise", "--json", answers)
    assert result.returncode == 0, result.stderr

    def refuse(constant):
        raise AssertionError(f"advise --json printed {constant}")

    data = json.loads(result.stdout, parse_constant=refuse)
    assert data["cost"]
    answers.write_text(re.sub(r"amount: [0-9.]+", "amount: 1.7e308", text))
    result = run_prdkit("advise", "--json", answers)
    assert result.returncode == 2 and "amount" in result.stderr and "at most" in result.stderr


def test_a_conflict_in_the_cover_table_names_the_field(tmp_path):
    folder, answers = _folder_with_render(tmp_path)
    prd = folder / "prd.md"
    prd.write_text(prd.read_text().replace("| Owner | Wen Li |", "| Owner | Wen Li (acting) |"))
    answers.write_text(answers.read_text().replace("owner: Wen Li", "owner: Tao Zhou", 1))
    result = run_prdkit("render", answers)
    assert result.returncode == 1, result.stderr
    assert "cover table: Owner" in result.stderr and "(top)" not in result.stderr


# Every field of the bank, written in the file as YAML source: NaN, dates, YAML 1.1 forms,
# separators and control characters. Loading and rendering either works, with the text
# intact, or is a UserError (exit 2) naming the field; nothing else.
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st

from prdkit.answers import AnswersFile, dump_yaml, load_answers
from prdkit.bank import load_bank
from prdkit.errors import UserError
from prdkit.presets import get_preset, initial_answers
from test_hostile_text import folded, markdown_text

BANK = load_bank()
BASE = initial_answers(BANK, "en", get_preset("rag-knowledge-base"))
MARK = "ZZMARKZZ"
PLACES = ([(q, None) for q in BANK.questions() if q.type != "records"]
          + [(q, f) for q in BANK.questions() if q.type == "records" for f in q.fields])
YAML_FORMS = [".nan", ".NaN", ".inf", "-.inf", "1e999", "2026-02-30", "'2026-02-30'", "2026-13-01", "0000-00-00", "'0000-00-00'",
              "2026-02-28", "012000", "0o17", "0x1F", "3:20:00", "1:20", "yes", "no", "on", "off", "Y", "1e3", "1_000", "~", "null",
              "true", "12", "-0", "[1]", "{a: 1}", "''"]
SEPARATORS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n" + SEPARATORS) + "\x7f\x9b"
texts = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(SEPARATORS + CONTROLS) + ["#", "|", " ", "\n"]),
                min_size=1, max_size=30).filter(lambda s: s.strip() and "\x00" not in s)


def double_quoted(text):
    """A YAML double-quoted scalar holding exactly `text`."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029\ufeff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


sources = st.sampled_from(YAML_FORMS) | texts.map(double_quoted)
WORK = Path(tempfile.mkdtemp(prefix="prdkit-fuzz-"))


def file_with(q, field, source):
    answers = {k: dict(v) for k, v in BASE.items()}
    if field is None:
        answers[q.section][q.id] = [MARK] if q.type in ("list", "multichoice") else MARK
    else:
        row = {f.id: "x" for f in q.fields if f.required and f.type in ("text", "multiline")}
        row.update({f.id: 1 for f in q.fields if f.required and f.type in ("int", "float")})
        row.update({f.id: f.choice_values()[0] for f in q.fields if f.required and f.type == "choice"})
        row[field.id] = MARK
        answers[q.section][q.id] = [row]
    text = AnswersFile(lang="en", answers=answers).to_yaml()
    assert text.count(MARK) == 1
    file_with.line = text.split(MARK)[0].count("\n") + 1  # the line the source lands on
    return text.replace(MARK, source)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLACES), sources)
def test_any_yaml_form_in_any_field_loads_or_is_named(place, source):
    from prdkit.render import render_prd_markdown

    q, field = place
    path = WORK / "answers.yaml"
    path.write_text(file_with(q, field, source), encoding="utf-8")
    where = f"answers.{q.path}" + (f"[0].{field.id}" if field else "[0]" if q.type in ("list", "multichoice") else "")
    line = file_with.line
    try:
        answers = load_answers(path)
    except UserError as exc:
        assert str(path) in str(exc)
        assert where in str(exc) or f"line {line}:" in str(exc), (where, source, str(exc))
        return
    markdown = render_prd_markdown(answers)
    assert not any(ch in markdown for ch in SEPARATORS + CONTROLS), (q.path, source)
    value = answers.get(q.path)
    if field is not None:
        value = value[0][field.id]
    elif isinstance(value, list):
        value = value[0]
    assert value == value and value not in (float("inf"), float("-inf"))
    kind = (field or q).type
    applies = q.applies(answers.answers)
    if applies and kind in ("text", "multiline", "list") and isinstance(value, str) and value.strip():
        shown = "".join("\n" if ch in SEPARATORS else (chr(0x2400 + ord(ch)) if ord(ch) < 0x20 and ch not in "\t\n" else
                        "\u2421" if ch == "\x7f" else "\ufffd" if 0x80 <= ord(ch) < 0xA0 else ch) for ch in value)
        assert folded(shown) in folded(markdown_text(markdown)), (q.path, source)


EXIT_FORMS = [("cost", "calls_per_request", ".nan"), ("background", "doc_date", "2026-02-30"), ("scenario", "daily_requests", "012000"),
              ("scenario", "daily_requests", "3:20:00"), ("launch", "kill_switch", "off"), ("background", "owner", '"A\\u2028# X\\e[31m"'),
              ("background", "owner", "1:20"), ("evaluation", "margin", "-.inf")]


@pytest.mark.parametrize("section, qid, source", EXIT_FORMS)
def test_prdkit_exits_only_with_known_codes(tmp_path, section, qid, source):
    path = tmp_path / "answers.yaml"
    path.write_text(file_with(BANK.question(f"{section}.{qid}"), None, source))
    for args in (["check", path], ["render", path, "--out", tmp_path / "out"], ["advise", "--json", path], ["checklist", path],
                 ["accept", path], ["diff", path, path]):
        result = run_prdkit(*args)
        assert result.returncode in (0, 1, 2, 130), (args, source, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, (args, source, result.stderr)


def test_the_wizard_refuses_nan_and_impossible_dates():
    """The wizard's readers refuse what the schema refuses: no NaN or infinity, no day that
    does not exist."""
    from prdkit.wizard.dates import read_date
    from prdkit.wizard.numbers import read_number

    q = BANK.question("cost.calls_per_request")
    assert read_number("1.5", unit=q.unit, minimum=q.min, maximum=q.max).value == 1.5
    for value in ("nan", "inf", "-Infinity", "1e999"):
        assert read_number(value, unit=q.unit, minimum=q.min, maximum=q.max).value is None, value
    assert read_date("2026-02-28") == "2026-02-28"
    for value in ("2026-02-30", "2026-13-01", "0000-00-00"):
        assert read_date(value) is None, value


@pytest.mark.parametrize("entry, field", [
    ('{id: x, name: X, provider: P, access: api, context_tokens: "big", modalities: [text]}', "models[0].context_tokens"),
    ("{id: x, name: X, provider: P, access: api, context_tokens: 8000, modalities: text}", "models[0].modalities"),
    ('{id: x, name: X, provider: P, access: api, context_tokens: 8000, modalities: [text], price: {currency: CNY, input: cheap, output: 1}}',
     "models[0].price.input"),
    ("{id: [1], name: X}", "models[0].id"),
    ("{id: x, name: X, provider: P, access: api, context_tokens: 8000, modalities: [text], price: {currency: CNY, input: .nan, output: 1}}",
     "models[0].price.input"),
])
def test_a_damaged_model_catalog_names_the_field(tmp_path, entry, field):
    folder, answers = _folder_with_render(tmp_path)
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(f"models:\n  - {entry}\n")
    for args in (["advise", answers, "--catalog", catalog], ["advise", "--json", answers, "--catalog", catalog]):
        result = run_prdkit(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "catalog.yaml" in result.stderr and field in result.stderr and "line 2" in result.stderr, result.stderr


@pytest.mark.parametrize("item, fragment", [
    ("{id: [1]}", "needs an id"),
    ("{id: X-1, title: {zh: a, en: b}, detail: {zh: a, en: b}, evidence: {zh: a, en: b}, category: effect, owner: pm, "
     "when: {q: scenario.daily_requests, bogus: 1}}", "X-1.when"),
    ("{id: X-1, title: {zh: a, en: b}, detail: {zh: a, en: b}, evidence: {zh: a, en: b}, category: effect, owner: pm, "
     "when: {all: [{q: scenario.daily_requests, gt: 5}, {q: scenario.daily_requests, gt: abc}]}}", "needs a number"),
])
def test_a_damaged_checklist_pack_names_the_item(tmp_path, item, fragment):
    folder, answers = _folder_with_render(tmp_path)
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "mine.yaml").write_text(f"pack: mine\ntitle: {{zh: 我的, en: Mine}}\nitems:\n  - {item}\n")
    result = run_prdkit("checklist", answers, "--checklists", packs)
    assert result.returncode == 2, result.stderr
    assert "mine.yaml" in result.stderr and fragment in result.stderr, result.stderr


def test_a_template_needing_an_unanswered_question_names_the_answers_field(tmp_path):
    folder, answers = _folder_with_render(tmp_path)
    pack = tmp_path / "pack" / "prd"
    pack.mkdir(parents=True)
    shipped = (Path(__file__).resolve().parent.parent / "templates" / "prd" / "prd.md.j2").read_text(encoding="utf-8")
    lines = shipped.splitlines()
    lines.insert(2, "Budget: {{ answers.cost.monthly_budget }}")
    (pack / "prd.md.j2").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = answers.read_text(encoding="utf-8")
    import re

    answers.write_text(re.sub(r"\n    monthly_budget: .*", "", text), encoding="utf-8")
    result = run_prdkit("render", answers, "--templates", tmp_path / "pack")
    assert result.returncode == 2
    assert "answers.cost.monthly_budget is not answered" in result.stderr and "prd.md.j2 line 3" in result.stderr
    assert str(answers) in result.stderr
    (pack / "prd.md.j2").write_text("\n".join(lines).replace("monthly_budget", "budgett") + "\n", encoding="utf-8")
    result = run_prdkit("render", answers, "--templates", tmp_path / "pack")
    assert result.returncode == 2 and "'budgett', which is not a question" in result.stderr and "prd.md.j2 line 3" in result.stderr


def test_text_that_looks_like_a_number_round_trips_without_a_false_revision(tmp_path):
    """"019", "1e3" and "0o17" are text to YAML 1.1 and numbers to YAML 1.2: prdkit quotes them
    when it writes, so a second render sees no change and adds no revision row."""
    folder, answers = _folder_with_render(tmp_path)
    text = answers.read_text(encoding="utf-8")
    answers.write_text(text.replace("owner: Wen Li", 'owner: "019"').replace("business_line: Customer service", 'business_line: "1e3"'), encoding="utf-8")
    assert run_prdkit("render", answers).returncode == 0
    first = answers.read_text(encoding="utf-8")
    assert run_prdkit("render", answers).returncode == 0
    assert answers.read_text(encoding="utf-8") == first
    assert "| Owner | 019 |" in (folder / "prd.md").read_text(encoding="utf-8")
    data = load_answers(answers)
    assert data.get("background.owner") == "019" and data.get("background.business_line") == "1e3"
