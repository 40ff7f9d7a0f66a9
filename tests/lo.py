"""LibreOffice headless helpers for tests: prove a .docx opens, read what it shows."""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def require_soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        return soffice
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) is required in CI: .ci/run installs libreoffice-writer-nogui")
    pytest.skip("LibreOffice is not installed")


def docx_to_pdf(path: Path, outdir: Path) -> Path:
    """Convert with a private profile (two conversions at once need separate ones).
    soffice exits 0 even when it could not load the file, so the PDF itself is checked."""
    soffice = require_soffice()
    profile = Path("/tmp") / f"lo_profile_{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
             "--outdir", str(outdir), str(path)],
            capture_output=True, timeout=180, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = outdir / (path.stem + ".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 1000, f"LibreOffice could not open {path}"
    return pdf


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
