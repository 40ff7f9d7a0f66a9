"""Model shortlist: the catalog filtered and ranked against the answers, each with its reason.

The catalog is data (prdkit/data/models.yaml, dated prices with sources); a user's file
overrides entries by id and adds new ones."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ._common import choice_label, get, say
from .cost import api_cost, DAYS_PER_MONTH

CATALOG = Path(__file__).resolve().parent.parent / "data" / "models.yaml"
REQUIRED_FIELDS = ("id", "name", "provider", "access", "context_tokens", "modalities")


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict, ...]:
    from ..resources import load_data

    return tuple(load_data(CATALOG)["models"])


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# what each field of a user's catalog entry must be (a damaged entry is named, never a crash)
_FIELD_TYPES = {
    "id": (lambda v: isinstance(v, str) and v != "", "text"),
    "name": (lambda v: isinstance(v, str), "text"),
    "provider": (lambda v: isinstance(v, str), "text"),
    "context_tokens": (lambda v: _is_number(v) and v > 0, "a positive number"),
    "modalities": (_text_list, "a list of text"),
    "languages": (_text_list, "a list of text"),
    "regions": (_text_list, "a list of text"),
    "china_filed": (lambda v: v is None or isinstance(v, bool), "true or false"),
    "self_host": (lambda v: v is None or isinstance(v, dict), "a mapping"),
}
_PRICE_TYPES = {"currency": (lambda v: isinstance(v, str), "text"),
                "input": (lambda v: v is None or (_is_number(v) and v >= 0), "a number"),
                "output": (lambda v: v is None or (_is_number(v) and v >= 0), "a number"),
                "cached_input": (lambda v: v is None or (_is_number(v) and v >= 0), "a number")}


def _wrong_field(entry: dict) -> tuple[str, str] | None:
    for key, (ok, expected) in _FIELD_TYPES.items():
        if key in entry and not ok(entry[key]):
            return key, expected
    price = entry.get("price")
    if isinstance(price, dict):
        for key, (ok, expected) in _PRICE_TYPES.items():
            if key in price and not ok(price[key]):
                return f"price.{key}", expected
    return None


def load_catalog(user_file: str | Path | None = None) -> list[dict]:
    """The shipped catalog, with a user's entries replacing (same id) or extending it."""
    models = {m["id"]: dict(m) for m in _shipped()}
    if user_file is None:
        return list(models.values())
    from ..answers import read_yaml
    from ..errors import UserError

    path = Path(user_file)
    data, lines = read_yaml(path, what="model catalog")
    entries = data.get("models") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise UserError(f"{path}: expected a top-level `models:` list")
    problems = []
    for index, entry in enumerate(entries):
        line = lines.get(("models", index), "?")
        if not isinstance(entry, dict):
            problems.append(f"line {line}: models[{index}]: expected a mapping")
            continue
        wrong = _wrong_field(entry)
        if wrong:
            field, expected = wrong
            problems.append(f"line {lines.get(('models', index, field), line)}: models[{index}].{field}: should be {expected}")
            continue
        base = models.get(entry.get("id"), {})
        merged = {**base, **entry}
        absent = [f for f in REQUIRED_FIELDS if f not in merged]
        if absent:
            problems.append(f"line {line}: models[{index}] ({entry.get('id', 'no id')}): missing {', '.join(absent)}")
            continue
        if merged["access"] not in ("api", "open_weights"):
            problems.append(f"line {line}: models[{index}].access: must be api or open_weights")
            continue
        price = merged.get("price")
        if price is not None and (not isinstance(price, dict) or "currency" not in price):
            problems.append(f"line {line}: models[{index}].price: needs currency, input, output, as_of and source")
            continue
        models[merged["id"]] = merged
    if problems:
        raise UserError(f"{path}: {len(problems)} problem(s) in the model catalog", problems)
    return list(models.values())


PRECISION_BYTES = {"bf16": 2.0, "fp8": 1.0, "int4": 0.5}
STALE_MONTHS = 12
HIGH_STAKES = {"medical", "finance", "legal", "minors", "employment"}


def _months_old(as_of: Any, today: date) -> int | None:
    """Whole months between the end of the `as_of` period ("2025", "2025-10") and today."""
    text = str(as_of or "")
    try:
        year = int(text[:4])
        month = int(text[5:7]) if len(text) >= 7 else 12
    except ValueError:
        return None
    return (today.year - year) * 12 + (today.month - month)


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return "" if value is None else str(value)


def _monthly_cost(answers: Mapping[str, Any], price: dict) -> float | None:
    daily = get(answers, "scenario.daily_requests")
    if daily is None:
        return None
    if price.get("per_image") is not None:
        if "image_out" not in (get(answers, "model.modalities", []) or []):
            return None
        return daily * DAYS_PER_MONTH * get(answers, "cost.images_per_request", 1) * price["per_image"]
    needed = ("cost.input_tokens", "cost.output_tokens")
    if any(get(answers, ref) is None for ref in needed) or price.get("input") is None:
        return None
    cost = api_cost(
        daily * DAYS_PER_MONTH,
        get(answers, "cost.calls_per_request", 1),
        get(answers, "cost.input_tokens"),
        get(answers, "cost.output_tokens"),
        get(answers, "cost.cached_share", 0),
        price["input"],
        price["output"],
        price.get("cached_input"),
    )
    return cost["total"]


def shortlist(answers: Mapping[str, Any], lang: str, catalog: list[dict], limit: int = 5, today: date | None = None) -> dict[str, Any]:
    """Filter the catalog by hard conditions, then rank by the criteria the PM chose.

    Hard conditions: deployment type, modalities, context, region (and data residency when it
    is a criterion), China filing for a public service there, licence for commercial use and
    whether the weights fit one 8-GPU node at the chosen precision. Ranking: one point per
    chosen criterion a model serves (quality by tier, price relative to the cheapest, context
    headroom, Chinese, filing, speed, freedom from lock-in), plus hardware fit for open weights;
    ties go to the better quality tier, then the lower monthly cost, then the name."""
    today = today or date.today()
    deployment = get(answers, "model.deployment", "api")
    wanted_access = "api" if deployment == "api" else "open_weights"
    modalities = set(get(answers, "model.modalities", ["text"]))
    context = get(answers, "model.context_tokens", 0)
    region = get(answers, "compliance.region")
    public_cn = region in ("cn_mainland", "global") and get(answers, "compliance.audience") == "public"
    currency = get(answers, "cost.currency")
    budget = get(answers, "cost.monthly_budget")
    criteria = list(get(answers, "model.criteria", []) or [])
    commercial = get(answers, "compliance.audience") in ("business", "public", None)
    precision = get(answers, "model.weights_precision", "bf16")
    gpu_memory = get(answers, "model.gpu_memory_gb", 80)
    sep = "；" if lang == "zh" else "; "
    high_stakes = bool(set(get(answers, "scenario.risk_domains", []) or []) & HIGH_STAKES) or get(answers, "scenario.error_tolerance") in ("low", "none")
    quality_weight = 3.0 if high_stakes else 1.5
    chinese = "chinese" in criteria or region == "cn_mainland" or lang == "zh"
    latency = get(answers, "scenario.latency_p95_s")
    candidates, excluded = [], []
    for model in catalog:
        blockers = []
        open_weights = model["access"] == "open_weights"
        if model["access"] != wanted_access:
            blockers.append(say(lang, "部署方式不符", "wrong deployment type"))
        if not modalities <= set(model.get("modalities", [])):
            blockers.append(say(lang, "缺少所需模态", "lacks a needed modality"))
        generates_images = "image_out" in model.get("modalities", [])
        if context and model.get("context_tokens", 0) < context and not (generates_images and "image_out" in modalities):
            blockers.append(say(lang, "上下文不足 {c:,} tokens", "context below {c:,} tokens", c=context))
        regions = set(model.get("regions", []))
        # open weights run wherever you host them; an API serves from its provider's regions
        if not open_weights and region in ("cn_mainland", "eu", "us") and region not in regions:
            if region == "cn_mainland":
                blockers.append(say(lang, "中国大陆不可用", "not available in mainland China"))
            elif "data_residency" in criteria:
                blockers.append(say(lang, "数据不能驻留在{r}", "cannot keep data in the {r}", r=_region(region, lang)))
        if public_cn and model.get("china_filed") is False:
            blockers.append(say(lang, "未在中国备案，不能用于面向公众的服务", "not filed in China, so unusable for a public service there"))
        licence = model.get("licence") or {}
        if open_weights and commercial and licence.get("commercial") is False:
            blockers.append(say(lang, "许可证不允许商用（{l}）", "licence forbids commercial use ({l})", l=_text(licence.get("name"), lang)))
        fit = None
        params = (model.get("self_host") or {}).get("params_b")
        if open_weights and params and not generates_images:
            weights = params * PRECISION_BYTES.get(precision, 2.0)
            kv_one_call = (model.get("self_host") or {}).get("kv_kb_per_token", 0) * 1000 * max(context, 1) / 1e9
            fit = math.ceil((weights + kv_one_call) / (gpu_memory * 0.9) - 1e-9)
            if fit > 8:
                blockers.append(say(lang, "{p} 权重 {w:,.0f} GB，超过一台 8 卡 {g:,.0f} GB 服务器", "{w:,.0f} GB of {p} weights exceed one 8 × {g:,.0f} GB node",
                                    p=precision.upper(), w=weights, g=gpu_memory))
        if blockers:
            excluded.append({"id": model["id"], "name": model["name"], "why": sep.join(blockers)})
            continue
        price = model.get("price")
        monthly = _monthly_cost(answers, price) if price and currency and price.get("currency") == currency else None
        candidates.append((model, price, monthly, fit))

    costs = [m for _, _, m, _ in candidates if m is not None]
    cheapest = min(costs) if costs else None
    picked = []
    for model, price, monthly, fit in candidates:
        score, reasons = 0.0, []
        tier = (model.get("quality") or {}).get("tier")
        quality = model.get("quality") or {}
        if "quality" in criteria and tier:
            score += (4 - tier) * quality_weight  # tier 1 -> 4.5 points, tier 4 -> 0 (twice that where errors cost)
        if tier:
            reasons.append(say(lang, "效果第 {t} 档（{d}）", "quality tier {t} ({d})", t=tier, d=quality.get("as_of", "")))
        if price:
            if monthly is not None:
                reasons.append(say(lang, "按你的流量约 {m:,.0f} {c}/月", "about {m:,.0f} {c} a month at your traffic", m=monthly, c=currency))
                if "price" in criteria and monthly > 0:
                    score += cheapest / monthly * 2 if cheapest else 2
                if budget is not None and monthly > budget:
                    score -= 2
                    reasons.append(say(lang, "超出月预算", "over the monthly budget"))
            elif currency and price.get("currency") != currency:
                reasons.append(say(lang, "以 {p} 计价，与成本币种 {c} 不同，未比较价格", "priced in {p}, not in your {c}: price not compared",
                                   p=price.get("currency"), c=currency))
            age = _months_old(price.get("as_of"), today)
            if age is not None and age > STALE_MONTHS:
                reasons.append(say(lang, "价格数据已超过 12 个月（{d}），请核对", "price more than 12 months old ({d}): check it", d=price.get("as_of")))
        elif model["access"] == "api":
            reasons.append(say(lang, "价格未知，请向供应商询价", "price not known to prdkit: ask the provider"))
        if model["access"] == "open_weights":
            note = _text((model.get("self_host") or {}).get("note"), lang)
            if fit is not None:
                score += 1 if fit == 1 else 0.5 if fit <= 2 else 0
                reasons.append(say(lang, "{p} 权重需 {g}", "{p} weights need {g}", p=precision.upper(),
                                   g=(f"{fit} 张 GPU" if lang == "zh" else (f"{fit} GPU" if fit == 1 else f"{fit} GPUs"))))
            reasons.append(say(lang, "自建：成本见 GPU 测算", "self-hosted: see the GPU sizing") + (f"（{note}）" if lang == "zh" and note else f" ({note})" if note else ""))
            licence = model.get("licence") or {}
            if licence.get("name"):
                reasons.append(say(lang, "许可证：{l}", "licence: {l}", l=_text(licence["name"], lang)))
        if "context_length" in criteria and model.get("context_tokens", 0) >= max(context, 1) * 4:
            score += 1
            reasons.append(say(lang, "上下文余量充足", "ample context headroom"))
        if chinese and "zh" in model.get("languages", []):
            score += 1
            reasons.append(say(lang, "中文能力", "handles Chinese"))
        elif chinese:
            reasons.append(say(lang, "中文能力弱", "weak in Chinese"))
        if public_cn or "filing" in criteria:
            if model.get("china_filed"):
                score += 2 if "filing" in criteria else 1
                reasons.append(say(lang, "基座模型已备案", "base model filed in China"))
            elif region in ("cn_mainland", "global"):
                reasons.append(say(lang, "备案状态未知，需核实", "filing status unknown: check it"))
        if "latency" in criteria and model.get("fast"):
            # speed only buys much when the latency target is tight
            score += 1 if latency is not None and latency <= 2 else 0.5
            reasons.append(say(lang, "响应快", "fast"))
        if "lock_in" in criteria and model["access"] == "open_weights":
            score += 1
            reasons.append(say(lang, "开源权重，可换部署方", "open weights: any host will do"))
        if "data_residency" in criteria and (model["access"] == "open_weights" or region in model.get("regions", [])):
            score += 1
            reasons.append(say(lang, "数据可驻留在服务地区", "data can stay in the region served"))
        elif region in ("eu", "us") and model["access"] == "api" and region not in model.get("regions", []):
            score -= 1
            reasons.append(say(lang, "不在{r}提供服务，数据会出境", "not served from the {r}: data leaves the region", r=_region(region, lang)))
        picked.append({
            "id": model["id"], "name": model["name"], "provider": model["provider"], "access": model["access"],
            "context_tokens": model.get("context_tokens"), "modalities": model.get("modalities", []),
            "price": price, "price_stale": bool(price and (_months_old(price.get("as_of"), today) or 0) > STALE_MONTHS),
            "monthly_cost": monthly, "quality_tier": tier, "quality": quality or None,
            "licence": model.get("licence"), "gpus_for_weights": fit,
            "china_filed": model.get("china_filed"), "score": score, "reasons": reasons, "reason": sep.join(reasons),
        })
    picked.sort(key=lambda m: (-round(m["score"], 9), m["quality_tier"] or 9,
                               m["monthly_cost"] if m["monthly_cost"] is not None else float("inf"), m["name"]))
    for rank, m in enumerate(picked, start=1):
        m["rank"] = rank
    shown = picked[:limit]
    return {"currency": currency, "criteria": criteria, "criteria_labels": [_criterion(c, lang) for c in criteria],
            "shortlist": shown, "excluded": excluded,
            "stale_prices": [m["name"] for m in shown if m["price_stale"]],
            "show_filing": region in ("cn_mainland", "global")}


def _criterion(value: str, lang: str) -> str:
    return choice_label("model.criteria", value, lang)


def _region(region: str, lang: str) -> str:
    names = {"eu": ("欧盟", "EU"), "us": ("美国", "US"), "cn_mainland": ("中国大陆", "mainland China")}
    return names.get(region, (region, region))[0 if lang == "zh" else 1]
