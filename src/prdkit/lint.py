"""`prdkit check` findings: required questions left unanswered, plus the advisors'
consistency findings (budget below cost, targets measured on too few items, ...)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .answers import AnswersFile
from .bank import Bank, load_bank

_UNANSWERED = {"zh": "必答问题尚未回答：{label}", "en": "required question not answered: {label}"}


@dataclass(frozen=True)
class Finding:
    code: str
    path: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def unanswered_required(answers: AnswersFile, bank: Bank) -> list[Finding]:
    found = []
    for q in bank.applicable(answers.answers):
        value = answers.get(q.path)
        if q.required and (value is None or value == "" or value == []):
            found.append(Finding("unanswered", q.path, "error", _UNANSWERED[answers.lang].format(label=q.label[answers.lang])))
    return found


def findings(answers: AnswersFile, bank: Bank | None = None) -> list[Finding]:
    bank = bank or load_bank()
    found = unanswered_required(answers, bank)
    try:
        from .advisors.findings import consistency_findings
    except ImportError:
        return found
    for f in consistency_findings(answers.answers, answers.lang):
        found.append(Finding(f.code, f.path, f.severity, f.message))
    return found
