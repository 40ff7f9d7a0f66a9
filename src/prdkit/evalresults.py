"""Reading evaluation results into per-metric counts.

Three formats:

- promptfoo's JSON output (`promptfoo eval -o results.json`, results format version 3) and its
  JSONL output (one result per line): every result row is one item; an assertion's `metric`
  names the metric it is evidence for; a row the provider could not answer
  (`failureReason: 2`, or an `error` without a grading result) is an error for every metric its
  test case's assertions carry.
- A plain CSV (comma, semicolon or tab; UTF-8 or GB18030, as spreadsheets export it), JSONL or
  JSON array with one row per item: `metric`, then `pass` (true/false/1/0/yes/no) or `score` with
  `threshold`, an optional `id` and an optional `error`. A row may instead give counts
  (`items`, `passes`, optionally `errors`) for a tool that only exports totals.

Rows of the same metric and the same id are one item, which passes only when every one of its
rows passes. Nothing here knows the PRD: metric names are returned as written, with where each
was first seen, so the caller can name the place of an unknown one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .errors import UserError

TRUE = {"true", "1", "yes", "y", "pass", "passed", "ok", "是", "通过", "对"}
FALSE = {"false", "0", "no", "n", "fail", "failed", "否", "不通过", "未通过", "错"}
ERROR = {"error", "错误", "异常"}
ERROR_REASON = 2  # promptfoo's ResultFailureReason.ERROR (1 is a failed assertion)


@dataclass
class MetricCounts:
    name: str                 # as written in the file
    where: str                # the JSON path or row where it first appears
    outcomes: dict[Any, str] = field(default_factory=dict)  # item key -> pass | fail | error
    extra_items: int = 0      # counts given as totals
    extra_passes: int = 0
    extra_errors: int = 0

    def add(self, key: Any, outcome: str) -> None:
        before = self.outcomes.get(key)
        if before == "error" or outcome == "error":
            self.outcomes[key] = "error"
        elif before == "fail" or outcome == "fail":
            self.outcomes[key] = "fail"
        else:
            self.outcomes[key] = "pass"

    @property
    def items(self) -> int:
        return len(self.outcomes) + self.extra_items

    @property
    def passes(self) -> int:
        return sum(1 for o in self.outcomes.values() if o == "pass") + self.extra_passes

    @property
    def errors(self) -> int:
        return sum(1 for o in self.outcomes.values() if o == "error") + self.extra_errors


@dataclass
class EvalResults:
    path: Path
    sha256: str
    format: str               # promptfoo, csv, jsonl
    run_at: str | None
    metrics: dict[str, MetricCounts]

    def counts(self, name: str, where: str) -> MetricCounts:
        if name not in self.metrics:
            self.metrics[name] = MetricCounts(name, where)
        return self.metrics[name]


def read_results(path: Path) -> EvalResults:
    """Read one results file; UserError (exit 2) naming the file and the row or JSON path for
    anything that is not evidence."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    result = EvalResults(path, hashlib.sha256(raw).hexdigest(), "", None, {})
    text = _decode(path, raw)
    suffix = path.suffix.lower()
    stripped = text.lstrip()
    if suffix in (".jsonl", ".ndjson") or (suffix not in (".json", ".csv", ".tsv") and stripped.startswith("{") and "\n{" in stripped):
        result.format = "jsonl"
        _read_jsonl(path, text, result)
    elif suffix == ".json" or (suffix not in (".csv", ".tsv") and stripped[:1] in ("{", "[")):
        result.format = "promptfoo"
        _read_promptfoo(path, text, result)
    else:
        result.format = "csv"
        _read_csv(path, text, result)
    if not result.metrics:
        raise UserError(f"{path}: no result carries a metric name; give each promptfoo assertion a `metric:` "
                        "(or each CSV/JSONL row a `metric` column) naming the PRD metric it is evidence for")
    return result


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise UserError(f"{path}: not a JSON, JSONL or CSV file (it looks binary)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{path}: not a JSON, JSONL or CSV file (not UTF-8 or GB18030 text)")


# promptfoo ---------------------------------------------------------------------------------

def _read_promptfoo(path: Path, text: str, result: EvalResults) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            result.format = "jsonl"  # one object per line, saved as .json
            return _read_jsonl(path, text, result)
        raise UserError(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if isinstance(data, list):  # an array of rows, as a script or a notebook may save them
        result.format = "json"
        for index, row in enumerate(data):
            if not isinstance(row, dict):
                raise UserError(f"{path}: [{index}]: expected an object with `metric` and `pass` or `score`")
            if any(k in row for k in ("gradingResult", "testCase", "failureReason")):
                _promptfoo_row(path, f"[{index}]", ("row", index), row, result)
            else:
                _plain_row(path, f"[{index}]", index + 1, {str(k).strip().lower(): v for k, v in row.items()}, result)
        return
    inner = data.get("results") if isinstance(data, dict) else None
    rows = inner.get("results") if isinstance(inner, dict) else None
    if not isinstance(rows, list):
        raise UserError(f"{path}: results.results: not found; expected promptfoo output (`promptfoo eval -o results.json`), "
                        "or use a CSV or JSONL file with a `metric` column")
    version = inner.get("version")
    if version is not None and version != 3 and not (isinstance(version, int) and version > 3):
        raise UserError(f"{path}: results.version: {version!r}; prdkit reads promptfoo results format version 3 or later")
    stats = inner.get("stats")
    if isinstance(stats, dict):
        for key in ("successes", "failures", "errors"):
            value = stats.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise UserError(f"{path}: results.stats.{key}: {value!r} is not a count (a whole number ≥ 0)")
    result.run_at = str(inner.get("timestamp") or "") or None
    _check_single_system(path, rows)
    for index, row in enumerate(rows):
        _promptfoo_row(path, f"results.results[{index}]", ("row", index), row, result)


def _check_single_system(path: Path, rows: list) -> None:
    systems = set()
    for row in rows:
        if isinstance(row, dict):
            provider = row.get("provider")
            provider = provider.get("id") if isinstance(provider, dict) else provider
            systems.add((str(provider), str(row.get("promptIdx", 0))))
    if len(systems) > 1:
        raise UserError(f"{path}: results.results: {len(systems)} prompt/provider combinations in one file; acceptance judges one "
                        "system, so run promptfoo with one prompt and one provider (--filter-providers, --filter-prompts)")


def _promptfoo_row(path: Path, where: str, key: Any, row: Any, result: EvalResults) -> None:
    if not isinstance(row, dict):
        raise UserError(f"{path}: {where}: expected a result object")
    grading = row.get("gradingResult")
    if row.get("failureReason") == ERROR_REASON or grading is None:
        test = row.get("testCase") if isinstance(row.get("testCase"), dict) else {}
        for name, place in _assertion_metrics(path, test.get("assert"), f"{where}.testCase.assert"):
            result.counts(name, place).add(key, "error")  # never graded: not a pass
        return
    if not isinstance(grading, dict):
        raise UserError(f"{path}: {where}.gradingResult: expected an object")
    components = grading.get("componentResults")
    if components is None:
        return
    if not isinstance(components, list):
        raise UserError(f"{path}: {where}.gradingResult.componentResults: expected a list")
    for name, place, passed in _component_outcomes(path, components, f"{where}.gradingResult.componentResults"):
        result.counts(name, place).add(key, "pass" if passed else "fail")


def _metric_name(path: Path, value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise UserError(f"{path}: {where}: a metric name must be text, not {value!r}")
    return value.strip() or None


def _assertion_metrics(path: Path, asserts: Any, where: str) -> Iterator[tuple[str, str]]:
    if not isinstance(asserts, list):
        return
    for index, assertion in enumerate(asserts):
        if not isinstance(assertion, dict):
            continue
        name = _metric_name(path, assertion.get("metric"), f"{where}[{index}].metric")
        if name:
            yield name, f"{where}[{index}].metric"
        yield from _assertion_metrics(path, assertion.get("assert"), f"{where}[{index}].assert")


def _component_outcomes(path: Path, components: list, where: str) -> Iterator[tuple[str, str, bool]]:
    for index, component in enumerate(components):
        here = f"{where}[{index}]"
        if not isinstance(component, dict):
            raise UserError(f"{path}: {here}: expected an assertion result object")
        assertion = component.get("assertion") if isinstance(component.get("assertion"), dict) else {}
        name = _metric_name(path, assertion.get("metric"), f"{here}.assertion.metric")
        if name:
            passed = component.get("pass")
            if not isinstance(passed, bool):
                raise UserError(f"{path}: {here}.pass: expected true or false, found {passed!r}")
            yield name, f"{here}.assertion.metric", passed
        nested = component.get("componentResults")
        if isinstance(nested, list):
            yield from _component_outcomes(path, nested, f"{here}.componentResults")


# plain rows (CSV and JSONL) ----------------------------------------------------------------

def _read_jsonl(path: Path, text: str, result: EvalResults) -> None:
    seen_any = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen_any = True
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}: line {number}: not JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(row, dict):
            raise UserError(f"{path}: line {number}: expected an object with `metric` and `pass` or `score`")
        if any(k in row for k in ("gradingResult", "testCase", "failureReason")):
            result.format = "promptfoo-jsonl"
            _promptfoo_row(path, f"line {number}", ("row", number), row, result)
        else:
            _plain_row(path, f"line {number}", number, {str(k).strip().lower(): v for k, v in row.items()}, result)
    if not seen_any:
        raise UserError(f"{path}: empty file; expected one JSON object per line")


def _read_csv(path: Path, text: str, result: EvalResults) -> None:
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise UserError(f"{path}: empty file; expected a header row with a `metric` column")
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise UserError(f"{path}: line 1: not CSV ({exc})") from None
    if "metric" not in header:
        hint = ""
        if "status" in header and any(h.startswith("metric: ") for h in header):
            hint = "; this is promptfoo's CSV export, which has no per-assertion results: import its JSON output (-o results.json)"
        shown = ", ".join(h for h in header if h)[:200] or "nothing"
        raise UserError(f"{path}: line 1: not a results CSV: no `metric` column (found: {shown}){hint}")
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            values = {header[i]: cell for i, cell in enumerate(row) if i < len(header) and header[i]}
            _plain_row(path, f"line {number}", number, values, result)
    except csv.Error as exc:
        raise UserError(f"{path}: line {reader.line_num}: not CSV ({exc})") from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain_row(path: Path, where: str, number: int, row: dict[str, Any], result: EvalResults) -> None:
    name = row.get("metric")
    if _blank(name):
        raise UserError(f"{path}: {where}: no metric name")
    name = str(name).strip()
    item_id = row.get("id")
    key = ("id", str(item_id).strip()) if not _blank(item_id) else ("row", number)
    counts = result.counts(name, f"{where}, metric")
    if not _blank(row.get("items")) or not _blank(row.get("passes")):
        items = _count(path, where, "items", row.get("items"))
        passes = _count(path, where, "passes", row.get("passes"))
        errors = _count(path, where, "errors", row.get("errors")) if not _blank(row.get("errors")) else 0
        if passes + errors > items:
            raise UserError(f"{path}: {where}: passes ({passes}) and errors ({errors}) add up to more than items ({items})")
        counts.extra_items += items
        counts.extra_passes += passes
        counts.extra_errors += errors
        return
    error = row.get("error")
    if not _blank(error) and str(error).strip().lower() not in FALSE:
        counts.add(key, "error")
        return
    if not _blank(row.get("pass")):
        counts.add(key, _pass_value(path, where, row["pass"]))
        return
    if not _blank(row.get("score")):
        score = _number(path, where, "score", row["score"])
        if _blank(row.get("threshold")):
            raise UserError(f"{path}: {where}: a score needs a `threshold` to decide pass or fail")
        threshold = _number(path, where, "threshold", row["threshold"])
        counts.add(key, "pass" if score >= threshold else "fail")
        return
    raise UserError(f"{path}: {where}: no `pass` or `score` for metric {name!r}; give pass (true/false/1/0/yes/no) or a score with a threshold")


def _pass_value(path: Path, where: str, value: Any) -> str:
    if isinstance(value, bool):
        return "pass" if value else "fail"
    if isinstance(value, (int, float)) and value in (0, 1):
        return "pass" if value else "fail"
    word = str(value).strip().lower()
    if word in TRUE:
        return "pass"
    if word in FALSE:
        return "fail"
    if word in ERROR:
        return "error"
    raise UserError(f"{path}: {where}: pass: {value!r} is not one of true/false, 1/0, yes/no (or error)")


def _number(path: Path, where: str, column: str, value: Any) -> float:
    if isinstance(value, bool):
        raise UserError(f"{path}: {where}: {column}: {value!r} is not a number")
    try:
        number = float(str(value).strip().rstrip("%")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        raise UserError(f"{path}: {where}: {column}: {value!r} is not a number") from None
    if number != number:
        raise UserError(f"{path}: {where}: {column}: not a number")
    return number


def _count(path: Path, where: str, column: str, value: Any) -> int:
    number = _number(path, where, column, value) if not _blank(value) else None
    if number is None or number != int(number):
        raise UserError(f"{path}: {where}: {column}: {value!r} is not a whole number")
    if number < 0:
        raise UserError(f"{path}: {where}: {column}: {value!r} is negative; counts are whole numbers ≥ 0")
    return int(number)
