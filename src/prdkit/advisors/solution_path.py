"""Solution path: which of prompting, RAG, fine-tuning, agents, workflows and multimodal
generation the answers call for, which they do not, and why; then how that compares with the
paths the PM chose."""

from __future__ import annotations

from typing import Any, Mapping

from ._common import get, say

PATHS = {
    "prompt": ("提示词工程", "Prompt engineering"),
    "rag": ("检索增强生成（RAG）", "Retrieval-augmented generation (RAG)"),
    "fine_tuning": ("微调", "Fine-tuning"),
    "agent": ("Agent 与函数调用", "Agent and function calling"),
    "workflow": ("工作流编排", "Workflow orchestration"),
    "multimodal": ("多模态生成", "Multimodal generation"),
}
FITS = {"recommended": ("推荐", "Recommended"), "optional": ("可选", "Optional"), "not_recommended": ("不推荐", "Not recommended")}


def _entry(path: str, fit: str, reason: str, lang: str) -> dict[str, Any]:
    i = 0 if lang == "zh" else 1
    return {"path": path, "label": PATHS[path][i], "fit": fit, "fit_label": FITS[fit][i], "reason": reason}


def solution_path(answers: Mapping[str, Any], lang: str) -> dict[str, Any]:
    tasks = set(get(answers, "scenario.task_types", []))
    knowledge = get(answers, "scenario.knowledge_dependence")
    freshness = get(answers, "scenario.knowledge_freshness")
    data = get(answers, "scenario.data_availability")
    determinism = get(answers, "scenario.determinism")
    calls = get(answers, "cost.calls_per_request", 1)
    chosen = list(get(answers, "solution.paths", []))
    fast_changing = freshness in ("weekly", "daily")
    entries = [_entry("prompt", "recommended", say(lang, "任何路径都从提示词开始：成本最低、迭代最快，也是评测其他路径的基线。",
                                                   "Every path starts with prompting: cheapest, fastest to change, and the baseline for judging the others."), lang)]

    if knowledge in ("domain", "proprietary"):
        reason = say(lang, "回答依赖{k}知识，需要检索补充并给出来源。", "Answers depend on {k} knowledge, which retrieval supplies with sources.",
                     k=("行业" if knowledge == "domain" else "企业私有") if lang == "zh" else ("domain" if knowledge == "domain" else "private"))
        if fast_changing:
            reason += say(lang, "知识按{f}变化，RAG 更新文档即可生效，不必重新训练。", " It changes {f}; RAG picks up new documents at once, with no retraining.",
                          f=("周" if freshness == "weekly" else "天") if lang == "zh" else freshness)
        entries.append(_entry("rag", "recommended", reason, lang))
    else:
        entries.append(_entry("rag", "not_recommended", say(lang, "不依赖专门知识，检索只会增加延迟和成本。", "No special knowledge is needed; retrieval would only add latency and cost."), lang))

    if data == "none":
        entries.append(_entry("fine_tuning", "not_recommended", say(lang, "没有训练样本，无法微调。", "There are no training examples to fine-tune on."), lang))
    elif "image_video" in tasks:
        entries.append(_entry("fine_tuning", "recommended", say(lang, "图像生成需要用 LoRA 学习商品或品牌外观，提示词做不到稳定还原。", "Image generation needs a LoRA to learn product or brand looks; prompts cannot hold them steady."), lang))
    elif fast_changing:
        entries.append(_entry("fine_tuning", "optional", say(lang, "知识变化快，不要用微调注入知识；只有风格、格式或意图识别难以用提示词约束时才考虑。",
                                                             "Knowledge changes fast, so do not fine-tune it in; consider it only for style, format or intent detection prompts cannot hold."), lang))
    elif data == "plenty" or determinism == "high":
        entries.append(_entry("fine_tuning", "recommended", say(lang, "样本充足或输出要求稳定，微调小模型可以同时提升一致性并降低成本。",
                                                                "Plenty of examples or a need for stable output: a fine-tuned small model improves consistency and cuts cost."), lang))
    else:
        entries.append(_entry("fine_tuning", "optional", say(lang, "先用提示词和 RAG 达到基线，再根据评测差距决定是否微调。",
                                                             "Reach the baseline with prompts and RAG first; fine-tune only if evaluation shows a gap."), lang))

    if "agentic" in tasks:
        entries.append(_entry("agent", "recommended", say(lang, "任务需要调用工具或系统才能完成，需要函数调用。", "The task needs tools or systems to be done, which takes function calling."), lang))
    else:
        entries.append(_entry("agent", "not_recommended", say(lang, "没有需要调用的工具，Agent 只会增加不确定性。", "Nothing needs a tool; an agent would only add uncertainty."), lang))

    if "agentic" in tasks or (calls and calls > 1) or "image_video" in tasks:
        entries.append(_entry("workflow", "recommended", say(lang, "处理包含多个固定步骤，用工作流把确定的部分固定下来，只让模型处理不确定的部分。",
                                                             "Handling has several fixed steps; a workflow fixes the certain parts and leaves only the uncertain ones to the model."), lang))
    else:
        entries.append(_entry("workflow", "optional", say(lang, "单次调用即可完成，工作流可在加入规则前置或校验时再用。",
                                                          "One call does the job; add a workflow when rules or checks are put in front or behind."), lang))

    if "image_video" in tasks:
        entries.append(_entry("multimodal", "recommended", say(lang, "需要生成图片或视频，并用 LoRA、ControlNet 等手段保证可控。",
                                                               "Images or video are generated, kept under control with LoRA and ControlNet-style conditioning."), lang))
    else:
        entries.append(_entry("multimodal", "not_recommended", say(lang, "不生成图像或视频。", "Nothing visual is generated."), lang))

    recommended = {e["path"] for e in entries if e["fit"] == "recommended"}
    rejected = {e["path"] for e in entries if e["fit"] == "not_recommended"}
    i = 0 if lang == "zh" else 1
    agreements = [PATHS[p][i] for p in chosen if p in recommended]
    chosen_against = [PATHS[p][i] for p in chosen if p in rejected]
    missing = [PATHS[p][i] for p in sorted(recommended) if p not in chosen]
    return {
        "paths": entries,
        "chosen": chosen,
        "recommended": sorted(recommended),
        "agreements": agreements,
        "chosen_but_not_recommended": chosen_against,
        "recommended_but_not_chosen": missing,
    }
