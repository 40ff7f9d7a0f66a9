"""Word → PDF through LibreOffice headless (`prdkit render --format pdf`).

LibreOffice is an outside program, so it is treated as one: looked up before anything is
rendered (without it the user is told which package to install, exit 2), run with a profile
folder of its own (two conversions at once, or a LibreOffice the user has open, would
otherwise fight over one), stopped after a time limit, and its output checked, since soffice
exits 0 when it could not convert. The PDFs come back as bytes; the caller writes them the way
it writes every output, through a temporary file and a rename.

LibreOffice embeds the fonts it uses (CJK included) and fills the PAGE / NUMPAGES fields of
the footer, so the PDF is searchable Chinese or English text with numbered pages.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Mapping

from .errors import UserError

TIMEOUT_S = 180
INSTALL_HINT = ("install LibreOffice: on Debian/Ubuntu `sudo apt-get install libreoffice-writer-nogui`; "
                "on macOS and Windows the LibreOffice installer from https://www.libreoffice.org")
_PLACES = {
    "darwin": ["/Applications/LibreOffice.app/Contents/MacOS/soffice"],
    "win32": [r"C:\Program Files\LibreOffice\program\soffice.exe", r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"],
}


def find_soffice() -> str | None:
    """LibreOffice's soffice: on PATH, or where its installer puts it on macOS and Windows."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _PLACES.get(sys.platform, []) if Path(p).is_file()), None)


def require_soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise UserError(f"--format pdf: LibreOffice (soffice) was not found; {INSTALL_HINT}")
    return soffice


def _stop(process: subprocess.Popen) -> None:
    """End the converter and what it started (soffice runs soffice.bin under it)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def docx_to_pdf(documents: Mapping[str, bytes], timeout: float = TIMEOUT_S, soffice: str | None = None) -> dict[str, bytes]:
    """{"prd.docx": bytes, ...} → {"prd.pdf": bytes, ...}, in one LibreOffice run."""
    if not documents:
        return {}
    soffice = soffice or require_soffice()
    with tempfile.TemporaryDirectory(prefix="prdkit-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        (folder / "out").mkdir()
        sources = []
        for name, data in documents.items():
            source = folder / "in" / name
            source.write_bytes(data)
            sources.append(source)
        command = [soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder / "out"), *map(str, sources)]
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       start_new_session=os.name == "posix")
        except OSError as exc:
            raise UserError(f"--format pdf: could not start LibreOffice ({soffice}): {exc.strerror or exc}") from None
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise UserError(f"--format pdf: LibreOffice did not finish within {timeout:g} s; nothing was written") from None
        except BaseException:
            _stop(process)
            raise
        pdfs = {}
        for source in sources:
            pdf = folder / "out" / (source.stem + ".pdf")
            data = pdf.read_bytes() if pdf.is_file() else b""
            if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
                said = output.decode("utf-8", "replace").strip().splitlines()
                detail = f" (LibreOffice said: {said[-1]})" if said else ""
                raise UserError(f"--format pdf: LibreOffice could not convert {source.name} to PDF{detail}; nothing was written")
            pdfs[source.stem + ".pdf"] = data
        return pdfs
