"""`when` conditions: a small data language shared by the question bank and the checklists.

A condition is plain YAML, so it can be read, validated and evaluated without running code:

    {q: solution.paths, contains: rag}           list answer contains a value
    {q: compliance.audience, equals: public}     answer equals a value
    {q: compliance.region, in: [cn_mainland, global]}
    {q: cost.cached_share, gt: 0}                also gte, lt, lte (numbers)
    {q: data.personal_data, is_set: true}        answered (not None, not empty)
    {all: [...]}, {any: [...]}, {not: {...}}

`q` is "section.question". Unanswered questions make every test false except
`is_set: false` (and `not` of something false), so a checklist item never applies because
of a missing answer by accident.
"""

from __future__ import annotations

from typing import Any, Mapping

COMPARISONS = ("equals", "in", "contains", "gt", "gte", "lt", "lte", "is_set")
COMBINATORS = ("all", "any", "not")


class ConditionError(ValueError):
    """A condition that is not well-formed (a bug in the data file, named in the message)."""


def lookup(answers: Mapping[str, Any], ref: str) -> Any:
    section, _, qid = ref.partition(".")
    block = answers.get(section)
    if not isinstance(block, Mapping):
        return None
    return block.get(qid)


def _is_set(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def evaluate(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """True when the condition holds for the answers (None means "always")."""
    if condition is None:
        return True
    if not isinstance(condition, Mapping) or not condition:
        raise ConditionError(f"a condition must be a non-empty mapping, got {condition!r}")
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    if "q" not in condition:
        raise ConditionError(f"a condition needs 'q', 'all', 'any' or 'not': {dict(condition)!r}")
    tests = [k for k in condition if k != "q"]
    if len(tests) != 1 or tests[0] not in COMPARISONS:
        raise ConditionError(f"a condition on {condition['q']!r} needs exactly one of {', '.join(COMPARISONS)}")
    test = tests[0]
    expected = condition[test]
    value = lookup(answers, condition["q"])
    if test == "is_set":
        return _is_set(value) == bool(expected)
    if value is None:
        return False
    if test == "equals":
        return value == expected
    if test == "in":
        return value in expected
    if test == "contains":
        return isinstance(value, (list, tuple)) and expected in value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    if test == "gt":
        return value > expected
    if test == "gte":
        return value >= expected
    if test == "lt":
        return value < expected
    return value <= expected


def validate(condition: Any) -> None:
    """Raise ConditionError, naming the part, unless the whole condition is well-formed (every
    branch: evaluate() stops at the first branch that decides)."""
    if condition is None:
        return
    if not isinstance(condition, Mapping) or not condition:
        raise ConditionError(f"a condition must be a non-empty mapping, got {condition!r}")
    for key in ("all", "any"):
        if key in condition:
            if not isinstance(condition[key], list) or len(condition) != 1:
                raise ConditionError(f"`{key}` takes a list of conditions and nothing beside it")
            for sub in condition[key]:
                validate(sub)
            return
    if "not" in condition:
        if len(condition) != 1:
            raise ConditionError("`not` takes one condition and nothing beside it")
        validate(condition["not"])
        return
    if not isinstance(condition.get("q"), str):
        raise ConditionError(f"a condition needs 'q' (section.question), 'all', 'any' or 'not': {dict(condition)!r}")
    tests = [k for k in condition if k != "q"]
    if len(tests) != 1 or tests[0] not in COMPARISONS:
        raise ConditionError(f"a condition on {condition['q']!r} needs exactly one of {', '.join(COMPARISONS)}")
    expected = condition[tests[0]]
    if tests[0] in ("gt", "gte", "lt", "lte") and (isinstance(expected, bool) or not isinstance(expected, (int, float))):
        raise ConditionError(f"`{tests[0]}` on {condition['q']!r} needs a number, got {expected!r}")
    if tests[0] == "in" and not isinstance(expected, list):
        raise ConditionError(f"`in` on {condition['q']!r} needs a list, got {expected!r}")
    if tests[0] == "is_set" and not isinstance(expected, bool):
        raise ConditionError(f"`is_set` on {condition['q']!r} needs true or false, got {expected!r}")


def references(condition: Mapping[str, Any] | None) -> list[str]:
    """Every "section.question" a condition reads, for validating data files."""
    if condition is None:
        return []
    found: list[str] = []
    for key in ("all", "any"):
        for sub in condition.get(key, []):
            found += references(sub)
    if "not" in condition:
        found += references(condition["not"])
    if "q" in condition:
        found.append(condition["q"])
    return found
