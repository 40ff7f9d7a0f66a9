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
    for reason in fit.get("verdict_reasons", []):
        console.print(f"  {escape(reason)}")
    if fit["blocking_risks"]:
        console.print(f"[bold red]{'阻断风险' if zh else 'Blocking risks'}:[/bold red]")
    for risk in fit["blocking_risks"]:
        console.print(f"[red]✗[/red] {escape(risk)}")
    if fit["notes"]:
        console.print(f"[bold]{'建议' if zh else 'Notes'}:[/bold]")
    for note in fit["notes"]:
        console.print(f"• {escape(note)}")

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
    for col in (("名次", "Rank"), ("模型", "Model"), ("方式", "Access"), ("上下文", "Context"), ("价格", "Price"), ("理由", "Why")):
        table.add_column(col[0] if zh else col[1], overflow="fold")
    for m in models["shortlist"]:
        price = m["price"]
        if price and price.get("per_image") is not None:
            price_text = f"{_fmt(price['per_image'])} {price['currency']}{'/张' if zh else ' per image'} ({price.get('as_of', '')})"
        elif price:
            price_text = f"{_fmt(price['input'])} / {_fmt(price['output'])} {price['currency']}{' 每百万 tokens' if zh else ' per 1M tokens'} ({price.get('as_of', '')})"
        else:
            price_text = ("自建" if zh else "self-hosted") if m["access"] == "open_weights" else ("未知" if zh else "not known")
        access = "API" if m["access"] == "api" else ("开源权重" if zh else "open weights")
        table.add_row(str(m["rank"]), m["name"], access, _fmt(m["context_tokens"]), price_text, m["reason"])
    console.print(table)

    cost = advice["cost"]
    if cost.get("available"):
        c = cost["currency"]
        table = Table(title=("成本与 ROI（" + c + "）") if zh else f"Cost and ROI ({c})", title_justify="left")
        table.add_column("项目" if zh else "Item")
        table.add_column("金额" if zh else "Amount", justify="right")
        api = cost.get("api_monthly")
        rows = []
        if api and not cost.get("api_is_comparison"):
            rows += [
                (("API 调用/月", "API calls a month"), api["total"]),
                (("  其中输入（未缓存）", "  of which input, uncached"), api["input"]),
                (("  其中输入（缓存）", "  of which input, cached"), api["cached_input"]),
                (("  其中输出", "  of which output"), api["output"]),
            ]
        if cost.get("image"):
            rows.append((("图片生成/月", "Image generation a month"), cost["image"]["monthly"]))
        rows += [
            (("模型成本/月", "Model cost a month"), cost["model_monthly"]),
            (("月运行成本", "Running cost a month"), cost["running_monthly"]),
            (("每次请求", "Per request"), cost["per_request"]),
            (("每个月活用户", "Per monthly active user"), cost["per_user"]),
            (("一次性成本", "One-off costs"), cost["oneoff"]["total"]),
            (("月净收益", "Net monthly benefit"), cost["net_monthly"]),
            (("回本（月）", "Payback (months)"), None if cost["payback_months"] is None else round(cost["payback_months"], 1)),
        ]
        if cost.get("self_hosted"):
            rows.append((("自建 GPU 数", "Self-hosted GPUs"), cost["self_hosted"]["gpus"]))
            if cost["self_hosted"]["break_even_monthly_requests"]:
                rows.append((("盈亏平衡 请求/月", "Break-even requests a month"), round(cost["self_hosted"]["break_even_monthly_requests"])))
        for (label_zh, label_en), value in rows:
            if isinstance(value, float):
                value = round(value, 4 if abs(value) < 1 else 2)
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
        needed = _fmt(m["n_needed"]) + ((" 条正例" if zh else " positives") if m.get("counts") == "positives" else "")
        if m["enough"] is None and m.get("counts") == "positives" and m["planned"] is not None:
            enough = "核对正例数" if zh else "count the positives"
        table.add_row(m["metric"], f"{'≥' if m['direction'] == 'higher' else '≤'} {_fmt(m['target_pct'])}%", needed, _fmt(m["planned"]), enough)
    for b in ev.get("safety_banks") or []:
        enough = "—" if b["enough"] is None else ("✓" if b["enough"] else "✗")
        table.add_row(b["bank"], b["threshold"], _fmt(b["required"]), _fmt(b["planned"]), enough)
    console.print(table)
