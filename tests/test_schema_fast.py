"""The fast conformance check never accepts what the JSON Schema rejects (issue 9).

`prdkit render` skips importing jsonschema when schema.conforms() says a file is valid, so
conforms() must only say yes when jsonschema would; and it must say yes to ordinary valid
files, or the speed-up is silently lost."""

import copy
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from prdkit.answers import _normalise, read_yaml
from prdkit.bank import load_bank
from prdkit.generate import new_answers
from prdkit.presets import all_presets
from prdkit.schema import answers_schema, conforms, validator_class

BANK = load_bank()
VALIDATOR = validator_class()(answers_schema(BANK))
QUESTIONS = list(BANK.questions())
BAD_INPUTS = Path(__file__).parent / "bad_inputs"


def valid_files():
    for preset in all_presets():
        for lang in ("zh", "en"):
            yield _normalise(new_answers(lang, preset).to_data(BANK))


def schema_valid(data):
    return not any(True for _ in VALIDATOR.iter_errors(data))


@pytest.mark.parametrize("index", range(len(all_presets()) * 2))
def test_every_preset_is_recognised_as_valid(index):
    data = list(valid_files())[index]
    assert schema_valid(data)
    assert conforms(data, BANK), "a valid answers file should take the fast path"


@pytest.mark.parametrize("name", sorted(p.name for p in BAD_INPUTS.glob("*.yaml")))
def test_bad_inputs_are_not_waved_through(name):
    try:
        data, _ = read_yaml(BAD_INPUTS / name)
    except Exception:
        return  # refused before validation
    data = _normalise(data) if data is not None else None
    if not schema_valid(data):
        assert not conforms(data, BANK)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["2026-01-01", "2026-13-45", "rag", "prompt", "zh", "en", "", "x" * 5000]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8) | st.sampled_from(["name", "metric", "target"]), inner, max_size=4)),
                      max_leaves=12)


def near_misses(q):
    """Values of about the right shape that break one rule of the question's schema."""
    choices = q.choice_values() or ["x"]
    out = [0, 1, "true", 2.0, 1.5, [], {}, "", "2026-1-1", "2026-01-01\n", "2026-02-30", "0000-00-00", "2026-13-01", "２０２６-０１-０１",
           float("nan"), float("inf"), float("-inf"), choices[0] + " ", [choices[0], choices[0]],
           [choices[0], 3], ["ok", None], [{"unknown": 1}], [{}], [None]]
    if q.max_length:
        out += ["x" * q.max_length, "x" * (q.max_length + 1)]
    if q.min is not None:
        out += [q.min, q.min - 1, q.min - 0.5]
    if q.max is not None:
        out += [q.max, q.max + 1, q.max + 0.5]
    for f in q.fields:
        out += [[{f.id: v}] for v in (None, 5, "x", True, [], 1.5, float("nan"), float("inf"), "2026-02-30")]
        out += [[{g.id: "x" for g in q.fields}], [{g.id: 1 for g in q.fields}]]
    return out


def put(data, section, qid, value):
    answers = data.get("answers")
    if isinstance(answers, dict) and isinstance(answers.setdefault(section, {}), dict):
        answers[section][qid] = value


@st.composite
def mutated(draw):
    data = copy.deepcopy(draw(st.sampled_from(list(valid_files()))))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["question", "question", "question", "record_field", "top", "section", "revision"]))
        if kind == "question":
            q = draw(st.sampled_from(QUESTIONS))
            put(data, q.section, q.id, draw(values | st.sampled_from(near_misses(q))))
        elif kind == "record_field":
            q = draw(st.sampled_from([q for q in QUESTIONS if q.type == "records"]))
            row = {f.id: draw(values) for f in q.fields if draw(st.booleans())}
            put(data, q.section, q.id, [row])
        elif kind == "top":
            data[draw(st.sampled_from(["schema_version", "lang", "preset", "prdkit_version", "extra", "answers"]))] = draw(values)
        elif kind == "section" and isinstance(data.get("answers"), dict):
            data["answers"][draw(st.sampled_from([s.id for s in BANK.sections] + ["nope"]))] = draw(values)
        elif kind == "revision":
            data["revisions"] = draw(values)
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_check_never_accepts_what_the_schema_rejects(data):
    if conforms(data, BANK):
        assert schema_valid(data), [e.message for e in VALIDATOR.iter_errors(data)][:3]


def test_each_rule_of_each_question_is_kept():
    """Every question gets every near miss, one at a time, on a valid file."""
    base = next(valid_files())
    checked = 0
    for q in QUESTIONS:
        for value in near_misses(q):
            data = copy.deepcopy(base)
            put(data, q.section, q.id, value)
            if conforms(data, BANK):
                checked += 1
                assert schema_valid(data), (q.path, value)
    assert checked > len(QUESTIONS)  # some near misses are in fact valid, and are accepted


NUMERIC = [(q, None) for q in QUESTIONS if q.type in ("int", "float")] + [
    (q, f) for q in QUESTIONS if q.type == "records" for f in q.fields if f.type in ("int", "float")]


@pytest.mark.parametrize("q, field", NUMERIC, ids=[q.path + (f".{f.id}" if f else "") for q, f in NUMERIC])
def test_nan_and_infinity_are_refused_by_both_checks(q, field):
    """Every number in the bank: NaN and infinity are not numbers, for the schema and the fast path."""
    base = next(valid_files())
    for bad in (float("nan"), float("inf"), float("-inf")):
        data = copy.deepcopy(base)
        if field is None:
            put(data, q.section, q.id, bad)
        else:
            row = {g.id: (1 if g.type in ("int", "float") else "x") for g in q.fields if g.required}
            row[field.id] = bad
            put(data, q.section, q.id, [row])
        assert not conforms(data, BANK), (q.path, bad)
        errors = list(VALIDATOR.iter_errors(data))
        assert errors, (q.path, bad)


DATES = [q for q in QUESTIONS if q.type == "date"]


@pytest.mark.parametrize("q", DATES, ids=[q.path for q in DATES])
def test_dates_must_exist(q):
    base = next(valid_files())
    for value, ok in (("2026-02-28", True), ("2028-02-29", True), ("2026-02-30", False), ("2026-13-01", False),
                      ("0000-00-00", False), ("2026-00-10", False), ("٢٠٢٦-٠١-٠١", False)):
        data = copy.deepcopy(base)
        put(data, q.section, q.id, value)
        assert conforms(data, BANK) is ok, (q.path, value)
        assert schema_valid(data) is ok, (q.path, value)
