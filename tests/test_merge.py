"""Regenerate without losing hand edits; diff; revision history (issue 8)."""

import json

import docx
import pytest
import yaml

from conftest import run_prdkit


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    return folder


def set_answer(path, section, qid, value):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"][section][qid] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit_prd(folder, old, new):
    prd = folder / "prd.md"
    text = prd.read_text(encoding="utf-8")
    assert old in text
    prd.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edit_then_regenerate_keeps_edits_and_brings_new_values(project):
    edit_prd(project, "## 2. Scenario fit", "A paragraph the PM wrote by hand.\n\n## 2. Scenario fit")
    set_answer(project / "answers.yaml", "scenario", "daily_requests", 15000)
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 0, result.stderr
    assert "kept" in result.stderr
    prd = (project / "prd.md").read_text(encoding="utf-8")
    assert "A paragraph the PM wrote by hand." in prd and "15,000 requests/day" in prd
    assert "<<<<<<<" not in prd
    text = "\n".join(p.text for p in docx.Document(project / "prd.docx").paragraphs)
    assert "A paragraph the PM wrote by hand." in text  # hand edits reach Word too


def test_conflict_shows_markers_exits_1_and_loses_nothing(project):
    before_docx = (project / "prd.docx").read_bytes()
    edit_prd(project, "| Daily requests | 12,000 requests/day |", "| Daily requests | about twelve thousand (PM's wording) |")
    set_answer(project / "answers.yaml", "scenario", "daily_requests", 20000)
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 1
    assert "Scenario fit" in result.stderr and "Traceback" not in result.stderr
    prd = (project / "prd.md").read_text(encoding="utf-8")
    assert "<<<<<<< your edit in prd.md" in prd and ">>>>>>> new text from answers.yaml" in prd
    assert "about twelve thousand (PM's wording)" in prd and "20,000 requests/day" in prd
    assert (project / "prd.docx").read_bytes() == before_docx
    # resolving the markers by hand, then rendering again, is clean and keeps the resolution
    lines = [l for l in prd.splitlines(keepends=True) if not l.startswith(("<<<<<<<", "=======", ">>>>>>>"))
             and "12,000" not in l and "20,000 requests/day" not in l]
    (project / "prd.md").write_text("".join(lines), encoding="utf-8")
    again = run_prdkit("render", project / "answers.yaml")
    assert again.returncode == 0, again.stderr
    final = (project / "prd.md").read_text(encoding="utf-8")
    assert "about twelve thousand (PM's wording)" in final and "<<<<<<<" not in final


def test_force_keeps_a_backup_every_time(project):
    edit_prd(project, "## 2. Scenario fit", "First hand edit.\n\n## 2. Scenario fit")
    result = run_prdkit("render", project / "answers.yaml", "--force")
    assert result.returncode == 0
    backups = sorted((project / ".prdkit" / "backups").glob("prd-*.md"))
    assert len(backups) == 1 and "First hand edit." in backups[0].read_text(encoding="utf-8")
    assert "First hand edit." not in (project / "prd.md").read_text(encoding="utf-8")
    edit_prd(project, "## 2. Scenario fit", "Second hand edit.\n\n## 2. Scenario fit")
    assert run_prdkit("render", project / "answers.yaml", "--force").returncode == 0
    backups = sorted((project / ".prdkit" / "backups").glob("prd-*.md"))
    assert len(backups) == 2 and "First hand edit." in backups[0].read_text(encoding="utf-8")
    assert "Second hand edit." in backups[1].read_text(encoding="utf-8")


def test_a_prd_without_a_generation_record_is_kept(project):
    (project / ".prdkit" / "prd.base.md").unlink()
    edit_prd(project, "## 2. Scenario fit", "Mine.\n\n## 2. Scenario fit")
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 0
    backup = next((project / ".prdkit" / "backups").glob("prd-*.md"))
    assert "Mine." in backup.read_text(encoding="utf-8")


def revision_rows(folder):
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    table = prd.split("## Revision history", 1)[1].split("## 1.", 1)[0]
    return [l for l in table.splitlines() if l.startswith("| v")]


def test_revision_table_grows_once_per_changed_render(project):
    answers = project / "answers.yaml"
    assert len(revision_rows(project)) == 1
    before = (project / "prd.md").read_bytes()
    assert run_prdkit("render", answers).returncode == 0
    assert (project / "prd.md").read_bytes() == before  # unchanged answers: no row, same bytes
    set_answer(answers, "cost", "price_input", 1.2)
    assert run_prdkit("render", answers).returncode == 0
    rows = revision_rows(project)
    assert len(rows) == 2 and "v0.2" in rows[1] and "Input price" in rows[1]
    assert run_prdkit("render", answers).returncode == 0
    assert len(revision_rows(project)) == 2
    set_answer(answers, "cost", "price_output", 3)
    assert run_prdkit("render", answers).returncode == 0
    rows = revision_rows(project)
    assert len(rows) == 3 and "v0.3" in rows[2]
    history = yaml.safe_load((project / ".prdkit" / "history.yaml").read_text(encoding="utf-8"))
    assert [r["version"] for r in history["revisions"]] == ["v0.1", "v0.2", "v0.3"]
    assert "| Version | v0.3 |" in (project / "prd.md").read_text(encoding="utf-8")
    text = "\n".join(c.text for t in docx.Document(project / "prd.docx").tables for row in t.rows for c in row.cells)
    assert "v0.3" in text


def test_diff_lists_exactly_the_changed_answers(project, tmp_path):
    old = project / "answers.yaml"
    new = tmp_path / "new.yaml"
    data = yaml.safe_load(old.read_text(encoding="utf-8"))
    data["answers"]["scenario"]["daily_requests"] = 99
    data["answers"]["model"]["deployment"] = "private"
    del data["answers"]["background"]["business_line"]
    data["answers"]["background"]["scope_out"].append("Video support")
    new.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_prdkit("diff", old, new, "--json")
    assert result.returncode == 0
    diff = json.loads(result.stdout)
    changed = {c["question"]: c for s in diff["sections"] for c in s["changes"]}
    assert set(changed) == {"scenario.daily_requests", "model.deployment", "background.business_line", "background.scope_out"}
    assert changed["model.deployment"]["new"] == "Private deployment (own data centre)"
    assert changed["background.business_line"]["kind"] == "removed"
    assert diff["summary"].startswith("Changed:")
    table = run_prdkit("diff", old, new, env={"COLUMNS": "160"})
    assert table.returncode == 0 and "Daily requests" in table.stdout
    same = run_prdkit("diff", old, old, "--json")
    assert json.loads(same.stdout)["sections"] == []


def test_a_version_the_pm_types_names_the_next_row(project):
    answers = project / "answers.yaml"
    set_answer(answers, "background", "version", "v1.0")
    assert run_prdkit("render", answers).returncode == 0
    rows = revision_rows(project)
    assert [r.split("|")[1].strip() for r in rows] == ["v0.1", "v1.0"] and "Document version" in rows[1]
    assert run_prdkit("render", answers).returncode == 0  # the same answers again: no row
    set_answer(answers, "cost", "price_input", 1.7)
    assert run_prdkit("render", answers).returncode == 0
    assert [r.split("|")[1].strip() for r in revision_rows(project)] == ["v0.1", "v1.0", "v1.1"]
