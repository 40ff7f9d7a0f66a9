"""Cost and ROI from the answers, in the one currency the answers name (cost.currency).

A month is 30 days (720 hours) throughout, so every figure can be checked by hand; the
formulas are written out in docs/formulas.md.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from ._common import get, num, say

DAYS_PER_MONTH = 30
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


def api_cost(monthly_requests: float, calls: float, input_tokens: float, output_tokens: float,
             cached_share: float, price_input: float, price_output: float, price_cached: float | None) -> dict[str, float]:
    """Monthly API cost split into uncached input, cached input and output."""
    monthly_calls = monthly_requests * calls
    input_month = monthly_calls * input_tokens
    cached_month = input_month * cached_share / 100
    uncached_month = input_month - cached_month
    output_month = monthly_calls * output_tokens
    cached_price = price_input if price_cached is None else price_cached
    cost_input = uncached_month / 1e6 * price_input
    cost_cached = cached_month / 1e6 * cached_price
    cost_output = output_month / 1e6 * price_output
    return {
        "monthly_calls": monthly_calls,
        "input_tokens": input_month,
        "cached_input_tokens": cached_month,
        "output_tokens": output_month,
        "input": cost_input,
        "cached_input": cost_cached,
        "output": cost_output,
        "total": cost_input + cost_cached + cost_output,
    }


def gpus_needed(output_tokens_month: float, tokens_per_s: float, utilisation_pct: float) -> int:
    """GPUs to serve the month's output tokens at the given throughput and average utilisation."""
    average_tps = output_tokens_month / SECONDS_PER_MONTH
    return max(1, math.ceil(average_tps / (tokens_per_s * utilisation_pct / 100)))


def _scenario(answers: Mapping[str, Any], traffic_factor: float) -> dict[str, Any]:
    daily = get(answers, "scenario.daily_requests", 0) * traffic_factor
    monthly_requests = daily * DAYS_PER_MONTH
    api = api_cost(
        monthly_requests,
        get(answers, "cost.calls_per_request", 1),
        get(answers, "cost.input_tokens", 0),
        get(answers, "cost.output_tokens", 0),
        get(answers, "cost.cached_share", 0),
        get(answers, "cost.price_input", 0),
        get(answers, "cost.price_output", 0),
        get(answers, "cost.price_cached_input"),
    )
    infra = get(answers, "cost.infra_monthly", 0)
    review = get(answers, "cost.review_monthly", 0)
    running = api["total"] + infra + review
    saving = monthly_requests * get(answers, "cost.automation_rate", 0) / 100 * get(answers, "cost.manual_cost_per_request", 0)
    return {"monthly_requests": monthly_requests, "api": api, "running": running, "saving": saving, "net": saving - running}


def cost_and_roi(answers: Mapping[str, Any], lang: str) -> dict[str, Any]:
    currency = get(answers, "cost.currency")
    needed = ["scenario.daily_requests", "cost.input_tokens", "cost.output_tokens", "cost.price_input", "cost.price_output"]
    missing = [ref for ref in needed if get(answers, ref) is None]
    if missing or not currency:
        return {"available": False, "currency": currency, "missing": missing + ([] if currency else ["cost.currency"])}
    base = _scenario(answers, 1.0)
    api = base["api"]
    monthly_requests = base["monthly_requests"]
    users = get(answers, "cost.monthly_active_users")
    per_request = api["total"] / monthly_requests if monthly_requests else 0.0

    # self-hosted alternative
    tps = get(answers, "cost.gpu_tokens_per_s")
    gpu_price = get(answers, "cost.gpu_hour_price")
    utilisation = get(answers, "cost.gpu_utilisation", 40)
    self_hosted = None
    if tps and gpu_price is not None:
        gpus = gpus_needed(api["output_tokens"], tps, utilisation)
        gpu_monthly = gpus * HOURS_PER_MONTH * gpu_price
        one_gpu = HOURS_PER_MONTH * gpu_price
        per_call_output = get(answers, "cost.output_tokens", 0) * get(answers, "cost.calls_per_request", 1)
        capacity = tps * utilisation / 100 * SECONDS_PER_MONTH / per_call_output if per_call_output else math.inf
        # Self-hosting pays off from the volume where the API bill equals one GPU's month,
        # provided one GPU can carry that volume; otherwise every GPU costs more than its tokens do via the API.
        break_even = math.ceil(one_gpu / per_request) if per_request > 0 and per_request * capacity >= one_gpu else None
        self_hosted = {
            "gpus": gpus,
            "gpu_monthly": num(gpu_monthly),
            "requests_per_gpu_month": None if math.isinf(capacity) else math.floor(capacity),
            "break_even_monthly_requests": break_even,
            "break_even_daily_requests": math.ceil(break_even / DAYS_PER_MONTH) if break_even else None,
            "cheaper": "self_hosted" if gpu_monthly < api["total"] else "api",
        }

    oneoff_items = [{"item": r.get("item", ""), "amount": num(r.get("amount") or 0)} for r in get(answers, "cost.oneoff_costs", [])]
    labeling = 0.0
    if get(answers, "data.labeling_needed") and get(answers, "data.labeling_items") is not None:
        labeling = get(answers, "data.labeling_items") * get(answers, "data.labeling_cost_per_item", 0)
        oneoff_items.append({"item": say(lang, "数据标注（{n:,} 条 × {p}）", "Data labelling ({n:,} items × {p})",
                                         n=get(answers, "data.labeling_items"), p=get(answers, "data.labeling_cost_per_item", 0)),
                             "amount": num(labeling)})
    oneoff = sum(i["amount"] for i in oneoff_items)

    running, saving, net = base["running"], base["saving"], base["net"]
    payback = oneoff / net if net > 0 else None
    year_cost = oneoff + 12 * running
    roi_12 = (12 * saving - year_cost) / year_cost if year_cost > 0 else None
    budget = get(answers, "cost.monthly_budget")

    sensitivity = []
    for factor in (0.5, 2.0):
        s = _scenario(answers, factor)
        sensitivity.append({
            "traffic_factor": factor,
            "monthly_requests": round(s["monthly_requests"]),
            "api_monthly": num(s["api"]["total"]),
            "running_monthly": num(s["running"]),
            "net_monthly": num(s["net"]),
            "payback_months": num(oneoff / s["net"], 1) if s["net"] > 0 else None,
        })

    return {
        "available": True,
        "currency": currency,
        "assumptions": {
            "days_per_month": DAYS_PER_MONTH,
            "monthly_requests": round(monthly_requests),
            "calls_per_request": get(answers, "cost.calls_per_request", 1),
            "input_tokens_per_call": get(answers, "cost.input_tokens"),
            "output_tokens_per_call": get(answers, "cost.output_tokens"),
            "cached_share_pct": get(answers, "cost.cached_share", 0),
            "prices_per_million": {"input": get(answers, "cost.price_input"), "cached_input": get(answers, "cost.price_cached_input"),
                                   "output": get(answers, "cost.price_output")},
        },
        "monthly_tokens": {"input": round(api["input_tokens"]), "cached_input": round(api["cached_input_tokens"]),
                           "output": round(api["output_tokens"])},
        "api_monthly": {"input": num(api["input"]), "cached_input": num(api["cached_input"]), "output": num(api["output"]),
                        "total": num(api["total"])},
        "per_request": num(per_request, 4),
        "per_user": num(running / users, 4) if users else None,
        "infra_monthly": num(get(answers, "cost.infra_monthly", 0)),
        "review_monthly": num(get(answers, "cost.review_monthly", 0)),
        "running_monthly": num(running),
        "self_hosted": self_hosted,
        "oneoff": {"items": oneoff_items, "total": num(oneoff)},
        "manual_saving_monthly": num(saving),
        "net_monthly": num(net),
        "payback_months": num(payback, 1) if payback is not None else None,
        "roi_12_months": num(roi_12, 3) if roi_12 is not None else None,
        "monthly_budget": budget,
        "within_budget": (running <= budget) if budget is not None else None,
        "sensitivity": sensitivity,
    }
