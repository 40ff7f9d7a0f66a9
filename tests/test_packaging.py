"""`pip install .` must give a prdkit that can render: templates and checklists in the wheel."""

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, run_prdkit


def test_wheel_ships_templates_checklists_and_questions(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("prdkit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("prdkit/templates/prd/prd.md.j2", "prdkit/templates/strings.yaml",
                     "prdkit/templates/workspace/cookiecutter.json", "prdkit/questions/01_background.yaml",
                     "prdkit/data/word/styles.xml", "prdkit/data/word/numbering.xml", "prdkit/data/word/settings.xml"):
        assert expected in names, expected
    assert any(n.startswith("prdkit/templates/presets/") for n in names)
    assert any(n.startswith("prdkit/checklists/") and n.endswith(".yaml") for n in names)


HEAVY = ("docx", "lxml", "jinja2", "markdown_it", "pydantic", "questionary", "jsonschema", "rich", "yaml",
         "cookiecutter", "merge3")


@pytest.mark.parametrize("command", ["", "new", "render", "edit", "check", "presets", "advise", "checklist", "accept", "diff", "schema"])
def test_help_does_not_import_heavy_modules(command):
    args = [command, "--help"] if command else ["--help"]
    heavy = HEAVY + (() if command else ("click",))  # the top-level help is printed without click
    code = ("import sys, io, contextlib; from prdkit.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()) as out: rc = main({args!r})\n"
            f"heavy = [m for m in {heavy!r} if m in sys.modules]\n"
            "print('RC', rc, 'HEAVY', heavy, 'USAGE' if 'Usage: prdkit' in out.getvalue() else '')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "RC 0 HEAVY [] USAGE" in out, out


def test_fast_help_is_the_help_click_shows():
    """`prdkit --help` is answered without click; through click (any other option first) the
    same screen appears, and it lists every command."""
    from prdkit.cli import COMMANDS

    fast = run_prdkit("--help")
    via_click = run_prdkit("--debug", "--help")
    assert fast.returncode == via_click.returncode == 0
    assert fast.stdout == via_click.stdout
    for name in COMMANDS:
        assert f"\n  {name} " in fast.stdout
    bare = run_prdkit()
    assert bare.returncode == 2 and "Usage: prdkit" in bare.stderr
    assert run_prdkit("-h").stdout == fast.stdout
