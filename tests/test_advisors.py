"""Advisors (issue 5): figures checked against hand calculations."""

import json
import math

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from prdkit.advisors import advise, load_catalog
from prdkit.advisors.cost import cost_and_roi
from prdkit.advisors.evaluation import evaluation_plan, metric_size, sample_size, wilson_half_width, zero_failure_size
from prdkit.advisors.findings import consistency_findings
from prdkit.advisors.scenario_fit import scenario_fit
from prdkit.advisors.solution_path import solution_path
from prdkit.errors import UserError

from conftest import run_prdkit


def cost_answers(**overrides):
    answers = {
        "scenario": {"daily_requests": 1000},
        "cost": {"currency": "USD", "monthly_active_users": 500, "calls_per_request": 2, "input_tokens": 1000,
                 "output_tokens": 200, "cached_share": 25, "price_input": 2, "price_output": 8, "price_cached_input": 0.5,
                 "gpu_hour_price": 2, "gpu_tokens_per_s": 100, "gpu_utilisation": 50, "infra_monthly": 100,
                 "review_monthly": 200, "oneoff_costs": [{"item": "integration", "amount": 5000}],
                 "manual_cost_per_request": 0.5, "automation_rate": 40, "monthly_budget": 400},
        "data": {"labeling_needed": True, "labeling_items": 1000, "labeling_cost_per_item": 2},
    }
    for ref, value in overrides.items():
        section, qid = ref.split("__")
        answers[section][qid] = value
    return answers


def test_cost_split_per_request_and_per_user():
    c = cost_and_roi(cost_answers(), "en")
    # 1,000/day x 30 = 30,000 requests; x2 calls = 60,000 calls
    assert c["assumptions"]["monthly_requests"] == 30_000
    # input 60,000 x 1,000 = 60M tokens, 25% cached = 15M, uncached 45M; output 60,000 x 200 = 12M
    assert c["monthly_tokens"] == {"input": 60_000_000, "cached_input": 15_000_000, "output": 12_000_000}
    # 45 x $2 = 90; 15 x $0.5 = 7.5; 12 x $8 = 96; total 193.5
    assert c["api_monthly"] == {"input": 90.0, "cached_input": 7.5, "output": 96.0, "total": 193.5}
    assert c["per_request"] == pytest.approx(193.5 / 30_000, abs=1e-4)  # 0.00645
    # running = 193.5 + 100 infra + 200 review = 493.5; per user 493.5 / 500 = 0.987
    assert c["running_monthly"] == 493.5
    assert c["per_user"] == pytest.approx(0.987)
    assert c["currency"] == "USD"
    assert c["within_budget"] is False  # budget 400 < 493.5


def test_self_hosting_alternative_and_payback():
    c = cost_and_roi(cost_answers(), "en")
    s = c["self_hosted"]
    # API deployment: the GPU figures are an alternative. Each request: 2 calls x 200 output tokens / 100 tok/s = 4 GPU-s
    # (no prefill throughput given, so prefill is not counted). Peak hour 10% of 1,000 = 100 requests -> 0.0278/s
    # -> 0.111 GPUs busy, 0.222 at 50% utilisation -> 1 replica of 1 GPU; no availability target -> no spare.
    assert s["gpu_seconds_per_request"] == 4
    assert s["busy_gpus_at_peak"] == pytest.approx(100 / 3600 * 4)
    assert s["gpus"] == 1 and s["spare_replicas"] == 0
    assert s["gpu_monthly"] == 1440.0  # 720 h x $2
    # one replica carries 1 x 50% x 3,600 s / 10% peak share / 4 GPU-s = 4,500 requests a day, 135,000 a month
    assert s["requests_per_replica_month"] == pytest.approx(135_000)
    # the API bill for those 135,000 requests is 135,000 x 0.00645 = 870.75 < 1,440: self-hosting never pays
    assert s["break_even_monthly_requests"] is None and s["cheaper"] == "api"
    # one-off: 5,000 + 1,000 labels x $2 = 7,000
    assert c["oneoff"]["total"] == 7000.0
    # saving: 30,000 x 40% x $0.5 = 6,000; net = 6,000 - 493.5 = 5,506.5; payback 7,000 / 5,506.5 = 1.27121..., unrounded
    assert c["manual_saving_monthly"] == 6000.0
    assert c["net_monthly"] == 5506.5
    assert c["payback_months"] == pytest.approx(7000 / 5506.5, rel=1e-12)
    half, double = c["sensitivity"]
    assert half["monthly_requests"] == 15_000 and double["monthly_requests"] == 60_000
    assert double["api_monthly"] == pytest.approx(387.0)


def test_break_even_when_one_gpu_carries_enough():
    # 10x the decode speed: one replica carries 1,350,000 requests a month, whose API bill (8,707.5) exceeds 1,440
    c = cost_and_roi(cost_answers(cost__gpu_tokens_per_s=1000), "en")
    s = c["self_hosted"]
    assert s["requests_per_replica_month"] == pytest.approx(1_350_000)
    # break-even: 1,440 / 0.00645 = 223,255.8 requests a month, 7,441.9 a day
    assert s["break_even_monthly_requests"] == pytest.approx(1440 / 0.00645)
    assert s["break_even_daily_requests"] == pytest.approx(1440 / 0.00645 / 30)


def test_no_payback_when_benefit_is_not_positive():
    c = cost_and_roi(cost_answers(cost__manual_cost_per_request=0), "en")
    assert c["net_monthly"] < 0 and c["payback_months"] is None


def test_cost_reports_what_is_missing():
    c = cost_and_roi({"cost": {"currency": "CNY"}}, "en")
    assert c["available"] is False and "scenario.daily_requests" in c["missing"]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=10_000_000), st.integers(min_value=1, max_value=10_000_000))
def test_cost_grows_with_traffic(a, b):
    low, high = sorted((a, b))
    c_low = cost_and_roi(cost_answers(scenario__daily_requests=low), "en")
    c_high = cost_and_roi(cost_answers(scenario__daily_requests=high), "en")
    assert c_high["api_monthly"]["total"] >= c_low["api_monthly"]["total"]
    assert c_high["running_monthly"] >= c_low["running_monthly"]


@pytest.mark.parametrize("p, margin, expected", [(0.5, 0.05, 385), (0.9, 0.03, 385), (0.9, 0.05, 139), (0.85, 0.03, 545)])
def test_sample_sizes_match_the_reference(p, margin, expected):
    assert sample_size(p, margin) == expected


def test_no_finite_population_correction_and_exact_zero_failures():
    # 139 items for a 90% target at +-5 points, whatever the traffic (the old correction gave 127 at 1,000 a month)
    plan = evaluation_plan({"scenario": {"daily_requests": 1000 / 30}, "evaluation": {"margin": 5, "scenario_set_size": 100,
                            "metrics": [{"name": "accuracy", "target": 90}]}}, "en")
    assert plan["metrics"][0]["n_needed"] == 139 and plan["metrics"][0]["method"] == "normal"
    # 99% target: no failure in n items bounds the failure rate at 1% when 0.99^n <= 0.05:
    # ln 0.05 / ln 0.99 = 298.07 -> 299 (the rule of three says 300)
    assert zero_failure_size(0.01) == 299


@settings(max_examples=150, deadline=None)
@given(st.floats(min_value=0.1, max_value=99.9), st.sampled_from(["higher", "lower"]),
       st.floats(min_value=0.5, max_value=20), st.floats(min_value=0.5, max_value=20), st.sampled_from(["90", "95", "99"]))
def test_a_tighter_margin_never_needs_fewer_items(target, direction, m1, m2, confidence):
    tight, loose = sorted((m1, m2))
    assert metric_size(target, direction, tight, confidence)["n_needed"] >= metric_size(target, direction, loose, confidence)["n_needed"]


def test_a_99_percent_target_on_50_items_is_flagged():
    answers = {"evaluation": {"scenario_set_size": 50, "margin": 5, "confidence": "95",
                              "metrics": [{"name": "accuracy", "target": 99, "direction": "higher"}]}}
    row = evaluation_plan(answers, "en")["metrics"][0]
    # q = 1% < 10%: margin 5 x 1% / 10% = 0.5 points; the Wilson interval reaches +-0.5 points at n, not at n - 1
    assert row["method"] == "wilson_relative" and row["margin_used_pct"] == pytest.approx(0.5)
    n = row["n_needed"]
    assert wilson_half_width(0.99, n) <= 0.005 < wilson_half_width(0.99, n - 1)
    assert n > 1521  # the normal approximation's 1.96^2 x 0.99 x 0.01 / 0.005^2 = 1,521.3 is too optimistic here
    assert row["enough"] is False
    codes = {f.code for f in consistency_findings(answers, "en")}
    assert "eval_set_too_small" in codes


def fit(**scenario):
    return scenario_fit({"scenario": scenario}, "en")


def test_internal_faq_bot_fits_an_llm():
    r = fit(task_types=["qa"], error_tolerance="high", determinism="low", explainability="medium",
            knowledge_dependence="proprietary", knowledge_freshness="weekly", data_availability="some",
            human_in_loop="none", risk_domains=[], daily_requests=500, latency_p95_s=5, rules_feasible="no",
            traditional_alternative="none")
    assert r["verdict"] == "llm" and not r["blocking_risks"]
    assert {d["id"] for d in r["dimensions"]} >= {"task_type", "error_tolerance", "knowledge", "risk_domain", "volume_latency"}


def test_medical_diagnosis_assistant_needs_a_human():
    r = fit(task_types=["qa", "generation"], error_tolerance="low", determinism="medium", explainability="high",
            knowledge_dependence="domain", data_availability="some", human_in_loop="none", risk_domains=["medical"],
            daily_requests=2000, latency_p95_s=8, rules_feasible="no", traditional_alternative="none")
    assert r["verdict"] == "llm_with_human"
    assert any("Medical and health" in risk for risk in r["blocking_risks"])


def test_pricing_engine_goes_to_rules_or_regression():
    rules = fit(task_types=["classification"], error_tolerance="low", determinism="high", explainability="high",
                knowledge_dependence="none", data_availability="plenty", human_in_loop="none", risk_domains=[],
                daily_requests=100000, latency_p95_s=0.1, rules_feasible="mostly", traditional_alternative="regression")
    assert rules["verdict"] == "rules"
    regression = fit(task_types=["classification"], error_tolerance="medium", determinism="high", knowledge_dependence="none",
                     data_availability="plenty", rules_feasible="partly", traditional_alternative="regression")
    assert regression["verdict"] == "traditional_ai" and regression["traditional_kind"] == "regression"
    assert "regression" in regression["verdict_label"]


def test_weekly_knowledge_points_to_rag_not_fine_tuning():
    r = solution_path({"scenario": {"task_types": ["qa"], "knowledge_dependence": "proprietary", "knowledge_freshness": "weekly",
                                    "data_availability": "some"}, "solution": {"paths": ["prompt", "fine_tuning"]}}, "en")
    fits = {p["path"]: p["fit"] for p in r["paths"]}
    assert fits["rag"] == "recommended" and fits["fine_tuning"] == "optional" and fits["agent"] == "not_recommended"
    assert "weekly" in next(p["reason"] for p in r["paths"] if p["path"] == "rag")
    assert r["recommended_but_not_chosen"]


@pytest.mark.parametrize("answers, code", [
    ({"solution": {"paths": ["rag"]}}, "rag_without_sources"),
    ({"compliance": {"region": "cn_mainland", "audience": "public", "filing_plan": "undecided"}}, "public_cn_without_filing"),
    ({"solution": {"paths": ["agent"], "agent_tools": [{"name": "pay", "effect": "write"}], "agent_confirmation": False}}, "agent_writes_unconfirmed"),
    ({"data": {"personal_data": True}}, "personal_data_unhandled"),
    ({"solution": {"paths": ["fine_tuning"]}, "scenario": {"data_availability": "none"}}, "fine_tuning_without_data"),
])
def test_each_finding_fires_on_its_case_only(answers, code):
    assert code in {f.code for f in consistency_findings(answers, "en")}
    assert code not in {f.code for f in consistency_findings({}, "en")}


def test_public_cn_service_gets_safety_banks_internal_does_not():
    public = evaluation_plan({"compliance": {"region": "cn_mainland", "audience": "public"},
                              "evaluation": {"safety_refuse_set": 400, "safety_answer_set": 600}}, "en")
    assert [b["required"] for b in public["safety_banks"]] == [2000, 500, 500]
    assert [b["enough"] for b in public["safety_banks"]][1:] == [False, True]
    internal = evaluation_plan({"compliance": {"region": "cn_mainland", "audience": "internal"}}, "en")
    assert internal["safety_banks"] is None


def test_shortlist_respects_deployment_region_and_currency():
    answers = {"model": {"deployment": "api", "modalities": ["text"], "context_tokens": 8000},
               "compliance": {"region": "cn_mainland", "audience": "public"}, **cost_answers()}
    answers["cost"]["currency"] = "CNY"
    models = advise(answers, "en")["models"]
    ids = [m["id"] for m in models["shortlist"]]
    assert ids and all(m["access"] == "api" for m in models["shortlist"])
    assert "gpt-4.1" not in ids and any(e["id"] == "gpt-4.1" for e in models["excluded"])
    assert all(m["china_filed"] for m in models["shortlist"])
    deepseek = next((m for m in models["shortlist"] if m["id"] == "deepseek-chat"), None)
    if deepseek:
        assert "not compared" in deepseek["reason"]  # priced in USD, costs in CNY


def test_catalog_override_and_bad_catalog(tmp_path):
    own = tmp_path / "models.yaml"
    own.write_text(yaml.safe_dump({"models": [
        {"id": "qwen-plus", "price": {"currency": "CNY", "input": 0.4, "output": 1.2, "as_of": "2026-10", "source": "our contract"}},
        {"id": "house-model", "name": "House model", "provider": "Us", "access": "api", "context_tokens": 32000,
         "modalities": ["text"], "regions": ["cn_mainland"], "china_filed": True,
         "price": {"currency": "CNY", "input": 0.1, "output": 0.2, "as_of": "2026-11", "source": "internal"}},
    ]}))
    catalog = {m["id"]: m for m in load_catalog(own)}
    assert catalog["qwen-plus"]["price"]["input"] == 0.4 and catalog["qwen-plus"]["name"] == "Qwen-plus"
    assert "house-model" in catalog
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  - id: x\n    name: X\n")
    with pytest.raises(UserError) as err:
        load_catalog(bad)
    assert str(bad) in str(err.value) and "missing" in str(err.value)


def test_advise_command_json_and_tables(tmp_path):
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults").returncode == 0
    result = run_prdkit("advise", folder / "answers.yaml", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"scenario_fit", "solution_path", "models", "cost", "evaluation"}
    assert data["cost"]["currency"] == "CNY" and data["scenario_fit"]["verdict"] == "llm"
    table = run_prdkit("advise", folder / "answers.yaml", env={"COLUMNS": "160"})
    assert table.returncode == 0 and "Scenario fit" in table.stdout and "Qwen" in table.stdout
    prd = (folder / "prd.md").read_text(encoding="utf-8")
    for heading in ("Scenario-fit assessment", "Path recommendation", "Model comparison", "Cost and ROI estimate", "Eval-set sizing"):
        assert heading in prd
