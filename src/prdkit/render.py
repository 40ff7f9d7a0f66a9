"""Answers → documents. Jinja2 renders the Markdown; Word is produced from that Markdown.

Everything is rendered in memory first and written only when every document succeeded, each
file through a temporary file and a rename: a failed render leaves the folder as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping


from . import mdtext
from .answers import AnswersFile, write_atomic
from .bank import Bank, Question, load_bank
from .errors import UserError
from .resources import load_data, templates_dir

FORMATS = ("md", "docx", "checklist")
# Shown in the document-information table at the top, not again in section 1.
COVER_QUESTIONS = {"project_name", "owner", "business_line", "version", "status", "doc_date"}
LONG_TYPES = {"multiline", "list", "records"}
# Which advisor partial follows which section.
ADVICE_AFTER = {
    "scenario": "scenario_fit",
    "solution": "solution_path",
    "model": "models",
    "cost": "cost",
    "evaluation": "evaluation",
}
# Questions a section shows through a partial of its own (templates/prd/parts/NAME.md.j2)
# rather than in its question-and-answer table: section id -> (partial, question ids).
PARTS = {
    "scenario": ("alternatives", {"alternatives"}),
    "solution": ("poc", {"poc_hypotheses", "poc_test_set", "poc_timebox_weeks", "poc_team", "poc_candidates", "poc_decision"}),
}


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    return load_data(templates_dir() / "strings.yaml")


def text(key: str, lang: str) -> str:
    return _strings()[key][lang]


def format_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    formatted = f"{value:,.4f}".rstrip("0").rstrip(".")
    return formatted if formatted not in ("-0", "") else "0"


def _bytecode_cache():
    """Compiled templates cached per user, so a render does not re-compile Jinja every time.
    Jinja keys the cache on each template's source, so an edited template is never stale."""
    import jinja2

    from .resources import cache_dir

    folder = cache_dir("jinja")
    return jinja2.FileSystemBytecodeCache(str(folder)) if folder else None


def make_environment(user_templates: Path | None = None):
    """A sandboxed Jinja2 environment over the user's templates (if any) then the shipped ones.

    Sandboxed because a team's template pack may come from anywhere: templates can format
    answers but cannot reach Python internals."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    search = [str(user_templates)] if user_templates else []
    search.append(str(templates_dir()))
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(search),
        bytecode_cache=_bytecode_cache(),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )

    @jinja2.pass_context
    def t(ctx, key: str) -> str:
        return text(key, ctx["lang"])

    @jinja2.pass_context
    def choice_of(ctx, value: Any, question: Question) -> str:
        return question.choice_label(value, ctx["lang"])

    env.globals["t"] = t
    env.filters.update(
        md=mdtext.inline, line=mdtext.line, block=mdtext.block, cell=mdtext.cell, num=format_number, choice_of=choice_of
    )
    return env


@dataclass
class DocInfo:
    title: str
    owner: str
    business_line: str
    version: str
    status: str
    date: str
    preset: str | None
    lang: str


def document_info(answers: AnswersFile, bank: Bank) -> DocInfo:
    lang = answers.lang
    status_q = bank.question("background.status")
    status = answers.get("background.status")
    # The Word title page and core properties take these as they are: on one line, control
    # characters shown as their visible symbols, as in prd.md
    return DocInfo(
        title=mdtext.one_line(answers.get("background.project_name") or text("untitled", lang)),
        owner=mdtext.one_line(answers.get("background.owner", "")),
        business_line=mdtext.one_line(answers.get("background.business_line", "")),
        version=mdtext.one_line(answers.get("background.version", "")),
        status=status_q.choice_label(status, lang) if status else "",
        date=str(answers.get("background.doc_date", "")),
        preset=answers.preset,
        lang=lang,
    )


def prd_context(answers: AnswersFile, bank: Bank, advice: Mapping[str, Any] | None) -> dict[str, Any]:
    lang = answers.lang
    doc = document_info(answers, bank)
    sections = []
    for section in bank.sections:
        short, long = [], []
        part_name, part_ids = PARTS.get(section.id, (None, set()))
        part: dict[str, Any] = {}
        for q in section.questions:
            if section.id == "background" and q.id in COVER_QUESTIONS:
                continue
            if not q.applies(answers.answers):
                continue
            entry = {"q": q, "value": answers.get(q.path)}
            if q.id in part_ids:
                part[q.id] = entry
                continue
            (long if q.type in LONG_TYPES else short).append(entry)
        sections.append(
            {
                "id": section.id,
                "title": section.title[lang],
                "why": section.why[lang],
                "short": short,
                "long": long,
                "advice": ADVICE_AFTER.get(section.id),
                "part": {"name": part_name, "entries": part} if part else None,
            }
        )
    revisions = answers.revisions or [
        {"version": doc.version or "v0.1", "date": doc.date, "author": doc.owner, "summary": text("initial_draft", lang)}
    ]
    return {"lang": lang, "doc": doc, "sections": sections, "revisions": revisions, "advice": advice, "answers": answers.answers}


def compute_advice(answers: AnswersFile, catalog: Any = None) -> dict[str, Any] | None:
    try:
        from .advisors import advise
    except ImportError:  # advisors not installed in this build
        return None
    return advise(answers.answers, answers.lang, catalog) if catalog is not None else advise(answers.answers, answers.lang)


def _render_template(env, name: str, context: Mapping[str, Any], source: str) -> str:
    import jinja2

    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"{exc.filename or name}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise UserError(_undefined_message(exc, name, source)) from None
    except jinja2.exceptions.SecurityError as exc:
        raise UserError(f"{name}: template tried something not allowed in prdkit templates ({exc})") from None


def _undefined_message(exc: Exception, name: str, source: str) -> str:
    """Name the answers field a template needed and did not find, and where the template uses
    it; a name that is no question at all is the template's mistake, and is named as such."""
    import re

    template, line = name, None
    tb = exc.__traceback__
    while tb is not None:  # Jinja rewrites tracebacks: template frames carry the template's file and line
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            template, line = filename, tb.tb_lineno
        tb = tb.tb_next
    where = f"{template}" + (f" line {line}" if line else "")
    match = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(getattr(exc, "message", "") or exc))
    key = next((g for g in match.groups() if g), None) if match else None
    bank = load_bank()
    section_ids = [sec.id for sec in bank.sections]
    if key in section_ids:
        return f"{source}: the section answers.{key} has no answers, and the template {where} needs it; answer it, or make the template test `is defined`"
    question = next((q for q in bank.questions() if q.id == key), None)
    if question is not None:
        return f"{source}: answers.{question.path} is not answered, and the template {where} needs it; answer it, or make the template test `is defined`"
    return f"{where}: the template uses {key or getattr(exc, 'message', exc)!r}, which is not a question prdkit knows (while rendering {source})"


def render_prd_markdown(answers: AnswersFile, env=None, bank: Bank | None = None, advice: Mapping[str, Any] | None = None) -> str:
    bank = bank or load_bank()
    env = env or make_environment()
    context = prd_context(answers, bank, advice)
    markdown = _render_template(env, "prd/prd.md.j2", context, str(answers.path or "answers"))
    # Collapse runs of blank lines left by conditional blocks; keep one trailing newline.
    lines, blank = [], 0
    for line in markdown.splitlines():
        blank = blank + 1 if not line.strip() else 0
        if blank <= 1:
            lines.append(line.rstrip() if not line.endswith("  ") else line)
    return "\n".join(lines).strip("\n") + "\n"


def doc_meta(answers: AnswersFile, bank: Bank, kind: str = "prd", title: str | None = None):
    from .word import DocMeta

    info = document_info(answers, bank)
    return DocMeta(
        title=title or info.title,
        lang=info.lang,
        owner=info.owner,
        version=info.version,
        status=info.status,
        date=info.date,
        subject=info.business_line,
        keywords=tuple(k for k in ("PRD", "LLM", info.business_line) if k),
        doc_kind=kind,
    )


@dataclass
class RenderOptions:
    formats: tuple[str, ...] = FORMATS
    templates: Path | None = None
    reference_docx: Path | None = None
    cjk_font: str = "Noto Sans CJK SC"
    warn: Callable[[str], None] | None = None
    catalog: Any = None


@dataclass
class RenderResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def render_outputs(answers: AnswersFile, options: RenderOptions, env=None, bank: Bank | None = None,
                   prd_markdown: str | None = None, prd_docx: bool = True) -> dict[str, str | bytes]:
    """Every document as {file name: content}, in memory.

    `prd_markdown` replaces the freshly rendered prd.md (the merge of a PM's hand edits), so the
    Word document is produced from what prd.md will hold; `prd_docx=False` leaves prd.docx out
    (a merge conflict must not reach Word)."""
    bank = bank or load_bank()
    env = env or make_environment(options.templates)
    if prd_markdown is None:
        advice = compute_advice(answers, options.catalog)
        prd_md = render_prd_markdown(answers, env, bank, advice)
    else:
        prd_md = prd_markdown
    outputs: dict[str, str | bytes] = {}
    if "md" in options.formats or "docx" in options.formats:
        outputs["prd.md"] = prd_md
    checklist_md = None
    if "checklist" in options.formats:
        checklist_md = _checklist_markdown(answers, bank)
        if checklist_md is not None:
            outputs["launch-checklist.md"] = checklist_md
    if "docx" in options.formats:
        from .word import markdown_to_docx

        if prd_docx:
            outputs["prd.docx"] = markdown_to_docx(
                prd_md, doc_meta(answers, bank), cjk_font=options.cjk_font,
                reference_docx=options.reference_docx, warn=options.warn,
            )
        if checklist_md is not None:
            title = text("checklist_title", answers.lang).replace("{name}", document_info(answers, bank).title)
            outputs["launch-checklist.docx"] = markdown_to_docx(
                checklist_md, doc_meta(answers, bank, "checklist", title), cjk_font=options.cjk_font,
                reference_docx=options.reference_docx, warn=options.warn,
            )
    return outputs


def _checklist_markdown(answers: AnswersFile, bank: Bank) -> str:
    from .checklist import render_checklist_markdown

    return render_checklist_markdown(answers)


def write_outputs(outputs: Mapping[str, str | bytes], out_dir: Path) -> RenderResult:
    result = RenderResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in outputs.items():
        target = out_dir / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        if target.exists() and target.read_bytes() == data:
            result.unchanged.append(target)
            continue
        write_atomic(target, data)
        result.written.append(target)
    return result


def render_documents(answers: AnswersFile, out_dir: Path, options: RenderOptions | None = None) -> RenderResult:
    options = options or RenderOptions()
    outputs = render_outputs(answers, options)
    return write_outputs(outputs, out_dir)


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    items = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [v for v in items if v not in FORMATS]
    if unknown or not items:
        raise UserError(f"--format: unknown format {', '.join(unknown) or '(none)'}; use a comma-separated list of {', '.join(FORMATS)}")
    return tuple(items)
