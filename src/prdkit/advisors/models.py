"""Model shortlist: the catalog filtered and ranked against the answers, each with its reason.

The catalog is data (prdkit/data/models.yaml, dated prices with sources); a user's file
overrides entries by id and adds new ones."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ._common import get, num, say
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


def _monthly_cost(answers: Mapping[str, Any], price: dict) -> float | None:
    needed = ("scenario.daily_requests", "cost.input_tokens", "cost.output_tokens")
    if any(get(answers, ref) is None for ref in needed) or price.get("input") is None:
        return None
    cost = api_cost(
        get(answers, "scenario.daily_requests") * DAYS_PER_MONTH,
        get(answers, "cost.calls_per_request", 1),
        get(answers, "cost.input_tokens"),
        get(answers, "cost.output_tokens"),
        get(answers, "cost.cached_share", 0),
        price["input"],
        price["output"],
        price.get("cached_input"),
    )
    return cost["total"]


def shortlist(answers: Mapping[str, Any], lang: str, catalog: list[dict], limit: int = 5) -> dict[str, Any]:
    deployment = get(answers, "model.deployment", "api")
    wanted_access = "api" if deployment == "api" else "open_weights"
    modalities = set(get(answers, "model.modalities", ["text"]))
    context = get(answers, "model.context_tokens", 0)
    region = get(answers, "compliance.region")
    public_cn = region in ("cn_mainland", "global") and get(answers, "compliance.audience") == "public"
    currency = get(answers, "cost.currency")
    budget = get(answers, "cost.monthly_budget")
    chinese = "chinese" in get(answers, "model.criteria", []) or get(answers, "scenario.task_types") is not None and lang == "zh"
    picked, excluded = [], []
    for model in catalog:
        reasons, blockers = [], []
        if model["access"] != wanted_access:
            blockers.append(say(lang, "部署方式不符", "wrong deployment type"))
        if not modalities <= set(model.get("modalities", [])):
            blockers.append(say(lang, "缺少所需模态", "lacks a needed modality"))
        generates_images = "image_out" in model.get("modalities", [])
        if context and model.get("context_tokens", 0) < context and not (generates_images and "image_out" in modalities):
            blockers.append(say(lang, "上下文不足 {c:,} tokens", "context below {c:,} tokens", c=context))
        if region == "cn_mainland" and "cn_mainland" not in model.get("regions", []):
            blockers.append(say(lang, "中国大陆不可用", "not available in mainland China"))
        if public_cn and model.get("china_filed") is False:
            blockers.append(say(lang, "未在中国备案，不能用于面向公众的服务", "not filed in China, so unusable for a public service there"))
        if blockers:
            excluded.append({"id": model["id"], "name": model["name"], "why": ("；" if lang == "zh" else "; ").join(blockers)})
            continue
        score = 0.0
        if public_cn:
            if model.get("china_filed"):
                score += 3
                reasons.append(say(lang, "基座模型已备案", "base model filed in China"))
            else:
                reasons.append(say(lang, "备案状态未知，需核实", "filing status unknown: check it"))
        if chinese and "zh" in model.get("languages", []):
            score += 1
            reasons.append(say(lang, "中文能力", "handles Chinese"))
        price = model.get("price")
        monthly = None
        if price:
            if currency and price.get("currency") == currency:
                monthly = _monthly_cost(answers, price)
                if monthly is not None:
                    reasons.append(say(lang, "按你的流量约 {m:,.0f} {c}/月", "about {m:,.0f} {c}/month at your traffic", m=monthly, c=currency))
                    if budget is not None and monthly > budget:
                        score -= 2
                        reasons.append(say(lang, "超出月预算", "over the monthly budget"))
                    else:
                        score += 1
            elif currency:
                reasons.append(say(lang, "以 {p} 计价，与成本币种 {c} 不同，未比较价格", "priced in {p}, not in your {c}: price not compared",
                                   p=price.get("currency"), c=currency))
        else:
            note = (model.get("self_host") or {}).get("note")
            reasons.append(say(lang, "自建部署：成本见 GPU 测算", "self-hosted: see the GPU estimate") + (f" ({note})" if note else ""))
        if model.get("context_tokens", 0) >= max(context, 1) * 4:
            score += 0.5
        picked.append({
            "id": model["id"], "name": model["name"], "provider": model["provider"], "access": model["access"],
            "context_tokens": model.get("context_tokens"), "modalities": model.get("modalities", []),
            "price": price, "monthly_cost": num(monthly) if monthly is not None else None,
            "china_filed": model.get("china_filed"), "score": score, "reason": ("；" if lang == "zh" else "; ").join(reasons),
        })
    picked.sort(key=lambda m: (-m["score"], m["monthly_cost"] if m["monthly_cost"] is not None else float("inf"), m["name"]))
    return {"currency": currency, "shortlist": picked[:limit], "excluded": excluded}
