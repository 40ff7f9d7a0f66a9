from __future__ import annotations

from pathlib import Path

import click


def _folder(value: str | None) -> Path | None:
    # not click.Path: it turns "" into ".", and `--out ""` would write into the current folder
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter("the folder name is empty; give a folder, or leave --out out to write beside the answers file")
    return Path(value)


@click.command("render")
@click.argument("answers_files", metavar="ANSWERS...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", callback=lambda ctx, param, value: _folder(value), help="Output folder (default: the answers file's folder).")
@click.option("--format", "formats", default="md,docx,checklist", show_default=True, help="Comma-separated: md, docx, checklist, pdf (pdf through LibreOffice, when installed).")
@click.option("--templates", type=click.Path(path_type=Path, exists=True, file_okay=False), help="Your own template folder; files there replace the shipped ones.")
@click.option("--reference-docx", type=click.Path(path_type=Path), help="A .docx whose styles, header and footer the Word output uses.")
@click.option("--cjk-font", default=None, help="East Asian font of the Word output [default: Microsoft YaHei, or the reference's own].")
@click.option("--force", is_flag=True, help="Replace a hand-edited prd.md that conflicts with the new answers (a backup is kept).")
def command(answers_files: tuple[Path, ...], out_dir: Path | None, formats: str, templates: Path | None,
            reference_docx: Path | None, cjk_font: str | None, force: bool) -> None:
    """Regenerate every document from saved answers.

    The same answers always give the same prd.md. Documents are written only when the whole
    render succeeded.
    """
    from ..generate import render_many

    code = render_many(list(answers_files), out_dir, formats, templates, reference_docx, cjk_font, force)
    if code:
        click.get_current_context().exit(code)
