"""Issue 18: the technical pre-research (POC) plan and the competitor analysis, in the bank,
every preset, the PRD (Markdown and Word), the launch checklist and the scenario-fit verdict."""

import copy
import io

import docx
import pytest

from prdkit.advisors.scenario_fit import scenario_fit
from prdkit.answers import AnswersFile
from prdkit.bank import load_bank
from prdkit.checklist import applicable_items
from prdkit.presets import all_presets, initial_answers
from prdkit.render import compute_advice, render_prd_markdown
from prdkit.resources import load_data, questions_dir
from prdkit.word import DocMeta, markdown_to_docx

BANK = load_bank()
CASES = [(p, lang) for p in all_presets() for lang in ("zh", "en")]
POC_TITLE = {"zh": "技术预研（POC）计划", "en": "Proof of concept (POC) plan"}
ALT_TITLE = {"zh": "竞品与替代方案", "en": "Competitors and alternatives"}
NEW_QUESTIONS = ["scenario.alternatives", "solution.poc_planned", "solution.poc_hypotheses", "solution.poc_test_set",
                 "solution.poc_timebox_weeks", "solution.poc_team", "solution.poc_candidates", "solution.poc_decision"]


def preset_answers(preset, lang):
    return initial_answers(BANK, lang, preset)


def word_text(markdown, lang):
    document = docx.Document(io.BytesIO(markdown_to_docx(markdown, DocMeta(title="t", lang=lang))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    return headings, tables


@pytest.mark.parametrize("preset, lang", CASES, ids=[f"{p.name}-{lang}" for p, lang in CASES])
def test_every_preset_renders_both_sections_in_markdown_and_word(preset, lang):
    answers = preset_answers(preset, lang)
    hypotheses = answers["solution"]["poc_hypotheses"]
    alternatives = answers["scenario"]["alternatives"]
    assert answers["solution"]["poc_planned"] is True and len(hypotheses) >= 3
    assert {row["kind"] for row in alternatives} == {"competitor", "buy_saas", "no_llm", "do_nothing"}
    markdown = render_prd_markdown(AnswersFile(lang=lang, answers=answers, preset=preset.name))
    assert f"### {POC_TITLE[lang]}" in markdown and f"### {ALT_TITLE[lang]}" in markdown
    # the competitor table sits in the scenario section, the POC in the solution section
    scenario = markdown.index("## 2. ")
    solution = markdown.index("## 3. ")
    assert scenario < markdown.index(ALT_TITLE[lang]) < solution < markdown.index(POC_TITLE[lang]) < markdown.index("## 4. ")

    headings, tables = word_text(markdown, lang)
    assert POC_TITLE[lang] in headings and ALT_TITLE[lang] in headings
    hyp_table = next(t for t in tables if t[0] == (["假设", "验证方法", "通过线", "结果"] if lang == "zh" else ["Hypothesis", "Method", "Pass line", "Result"]))
    assert [row[0] for row in hyp_table[1:]] == [h["hypothesis"] for h in hypotheses]
    assert all(row[3] == "" for row in hyp_table[1:])  # no results yet: the column is empty until filled
    assert all(row[2] and row[2] != ("待补充" if lang == "zh" else "To be decided") for row in hyp_table[1:])
    alt_table = next(t for t in tables if t[0][0] == BANK.question("scenario.alternatives").fields[0].label[lang])
    assert [row[0] for row in alt_table[1:]] == [a["name"] for a in alternatives]
    assert len(alt_table[0]) == 7


def metrics_of(answers):
    return answers["evaluation"]["metrics"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_default_pass_lines_follow_the_evaluation_targets(lang):
    preset = next(p for p in all_presets() if p.name == "rag-knowledge-base")
    answers = preset_answers(preset, lang)
    metric = metrics_of(answers)[0]
    answers["solution"]["poc_hypotheses"] = [
        {"hypothesis": "H1", "metric": metric["name"]},
        {"hypothesis": "H2", "metric": metric["name"], "pass_line": "own line"},
        {"hypothesis": "H3", "metric": "no such metric"},
    ]

    def pass_lines(values):
        markdown = render_prd_markdown(AnswersFile(lang=lang, answers=values))
        rows = [line for line in markdown.splitlines() if line.startswith(("| H1 ", "| H2 ", "| H3 "))]
        return [row.split(" | ")[2] for row in rows], markdown

    lines, markdown = pass_lines(answers)
    assert lines[0].startswith(f"≥ {metric['target']:g}%") and metric["name"] in lines[0]
    assert lines[1] == "own line"
    assert "no such metric" in lines[2] and lines[2].startswith("待补充" if lang == "zh" else "To be decided")
    assert f"{metric['name']} ≥ {metric['target']:g}%" in markdown  # the overall criteria list

    changed = copy.deepcopy(answers)
    metrics_of(changed)[0]["target"] = 77.5
    lines, markdown = pass_lines(changed)
    assert lines[0].startswith("≥ 77.5%") and lines[1] == "own line"
    assert f"{metric['name']} ≥ 77.5%" in markdown and f"≥ {metric['target']:g}%" not in lines[0]

    metrics_of(changed)[0]["direction"] = "lower"
    lines, _ = pass_lines(changed)
    assert lines[0].startswith("≤ 77.5%")


def test_a_filled_result_shows_and_a_missing_plan_hides_the_section():
    preset = next(p for p in all_presets() if p.name == "agent-assistant")
    answers = preset_answers(preset, "en")
    answers["solution"]["poc_hypotheses"][0]["result"] = "96.2% on 300 items"
    markdown = render_prd_markdown(AnswersFile(lang="en", answers=answers))
    assert "| 96.2% on 300 items |" in markdown
    answers["solution"]["poc_planned"] = False
    markdown = render_prd_markdown(AnswersFile(lang="en", answers=answers))
    assert POC_TITLE["en"] not in markdown and "| Proof of concept (POC) | No |" in markdown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_poc_gate_appears_only_when_a_poc_is_planned(lang):
    preset = next(p for p in all_presets() if p.name == "rag-knowledge-base")
    answers = preset_answers(preset, lang)

    def gate(values):
        return [item for item in applicable_items(values, lang) if item.id == "GEN-POC"]

    planned = gate(answers)
    assert len(planned) == 1 and planned[0].gate
    assert planned[0].title == ("技术预研（POC）结论已记录" if lang == "zh" else "POC decision recorded")
    assert ("待定" if lang == "zh" else "Pending") in planned[0].threshold
    answers["solution"]["poc_decision"] = "change_path"
    assert ("调整技术路径" if lang == "zh" else "Change path") in gate(answers)[0].threshold
    answers["solution"]["poc_planned"] = False
    assert gate(answers) == []
    del answers["solution"]["poc_planned"]
    assert gate(answers) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_buy_option_that_covers_the_need_changes_the_verdict(lang):
    preset = next(p for p in all_presets() if p.name == "rag-knowledge-base")
    answers = preset_answers(preset, lang)
    before = scenario_fit(answers, lang)
    saas = next(row for row in answers["scenario"]["alternatives"] if row["kind"] == "buy_saas")
    assert saas["covers_need"] != "yes" and saas["name"] not in before["verdict_label"]

    covering = copy.deepcopy(answers)
    next(row for row in covering["scenario"]["alternatives"] if row["kind"] == "buy_saas")["covers_need"] = "yes"
    after = scenario_fit(covering, lang)
    assert after["verdict"] == before["verdict"]
    assert after["verdict_label"].startswith(before["verdict_label"]) and saas["name"] in after["verdict_label"]
    assert ("采购" if lang == "zh" else "bought") in after["verdict_label"]
    assert after["buy_options"] == [saas["name"]]
    document = AnswersFile(lang=lang, answers=covering)
    markdown = render_prd_markdown(document, advice=compute_advice(document))
    verdict_line = next(line for line in markdown.splitlines() if line.startswith("**结论**" if lang == "zh" else "**Verdict**"))
    assert saas["name"] in verdict_line

    # a competitor or a no-LLM way that covers the need is not something to buy: the wording stays
    other = copy.deepcopy(answers)
    for row in other["scenario"]["alternatives"]:
        if row["kind"] != "buy_saas":
            row["covers_need"] = "yes"
    assert scenario_fit(other, lang)["verdict_label"] == before["verdict_label"]


def test_new_questions_are_in_both_languages_and_not_on_the_quick_path():
    raw = {q["id"]: q for name in ("02_scenario.yaml", "03_solution.yaml") for q in load_data(questions_dir() / name)["questions"]}
    for path in NEW_QUESTIONS:
        q = BANK.question(path)
        for lang in ("zh", "en"):
            assert q.prompt[lang] and q.help[lang] and q.label[lang], (path, lang)
        for f in q.fields:
            assert f.label["zh"] and f.label["en"]
            for c in f.choices:
                assert c.label["zh"] and c.label["en"]
        assert "depth" not in raw[q.id], path  # the full pass only
    # appended at the end of their sections
    solution_ids = [q.id for q in BANK.section("solution").questions]
    assert solution_ids[-7:] == [p.split(".")[1] for p in NEW_QUESTIONS[1:]]
    assert BANK.section("scenario").questions[-1].id == "alternatives"
