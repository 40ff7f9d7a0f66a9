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
@click.pass_context
def command(ctx: click.Context, answers_file: Path, item: str | None, status: str | None, evidence: str | None, by: str | None) -> None:
    """Record acceptance results, or print the launch verdict.

    With --item and --status a result is added to acceptance.yaml (history kept). Without
    them the verdict is printed (exit 0 go, 1 no-go) and acceptance-report.md/.docx written.
    """
    from .. import acceptance
    from ..answers import load_answers, write_atomic
    from ..checklist import applicable_items
    from ..errors import UserError

    answers = load_answers(answers_file)
    items = applicable_items(answers.answers, answers.lang)
    zh = answers.lang == "zh"
    if item or status:
        if not (item and status):
            raise UserError("--item and --status go together (e.g. --item GEN-03 --status pass)")
        who = by or answers.get("background.owner") or getpass.getuser()
        entry = acceptance.record(answers_file, [i.id for i in items], item, status, evidence, str(who))
        click.echo(("已记录 " if zh else "Recorded ") + f"{entry['item']}: {entry['status']} ({entry['by']}, {entry['at']})")
        return
    history = acceptance.load_history(answers_file)
    result = acceptance.verdict(items, history)
    from ..render import document_info
    from ..bank import load_bank

    title = ("{name} 上线验收报告" if zh else "{name}: Launch acceptance report").replace("{name}", document_info(answers, load_bank()).title)
    report = acceptance.render_report_markdown(title, answers.lang, items, history, result)
    folder = answers_file.parent
    write_atomic(folder / "acceptance-report.md", report)
    try:
        from ..render import doc_meta
        from ..word import markdown_to_docx

        data = markdown_to_docx(report, doc_meta(answers, load_bank(), "report", title))
        write_atomic(folder / "acceptance-report.docx", data)
    except ImportError:
        pass
    if result.go:
        click.echo("上线结论：可以上线（GO）" if zh else "Launch verdict: GO")
    else:
        click.echo("上线结论：暂不能上线（NO-GO）" if zh else "Launch verdict: NO-GO")
        if result.failing_gates:
            click.echo(("未通过：" if zh else "failing gates: ") + ", ".join(result.failing_gates))
        if result.open_gates:
            click.echo(("待验收：" if zh else "open gates: ") + ", ".join(result.open_gates))
    click.echo(("报告：" if zh else "report: ") + str(folder / "acceptance-report.md"))
    if not result.go:
        ctx.exit(1)
