"""Scenario fit: does this problem suit an LLM, an LLM with a person checking, classic ML,
or rules? A score per dimension (1 = points away from an LLM, 5 = suits an LLM), each with
its reason, then a verdict and the risks that block a launch."""

from __future__ import annotations

from typing import Any, Mapping

from ._common import choice_label, get, say
from .cost import cost_and_roi

HIGH_RISK = {"medical", "finance", "legal", "minors", "employment"}
LOW_VOLUME = 200   # requests a day below which an FAQ page or search usually serves as well
PAYBACK_LIMIT = 12  # months
GENERATIVE = {"generation", "qa", "dialogue", "image_video"}
DIMENSIONS = {
    "task_type": ("任务类型", "Task type"),
    "error_tolerance": ("错误容忍度", "Error tolerance"),
    "determinism": ("确定性", "Determinism"),
    "explainability": ("可解释性", "Explainability"),
    "knowledge": ("知识依赖", "Knowledge dependence"),
    "data": ("数据可得性", "Data availability"),
    "risk_domain": ("风险领域", "Risk domain"),
    "volume_latency": ("流量与延迟", "Volume and latency"),
}
VERDICTS = {
    "llm": ("适合用大模型", "An LLM fits"),
    "llm_with_human": ("可以用大模型，但必须有人工把关", "An LLM fits only with a person in the loop"),
    "traditional_ai": ("更适合传统 AI（{kind}）", "Traditional AI fits better ({kind})"),
    "rules": ("更适合规则或模板", "Rules or templates fit better"),
    "rules_first": ("先用规则或 FAQ 检索，大模型只补长尾", "Rules or FAQ search first; an LLM only for the long tail"),
}
TRADITIONAL = {
    "classification": ("分类", "classification"), "regression": ("回归", "regression"),
    "clustering": ("聚类", "clustering"), "recommendation": ("推荐", "recommendation"),
}


def _dimension(key: str, score: int, reason: str, lang: str) -> dict[str, Any]:
    zh, en = DIMENSIONS[key]
    return {"id": key, "label": zh if lang == "zh" else en, "score": score, "reason": reason}


def scenario_fit(answers: Mapping[str, Any], lang: str) -> dict[str, Any]:
    tasks = set(get(answers, "scenario.task_types", []))
    tolerance = get(answers, "scenario.error_tolerance")
    determinism = get(answers, "scenario.determinism")
    explain = get(answers, "scenario.explainability")
    knowledge = get(answers, "scenario.knowledge_dependence")
    freshness = get(answers, "scenario.knowledge_freshness")
    data = get(answers, "scenario.data_availability")
    human = get(answers, "scenario.human_in_loop")
    risks = set(get(answers, "scenario.risk_domains", []))
    daily = get(answers, "scenario.daily_requests")
    latency = get(answers, "scenario.latency_p95_s")
    rules = get(answers, "scenario.rules_feasible")
    alternative = get(answers, "scenario.traditional_alternative", "none")
    dims: list[dict[str, Any]] = []
    blocking: list[tuple[str, str]] = []
    missing: list[str] = []

    # task type
    if not tasks:
        missing.append("scenario.task_types")
    elif tasks & GENERATIVE:
        dims.append(_dimension("task_type", 5, say(lang, "生成、问答和对话是大模型最擅长的任务。", "Generation, Q&A and dialogue are what LLMs do best."), lang))
    elif "agentic" in tasks or "extraction" in tasks:
        dims.append(_dimension("task_type", 4, say(lang, "抽取和工具调用适合大模型，但输出要做结构校验。", "Extraction and tool use suit an LLM, with the output checked against a schema."), lang))
    else:
        dims.append(_dimension("task_type", 2, say(lang, "纯分类或排序任务通常用传统模型更准、更便宜。", "Pure classification or ranking is usually more accurate and cheaper with a classic model."), lang))

    # error tolerance
    table = {"high": 5, "medium": 4, "low": 2, "none": 1}
    if tolerance in table:
        reason = {
            "high": say(lang, "用户可以忽略或重试错误答案，大模型的偶发错误可以接受。", "Users can ignore or retry a wrong answer, so occasional errors are acceptable."),
            "medium": say(lang, "错误可以纠正，需要坏例闭环和兜底。", "Errors can be corrected; a bad-case loop and a fallback are needed."),
            "low": say(lang, "错误会造成损失，需要人工复核或置信度兜底。", "Errors cause losses: human review or a confidence fallback is needed."),
            "none": say(lang, "零容错与大模型的概率性输出相冲突。", "Zero tolerance conflicts with probabilistic LLM output."),
        }[tolerance]
        dims.append(_dimension("error_tolerance", table[tolerance], reason, lang))
        if tolerance == "none" and human not in ("review_all", "assist_only"):
            blocking.append(("scenario.human_in_loop", say(lang, "零容错场景却没有逐条人工审核。", "Errors are unacceptable but no person reviews each result.")))
    else:
        missing.append("scenario.error_tolerance")

    if determinism:
        score = {"low": 5, "medium": 4, "high": 1}[determinism]
        reason = {
            "low": say(lang, "需要多样性，正好发挥生成能力。", "Variety is welcome, which plays to generation."),
            "medium": say(lang, "要点一致即可：低温度加结构化输出能满足。", "Consistent substance is enough: low temperature and structured output manage it."),
            "high": say(lang, "要求完全一致的输出，大模型难以保证，规则或传统模型更合适。", "Identical output every time is hard for an LLM; rules or a classic model suit better."),
        }[determinism]
        dims.append(_dimension("determinism", score, reason, lang))
    if explain:
        score = {"low": 5, "medium": 4, "high": 2}[explain]
        reason = {
            "low": say(lang, "不需要解释依据。", "No reasons need to be given."),
            "medium": say(lang, "用 RAG 给出引用来源即可满足。", "Citing sources through RAG is enough."),
            "high": say(lang, "每个决定都要可审计，生成式模型的解释不可靠，需要规则留痕或人工确认。", "Every decision must be auditable; generated explanations are unreliable, so rules with an audit trail or human sign-off are needed."),
        }[explain]
        dims.append(_dimension("explainability", score, reason, lang))

    if knowledge:
        score = {"none": 5, "general": 5, "domain": 4, "proprietary": 3}[knowledge]
        if knowledge in ("domain", "proprietary"):
            reason = say(lang, "依赖{what}知识，通用模型需要 RAG 补充{fresh}。", "Depends on {what} knowledge; a general model needs RAG{fresh}.",
                         what=("行业" if knowledge == "domain" else "企业私有") if lang == "zh" else ("domain" if knowledge == "domain" else "private company"),
                         fresh=(say(lang, "，且知识{f}更新", ", and the knowledge changes {f}", f=_freshness(freshness, lang)) if freshness else ""))
        else:
            reason = say(lang, "通用知识，大模型自带。", "General knowledge the model already has.")
        dims.append(_dimension("knowledge", score, reason, lang))

    if data:
        score = {"none": 2, "little": 4, "some": 5, "plenty": 3}[data]
        reason = {
            "none": say(lang, "没有真实样本就无法评测，先收集至少几百条。", "With no real examples nothing can be evaluated; collect a few hundred first."),
            "little": say(lang, "少量样本足够做评测集和少样本提示。", "A few examples are enough for an eval set and few-shot prompts."),
            "some": say(lang, "数千条样本足以评测，也能支持轻量微调。", "Thousands of examples support evaluation and light fine-tuning."),
            "plenty": say(lang, "大量标注数据意味着传统模型可能更便宜，需要对比。", "Plenty of labelled data means a classic model may be cheaper: compare them."),
        }[data]
        dims.append(_dimension("data", score, reason, lang))
        if data == "none":
            blocking.append(("scenario.data_availability", say(lang, "没有评测数据，无法验收。", "No evaluation data, so nothing can be accepted.")))

    high = risks & HIGH_RISK
    if high:
        names = ("、" if lang == "zh" else ", ").join(_risk_label(r, lang) for r in sorted(high))
        dims.append(_dimension("risk_domain", 2, say(lang, "涉及高风险领域（{n}），输出必须经过专业人员复核。", "Touches high-risk domains ({n}); outputs need review by a qualified person.", n=names), lang))
        if human in (None, "none", "spot_check"):
            blocking.append(("scenario.human_in_loop", say(lang, "高风险领域（{n}）的输出没有逐条人工复核。", "Outputs in a high-risk domain ({n}) are not reviewed one by one.", n=names)))
    elif risks:
        dims.append(_dimension("risk_domain", 3, say(lang, "涉及敏感领域，需要合规评估。", "Touches a sensitive domain; a compliance review is needed."), lang))
    else:
        dims.append(_dimension("risk_domain", 5, say(lang, "不涉及高风险领域。", "No high-risk domain involved."), lang))

    if latency is not None:
        if latency < 1:
            score, reason = 1, say(lang, "P95 {l} 秒的要求低于一次大模型调用的典型耗时，只能离线生成或缓存。", "A {l} s P95 is below a typical LLM call; only offline generation or a cache can meet it.", l=latency)
            # offline generation behind a workflow and a cache is the way round it; without one it blocks
            if "workflow" not in set(get(answers, "solution.paths", []) or []):
                blocking.append(("scenario.latency_p95_s", say(lang, "延迟要求 {l} 秒无法在线调用大模型满足。", "A {l} s latency target cannot be met by calling an LLM in-line.", l=latency)))
        elif latency < 2:
            score, reason = 3, say(lang, "延迟要求较紧，需要小模型、流式输出或缓存。", "Tight latency: a small model, streaming or a cache is needed.")
        else:
            score, reason = 5, say(lang, "延迟要求在大模型的正常范围内。", "The latency target is within what LLMs normally achieve.")
        if daily and daily >= 1_000_000:
            score = min(score, 3)
            reason += say(lang, "日请求量 {d:,} 次，成本需要重点测算。", " With {d:,} requests a day, cost needs close attention.", d=daily)
        dims.append(_dimension("volume_latency", score, reason, lang))

    # economics and volume, from the cost advisor
    cost = cost_and_roi(answers, lang)
    economics: list[str] = []
    # economics count only when a gain is estimated: with none, the cost section says so itself
    if cost.get("available") and cost["manual_saving_monthly"] > 0:
        currency = cost["currency"]
        if cost["net_monthly"] <= 0:
            economics.append(say(lang, "月净收益为 {n:,.0f} {c}，无法回本", "the net monthly benefit is {n:,.0f} {c}, so it never pays back",
                                 n=cost["net_monthly"], c=currency))
        elif cost["payback_months"] is not None and cost["payback_months"] > PAYBACK_LIMIT:
            economics.append(say(lang, "回本需要 {m:.1f} 个月，超过 12 个月", "payback takes {m:.1f} months, more than 12", m=cost["payback_months"]))
        if cost["roi_12_months"] is not None and cost["roi_12_months"] < 0:
            economics.append(say(lang, "12 个月 ROI 为 {r:.0f}%", "the 12-month ROI is {r:.0f}%", r=cost["roi_12_months"] * 100))
    low_volume = daily is not None and daily < LOW_VOLUME
    sep = "；" if lang == "zh" else "; "

    # verdict
    kind = None
    reasons: list[str] = []
    if rules == "mostly" and (determinism == "high" or tolerance in ("low", "none")):
        verdict = "rules"
        reasons.append(say(lang, "规则能处理大部分请求，且场景要求确定或不容错。", "Rules can handle most of it, and the task needs determinism or tolerates no error."))
    elif alternative and alternative != "none" and not (tasks & GENERATIVE) and (
        not tasks or tasks <= {"classification", "recommendation", "extraction"} or determinism == "high"):
        verdict, kind = "traditional_ai", alternative
        reasons.append(say(lang, "已有传统模型方案，且任务不需要生成。", "A classic model exists and nothing generative is asked."))
    elif determinism == "high" and rules in ("mostly", "partly") and not (tasks & GENERATIVE):
        verdict = "rules"
        reasons.append(say(lang, "要求完全一致的输出，且规则能处理其中一部分。", "Identical output is required and rules can take part of it."))
    elif rules == "mostly" or (rules == "partly" and low_volume and economics):
        verdict = "rules_first"
        if rules == "mostly":
            reasons.append(say(lang, "规则或模板能处理大部分请求。", "Rules or templates can handle most requests."))
        else:
            reasons.append(say(lang, "规则或模板能处理一部分请求。", "Rules or templates can handle part of the requests."))
    elif tolerance in ("low", "none") or high:
        verdict = "llm_with_human"
        if high:
            reasons.append(say(lang, "涉及高风险领域（{n}），结论要由有资质的人把关。", "A high-risk domain ({n}) is involved, so a qualified person must check.",
                               n=("、" if lang == "zh" else ", ").join(_risk_label(r, lang) for r in sorted(high))))
        if tolerance in ("low", "none"):
            reasons.append(say(lang, "答错的代价高，需要人工复核或置信度兜底。", "A wrong answer is costly, so a person or a confidence threshold must catch it."))
    else:
        verdict = "llm"
        reasons.append(say(lang, "任务适合生成式模型，错误可以容忍。", "The task suits a generative model and errors can be tolerated."))
    if verdict == "rules_first":
        if low_volume:
            reasons.append(say(lang, "日请求量只有 {d:,} 次，FAQ 页面或检索就能以很低的成本覆盖。",
                               "With {d:,} requests a day, an FAQ page or search covers them at a fraction of the cost.", d=daily))
        if economics:
            reasons.append(say(lang, "经济上不划算：{e}。", "The economics do not carry it: {e}.", e=sep.join(economics)))
    zh, en = VERDICTS[verdict]
    kind_label = TRADITIONAL.get(kind, (kind, kind))[0 if lang == "zh" else 1] if kind else ""
    average = round(sum(d["score"] for d in dims) / len(dims), 1) if dims else None
    notes = []
    if alternative and alternative != "none" and verdict != "traditional_ai":
        notes.append(say(lang, "已有可用的传统方案（{k}）：建议让它承担{k}，大模型只做它做不到的部分，并在评测中对比两者。",
                         "A classic approach ({k}) exists: let it do the {k} and use the LLM only where it cannot, comparing both in evaluation.",
                         k=TRADITIONAL[alternative][0 if lang == "zh" else 1]))
    if rules == "partly" and verdict not in ("rules", "rules_first"):
        notes.append(say(lang, "部分请求可由规则处理：先走规则，大模型处理长尾，成本和稳定性都更好。",
                         "Rules can take part of the traffic: route those first and keep the LLM for the long tail."))
    if rules == "mostly" and verdict not in ("rules", "rules_first"):
        notes.append(say(lang, "规则能处理大部分请求：先上线规则，再用评测证明大模型在剩余部分值得它的成本。",
                         "Rules can handle most requests: launch them first, then show in evaluation that the LLM earns its cost on the rest."))
    if economics and verdict != "rules_first":
        notes.append(say(lang, "按当前测算经济上不成立：{e}。先降低成本或确认收益假设。", "On the current figures the economics do not hold: {e}. Cut the cost or confirm the benefit first.",
                         e=sep.join(economics)))
    annex_iii = risks & {"employment", "finance"}  # hiring and credit scoring are Annex III uses
    if annex_iii and get(answers, "compliance.region") in ("eu", "global"):
        notes.append(say(lang, "在欧盟，{n}类用途可能属于 AI 法案附件三的高风险用途：上线前先做分类判定（义务自 2026-08-02 起适用，请核对最新时间表）。",
                         "In the EU, {n} uses may be high-risk under Annex III of the AI Act: get a classification before launch (duties apply from 2026-08-02; check the current timetable).",
                         n=("、" if lang == "zh" else ", ").join(_risk_label(r, lang) for r in sorted(annex_iii))))
    if low_volume and verdict not in ("rules", "rules_first"):
        notes.append(say(lang, "日请求量只有 {d:,} 次：对比一下 FAQ 页面或检索是否已经够用。", "Only {d:,} requests a day: check whether an FAQ page or search would already do.", d=daily))
    verdict_label = (zh if lang == "zh" else en).format(kind=kind_label)
    # a SaaS the PM marks as covering the need: the verdict says so, so "why not buy it?" is answered
    buyable = [str(row.get("name")) for row in get(answers, "scenario.alternatives", [])
               if isinstance(row, Mapping) and row.get("kind") == "buy_saas" and row.get("covers_need") == "yes" and row.get("name")]
    if buyable:
        verdict_label += say(lang, "；但可直接采购的{names}已能满足需求，自建前先说明为什么不买", "; but {names}, which can be bought, already covers the need: show why building beats buying",
                             names=("、".join(f"“{n}”" for n in buyable) if lang == "zh" else ", ".join(buyable)))
    return {
        "dimensions": dims,
        "average": average,
        "verdict": verdict,
        "verdict_label": verdict_label,
        "verdict_reasons": reasons,
        "buy_options": buyable,
        "traditional_kind": kind,
        "blocking_risks": [text for _, text in blocking],
        "blocking": [{"path": path, "message": text} for path, text in blocking],
        "notes": notes,
        "missing": missing,
    }


def _risk_label(value: str, lang: str) -> str:
    return choice_label("scenario.risk_domains", value, lang)

def _freshness(value: str | None, lang: str) -> str:
    names = {"static": ("基本不变", "rarely"), "quarterly": ("按季度", "quarterly"), "monthly": ("按月", "monthly"),
             "weekly": ("按周", "weekly"), "daily": ("按天", "daily")}
    return names.get(value, (value, value))[0 if lang == "zh" else 1]
