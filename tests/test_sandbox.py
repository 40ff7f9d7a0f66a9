"""Users' templates run sandboxed; a workspace template's hooks need --trust; project names
become safe folder names (issue 7)."""

import json
import time

import docx
import pytest

from prdkit.generate import slugify

from conftest import run_prdkit


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    return folder


def test_template_override_changes_markdown_and_word(project, tmp_path):
    own = tmp_path / "tpl" / "prd"
    own.mkdir(parents=True)
    (own / "prd.md.j2").write_text("# {{ doc.title | line }}\n\nACME house style: {{ doc.owner | md }}\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    result = run_prdkit("render", project / "answers.yaml", "--templates", tmp_path / "tpl", "--force")
    assert result.returncode == 0, result.stderr
    assert "ACME house style: Wen Li" in (project / "prd.md").read_text(encoding="utf-8")
    document = docx.Document(project / "prd.docx")
    assert any("ACME house style" in p.text for p in document.paragraphs)
    assert [[c.text for c in r.cells] for r in document.tables[0].rows] == [["a", "b"], ["1", "2"]]


def test_template_cannot_reach_python_internals(project, tmp_path):
    own = tmp_path / "evil" / "prd"
    own.mkdir(parents=True)
    (own / "prd.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    result = run_prdkit("render", project / "answers.yaml", "--templates", tmp_path / "evil")
    assert result.returncode == 2 and "prd.md.j2" in result.stderr and "Traceback" not in result.stderr
    assert "subclasses" not in (project / "prd.md").read_text(encoding="utf-8")


def workspace_template(root, marker):
    (root / "hooks").mkdir(parents=True)
    (root / "{{cookiecutter.folder}}").mkdir()
    (root / "cookiecutter.json").write_text(json.dumps({"folder": "x", "project_name": "", "owner": "", "lang": "", "preset": ""}))
    (root / "{{cookiecutter.folder}}" / "README.md").write_text("Our layout for {{ cookiecutter.project_name }}\n")
    (root / "hooks" / "post_gen_project.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    return root


def test_workspace_hooks_run_only_with_trust(tmp_path):
    marker = tmp_path / "hook-ran"
    template = workspace_template(tmp_path / "ws", marker)
    result = run_prdkit("new", tmp_path / "a", "--preset", "rag-knowledge-base", "--lang", "en", "--defaults", "--workspace-template", template)
    assert result.returncode == 0, result.stderr
    assert "Our layout for" in (tmp_path / "a" / "README.md").read_text()
    assert not marker.exists()
    result = run_prdkit("new", tmp_path / "b", "--preset", "rag-knowledge-base", "--lang", "en", "--defaults",
                        "--workspace-template", template, "--trust")
    assert result.returncode == 0, result.stderr
    assert marker.read_text() == "ran"


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "etc-passwd"), ("a/b\\c", "a-b-c"), ("..", "prd"), ("CON", "prd-con"), ("nul", "prd-nul"),
    ("!!!", "prd"), ("知识库 客服", "知识库-客服"), ("My Bot v2.0", "my-bot-v2-0"), ("x" * 300, "x" * 60),
])
def test_slugify(name, expected):
    assert slugify(name) == expected


@pytest.mark.parametrize("name", ["../escape", "/abs/path", "..", ".", "a/../../b", "~root", "\\server\\share", "con.txt"])
def test_dangerous_project_names_stay_in_the_current_folder(name):
    from pathlib import Path

    folder = Path(slugify(name))
    assert len(folder.parts) == 1 and folder.name not in (".", "..") and not folder.is_absolute()
    assert "/" not in folder.name and "\\" not in folder.name and not folder.name.startswith(".")


# ------------------------------------------------------------------ issue 16: templates cannot touch the data


def own_template(tmp_path, body, name="prd.md.j2"):
    pack = tmp_path / "pack"
    (pack / "prd").mkdir(parents=True, exist_ok=True)
    (pack / "prd" / name).write_text(body, encoding="utf-8")
    return pack


def test_templates_get_read_only_answers(project, tmp_path):
    before = (project / "answers.yaml").read_bytes()
    pack = own_template(tmp_path, "# Title\n{{ answers.clear() or \"\" }}\n{{ revisions.append(1) }}\n")
    result = run_prdkit("render", project / "answers.yaml", "--templates", pack)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{pack / 'prd' / 'prd.md.j2'}:2: template error" in result.stderr and "clear" in result.stderr
    assert (project / "answers.yaml").read_bytes() == before


@pytest.mark.parametrize("body, words", [
    ('{% include "prd/prd.md.j2" %}\n', "includes or calls itself"),
    ('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(0) }}\n', "includes or calls itself"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n", "took longer than 2 s"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{{ 'x' * 1000 }}{% endfor %}{% endfor %}\n", "output grew past"),
    ('{{ "x" * 300000000 }}\n', "longer than"),
    ("{{ 7 ** 100000000 }}\n", "exponent"),
    ('{{ "x"|center(300000000) }}\n', "width or count"),
    ('{{ "x".ljust(10000000000) }}\n', "width or count"),
    ("{{ 1 // 0 }}\n", "division by zero"),
    ('{% include "/etc/passwd" %}\n', "no template named '/etc/passwd'"),
])
def test_a_runaway_or_failing_template_is_a_clear_error(project, tmp_path, body, words):
    before = (project / "prd.md").read_bytes()
    pack = own_template(tmp_path, "# Title\n" + body)
    started = time.monotonic()
    result = run_prdkit("render", project / "answers.yaml", "--templates", pack, env={"PRDKIT_TEMPLATE_SECONDS": "2"})
    assert time.monotonic() - started < 90
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "prd.md.j2" in result.stderr and "template error" in result.stderr
    assert "prdkit: :" not in result.stderr and "Traceback" not in result.stderr
    assert ":2: template error" in result.stderr or "/etc/passwd" in body
    assert (project / "prd.md").read_bytes() == before


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_link_inside_a_template_pack_is_not_followed(project, tmp_path, kind):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.j2").write_text("secret-key-material\n")
    pack = own_template(tmp_path, '# Title\n{% include "prd/part/key.j2" %}\n')
    if kind == "file":
        (pack / "prd" / "part").mkdir()
        (pack / "prd" / "part" / "key.j2").symlink_to(secret / "key.j2")
    else:
        (pack / "prd" / "part").symlink_to(secret)
    result = run_prdkit("render", project / "answers.yaml", "--templates", pack)
    assert result.returncode == 2 and "is a symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert "secret-key-material" not in (project / "prd.md").read_text(encoding="utf-8")
