"""A failed render leaves the folder exactly as it was; `new` never clobbers a folder."""

import pytest

from prdkit import generate
from prdkit.answers import load_answers
from prdkit.errors import UserError

from conftest import run_prdkit


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failure_mid_render_leaves_documents_byte_identical(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "agent-assistant", "--lang", "zh", "--defaults").returncode == 0
    answers_path = folder / "answers.yaml"
    text = answers_path.read_text(encoding="utf-8").replace("daily_requests: 45000", "daily_requests: 50000")
    answers_path.write_text(text, encoding="utf-8")
    before = snapshot(folder)

    import prdkit.word

    real = prdkit.word.markdown_to_docx
    calls = []

    def fails_on_second_document(markdown, meta, **kwargs):
        calls.append(meta.doc_kind)
        if len(calls) == 2:  # prd.docx is done, launch-checklist.docx blows up
            raise RuntimeError("disk on fire")
        return real(markdown, meta, **kwargs)

    monkeypatch.setattr(prdkit.word, "markdown_to_docx", fails_on_second_document)
    with pytest.raises(RuntimeError):
        generate.write_documents(load_answers(answers_path), folder, answers_path=answers_path)
    assert snapshot(folder) == before
    assert not list(folder.glob(".*.tmp")) and not list(folder.glob("*.tmp"))


def test_new_refuses_a_non_empty_folder_without_force(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults")
    assert result.returncode == 2 and "not empty" in result.stderr and "--force" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    forced = run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults", "--force")
    assert forced.returncode == 0 and (folder / "notes.txt").read_text() == "mine" and (folder / "prd.md").exists()


def test_bad_template_override_writes_nothing(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    before = snapshot(folder)
    own = tmp_path / "tpl" / "prd"
    own.mkdir(parents=True)
    (own / "prd.md.j2").write_text("# {{ doc.title }\n")
    result = run_prdkit("render", folder / "answers.yaml", "--templates", tmp_path / "tpl")
    assert result.returncode == 2 and "prd.md.j2" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(folder) == before
