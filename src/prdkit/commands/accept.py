from __future__ import annotations

import getpass
from pathlib import Path

import click


@click.command("accept")
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(path_type=Path))
@click.option("--item", help="The checklist item id, e.g. GEN-03.")
@click.option("--status", type=click.Choice(["pass", "fail", "waived"]), help="The result to record.")
@click.option("--evidence", help="Where the evidence is (a waiver needs it).")
@click.option("--by", "by", help="Who records it (default: the PRD owner, else your user name).")
@click.option("--results", "results", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
              help="Eval results to import: promptfoo JSON or JSONL output, or a CSV/JSONL with metric and pass (or score and threshold). Repeatable.")
@click.option("--map", "maps", multiple=True, metavar='"NAME=METRIC"',
              help='Match a metric name in the results to a PRD metric, e.g. --map "acc=Answer accuracy". Repeatable.')
@click.option("--pdf", "pdf", is_flag=True,
              help="Also write acceptance-report.pdf through LibreOffice (done anyway when the folder has a prd.pdf).")
@click.pass_context
def command(ctx: click.Context, answers_file: Path, item: str | None, status: str | None, evidence: str | None, by: str | None,
            results: tuple[Path, ...], maps: tuple[str, ...], pdf: bool) -> None:
    """Record acceptance results, or print the launch verdict.

    With --item and --status a result is added to acceptance.yaml (history kept). With
    --results the eval results decide each metric's gate (and the safety banks'), recorded
    with the file's hash. Then the verdict is printed (exit 0 go, 1 no-go) and
    acceptance-report.md/.docx written (and .pdf with --pdf, or when the PRD has a prd.pdf).
    """
    from .. import acceptance
    from ..answers import load_answers
    from ..checklist import applicable_items
    from ..errors import UserError

    answers = load_answers(answers_file)
    items = applicable_items(answers.answers, answers.lang)
    lang = answers.lang
    zh = lang == "zh"
    who = str(by or answers.get("background.owner") or getpass.getuser())
    if (item or status) and results:
        raise UserError("--results cannot be combined with --item/--status: import results and record by hand in two calls")
    if maps and not results:
        raise UserError('--map goes with --results (e.g. --results results.json --map "acc=Answer accuracy")')
    if item or status:
        if not (item and status):
            raise UserError("--item and --status go together (e.g. --item GEN-03 --status pass)")
        entry = acceptance.record(answers_file, [i.id for i in items], item, status, evidence, who)
        click.echo(("已记录 " if zh else "Recorded ") + f"{entry['item']}: {entry['status']} ({entry['by']}, {entry['at']})")
        return
    if results:
        for ev, new in acceptance.import_results(answers_file, answers.answers, lang, list(results), list(maps), who):
            gate = ev.gate
            label = acceptance.decision_label(gate.decision, lang)
            if zh:
                line = (f"{ev.target.item} {ev.target.name}：{acceptance.pct(gate.rate_pct)}（95% 区间 {acceptance.pct(gate.low_pct)}–"
                        f"{acceptance.pct(gate.high_pct)}，{gate.items:,} 条，所需 {gate.required:,} 条）→ {label}")
                line += "" if new else "（此文件已导入，未重复记录）"
            else:
                line = (f"{ev.target.item} {ev.target.name}: {acceptance.pct(gate.rate_pct)} (95% interval {acceptance.pct(gate.low_pct)}–"
                        f"{acceptance.pct(gate.high_pct)}, {gate.items:,} items, {gate.required:,} needed) → {label}")
                line += "" if new else " (this file was already imported; nothing added)"
            click.echo(line)
    history = acceptance.load_history(answers_file)
    judged = acceptance.judged_history(history, acceptance.acceptance_targets(answers.answers, lang))
    result = acceptance.verdict(items, judged)
    from ..bank import load_bank
    from ..render import document_info

    title = ("{name} 上线验收报告" if zh else "{name}: Launch acceptance report").replace("{name}", document_info(answers, load_bank()).title)
    report = acceptance.render_report_markdown(title, lang, items, history, result, answers.answers)
    folder = answers_file.parent
    # a PRD rendered with --format pdf gets its acceptance report as a PDF too
    pdf = pdf or (folder / "prd.pdf").is_file()
    if pdf:
        from ..pdf import require_soffice

        require_soffice()  # before anything is written
    from ..folder import RenderFolder
    from ..render import doc_meta
    from ..word import markdown_to_docx

    docx_bytes = markdown_to_docx(report, doc_meta(answers, load_bank(), "report", title))
    outputs: dict[str, str | bytes] = {"acceptance-report.md": report, "acceptance-report.docx": docx_bytes}
    if pdf:
        from ..pdf import docx_to_pdf

        outputs.update(docx_to_pdf({"acceptance-report.docx": docx_bytes}))
    # the three files are written together, or none of them (and never through a symlink)
    with RenderFolder(folder, lang) as target:
        target.commit(outputs)
    reasons = acceptance.gate_reasons(result, judged, lang)
    if result.go:
        click.echo("上线结论：可以上线（GO）" if zh else "Launch verdict: GO")
    else:
        click.echo("上线结论：暂不能上线（NO-GO）" if zh else "Launch verdict: NO-GO")
        if result.failing_gates:
            failing = [f"{g} ({reasons[g]})" if g in reasons else g for g in result.failing_gates]
            click.echo(("未通过：" if zh else "failing gates: ") + ", ".join(failing))
        if result.open_gates:
            click.echo(("待验收：" if zh else "open gates: ") + ", ".join(result.open_gates))
    click.echo(("报告：" if zh else "report: ") + str(folder / "acceptance-report.md"))
    if not result.go:
        ctx.exit(1)
