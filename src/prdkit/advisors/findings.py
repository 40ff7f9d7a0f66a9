"""Consistency findings for `prdkit check`: answers that contradict each other or the
advisors' figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ._common import get, say
from .cost import cost_and_roi
from .evaluation import CN_SAFETY, evaluation_plan, is_public_cn
from .scenario_fit import scenario_fit


@dataclass(frozen=True)
class Finding:
    code: str
    path: str
    severity: str  # "error" | "warning"
    message: str


def consistency_findings(answers: Mapping[str, Any], lang: str) -> list[Finding]:
    found: list[Finding] = []
    paths = set(get(answers, "solution.paths", []))

    cost = cost_and_roi(answers, lang)
    if cost.get("available") and cost.get("within_budget") is False:
        found.append(Finding("budget_below_cost", "cost.monthly_budget", "error",
                             say(lang, "月度预算 {b:,.0f} {c} 低于测算的月运行成本 {r:,.0f} {c}",
                                 "monthly budget {b:,.0f} {c} is below the computed running cost {r:,.0f} {c}",
                                 b=cost["monthly_budget"], r=cost["running_monthly"], c=cost["currency"])))

    if get(answers, "scenario.human_in_loop") == "review_all" and get(answers, "cost.automation_rate", 0) > 0:
        found.append(Finding("review_all_with_automation", "cost.automation_rate", "error",
                             say(lang, "每条结果都经人工审核，却按 {a}% 自动化率计算节省：没有请求能免去人工，请把自动化率设为 0 并填写每请求节省的时间",
                                 "every result is reviewed by a person, yet savings assume {a}% automation: no request skips the person, so set the automation rate to 0 and give the time saved per request",
                                 a=get(answers, "cost.automation_rate"))))

    for risk in scenario_fit(answers, lang)["blocking"]:
        found.append(Finding("blocking_risk", risk["path"], "error",
                             say(lang, "阻断风险：{m}", "blocking risk: {m}", m=risk["message"])))

    plan = evaluation_plan(answers, lang)
    for row in plan["metrics"]:
        if row["enough"] is False:
            found.append(Finding("eval_set_too_small", "evaluation.scenario_set_size", "error",
                                 say(lang, "指标“{m}”目标 {t}% 需要至少 {n:,} 条{u}，计划只有 {p:,} 条",
                                     "metric \"{m}\" with a {t}% target needs at least {n:,} {u}; the set plans {p:,} items",
                                     m=row["metric"], t=row["target_pct"], n=row["n_needed"], p=row["planned"],
                                     u=(say(lang, "正例", "positive cases") if row["counts"] == "positives" else say(lang, "评测样本", "items")))))

    if "rag" in paths and not get(answers, "solution.rag_sources"):
        found.append(Finding("rag_without_sources", "solution.rag_sources", "error",
                             say(lang, "选择了 RAG 却没有列出知识来源", "RAG is chosen but no knowledge sources are listed")))
    if "fine_tuning" in paths and get(answers, "scenario.data_availability") == "none":
        found.append(Finding("fine_tuning_without_data", "scenario.data_availability", "error",
                             say(lang, "选择了微调，但没有可用数据", "fine-tuning is chosen but no data is available")))
    if "agent" in paths:
        writes = [t for t in get(answers, "solution.agent_tools", []) if t.get("effect") == "write"]
        if writes and get(answers, "solution.agent_confirmation") is False:
            found.append(Finding("agent_writes_unconfirmed", "solution.agent_confirmation", "error",
                                 say(lang, "Agent 有写操作工具（{t}），但执行前不需要用户确认",
                                     "the agent has write tools ({t}) but does not ask before using them",
                                     t=", ".join(t.get("name", "") for t in writes))))
    if get(answers, "data.personal_data") and not get(answers, "data.personal_data_handling"):
        found.append(Finding("personal_data_unhandled", "data.personal_data_handling", "error",
                             say(lang, "涉及个人信息，但没有说明授权与脱敏方式", "personal data is involved but consent and masking are not described")))

    if is_public_cn(answers):
        if get(answers, "compliance.filing_plan") in (None, "undecided"):
            found.append(Finding("public_cn_without_filing", "compliance.filing_plan", "error",
                                 say(lang, "面向中国大陆公众的生成式服务需要备案或登记，目前尚未确定",
                                     "a generative service for the public in mainland China needs filing or registration; none is planned yet")))
        if get(answers, "compliance.base_model_filed") in ("no", "unknown"):
            found.append(Finding("base_model_not_filed", "compliance.base_model_filed", "error",
                                 say(lang, "面向公众的服务所用基座模型必须已备案", "the base model of a public service must itself be filed")))
        labels = set(get(answers, "compliance.content_labels", []))
        if not {"explicit", "implicit"} <= labels:
            found.append(Finding("ai_labels_missing", "compliance.content_labels", "error",
                                 say(lang, "GB 45438-2025 要求生成内容同时有显式和隐式标识", "GB 45438-2025 requires both explicit and implicit labels on generated content")))
        for ref, minimum in (("evaluation.safety_refuse_set", CN_SAFETY["refuse_bank"]), ("evaluation.safety_answer_set", CN_SAFETY["answer_bank"])):
            value = get(answers, ref, 0)
            if value < minimum:
                found.append(Finding("safety_bank_too_small", ref, "error",
                                     say(lang, "面向公众的服务该题库至少需要 {m} 题，目前 {v} 题", "a public service needs at least {m} questions in this bank; it has {v}",
                                         m=minimum, v=value)))

    latency = get(answers, "scenario.latency_p95_s")
    if latency is not None and latency < 1 and "workflow" not in paths:
        found.append(Finding("latency_below_llm", "scenario.latency_p95_s", "warning",
                             say(lang, "P95 {l} 秒低于在线调用大模型的典型耗时：需要离线生成和缓存（工作流）",
                                 "a {l} s P95 is below a typical in-line LLM call: plan offline generation and a cache (workflow)", l=latency)))
    if get(answers, "launch.kill_switch") is False:
        found.append(Finding("no_kill_switch", "launch.kill_switch", "warning",
                             say(lang, "没有一键关停开关", "there is no kill switch")))
    return found
