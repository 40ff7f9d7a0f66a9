"""Issue 14: advice a senior AI PM and a statistician would sign.

Five products worked by hand (self-hosted text model, image generation, an EU service, a
medical service in China, a low-volume internal HR tool). The arithmetic is written next to
each assertion; every scenario runs in both languages."""

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from prdkit.advisors import advise
from prdkit.advisors.cost import cost_and_roi
from prdkit.advisors.evaluation import evaluation_plan
from prdkit.advisors.findings import consistency_findings
from prdkit.advisors.scenario_fit import scenario_fit
from prdkit.answers import AnswersFile, dump_yaml
from prdkit.checklist import _load, _pack_files, applicable_items, render_checklist_markdown
from prdkit.render import compute_advice, render_prd_markdown

from conftest import ROOT, run_prdkit

LANGS = ("zh", "en")


def render_prd(lang, answers):
    af = AnswersFile(lang=lang, answers=answers)
    return render_prd_markdown(af, advice=compute_advice(af))


def self_hosted_70b():
    return {
        "scenario": {"task_types": ["qa"], "error_tolerance": "medium", "daily_requests": 20_000, "latency_p95_s": 5,
                     "rules_feasible": "no", "human_in_loop": "spot_check", "risk_domains": []},
        "model": {"deployment": "open_weights", "modalities": ["text"], "context_tokens": 8000, "params_b": 70,
                  "weights_precision": "fp8", "gpu_memory_gb": 80, "kv_kb_per_token": 320},
        "cost": {"currency": "USD", "calls_per_request": 1, "input_tokens": 2000, "output_tokens": 400,
                 "price_input": 2, "price_output": 8, "gpu_hour_price": 2.5, "gpu_tokens_per_s": 1000,
                 "gpu_prefill_tokens_per_s": 5000, "gpu_utilisation": 50, "peak_hour_share": 10,
                 "infra_monthly": 1000, "review_monthly": 2000, "manual_cost_per_request": 0.5, "automation_rate": 30,
                 "oneoff_costs": [{"item": "integration", "amount": 40_000}]},
        "launch": {"availability": 99.9},
        "compliance": {"region": "us", "audience": "business"},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_self_hosted_70b_sized_by_hand(lang):
    c = cost_and_roi(self_hosted_70b(), lang)
    s = c["self_hosted"]
    assert c["deployment"] == "open_weights" and c["api_is_comparison"] is True
    # 2,000 / 5,000 prefill + 400 / 1,000 decode = 0.8 GPU-s per request
    assert s["gpu_seconds_per_request"] == pytest.approx(0.8)
    # peak hour: 20,000 x 10% / 3,600 s = 0.5556 requests/s -> 0.4444 GPUs busy -> 0.8889 at 50% utilisation
    assert s["peak_requests_per_s"] == pytest.approx(20_000 * 0.10 / 3600)
    assert s["busy_gpus_at_peak"] == pytest.approx(0.8 * 20_000 * 0.10 / 3600)
    assert s["gpus_for_compute"] == pytest.approx(0.8 * 20_000 * 0.10 / 3600 / 0.5)
    # weights 70 x 1 byte = 70 GB; + one 8,000-token call x 0.00032 GB = 72.56 GB > 72 usable on one GPU -> 2 per replica
    assert s["weights_gb"] == 70 and s["gpus_per_replica"] == 2
    # KV at the peak: 0.5556/s x 5 s x 2,400 tokens x 0.00032 GB = 2.133 GB, against 144 - 70 = 74 GB free
    assert s["kv_gb_at_peak"] == pytest.approx(20_000 * 0.10 / 3600 * 5 * 2400 * 0.00032)
    assert s["kv_free_gb_per_replica"] == pytest.approx(74)
    assert s["replicas"] == 1 and s["spare_replicas"] == 1  # 99.9% availability keeps a spare
    # (1 + 1) replicas x 2 GPUs = 4 GPUs x 720 h x $2.50 = $7,200 a month
    assert s["gpus"] == 4 and s["gpu_monthly"] == pytest.approx(7200)
    assert c["model_monthly"] == pytest.approx(7200)
    # 600,000 requests a month -> $0.012 per request
    assert c["per_request"] == pytest.approx(0.012)
    # running = 7,200 + 1,000 + 2,000 = 10,200; gain = 600,000 x 30% x $0.5 = 90,000; net 79,800
    assert c["running_monthly"] == pytest.approx(10_200) and c["net_monthly"] == pytest.approx(79_800)
    # payback 40,000 / 79,800 = 0.50125 months, unrounded in the JSON
    assert c["payback_months"] == pytest.approx(40_000 / 79_800, rel=1e-12)
    # API comparison: 600,000 x (2,000 x $2 + 400 x $8) / 1M = $4,320 -> the API is cheaper at this volume
    assert s["api_comparison_monthly"] == pytest.approx(4320) and s["cheaper"] == "api"
    # one replica carries 2 GPUs x 50% x 3,600 s / 10% / 0.8 GPU-s = 45,000 a day = 1,350,000 a month;
    # the API bill for that (1,350,000 x $0.0072 = $9,720) exceeds the smallest deployment's $7,200,
    # so break-even = 7,200 / 0.0072 = 1,000,000 requests a month
    assert s["requests_per_replica_month"] == pytest.approx(1_350_000)
    assert s["break_even_monthly_requests"] == pytest.approx(1_000_000)


@pytest.mark.parametrize("lang", LANGS)
def test_self_hosted_prd_text(lang):
    prd = render_prd(lang, self_hosted_70b())
    if lang == "zh":
        assert "4 张 GPU × 720 小时" in prd and "7,200" in prd and "每个副本 2 张 GPU" in prd
        assert "国内备案" not in prd  # a US product gets no China-filing column
    else:
        assert "4 GPUs × 720 h" in prd and "7,200" in prd and "each replica spans 2 GPUs" in prd
        assert "Filed in China" not in prd
    assert "GPU(s)" not in prd


def test_private_deployment_draws_no_api_comparison():
    answers = self_hosted_70b()
    answers["model"]["deployment"] = "private"
    s = cost_and_roi(answers, "en")["self_hosted"]
    assert s["cheaper"] is None and s["gpus"] == 4


def test_self_hosted_without_api_prices_is_still_costed():
    answers = self_hosted_70b()
    for key in ("price_input", "price_output"):
        del answers["cost"][key]
    c = cost_and_roi(answers, "en")
    assert c["available"] and c["model_monthly"] == pytest.approx(7200) and c["api_monthly"] is None


def image_product(deployment="api"):
    return {
        "scenario": {"task_types": ["image_video"], "error_tolerance": "medium", "daily_requests": 2000, "latency_p95_s": 30,
                     "rules_feasible": "no", "human_in_loop": "review_all", "risk_domains": []},
        "model": {"deployment": deployment, "modalities": ["text", "image_out"], "context_tokens": 500},
        "cost": {"currency": "CNY", "images_per_request": 4, "price_per_image": 0.2, "gpu_seconds_per_image": 5,
                 "gpu_hour_price": 12, "gpu_utilisation": 60, "peak_hour_share": 12, "automation_rate": 0,
                 "minutes_saved_per_request": 10, "hourly_staff_cost": 60, "infra_monthly": 0, "review_monthly": 0},
        "launch": {"availability": 99.5},
        "compliance": {"region": "cn_mainland", "audience": "business"},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_image_generation_by_hand(lang):
    api = cost_and_roi(image_product("api"), lang)
    # 2,000 requests x 30 days x 4 images = 240,000 images x 0.2 CNY = 48,000 CNY a month
    assert api["image"]["images_monthly"] == 240_000 and api["model_monthly"] == pytest.approx(48_000)
    # per request 48,000 / 60,000 = 0.8; per image 0.2
    assert api["per_request"] == pytest.approx(0.8) and api["per_image"] == pytest.approx(0.2)
    # every image is reviewed: the gain is time saved, 60,000 x 10 min / 60 x 60 CNY = 600,000
    assert api["saving_basis"] == "assistive" and api["manual_saving_monthly"] == pytest.approx(600_000)
    hosted = cost_and_roi(image_product("open_weights"), lang)
    g = hosted["image"]["sizing"]
    # peak 2,000 x 12% / 3,600 = 0.0667 requests/s x 4 images x 5 s = 1.333 GPUs busy, 2.222 at 60% -> 3, + 1 spare
    assert g["busy_gpus_at_peak"] == pytest.approx(2000 * 0.12 / 3600 * 20)
    assert g["replicas"] == 3 and g["spare_replicas"] == 1 and g["gpus"] == 4
    # 4 GPUs x 720 h x 12 CNY = 34,560 CNY; by the GPU-second it would be 240,000 x 5 s / 3,600 x 12 = 4,000 CNY
    assert hosted["model_monthly"] == pytest.approx(34_560)
    assert hosted["image"]["per_gpu_second_monthly"] == pytest.approx(4000)
    prd = render_prd(lang, image_product("api"))
    assert ("每张图片的成本：0.2 CNY" if lang == "zh" else "Cost per image: 0.2 CNY") in prd
    assert "元/条" not in prd


def test_review_all_with_automation_is_a_finding():
    answers = image_product()
    answers["cost"]["automation_rate"] = 40
    found = {f.code: f for f in consistency_findings(answers, "en")}
    assert found["review_all_with_automation"].path == "cost.automation_rate"
    assert "review_all_with_automation" not in {f.code for f in consistency_findings(image_product(), "en")}


def eu_service():
    return {
        "scenario": {"task_types": ["qa"], "error_tolerance": "medium", "daily_requests": 5000, "latency_p95_s": 4,
                     "rules_feasible": "no", "human_in_loop": "spot_check", "risk_domains": []},
        "model": {"deployment": "api", "modalities": ["text"], "context_tokens": 16000,
                  "criteria": ["quality", "price", "data_residency"]},
        "data": {"personal_data": True, "personal_data_handling": "pseudonymised"},
        "cost": {"currency": "USD", "input_tokens": 2000, "output_tokens": 300, "price_input": 1, "price_output": 5},
        "compliance": {"region": "eu", "audience": "public", "content_labels": ["disclosure", "implicit"]},
        "solution": {"paths": ["prompt", "multimodal"]},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_eu_service_gets_ai_act_and_gdpr_not_china_rules(lang):
    answers = eu_service()
    ids = {i.id for i in applicable_items(answers, lang)}
    assert {"EU-01", "EU-02", "EU-03", "EU-04", "EU-05", "EU-06", "EU-07"} <= ids
    assert not {i for i in ids if i.startswith("CN-")}  # no China filing, no PIPL
    assert "MM-02" not in ids  # GB 45438-2025 binds services in China only
    models = advise(answers, lang)["models"]
    ids_ranked = [m["id"] for m in models["shortlist"]]
    # data residency is a criterion: an API served only from China/global is out, with the reason
    assert "deepseek-chat" not in ids_ranked
    why = next(e["why"] for e in models["excluded"] if e["id"] == "deepseek-chat")
    assert ("欧盟" if lang == "zh" else "EU") in why
    # quality is a criterion: the tier-1 model leads, every place has its reasons
    assert models["shortlist"][0]["quality_tier"] == min(m["quality_tier"] for m in models["shortlist"])
    assert all(m["reason"] for m in models["shortlist"])
    prd = render_prd(lang, answers)
    assert ("国内备案" if lang == "zh" else "Filed in China") not in prd


def medical_cn_public():
    return {
        "scenario": {"task_types": ["qa", "generation"], "error_tolerance": "low", "determinism": "medium", "explainability": "high",
                     "knowledge_dependence": "domain", "data_availability": "some", "human_in_loop": "none",
                     "risk_domains": ["medical"], "daily_requests": 3000, "latency_p95_s": 6, "rules_feasible": "no"},
        "model": {"deployment": "api", "modalities": ["text"], "context_tokens": 8000, "criteria": ["price", "quality"]},
        "cost": {"currency": "CNY", "input_tokens": 1500, "output_tokens": 400, "price_input": 0.8, "price_output": 2},
        "compliance": {"region": "cn_mainland", "audience": "public", "filing_plan": "registration", "base_model_filed": "yes",
                       "content_labels": ["explicit", "implicit"]},
        "evaluation": {"safety_refuse_set": 500, "safety_answer_set": 500},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_medical_service_in_china(lang):
    answers = medical_cn_public()
    fit = scenario_fit(answers, lang)
    assert fit["verdict"] == "llm_with_human"
    label = "医疗健康" if lang == "zh" else "Medical and health"
    assert any(label in risk for risk in fit["blocking_risks"])
    assert not any("medical" in risk for risk in fit["blocking_risks"]) if lang == "zh" else True
    ids = {i.id for i in applicable_items(answers, lang)}
    assert {"MED-01", "MED-02", "MED-03", "MED-04", "CN-01"} <= ids
    found = [f for f in consistency_findings(answers, lang) if f.code == "blocking_risk"]
    assert found and found[0].path == "scenario.human_in_loop"
    # a medical product ranks quality first: no lower-tier model ahead of a higher one's price advantage
    ranked = advise(answers, lang)["models"]["shortlist"]
    assert ranked[0]["quality_tier"] == min(m["quality_tier"] for m in ranked)
    prd = render_prd(lang, answers)
    heading_risks, heading_notes = ("#### 阻断风险", "#### 建议") if lang == "zh" else ("#### Blocking risks", "#### Notes")
    assert heading_risks in prd
    if lang == "zh":
        assert "（medical）" not in prd


def test_check_exits_1_on_a_blocking_risk(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(dump_yaml({"schema_version": 1, "lang": "en", "answers": medical_cn_public()}), encoding="utf-8")
    result = run_prdkit("check", path, "--json")
    assert result.returncode == 1, result.stderr
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "blocking_risk" in codes


def hr_faq():
    return {
        "scenario": {"task_types": ["qa"], "error_tolerance": "medium", "determinism": "medium", "knowledge_dependence": "proprietary",
                     "data_availability": "little", "human_in_loop": "spot_check", "risk_domains": [], "daily_requests": 50,
                     "latency_p95_s": 5, "rules_feasible": "mostly", "traditional_alternative": "none"},
        "model": {"deployment": "api"},
        "cost": {"currency": "CNY", "calls_per_request": 1, "input_tokens": 1500, "output_tokens": 300, "price_input": 0.8,
                 "price_output": 2, "infra_monthly": 500, "review_monthly": 300, "manual_cost_per_request": 3,
                 "automation_rate": 40, "oneoff_costs": [{"item": "integration", "amount": 13_000}]},
        "compliance": {"region": "cn_mainland", "audience": "internal"},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_low_volume_hr_faq_gets_rules_first(lang):
    answers = hr_faq()
    c = cost_and_roi(answers, lang)
    # 1,500 requests x (1,500 x 0.8 + 300 x 2) / 1M = 2.7 CNY; running 2.7 + 500 + 300 = 802.7
    assert c["model_monthly"] == pytest.approx(2.7) and c["running_monthly"] == pytest.approx(802.7)
    # gain 1,500 x 40% x 3 = 1,800; net 997.3; payback 13,000 / 997.3 = 13.03 months
    assert c["net_monthly"] == pytest.approx(997.3) and c["payback_months"] == pytest.approx(13_000 / 997.3)
    # 12-month ROI: (21,600 - (13,000 + 9,632.4)) / 22,632.4 = -4.56%
    assert c["roi_12_months"] == pytest.approx((21_600 - 22_632.4) / 22_632.4)
    fit = scenario_fit(answers, lang)
    assert fit["verdict"] == "rules_first"
    reasons = " ".join(fit["verdict_reasons"])
    if lang == "zh":
        assert "先用规则或 FAQ 检索" in fit["verdict_label"] and "50 次" in reasons and "13.0 个月" in reasons and "-5%" in reasons
    else:
        assert "FAQ search first" in fit["verdict_label"] and "50 requests a day" in reasons and "13.0 months" in reasons and "-5%" in reasons


def test_mostly_rules_is_never_silent():
    answers = hr_faq()
    answers["scenario"].update(daily_requests=50_000)
    answers["cost"].update(manual_cost_per_request=30)
    fit = scenario_fit(answers, "en")
    assert fit["verdict"] == "rules_first" and "Rules or templates can handle most requests." in fit["verdict_reasons"]


def test_formulas_worked_example_is_what_advise_prints(tmp_path):
    doc = (ROOT / "docs" / "formulas.md").read_text(encoding="utf-8")
    block = doc.split("<!-- worked-example:answers -->")[1].split("```yaml")[1].split("```")[0]
    path = tmp_path / "answers.yaml"
    path.write_text(dump_yaml({"schema_version": 1, "lang": "en", "answers": yaml.safe_load(block)}), encoding="utf-8")
    result = run_prdkit("advise", path, "--json")
    assert result.returncode == 0, result.stderr
    rows = {m["metric"]: m for m in json.loads(result.stdout)["evaluation"]["metrics"]}
    table = doc.split("<!-- worked-example:table -->")[1].split("\n\n")[0].strip().splitlines()[2:]
    assert len(table) == 3
    for line in table:
        name, method, margin, n_margin, n_zero, needed, enough = [c.strip() for c in line.strip("|").split("|")]
        row = rows[name]
        assert row["method"] == method
        assert row["margin_used_pct"] == pytest.approx(float(margin.lstrip("±")))
        assert (row["n_for_margin"], row["n_zero_failures"], row["n_needed"]) == (int(n_margin), int(n_zero), int(needed))
        assert {"yes": True, "no": False, "count the positives": None}[enough] == row["enough"]
    assert rows["Retrieval recall@5"]["positives_needed"] == 385


# ---------------------------------------------------------------- properties

@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=2_000_000), st.integers(min_value=1, max_value=2_000_000),
       st.sampled_from(["api", "open_weights", "private"]), st.booleans())
def test_cost_is_monotonic_in_traffic(a, b, deployment, image):
    low, high = sorted((a, b))
    base = image_product(deployment) if image else self_hosted_70b()
    base["model"]["deployment"] = deployment
    answers_low, answers_high = copy.deepcopy(base), copy.deepcopy(base)
    answers_low["scenario"]["daily_requests"], answers_high["scenario"]["daily_requests"] = low, high
    c_low, c_high = cost_and_roi(answers_low, "en"), cost_and_roi(answers_high, "en")
    assert c_high["model_monthly"] >= c_low["model_monthly"] - 1e-9
    assert c_high["running_monthly"] >= c_low["running_monthly"] - 1e-9


PRICE_KEYS = ["price_input", "price_output", "gpu_hour_price", "price_per_image"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PRICE_KEYS), st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100),
       st.sampled_from(["api", "open_weights"]), st.booleans())
def test_cost_is_monotonic_in_prices(key, p1, p2, deployment, image):
    low, high = sorted((p1, p2))
    base = image_product(deployment) if image else self_hosted_70b()
    base["model"]["deployment"] = deployment
    answers_low, answers_high = copy.deepcopy(base), copy.deepcopy(base)
    answers_low["cost"][key], answers_high["cost"][key] = low, high
    c_low, c_high = cost_and_roi(answers_low, "en"), cost_and_roi(answers_high, "en")
    assert c_high["running_monthly"] >= c_low["running_monthly"] - 1e-9


NUMBER = re.compile(r"\d[\d,.]*\d|\d")
ITEMS = [(pack["pack"], item) for pack in _load(tuple(_pack_files())) for item in pack["items"] if not item.get("for_each")]


def _raw_title_numbers(item_id):
    """Numbers in the title line of the raw YAML, as the author typed them (before parsing)."""
    for path in sorted((ROOT / "checklists").glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            if line.strip() == f"- id: {item_id}":
                title = next(l for l in lines[index + 1:] if l.strip().startswith("title:"))
                return NUMBER.findall(title)
    raise AssertionError(item_id)


@settings(max_examples=len(ITEMS), deadline=None)
@given(st.sampled_from(ITEMS), st.sampled_from(LANGS))
def test_every_number_in_a_checklist_title_survives_rendering(pack_item, lang):
    pack, item = pack_item
    rendered = _render_one_item(item, lang)
    for number in _raw_title_numbers(item["id"]):
        assert number in rendered or number in item["title"]["en" if lang == "zh" else "zh"], (item["id"], number)
    for number in NUMBER.findall(item["title"][lang]):
        assert number in rendered


def _render_one_item(item, lang):
    """The item as the checklist template renders it (title through the same Markdown filters)."""
    from prdkit.checklist import Item
    from prdkit.render import make_environment

    one = Item(id=item["id"], pack="p", title=item["title"][lang], detail=item["detail"][lang], category=item["category"],
               category_label=item["category"], owner=item["owner"], owner_label=item["owner"], gate=bool(item.get("gate")),
               threshold="", evidence=item["evidence"][lang])
    env = make_environment()
    return env.get_template("checklist/launch-checklist.md.j2").render(
        lang=lang, title="t", groups=[{"label": "g", "members": [one]}], items=[one], status={}, roles=[], gates=1)


@pytest.mark.parametrize("lang", LANGS)
def test_both_languages_keep_the_whole_numbers_of_the_china_gates(lang):
    answers = {"compliance": {"region": "cn_mainland", "audience": "public"}}
    af = AnswersFile(lang=lang, answers=answers)
    text = render_checklist_markdown(af)
    assert "2,000" in text and "10,000" in text
    assert "不少于 2 题" not in text and "at least 2 questions" not in text and "at least 10 " not in text


def test_an_unquoted_comma_in_a_company_pack_is_refused(tmp_path):
    from prdkit.errors import UserError

    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "own.yaml").write_text(
        "pack: own\ntitle: {zh: 自有, en: Own}\nitems:\n  - id: OWN-01\n"
        "    title: {zh: 至少 2,000 条, en: at least 2,000 items}\n"
        "    detail: {zh: 说明, en: Detail}\n    category: effect\n    owner: pm\n    evidence: {zh: 证据, en: Evidence}\n",
        encoding="utf-8")
    with pytest.raises(UserError) as err:
        applicable_items({}, "en", [folder])
    assert "quote" in str(err.value)


@pytest.mark.parametrize("lang", LANGS)
def test_supply_chain_is_a_gate_for_self_hosted_weights(lang):
    def gate(deployment):
        return next(i for i in applicable_items({"model": {"deployment": deployment}}, lang) if i.id == "SEC-LLM03").gate
    assert gate("open_weights") and gate("private") and not gate("api")


@pytest.mark.parametrize("lang", LANGS)
def test_pipl_follows_personal_data_not_the_audience(lang):
    internal = {"compliance": {"region": "cn_mainland", "audience": "internal"}, "data": {"personal_data": True}}
    ids = {i.id for i in applicable_items(internal, lang)}
    assert {"CN-09", "CN-11"} <= ids and "CN-01" not in ids
    assert "CN-09" not in {i.id for i in applicable_items({**internal, "data": {"personal_data": False}}, lang)}


@pytest.mark.parametrize("domain, item", [("medical", "MED-01"), ("finance", "FIN-01"), ("legal", "LEG-01"),
                                          ("minors", "MIN-01"), ("employment", "EMP-01")])
def test_each_risk_domain_brings_its_gates(domain, item):
    ids = {i.id for i in applicable_items({"scenario": {"risk_domains": [domain]}}, "en")}
    assert item in ids
    assert item not in {i.id for i in applicable_items({"scenario": {"risk_domains": []}}, "en")}


def test_stale_price_is_flagged_in_the_prd():
    from datetime import date

    answers = {"model": {"deployment": "api", "modalities": ["text"], "context_tokens": 8000}, "scenario": {"daily_requests": 100},
               "cost": {"currency": "CNY", "input_tokens": 100, "output_tokens": 100},
               "compliance": {"region": "cn_mainland", "audience": "internal"}}
    from prdkit.advisors.models import load_catalog, shortlist

    r = shortlist(answers, "en", load_catalog(), today=date(2026, 12, 6))
    stale = {m["id"] for m in r["shortlist"] if m["price_stale"]}
    assert "qwen-plus" in stale or "qwen-turbo" in stale  # 2024 prices
    fresh = shortlist(answers, "en", load_catalog(), today=date(2024, 6, 1))
    assert not any(m["price_stale"] for m in fresh["shortlist"])


ENGLISH_PROSE = re.compile(r"\b(the|and|per|month|months|needs|with|of|self-hosted|quality|licence|price|open weights|medical|employment|requests)\b|GPU\(s\)")


@pytest.mark.parametrize("preset", ["agent-assistant", "agent-platform", "marketing-creative", "rag-knowledge-base", "llm-recommender"])
def test_chinese_advice_sections_carry_no_english_prose(preset):
    from prdkit.bank import load_bank
    from prdkit.presets import get_preset, initial_answers

    answers = initial_answers(load_bank(), "zh", get_preset(preset))
    prd = render_prd("zh", answers)
    advice_text = []
    for part in prd.split("\n### ")[1:]:
        heading = part.splitlines()[0]
        if "prdkit" in heading:
            advice_text.append(part.split("\n## ")[0])
    assert len(advice_text) == 5
    for block in advice_text:
        assert not ENGLISH_PROSE.search(block), ENGLISH_PROSE.search(block).group(0) + " in " + block[:80]


@pytest.mark.parametrize("lang", LANGS)
def test_eu_hiring_tool_is_told_about_annex_iii(lang):
    answers = eu_service()
    answers["scenario"].update(risk_domains=["employment"], human_in_loop="review_all")
    notes = " ".join(scenario_fit(answers, lang)["notes"])
    assert ("附件三" if lang == "zh" else "Annex III") in notes
    answers["compliance"]["region"] = "us"
    assert "Annex III" not in " ".join(scenario_fit(answers, "en")["notes"])
    assert {"EMP-01", "EMP-02"} <= {i.id for i in applicable_items(answers, lang)}
