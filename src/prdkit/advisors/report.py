"""The advice as terminal tables (rich)."""

from __future__ import annotations

from typing import Any, Mapping


def _fmt(value: Any) -> str:
    from ..render import format_number

    if value is None:
        return "—"
    return format_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def print_advice(advice: Mapping[str, Any], lang: str, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    zh = lang == "zh"
    console = console or Console()
    fit = advice["scenario_fit"]
    table = Table(title="场景适配" if zh else "Scenario fit", title_justify="left")
    for col in (("维度", "Dimension"), ("得分", "Score"), ("理由", "Reason")):
        table.add_column(col[0] if zh else col[1], overflow="fold")
    for d in fit["dimensions"]:
        table.add_row(d["label"], str(d["score"]), d["reason"])
    console.print(table)
    from rich.markup import escape

    # the label may quote names the PM typed: never read them as rich markup
    console.print(f"[bold]{'结论' if zh else 'Verdict'}:[/bold] {escape(fit['verdict_label'])}")
    for risk in fit["blocking_risks"]:
        console.print(f"[red]✗[/red] {risk}")
    for note in fit["notes"]:
        console.print(f"• {note}")

    path = advice["solution_path"]
    table = Table(title="方案路径" if zh else "Solution path", title_justify="left")
    for col in (("路径", "Path"), ("建议", "Fit"), ("原因", "Why")):
        table.add_column(col[0] if zh else col[1], overflow="fold")
    for p in path["paths"]:
        style = {"recommended": "green", "not_recommended": "dim"}.get(p["fit"], "")
        table.add_row(p["label"], f"[{style}]{p['fit_label']}[/{style}]" if style else p["fit_label"], p["reason"])
    console.print(table)

    models = advice["models"]
    table = Table(title="模型建议清单" if zh else "Model shortlist", title_justify="left")
    for col in (("模型", "Model"), ("方式", "Access"), ("上下文", "Context"), ("价格 入/出 每百万", "Price in/out per 1M"), ("理由", "Why")):
        table.add_column(col[0] if zh else col[1], overflow="fold")
    for m in models["shortlist"]:
        price = m["price"]
        price_text = f"{_fmt(price['input'])} / {_fmt(price['output'])} {price['currency']} ({price.get('as_of', '')})" if price else ("自建" if zh else "self-hosted")
        table.add_row(m["name"], m["access"], _fmt(m["context_tokens"]), price_text, m["reason"])
    console.print(table)

    cost = advice["cost"]
    if cost.get("available"):
        c = cost["currency"]
        table = Table(title=("成本与 ROI（" + c + "）") if zh else f"Cost and ROI ({c})", title_justify="left")
        table.add_column("项目" if zh else "Item")
        table.add_column("金额" if zh else "Amount", justify="right")
        rows = [
            (("模型调用/月", "Model calls a month"), cost["api_monthly"]["total"]),
            (("  其中输入（未缓存）", "  of which input, uncached"), cost["api_monthly"]["input"]),
            (("  其中输入（缓存）", "  of which input, cached"), cost["api_monthly"]["cached_input"]),
            (("  其中输出", "  of which output"), cost["api_monthly"]["output"]),
            (("月运行成本", "Running cost a month"), cost["running_monthly"]),
            (("每次请求", "Per request"), cost["per_request"]),
            (("每个月活用户", "Per monthly active user"), cost["per_user"]),
            (("一次性成本", "One-off costs"), cost["oneoff"]["total"]),
            (("月净收益", "Net monthly benefit"), cost["net_monthly"]),
            (("回本（月）", "Payback (months)"), cost["payback_months"]),
        ]
        if cost.get("self_hosted"):
            rows.append((("自建 GPU 数", "Self-hosted GPUs"), cost["self_hosted"]["gpus"]))
            rows.append((("盈亏平衡 请求/月", "Break-even requests a month"), cost["self_hosted"]["break_even_monthly_requests"]))
        for (label_zh, label_en), value in rows:
            table.add_row(label_zh if zh else label_en, _fmt(value))
        console.print(table)
    else:
        console.print(("缺少成本相关回答：" if zh else "Cost not computed; missing: ") + ", ".join(cost.get("missing", [])))

    ev = advice["evaluation"]
    table = Table(title="评测集规模" if zh else "Eval-set sizes", title_justify="left")
    for col in (("指标", "Metric"), ("目标", "Target"), ("至少需要", "Needed"), ("计划", "Planned"), ("足够", "Enough")):
        table.add_column(col[0] if zh else col[1], overflow="fold")
    for m in ev["metrics"]:
        enough = "—" if m["enough"] is None else ("✓" if m["enough"] else "✗")
        table.add_row(m["metric"], f"{'≥' if m['direction'] == 'higher' else '≤'} {_fmt(m['target_pct'])}%", _fmt(m["n_needed"]), _fmt(m["planned"]), enough)
    for b in ev.get("safety_banks") or []:
        enough = "—" if b["enough"] is None else ("✓" if b["enough"] else "✗")
        table.add_row(b["bank"], b["threshold"], _fmt(b["required"]), _fmt(b["planned"]), enough)
    console.print(table)
