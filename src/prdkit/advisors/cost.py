"""Cost and ROI from the answers, in the one currency the answers name (cost.currency).

The running cost follows the deployment (model.deployment):
- api: tokens × list prices (cached input apart), plus a price per image for image APIs;
- open_weights / private: GPUs sized for the peak hour (weights memory at the chosen
  precision, KV cache, prefill and decode throughput, one spare replica for an availability
  target of 99% or more) × 720 hours × the GPU-hour price; API prices only as a comparison.
The gain is the manual work removed (automation rate × manual cost) or, when a person handles
every result (review_all, assist_only), the time saved × the staff hourly cost.

A month is 30 days (720 hours) throughout, so every figure can be checked by hand; the
formulas are written out in docs/formulas.md. Figures are returned unrounded: documents round.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from ._common import get, say

DAYS_PER_MONTH = 30
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
PRECISION_BYTES = {"bf16": 2.0, "fp8": 1.0, "int4": 0.5}
MEMORY_HEADROOM = 0.9          # share of a GPU's memory the serving engine may fill
REPLICA_SIZES = (1, 2, 4, 8)   # GPUs per replica (tensor parallel within one node)
SPARE_AT_AVAILABILITY = 99.0   # an availability target at or above this keeps one spare replica
DEFAULT_PEAK_SHARE = 10.0      # % of a day's requests in the busiest hour
DEFAULT_HOLD_S = 5.0           # seconds a call holds its KV cache when no latency target is given
SELF_HOSTED = ("open_weights", "private")


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


def gpu_sizing(*, daily_requests: float, work_per_request_s: float, peak_share_pct: float, utilisation_pct: float,
               gpu_hour_price: float, availability: float | None = None, weights_gb: float | None = None,
               gpu_memory_gb: float = 80.0, kv_gb_per_call: float = 0.0, kv_gb_max_context: float = 0.0,
               calls_per_request: float = 1.0, hold_s: float = DEFAULT_HOLD_S) -> dict[str, Any]:
    """GPUs to rent for the peak hour.

    work_per_request_s: GPU-seconds one request needs (prefill + decode, or per image).
    A replica holds the weights (split over 1, 2, 4 or 8 GPUs) and must fit one call at the
    full context; the peak hour needs enough replicas for its GPU-seconds at the target
    utilisation and for the KV cache of the calls in flight (Little's law: calls per second ×
    seconds each call is held); one spare replica is added for an availability target ≥ 99%.
    """
    peak_share = max(peak_share_pct, 100 / 24)
    peak_requests_per_s = daily_requests * peak_share / 100 / 3600
    busy_gpus = peak_requests_per_s * work_per_request_s          # GPUs fully busy at the peak
    compute_gpus = busy_gpus / (utilisation_pct / 100)
    usable = gpu_memory_gb * MEMORY_HEADROOM
    per_replica, multi_node = 1, False
    if weights_gb is not None:
        need = weights_gb + kv_gb_max_context
        fitting = [n for n in REPLICA_SIZES if n * usable >= need]
        if fitting:
            per_replica = fitting[0]
        else:
            per_replica, multi_node = math.ceil(need / usable), True
    free_per_replica = per_replica * usable - (weights_gb or 0.0)
    calls_in_flight = peak_requests_per_s * calls_per_request * hold_s
    kv_peak_gb = calls_in_flight * kv_gb_per_call
    replicas_compute = math.ceil(compute_gpus / per_replica - 1e-9)
    replicas_memory = math.ceil(kv_peak_gb / free_per_replica - 1e-9) if kv_peak_gb > 0 and free_per_replica > 0 else 0
    replicas = max(1, replicas_compute, replicas_memory)
    spare = 1 if availability is not None and availability >= SPARE_AT_AVAILABILITY else 0
    gpus = (replicas + spare) * per_replica
    # requests a month one replica carries at the target utilisation, with traffic shaped like this one
    per_replica_daily = per_replica * utilisation_pct / 100 * 3600 / (peak_share / 100) / work_per_request_s if work_per_request_s > 0 else math.inf
    return {
        "peak_requests_per_s": peak_requests_per_s,
        "busy_gpus_at_peak": busy_gpus,
        "gpus_for_compute": compute_gpus,
        "weights_gb": weights_gb,
        "gpus_per_replica": per_replica,
        "multi_node": multi_node,
        "kv_gb_at_peak": kv_peak_gb,
        "kv_free_gb_per_replica": free_per_replica if weights_gb is not None else None,
        "replicas_for_compute": replicas_compute,
        "replicas_for_memory": replicas_memory,
        "replicas": replicas,
        "spare_replicas": spare,
        "gpus": gpus,
        "gpu_monthly": gpus * HOURS_PER_MONTH * gpu_hour_price,
        "requests_per_replica_month": None if math.isinf(per_replica_daily) else per_replica_daily * DAYS_PER_MONTH,
    }


def _is_image(answers: Mapping[str, Any]) -> bool:
    return "image_out" in (get(answers, "model.modalities", []) or [])


def _text_work_s(answers: Mapping[str, Any]) -> float | None:
    """GPU-seconds of prefill and decode for one request, or None without a decode throughput."""
    decode = get(answers, "cost.gpu_tokens_per_s")
    if not decode:
        return None
    prefill = get(answers, "cost.gpu_prefill_tokens_per_s")
    calls = get(answers, "cost.calls_per_request", 1)
    per_call = get(answers, "cost.output_tokens", 0) / decode
    if prefill:
        per_call += get(answers, "cost.input_tokens", 0) / prefill
    return calls * per_call


def _text_sizing(answers: Mapping[str, Any], daily: float, with_memory: bool) -> dict[str, Any] | None:
    work = _text_work_s(answers)
    price = get(answers, "cost.gpu_hour_price")
    if work is None or price is None or not get(answers, "cost.output_tokens"):
        return None
    memory: dict[str, Any] = {}
    params = get(answers, "model.params_b")
    if with_memory and params:
        precision = get(answers, "model.weights_precision", "bf16")
        kv_gb_per_token = get(answers, "model.kv_kb_per_token", 0) * 1000 / 1e9
        context = get(answers, "model.context_tokens") or (get(answers, "cost.input_tokens", 0) + get(answers, "cost.output_tokens", 0))
        memory = {
            "weights_gb": params * PRECISION_BYTES.get(precision, 2.0),
            "gpu_memory_gb": get(answers, "model.gpu_memory_gb", 80),
            "kv_gb_per_call": kv_gb_per_token * (get(answers, "cost.input_tokens", 0) + get(answers, "cost.output_tokens", 0)),
            "kv_gb_max_context": kv_gb_per_token * context,
        }
    sizing = gpu_sizing(daily_requests=daily, work_per_request_s=work, peak_share_pct=get(answers, "cost.peak_hour_share", DEFAULT_PEAK_SHARE),
                        utilisation_pct=get(answers, "cost.gpu_utilisation", 40), gpu_hour_price=price,
                        availability=get(answers, "launch.availability"), calls_per_request=get(answers, "cost.calls_per_request", 1),
                        hold_s=get(answers, "scenario.latency_p95_s", DEFAULT_HOLD_S), **memory)
    sizing["gpu_seconds_per_request"] = work
    sizing["memory_checked"] = bool(memory)
    return sizing


def _image_cost(answers: Mapping[str, Any], daily: float, self_hosted: bool) -> dict[str, Any] | None:
    if not _is_image(answers):
        return None
    per_request = get(answers, "cost.images_per_request", 1)
    images = daily * DAYS_PER_MONTH * per_request
    if not self_hosted:
        price = get(answers, "cost.price_per_image")
        if price is None:
            return None
        return {"basis": "per_image", "images_monthly": images, "price_per_image": price, "monthly": images * price, "sizing": None}
    seconds = get(answers, "cost.gpu_seconds_per_image")
    gpu_price = get(answers, "cost.gpu_hour_price")
    if seconds is None or gpu_price is None:
        return None
    sizing = gpu_sizing(daily_requests=daily, work_per_request_s=seconds * per_request,
                        peak_share_pct=get(answers, "cost.peak_hour_share", DEFAULT_PEAK_SHARE),
                        utilisation_pct=get(answers, "cost.gpu_utilisation", 40), gpu_hour_price=gpu_price,
                        availability=get(answers, "launch.availability"))
    return {"basis": "gpu_seconds", "images_monthly": images, "gpu_seconds_per_image": seconds,
            "gpu_seconds_monthly": images * seconds,
            # what the same work costs billed by the GPU-second (serverless), for comparison
            "per_gpu_second_monthly": images * seconds / 3600 * gpu_price,
            "monthly": sizing["gpu_monthly"], "sizing": sizing}


def _has_api_prices(answers: Mapping[str, Any]) -> bool:
    return all(get(answers, ref) is not None for ref in ("cost.input_tokens", "cost.output_tokens", "cost.price_input", "cost.price_output"))


def _api(answers: Mapping[str, Any], monthly_requests: float) -> dict[str, float]:
    return api_cost(monthly_requests, get(answers, "cost.calls_per_request", 1), get(answers, "cost.input_tokens", 0),
                    get(answers, "cost.output_tokens", 0), get(answers, "cost.cached_share", 0), get(answers, "cost.price_input", 0),
                    get(answers, "cost.price_output", 0), get(answers, "cost.price_cached_input"))


def saving_basis(answers: Mapping[str, Any]) -> str:
    """'assistive' when a person handles every result and the time saved is given, else 'automation'."""
    if get(answers, "scenario.human_in_loop") in ("review_all", "assist_only") and get(answers, "cost.minutes_saved_per_request") is not None \
            and get(answers, "cost.hourly_staff_cost") is not None:
        return "assistive"
    return "automation"


def _scenario(answers: Mapping[str, Any], traffic_factor: float) -> dict[str, Any]:
    deployment = get(answers, "model.deployment", "api")
    self_hosted = deployment in SELF_HOSTED
    daily = get(answers, "scenario.daily_requests", 0) * traffic_factor
    monthly_requests = daily * DAYS_PER_MONTH
    api = _api(answers, monthly_requests) if _has_api_prices(answers) else None
    image = _image_cost(answers, daily, self_hosted)
    # A self-hosted image model usually comes with hosted text calls (prompts, copy): those are
    # costed at the API prices when given; the GPU sizing then covers the image model only.
    text_via_api = self_hosted and _is_image(answers) and api is not None
    text_gpu = None if text_via_api else _text_sizing(answers, daily, with_memory=self_hosted and not _is_image(answers))
    if self_hosted and not text_via_api:
        text_model = text_gpu["gpu_monthly"] if text_gpu else 0.0
    else:
        text_model = api["total"] if api else 0.0
    model = text_model + (image["monthly"] if image else 0.0)
    infra = get(answers, "cost.infra_monthly", 0)
    review = get(answers, "cost.review_monthly", 0)
    running = model + infra + review
    if saving_basis(answers) == "assistive":
        saving = monthly_requests * get(answers, "cost.minutes_saved_per_request") / 60 * get(answers, "cost.hourly_staff_cost")
    else:
        saving = monthly_requests * get(answers, "cost.automation_rate", 0) / 100 * get(answers, "cost.manual_cost_per_request", 0)
    return {"monthly_requests": monthly_requests, "api": api, "text_gpu": text_gpu, "image": image, "text_model": text_model,
            "text_via_api": text_via_api,
            "model": model, "running": running, "saving": saving, "net": saving - running}


def _missing(answers: Mapping[str, Any]) -> list[str]:
    deployment = get(answers, "model.deployment", "api")
    missing = [ref for ref in ("scenario.daily_requests", "cost.currency") if get(answers, ref) is None]
    image_only = _is_image(answers) and not get(answers, "cost.output_tokens")
    if deployment in SELF_HOSTED:
        needs = ["cost.gpu_hour_price"]
        if _is_image(answers):
            needs.append("cost.gpu_seconds_per_image")
        if not image_only and not (_is_image(answers) and _has_api_prices(answers)):
            needs.append("cost.gpu_tokens_per_s")
    else:
        needs = ["cost.price_per_image"] if _is_image(answers) else []
        if not image_only:
            needs += ["cost.input_tokens", "cost.output_tokens", "cost.price_input", "cost.price_output"]
    return missing + [ref for ref in needs if get(answers, ref) is None]


def cost_and_roi(answers: Mapping[str, Any], lang: str) -> dict[str, Any]:
    currency = get(answers, "cost.currency")
    deployment = get(answers, "model.deployment", "api")
    missing = _missing(answers)
    if missing:
        return {"available": False, "currency": currency, "deployment": deployment, "missing": missing}
    self_hosted = deployment in SELF_HOSTED
    base = _scenario(answers, 1.0)
    api = base["api"]
    monthly_requests = base["monthly_requests"]
    users = get(answers, "cost.monthly_active_users")
    per_request = base["model"] / monthly_requests if monthly_requests else 0.0

    # self-hosted: the deployment's own cost; for an API deployment, the alternative
    gpu = base["text_gpu"]
    self_host = None
    if gpu:
        api_per_request = api["total"] / monthly_requests if api and monthly_requests else None
        minimal = (1 + gpu["spare_replicas"]) * gpu["gpus_per_replica"] * HOURS_PER_MONTH * get(answers, "cost.gpu_hour_price")
        capacity = gpu["requests_per_replica_month"]
        break_even = None
        if api_per_request and (capacity is None or api_per_request * capacity >= minimal):
            break_even = minimal / api_per_request
        if deployment == "private":
            cheaper = None  # data stays in-house: an API is not an option, so no comparison is drawn
        elif api is None:
            cheaper = None
        else:
            cheaper = "self_hosted" if gpu["gpu_monthly"] < api["total"] else "api"
        self_host = {**gpu,
                     "minimal_monthly": minimal,
                     "break_even_monthly_requests": break_even,
                     "break_even_daily_requests": break_even / DAYS_PER_MONTH if break_even else None,
                     "api_comparison_monthly": api["total"] if api else None,
                     "cheaper": cheaper}

    oneoff_items = [{"item": r.get("item", ""), "amount": float(r.get("amount") or 0)} for r in get(answers, "cost.oneoff_costs", [])]
    if get(answers, "data.labeling_needed") and get(answers, "data.labeling_items") is not None:
        labeling = get(answers, "data.labeling_items") * get(answers, "data.labeling_cost_per_item", 0)
        oneoff_items.append({"item": say(lang, "数据标注（{n:,} 条 × {p:,}）", "Data labelling ({n:,} items × {p:,})",
                                         n=get(answers, "data.labeling_items"), p=get(answers, "data.labeling_cost_per_item", 0)),
                             "amount": float(labeling)})
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
            "monthly_requests": s["monthly_requests"],
            "api_monthly": s["api"]["total"] if s["api"] else None,
            "model_monthly": s["model"],
            "running_monthly": s["running"],
            "net_monthly": s["net"],
            "payback_months": oneoff / s["net"] if s["net"] > 0 else None,
        })

    image = base["image"]
    return {
        "available": True,
        "currency": currency,
        "deployment": deployment,
        "assumptions": {
            "days_per_month": DAYS_PER_MONTH,
            "monthly_requests": monthly_requests,
            "calls_per_request": get(answers, "cost.calls_per_request", 1),
            "input_tokens_per_call": get(answers, "cost.input_tokens"),
            "output_tokens_per_call": get(answers, "cost.output_tokens"),
            "cached_share_pct": get(answers, "cost.cached_share", 0),
            "prices_per_million": {"input": get(answers, "cost.price_input"), "cached_input": get(answers, "cost.price_cached_input"),
                                   "output": get(answers, "cost.price_output")},
            "peak_hour_share_pct": get(answers, "cost.peak_hour_share", DEFAULT_PEAK_SHARE),
        },
        "monthly_tokens": ({"input": api["input_tokens"], "cached_input": api["cached_input_tokens"], "output": api["output_tokens"]}
                           if api else None),
        "api_monthly": ({"input": api["input"], "cached_input": api["cached_input"], "output": api["output"], "total": api["total"]}
                        if api else None),
        "api_is_comparison": self_hosted and not base["text_via_api"],
        "text_via_api": base["text_via_api"],
        "text_model_monthly": base["text_model"],
        "image": image,
        "model_monthly": base["model"],
        "per_request": per_request,
        "per_image": image["monthly"] / image["images_monthly"] if image and image["images_monthly"] else None,
        "per_user": running / users if users else None,
        "infra_monthly": float(get(answers, "cost.infra_monthly", 0)),
        "review_monthly": float(get(answers, "cost.review_monthly", 0)),
        "running_monthly": running,
        "self_hosted": self_host,
        "oneoff": {"items": oneoff_items, "total": oneoff},
        "saving_basis": saving_basis(answers),
        "manual_saving_monthly": saving,
        "net_monthly": net,
        "payback_months": payback,
        "roi_12_months": roi_12,
        "monthly_budget": budget,
        "within_budget": (running <= budget) if budget is not None else None,
        "sensitivity": sensitivity,
    }
