"""Advisors: pure functions over the answers that compute what a PM otherwise works out by
hand. No I/O here except `load_catalog`, which reads the model catalog once.

    advise(answers, lang) -> {"scenario_fit", "solution_path", "models", "cost", "evaluation"}
"""

from __future__ import annotations

from typing import Any, Mapping

from .cost import cost_and_roi
from .evaluation import evaluation_plan
from .models import load_catalog, shortlist
from .scenario_fit import scenario_fit
from .solution_path import solution_path


def advise(answers: Mapping[str, Any], lang: str, catalog: list[dict] | None = None) -> dict[str, Any]:
    catalog = catalog if catalog is not None else load_catalog()
    cost = cost_and_roi(answers, lang)
    return {
        "scenario_fit": scenario_fit(answers, lang),
        "solution_path": solution_path(answers, lang),
        "models": shortlist(answers, lang, catalog),
        "cost": cost,
        "evaluation": evaluation_plan(answers, lang),
    }


__all__ = ["advise", "load_catalog", "scenario_fit", "solution_path", "shortlist", "cost_and_roi", "evaluation_plan"]
