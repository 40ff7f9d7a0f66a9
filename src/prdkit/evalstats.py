"""Statistics of an acceptance gate: the observed rate of a metric, its Wilson score interval
and the gate decision. Pure functions, no I/O (docs/formulas.md, "Acceptance from eval
results")."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054
DECISIONS = ("demonstrated", "met", "not_met", "insufficient")
# A decision's gate status in acceptance.yaml: only met and demonstrated pass.
DECISION_STATUS = {"demonstrated": "pass", "met": "pass", "not_met": "fail", "insufficient": "fail"}
_EPS = 1e-9


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion successes / n, as fractions.

    centre = (p + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²).
    With n = 0 nothing is known: (0, 1)."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Gate:
    """One metric's evidence and decision. Rates are percentages in the metric's own
    direction: the pass rate of a higher-is-better metric, the occurrence rate (failures over
    items) of a lower-is-better one."""

    items: int        # items in the file for this metric, errors included
    passes: int       # items whose every assertion of the metric passed
    errors: int       # items the provider could not answer (timeouts, errors): never passes
    direction: str    # "higher" or "lower"
    target_pct: float
    required: int     # items the PRD's eval sizing asks for
    rate_pct: float
    low_pct: float
    high_pct: float
    decision: str

    @property
    def graded(self) -> int:
        return self.items - self.errors

    @property
    def counted(self) -> int:
        """What the rate counts: passes (higher is better) or non-passes (lower is better)."""
        return self.passes if self.direction == "higher" else self.items - self.passes


def judge(items: int, passes: int, errors: int, direction: str, target_pct: float, required: int) -> Gate:
    """Decide a gate.

    An error is an item that did not pass: it counts against a higher-is-better rate and as an
    occurrence of a lower-is-better one, and it does not count towards the planned size.

    - insufficient: fewer graded items than the sizing requires (or none at all);
    - not met: the observed rate misses the target;
    - met: the observed rate meets the target with enough items;
    - demonstrated: met, and the 95% bound on the far side also clears the target (the lower
      bound for higher-is-better, the upper bound for lower-is-better)."""
    if min(items, passes, errors) < 0 or passes + errors > items:
        raise ValueError("counts must be non-negative with passes + errors ≤ items")
    higher = direction != "lower"
    counted = passes if higher else items - passes
    rate = counted / items if items else 0.0
    low, high = wilson_interval(counted, items)
    target = target_pct / 100
    if items - errors <= 0 or items - errors < required:
        decision = "insufficient"
    elif (rate + _EPS >= target) if higher else (rate - _EPS <= target):
        cleared = (low + _EPS >= target) if higher else (high - _EPS <= target)
        decision = "demonstrated" if cleared else "met"
    else:
        decision = "not_met"
    return Gate(items=items, passes=passes, errors=errors, direction="higher" if higher else "lower",
                target_pct=target_pct, required=required, rate_pct=round(rate * 100, 2),
                low_pct=round(low * 100, 2), high_pct=round(high * 100, 2), decision=decision)
