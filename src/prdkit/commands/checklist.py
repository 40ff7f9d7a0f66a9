from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("checklist")
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {\"items\": [...]} as JSON.")
@click.option("--checklists", "extra", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="A folder of your own checklist packs (YAML), added to the shipped ones.")
def command(answers_file: Path, as_json: bool, extra: tuple[Path, ...]) -> None:
    """Print the launch-acceptance items that apply to these answers."""
    from ..acceptance import latest_status, load_history
    from ..answers import load_answers
    from ..checklist import applicable_items

    answers = load_answers(answers_file)
    items = applicable_items(answers.answers, answers.lang, extra)
    status = latest_status(load_history(answers_file), answers.lang)
    if as_json:
        payload = [{**i.as_dict(), "status": status.get(i.id, {}).get("status")} for i in items]
        click.echo(json.dumps({"items": payload}, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    zh = answers.lang == "zh"
    table = Table(title=("上线验收清单" if zh else "Launch-acceptance checklist"), title_justify="left")
    for zh_name, en_name in (("编号", "ID"), ("类别", "Category"), ("事项", "Item"), ("负责人", "Owner"),
                             ("门槛", "Gate"), ("阈值", "Threshold"), ("状态", "Status")):
        table.add_column(zh_name if zh else en_name, overflow="fold")
    for item in items:
        table.add_row(item.id, item.category_label, item.title, item.owner_label,
                      ("是" if zh else "yes") if item.gate else "", item.threshold,
                      status.get(item.id, {}).get("status_label", ""))
    Console().print(table)
