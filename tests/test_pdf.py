"""PDF output (issue 15): `prdkit render --format pdf` through LibreOffice headless."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from prdkit.errors import UserError
from prdkit.pdf import docx_to_pdf

from conftest import run_prdkit
from lo import pdf_pages, pdf_text, require_soffice


def new_folder(tmp_path: Path, lang: str, preset: str = "rag-knowledge-base") -> Path:
    folder = tmp_path / f"prd-{lang}"
    result = run_prdkit("new", folder, "--preset", preset, "--lang", lang, "--defaults")
    assert result.returncode == 0, result.stderr
    assert not list(folder.glob("*.pdf")), "prdkit new writes no PDF unless asked"
    return folder


def pdf_fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_render_writes_prd_and_checklist_pdf(tmp_path, lang):
    require_soffice()
    folder = new_folder(tmp_path, lang)
    result = run_prdkit("render", folder / "answers.yaml", "--format", "md,docx,pdf,checklist", timeout=400)
    assert result.returncode == 0, result.stderr
    prd, checklist = folder / "prd.pdf", folder / "launch-checklist.pdf"
    assert str(prd) in result.stdout and str(checklist) in result.stdout
    text = pdf_text(prd)
    pages = pdf_pages(prd)
    assert pages >= 5
    if lang == "zh":
        for words in ("知识库智能客服", "场景适配", "成本与 ROI", "评测", "场景适配得分", "流量翻倍"):
            assert words in text, words
        numbers = re.findall(r"第 (\d+) 页 / 共 (\d+) 页", text)
    else:
        for words in ("Scenario fit", "Cost and ROI", "Evaluation", "Scenario-fit scores", "Double the traffic"):
            assert words in text, words
        numbers = re.findall(r"Page (\d+) of (\d+)", text)
    # pages are numbered, and the count is the PDF's own
    assert len(numbers) >= pages - 2 and {int(total) for _, total in numbers} == {pages}
    assert len({int(page) for page, _ in numbers}) == len(numbers)
    # every font is embedded, the CJK one included
    fonts = pdf_fonts(prd)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts
    if lang == "zh":
        assert any("CJK" in row[0] or "Hei" in row[0] or "Song" in row[0] for row in fonts), fonts
    checklist_text = pdf_text(checklist)
    assert ("上线验收清单" if lang == "zh" else "Launch-acceptance checklist") in checklist_text


def test_pdf_alone_writes_both_pdfs_and_no_word_files(tmp_path):
    require_soffice()
    folder = new_folder(tmp_path, "en", "llm-recommender")
    for name in ("prd.docx", "launch-checklist.docx"):
        (folder / name).unlink()
    result = run_prdkit("render", folder / "answers.yaml", "--format", "pdf", timeout=400)
    assert result.returncode == 0, result.stderr
    assert (folder / "prd.pdf").read_bytes().startswith(b"%PDF")
    assert (folder / "launch-checklist.pdf").read_bytes().startswith(b"%PDF")
    assert not (folder / "prd.docx").exists() and not (folder / "launch-checklist.docx").exists()


def _path_without_soffice(tmp_path: Path) -> str:
    """A PATH that still finds nothing but an empty folder: no soffice, no libreoffice."""
    empty = tmp_path / "bin"
    empty.mkdir()
    return str(empty)


def test_without_libreoffice_exit_2_names_the_package(tmp_path):
    folder = new_folder(tmp_path, "zh")
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    (folder / "answers.yaml").write_text((folder / "answers.yaml").read_text(encoding="utf-8").replace("李雯", "王芳"),
                                         encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "prdkit", "render", str(folder / "answers.yaml"),
                             "--format", "md,docx,pdf,checklist"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PATH": _path_without_soffice(tmp_path)})
    assert result.returncode == 2
    assert "libreoffice-writer-nogui" in result.stderr and "LibreOffice" in result.stderr
    assert "Traceback" not in result.stderr
    # nothing was rendered: not the PDFs, not the other documents either
    assert not list(folder.glob("*.pdf"))
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != "answers.yaml"}
    assert after == {k: v for k, v in before.items() if k != "answers.yaml"}


def test_a_converter_that_writes_nothing_is_an_error(tmp_path):
    """soffice exits 0 when it could not convert; the missing PDF is what tells."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 0\n")
    fake.chmod(0o755)
    with pytest.raises(UserError, match="could not convert prd.docx.*source file could not be loaded"):
        docx_to_pdf({"prd.docx": b"PK not really"}, soffice=str(fake))


def test_a_converter_that_hangs_is_stopped(tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60 &\nwait\n")
    fake.chmod(0o755)
    with pytest.raises(UserError, match="did not finish within 1 s"):
        docx_to_pdf({"prd.docx": b"x"}, timeout=1, soffice=str(fake))


def test_each_conversion_has_its_own_profile(tmp_path):
    """The profile folder is passed as -env:UserInstallation and is a new one per run."""
    fake = tmp_path / "soffice"
    log = tmp_path / "args.log"
    fake.write_text(f"#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> {log}; done\necho --- >> {log}\n")
    fake.chmod(0o755)
    for _ in range(2):
        with pytest.raises(UserError):
            docx_to_pdf({"prd.docx": b"x"}, soffice=str(fake))
    profiles = [line for line in log.read_text().splitlines() if line.startswith("-env:UserInstallation=file://")]
    assert len(profiles) == 2 and profiles[0] != profiles[1]
    assert "--headless" in log.read_text()


def test_several_files_convert_side_by_side(tmp_path):
    """Parallel renders each run their own LibreOffice (own profile), so none blocks another."""
    require_soffice()
    folders = [new_folder(tmp_path, "en", "agent-assistant"), new_folder(tmp_path, "zh", "llm-recommender")]
    result = run_prdkit("render", *(f / "answers.yaml" for f in folders), "--format", "pdf,checklist", timeout=400)
    assert result.returncode == 0, result.stderr
    assert "rendered 2 of 2" in result.stdout
    assert "Workplace assistant bot" in pdf_text(folders[0] / "prd.pdf")
    assert "好物推荐理由" in pdf_text(folders[1] / "prd.pdf")
    assert all((f / "launch-checklist.pdf").read_bytes().startswith(b"%PDF") for f in folders)
