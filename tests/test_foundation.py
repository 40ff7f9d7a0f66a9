"""The foundation: bank, presets, answers file, Markdown PRD, render from saved answers."""

import json
import re

import jsonschema
import pytest
import yaml

from prdkit import __version__, mdtext
from prdkit.answers import load_answers
from prdkit.bank import load_bank
from prdkit.presets import all_presets
from prdkit.render import format_number

from conftest import ROOT, run_prdkit

CJK = re.compile(r"[\u3400-\u9fff]")
PRESETS = [p.name for p in all_presets()]
LANGS = ["zh", "en"]


def test_bank_is_complete_in_both_languages():
    bank = load_bank()
    assert len(bank.sections) == 10
    for section in bank.sections:
        assert CJK.search(section.title["zh"]) and not CJK.search(section.title["en"])
        assert section.why["zh"] and section.why["en"]
        for q in section.questions:
            for key in ("label", "prompt", "help"):
                text = getattr(q, key)
                assert text["zh"].strip() and text["en"].strip(), (q.path, key)
                assert not CJK.search(text["en"]), (q.path, key, text["en"])
                assert CJK.search(text["zh"]), (q.path, key, text["zh"])
            for choice in q.choices:
                assert choice.label["zh"] and choice.label["en"] and not CJK.search(choice.label["en"])
            for field in q.fields:
                assert field.label["zh"] and field.label["en"]
            if q.unit:
                assert q.unit["zh"] and q.unit["en"]


def test_bank_covers_every_question_type():
    types = {q.type for q in load_bank().questions()}
    assert {"text", "multiline", "choice", "multichoice", "bool", "int", "float", "list", "records"} <= types


def test_at_least_five_presets_with_descriptions():
    assert len(PRESETS) >= 5
    for p in all_presets():
        assert p.description["zh"] and p.description["en"]


def test_presets_command_lists_one_per_line_name_first():
    result = run_prdkit("presets")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == PRESETS
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_version_and_schema():
    assert run_prdkit("--version").stdout.strip().endswith(__version__)
    result = run_prdkit("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "cost" in schema["properties"]["answers"]["properties"]


def expected_fragments(q, value, lang):
    """What a reader must find in prd.md for this answer."""
    if value is None or value == "" or value == []:
        return []
    if q.type == "choice":
        return [mdtext.inline(q.choice_label(value, lang))]
    if q.type == "multichoice":
        return [mdtext.cell(q.choice_label(v, lang)) for v in value]
    if q.type in ("int", "float"):
        return [format_number(value)]
    if q.type == "list":
        return [mdtext.inline(item) for item in value]
    if q.type == "records":
        out = []
        for row in value:
            for field in q.fields:
                v = row.get(field.id)
                if v not in (None, ""):
                    out += [mdtext.cell(field.choice_label(v, lang))] if field.type == "choice" else (
                        [format_number(v)] if field.type in ("int", "float") else [mdtext.cell(v)])
        return out
    if q.type == "multiline":
        return [mdtext.inline(line.strip()) for line in str(value).splitlines() if line.strip()]
    if q.type == "bool":
        return []
    return [mdtext.inline(value)]


@pytest.fixture(scope="module", params=[(p, l) for p in PRESETS for l in LANGS], ids=lambda x: f"{x[0]}-{x[1]}")
def generated(request, tmp_path_factory):
    preset, lang = request.param
    folder = tmp_path_factory.mktemp("prd") / "out"
    result = run_prdkit("new", folder, "--preset", preset, "--lang", lang, "--defaults")
    assert result.returncode == 0, result.stderr
    return preset, lang, folder


def test_new_writes_answers_and_prd(generated):
    preset, lang, folder = generated
    for name in ("answers.yaml", "prd.md", "README.md"):
        assert (folder / name).is_file(), name
    answers = load_answers(folder / "answers.yaml")
    assert answers.lang == lang and answers.preset == preset
    raw = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    assert raw["schema_version"] == 1 and raw["prdkit_version"] == __version__


def test_every_answer_appears_in_the_prd(generated):
    preset, lang, folder = generated
    answers = load_answers(folder / "answers.yaml")
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    bank = load_bank()
    missing = []
    for q in bank.applicable(answers.answers):
        for fragment in expected_fragments(q, answers.get(q.path), lang):
            if fragment.strip() and fragment not in prd:
                missing.append((q.path, fragment[:60]))
    assert not missing, missing[:10]
    # every applicable question is shown, answered or with the placeholder
    for q in bank.applicable(answers.answers):
        if q.path not in ("background.project_name",):
            assert q.label[lang] in prd or q.id in ("owner", "business_line", "version", "status", "doc_date"), q.path


def test_headings_are_in_the_documents_language(generated):
    preset, lang, folder = generated
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    headings = [line for line in prd.splitlines() if line.startswith("## ")]
    assert len(headings) >= 11
    answers = load_answers(folder / "answers.yaml")
    project = answers.get("background.project_name")
    for h in headings:
        if lang == "en":
            assert not CJK.search(h), h
        else:
            assert CJK.search(h), h
    first = prd.splitlines()[0]
    assert first.startswith("# ") and mdtext.inline(project) in first


def test_render_again_is_byte_identical_and_check_is_clean(generated, tmp_path):
    preset, lang, folder = generated
    before = (folder / "prd.md").read_bytes()
    out = tmp_path / "again"
    result = run_prdkit("render", folder / "answers.yaml", "--out", out)
    assert result.returncode == 0, result.stderr
    assert (out / "prd.md").read_bytes() == before
    result = run_prdkit("render", folder / "answers.yaml")
    assert result.returncode == 0, result.stderr
    assert (folder / "prd.md").read_bytes() == before
    check = run_prdkit("check", folder / "answers.yaml", "--json")
    assert check.returncode in (0, 1), check.stderr
    kinds = {f["code"] for f in json.loads(check.stdout)["findings"]}
    assert "unanswered" not in kinds


def test_check_exit_codes(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", PRESETS[0], "--lang", "en", "--defaults").returncode == 0
    path = folder / "answers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["answers"]["background"]["problem"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_prdkit("check", path)
    assert result.returncode == 1
    assert "background.problem" in result.stdout
    data["answers"]["cost"]["price_input"] = -3
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_prdkit("check", path)
    assert result.returncode == 2
    assert str(path) in result.stderr and "answers.cost.price_input" in result.stderr
    assert "Traceback" not in result.stderr


def test_unanswered_questions_show_one_placeholder(tmp_path):
    folder = tmp_path / "blank"
    result = run_prdkit("new", folder, "--lang", "zh", "--defaults")
    assert result.returncode == 0, result.stderr
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    assert prd.count("待补充") > 10
    assert "To be decided" not in prd


def test_docs_answers_md_is_current():
    from prdkit.docgen import answers_reference

    committed = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    assert committed == answers_reference(load_bank()), "run: python -m prdkit.docgen"
    for q in load_bank().questions():
        assert f"`{q.path}`" in committed


def test_examples_are_current():
    from prdkit.docgen import example_outputs, gallery_index

    for rel, content in example_outputs(load_bank()).items():
        path = ROOT / "examples" / rel
        assert path.is_file(), f"missing {rel}: run python -m prdkit.docgen"
        assert path.read_text(encoding="utf-8") == content, f"{rel} is stale: run python -m prdkit.docgen"
    assert (ROOT / "examples" / "README.md").read_text(encoding="utf-8") == gallery_index()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("preset", PRESETS)
def test_preset_answers_every_applicable_question_and_nothing_else(preset, lang):
    from prdkit.answers import AnswersFile, validate_data
    from prdkit.presets import get_preset, initial_answers

    bank = load_bank()
    raw = get_preset(preset).answers(lang)
    values = initial_answers(bank, lang, get_preset(preset))
    applicable = {q.path for q in bank.applicable(values)}
    given = {f"{s}.{q}" for s, block in raw.items() for q in block}
    assert given - applicable == set(), "preset answers questions that do not apply or do not exist"
    unanswered = sorted(p for p in applicable - given if bank.question(p).default is None and p != "background.doc_date")
    assert unanswered == [], unanswered
    # the preset's values themselves pass the schema
    validate_data(AnswersFile(lang=lang, answers=values, preset=preset).to_data(bank), f"preset {preset}")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("preset", [p.name for p in all_presets()])
def test_every_preset_passes_its_own_check(tmp_path, preset, lang):
    """A PM who starts from a preset gets a PRD that `prdkit check` accepts: the preset's eval
    set is as large as its own targets need, its budget covers its own running cost."""
    assert run_prdkit("new", tmp_path / "p", "--preset", preset, "--lang", lang, "--defaults").returncode == 0
    result = run_prdkit("check", tmp_path / "p" / "answers.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("lang, row", [
    ("en", "| Starting preset | RAG knowledge base and customer-service bot |"),
    ("zh", "| 起始模板 | RAG 企业知识库与智能客服 |"),
])
def test_the_cover_names_the_preset_as_a_reader_knows_it(tmp_path, lang, row):
    assert run_prdkit("new", tmp_path / "p", "--preset", "rag-knowledge-base", "--lang", lang, "--defaults").returncode == 0
    prd = (tmp_path / "p" / "prd.md").read_text(encoding="utf-8")
    assert row in prd and "rag-knowledge-base |" not in prd
