"""Answers → documents. Jinja2 renders the Markdown; Word is produced from that Markdown.

Everything is rendered in memory first and written only when every document succeeded, each
file through a temporary file and a rename: a failed render leaves the folder as it was.
"""

from __future__ import annotations

import re

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping


from . import mdtext
from .answers import AnswersFile
from .bank import Bank, Question, load_bank
from .errors import UserError
from .resources import load_data, templates_dir

FORMATS = ("md", "docx", "checklist")  # what a render writes unless told otherwise
KNOWN_FORMATS = (*FORMATS, "pdf")  # pdf only when asked: it needs LibreOffice and takes seconds
# Shown in the document-information table at the top, not again in section 1.
COVER_QUESTIONS = {"project_name", "owner", "business_line", "version", "status", "doc_date"}
DOC_METADATA = {"version", "status", "doc_date"}  # about the document, not assumptions about the product
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

    Jinja picks the folder itself (`_jinja2-cache-<uid>` in the temp folder) and refuses one
    that is not owned by this user with mode 0700, so nobody else can plant compiled code
    there; when it refuses, prdkit works without the cache. Jinja keys the cache on each
    template's source, so an edited template is never stale."""
    import jinja2

    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # a folder someone else owns, or no temp folder at all
        return None


# Limits on what a template may do: a team's template pack may come from anywhere.
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_OUTPUT_CHARS = 20_000_000  # ten times the largest answers file, and then some
TIME_LIMIT_ENV = "PRDKIT_TEMPLATE_SECONDS"
DEFAULT_TIME_LIMIT = 10.0


class TemplateLimit(Exception):
    """A template went past a limit (time, output size, a huge string or number)."""


@lru_cache(maxsize=1)
def _template_sandbox():
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        """Immutable: templates can read the answers but not change a list or a mapping.
        `*` and `**` are checked first, so `"x" * 10**9` or `7 ** 10**8` cannot exhaust
        memory or time in one step that no limit could interrupt."""

        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context, operator, left, right):
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int) \
                            and len(seq) * times > MAX_OUTPUT_CHARS:
                        raise TemplateLimit(f"a repeated text or list would be longer than {MAX_OUTPUT_CHARS:,} items")
            if operator == "**" and isinstance(right, (int, float)) and isinstance(left, (int, float)) \
                    and abs(right) > 1000 and abs(left) > 1:
                raise TemplateLimit("a power with an exponent over 1000")
            return super().call_binop(context, operator, left, right)

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
            _refuse_huge(args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)

        def is_safe_attribute(self, obj, attr, value):
            # Jinja's immutable check walks a table of types for every attribute a template
            # reads; only a name that some mutable type uses needs it (same result, faster).
            if mutating is None or attr in mutating:
                return super().is_safe_attribute(obj, attr, value)
            return jinja2.sandbox.SandboxedEnvironment.is_safe_attribute(self, obj, attr, value)

    spec = getattr(jinja2.sandbox, "_mutable_spec", None)  # Jinja's own table; without it, always check
    mutating = frozenset(name for _, names in spec for name in names) if spec else None
    return Sandbox, jinja2


def _refuse_huge(args, kwargs) -> None:
    """A width or count past the output limit (`"x".ljust(10**10)`, `|center(10**10)`) would
    build a string no time limit can interrupt: refused before the call."""
    for value in args:
        if type(value) is int and (value > MAX_OUTPUT_CHARS or value < -MAX_OUTPUT_CHARS):
            raise TemplateLimit(f"a width or count of {value:,} is over the limit of {MAX_OUTPUT_CHARS:,}")
    if kwargs:
        _refuse_huge(tuple(kwargs.values()), None)


def _checked(function):
    from functools import wraps

    @wraps(function)
    def checked(*args, **kwargs):
        _refuse_huge(args[1:], kwargs)
        return function(*args, **kwargs)

    return checked


class NoFollowLoader:
    """(A mixin for jinja2.BaseLoader, imported only when a render needs it.) Finds templates in a list of folders without following symbolic links: every folder
    on the way and the file itself must be real, so a link placed inside a template pack
    cannot make `{% include %}` read a file elsewhere. Only regular files are read."""

    def __init__(self, searchpath: list[str]):
        self.roots = [os.path.realpath(p) for p in searchpath]

    def _open(self, root: str, pieces: list[str]):
        import errno
        import stat

        from jinja2.exceptions import SecurityError

        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return None
        try:
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                try:
                    child = os.open(piece, flags | (os.O_NONBLOCK if last else getattr(os, "O_DIRECTORY", 0)), dir_fd=fd)
                except FileNotFoundError:
                    return None
                except OSError as exc:
                    where = os.path.join(root, *pieces[: i + 1])
                    if exc.errno in (errno.ELOOP, errno.EMLINK) or os.path.islink(where):
                        raise SecurityError(f"{where} is a symbolic link; prdkit does not follow links in template folders") from None
                    if exc.errno == errno.ENOTDIR:
                        return None
                    raise
                os.close(fd)
                fd = child
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise SecurityError(f"{os.path.join(root, *pieces)} is not a regular file")
            result, fd = fd, -1
            return result
        finally:
            if fd >= 0:
                os.close(fd)

    def get_source(self, environment, template):
        from jinja2.exceptions import TemplateNotFound
        from jinja2.loaders import split_template_path

        pieces = split_template_path(template)
        for root in self.roots:
            fd = self._open(root, pieces)
            if fd is None:
                continue
            filename = os.path.join(root, *pieces)
            with os.fdopen(fd, "rb") as fh:
                mtime = os.fstat(fh.fileno()).st_mtime_ns
                raw = fh.read(MAX_TEMPLATE_BYTES + 1)
            if len(raw) > MAX_TEMPLATE_BYTES:
                raise UserError(f"{filename}: a template larger than {MAX_TEMPLATE_BYTES:,} bytes")
            try:
                source = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UserError(f"{filename}: not a UTF-8 text file (byte {exc.start})") from None

            def uptodate(path=filename, seen=mtime) -> bool:
                try:
                    return os.lstat(path).st_mtime_ns == seen
                except OSError:
                    return False

            return source, filename, uptodate
        raise TemplateNotFound(template)


def make_environment(user_templates: Path | None = None):
    """The environment for a template folder, made once per process (the checklist and every
    file of a many-file render share it, with the templates it compiled)."""
    return _environment(str(Path(user_templates).resolve()) if user_templates else None)


@lru_cache(maxsize=8)
def _environment(user_templates: str | None):
    """A sandboxed Jinja2 environment over the user's templates (if any) then the shipped ones.

    Sandboxed because a team's template pack may come from anywhere: templates can format
    answers but cannot reach Python internals, change the answers, follow links out of the
    pack, or run without end (see _render_template)."""
    Sandbox, jinja2 = _template_sandbox()

    class Loader(NoFollowLoader, jinja2.BaseLoader):  # get_source from NoFollowLoader, the rest from Jinja
        pass

    search = [str(user_templates)] if user_templates else []
    search.append(str(templates_dir()))
    env = Sandbox(
        loader=Loader(search),
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

    for name in ("center", "indent", "format", "wordwrap", "truncate", "batch", "slice"):
        env.filters[name] = _checked(env.filters[name])
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
        preset=_preset_title(answers.preset, lang),
        lang=lang,
    )


def _preset_title(name: str | None, lang: str) -> str | None:
    """A preset as a reader knows it: the head of its description ("RAG knowledge base and
    customer-service bot"), not its id; an id prdkit does not ship stays as it is."""
    if not name:
        return name
    from .presets import all_presets

    for preset in all_presets():
        if preset.name == name:
            return re.split(r"[：:]", preset.description[lang], maxsplit=1)[0].strip() or name
    return name


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
    return {"lang": lang, "doc": doc, "sections": sections, "revisions": revisions, "advice": advice, "answers": answers.answers,
            "assumptions": open_assumptions(answers, bank)}


def open_assumptions(answers: AnswersFile, bank: Bank) -> list[dict[str, Any]]:
    """Applicable answers nobody confirmed: taken from the preset or the defaults without being
    asked (`assumed` in the answers file), and required questions still empty."""
    assumed = set(answers.assumed)
    found = []
    for section in bank.sections:
        for q in section.questions:
            if not q.applies(answers.answers) or (section.id == "background" and q.id in DOC_METADATA):
                continue
            value = answers.get(q.path)
            empty = value is None or value == "" or value == []
            if q.path in assumed and not empty or (empty and q.required):
                found.append({"q": q, "value": value, "section": section.title[answers.lang]})
    return found


def compute_advice(answers: AnswersFile, catalog: Any = None) -> dict[str, Any] | None:
    try:
        from .advisors import advise
    except ImportError:  # advisors not installed in this build
        return None
    return advise(answers.answers, answers.lang, catalog) if catalog is not None else advise(answers.answers, answers.lang)


def _time_limit_seconds() -> float:
    try:
        value = float(os.environ.get(TIME_LIMIT_ENV, DEFAULT_TIME_LIMIT))
    except ValueError:
        return DEFAULT_TIME_LIMIT
    return value if value > 0 else DEFAULT_TIME_LIMIT


@contextmanager
def _time_limit(seconds: float):
    """Interrupt a template that runs longer than `seconds` (main thread only: that is where
    every render runs, in the CLI and in its worker processes)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise TemplateLimit(f"rendering took longer than {seconds:g} s (a loop too large, or a template that includes itself?)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _template_frame(exc: BaseException, default: str) -> tuple[str, int | None]:
    """The template file and line where an error happened: Jinja rewrites the traceback so
    that template frames carry the template's file name and line."""
    where: tuple[str, int | None] = (default, None)
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _suspended_at(env, stream, default: str) -> tuple[str, int | None]:
    """The template file and line where a paused template stream stands (the innermost
    template generator; Jinja maps the compiled code's lines back to the template's)."""
    where: tuple[str, int | None] = (default, None)
    gen = stream
    while gen is not None:
        frame = getattr(gen, "gi_frame", None)
        template_name = frame.f_globals.get("name") if frame is not None else None
        if isinstance(template_name, str) and "environment" in frame.f_globals:
            try:
                template = env.get_template(template_name)
                where = (template.filename or template_name, template.get_corresponding_lineno(frame.f_lineno))
            except Exception:  # only a better message is lost
                pass
        gen = getattr(gen, "gi_yieldfrom", None)
    return where


def _render_template(env, name: str, context: Mapping[str, Any], source: str) -> str:
    """Render one template within the sandbox's limits; any failure is a UserError naming
    the template file and line."""
    import jinja2

    try:
        chunks, size = [], 0
        with _time_limit(_time_limit_seconds()):
            stream = env.get_template(name).generate(**context)
            for chunk in stream:
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    filename, line = _suspended_at(env, stream, name)
                    raise UserError(f"{filename}{f':{line}' if line else ''}: template error: "
                                    f"the output grew past {MAX_OUTPUT_CHARS:,} characters")
                chunks.append(chunk)
        return "".join(chunks)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"{exc.filename or name}:{exc.lineno}: template error: {exc.message}") from None
    except UserError:
        raise
    except jinja2.UndefinedError as exc:
        raise UserError(_undefined_message(exc, name, source)) from None
    except (jinja2.TemplateNotFound, jinja2.UndefinedError, jinja2.exceptions.SecurityError, TemplateLimit,
            RecursionError, ArithmeticError, TypeError, ValueError, LookupError, MemoryError) as exc:
        filename, line = _template_frame(exc, name)
        raise UserError(f"{filename}{f':{line}' if line else ''}: template error: {_template_problem(exc, source)}") from None


def _template_problem(exc: BaseException, source: str) -> str:
    import jinja2

    if isinstance(exc, jinja2.TemplateNotFound):
        return f"no template named {exc.name!r} in the template folders"
    if isinstance(exc, jinja2.UndefinedError):
        return f"uses something the answers do not have ({exc.message}) while rendering {source}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"tried something not allowed in prdkit templates ({exc})"
    if isinstance(exc, TemplateLimit):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "the template includes or calls itself without end"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return f"{type(exc).__name__}: {exc}"[:300]


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
    cjk_font: str | None = None  # None: Microsoft YaHei, or the reference .docx's own
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
    pdf = "pdf" in options.formats
    if "md" in options.formats or "docx" in options.formats or pdf:
        outputs["prd.md"] = prd_md
    checklist_md = None
    if "checklist" in options.formats or pdf:
        checklist_md = _checklist_markdown(answers, bank)
        if checklist_md is not None and "checklist" in options.formats:
            outputs["launch-checklist.md"] = checklist_md
    if "docx" in options.formats or pdf:
        from .word import markdown_to_docx

        docx: dict[str, bytes] = {}
        if prd_docx:
            docx["prd.docx"] = markdown_to_docx(
                prd_md, doc_meta(answers, bank), cjk_font=options.cjk_font,
                reference_docx=options.reference_docx, warn=options.warn,
            )
        if checklist_md is not None:
            title = text("checklist_title", answers.lang).replace("{name}", document_info(answers, bank).title)
            docx["launch-checklist.docx"] = markdown_to_docx(
                checklist_md, doc_meta(answers, bank, "checklist", title), cjk_font=options.cjk_font,
                reference_docx=options.reference_docx, warn=options.warn,
            )
        if "docx" in options.formats:
            outputs.update(docx)
        if pdf:
            from .pdf import docx_to_pdf

            outputs.update(docx_to_pdf(docx))
    return outputs


def _checklist_markdown(answers: AnswersFile, bank: Bank) -> str:
    from .checklist import render_checklist_markdown

    return render_checklist_markdown(answers)


def write_outputs(outputs: Mapping[str, str | bytes], out_dir: Path) -> RenderResult:
    """Write the documents into `out_dir` all at once (see folder.RenderFolder)."""
    from .folder import RenderFolder

    with RenderFolder(out_dir) as folder:
        written, unchanged = folder.commit(outputs)
    return RenderResult(written, unchanged)


def render_documents(answers: AnswersFile, out_dir: Path, options: RenderOptions | None = None) -> RenderResult:
    options = options or RenderOptions()
    outputs = render_outputs(answers, options)
    return write_outputs(outputs, out_dir)


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    items = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [v for v in items if v not in KNOWN_FORMATS]
    if unknown or not items:
        raise UserError(f"--format: unknown format {', '.join(unknown) or '(none)'}; use a comma-separated list of {', '.join(KNOWN_FORMATS)}")
    return tuple(items)
