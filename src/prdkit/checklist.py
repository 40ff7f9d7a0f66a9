"""Launch-acceptance checklists: packs of items (data under checklists/) with `when`
conditions on the answers and thresholds taken from the answers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping


from . import conditions
from .bank import load_bank
from .errors import UserError
from .resources import checklists_dir, load_data

CATEGORIES = ("effect", "performance", "safety", "compliance", "cost", "operations", "business")
ROLES = ("pm", "algorithm", "engineering", "qa", "compliance", "operations")


@dataclass(frozen=True)
class Item:
    """One acceptance item, resolved for an answers file and a language."""

    id: str
    pack: str
    title: str
    detail: str
    category: str
    category_label: str
    owner: str
    owner_label: str
    gate: bool
    threshold: str
    evidence: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, dict[str, str]]]:
    return load_data(checklists_dir() / "roles.yaml")


def _pack_files(extra_dirs: Iterable[Path] = ()) -> list[Path]:
    files = sorted(p for p in checklists_dir().glob("*.yaml") if p.name != "roles.yaml")
    for directory in extra_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            raise UserError(f"--checklists: {directory}: no such folder")
        files += sorted(p for p in directory.glob("*.yaml") if p.name != "roles.yaml")
    return files


def _check_text(value: Any, where: str) -> None:
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value.get(k) for k in ("zh", "en")):
        raise UserError(f"{where}: needs zh and en text")
    stray = sorted(str(k) for k in value if k not in ("zh", "en", "q"))
    if stray:
        # `{en: at least 2,000 items}` unquoted splits at the comma into a cut text and a stray key
        raise UserError(f"{where}: unexpected key(s) {', '.join(stray)}: quote text that contains a comma")


@lru_cache(maxsize=8)
def _load(files: tuple[Path, ...]) -> tuple[dict, ...]:
    from .answers import read_yaml

    bank = load_bank()
    packs, seen = [], {}
    for path in files:
        data = load_data(path) if path.parent == checklists_dir() else read_yaml(path, what="checklist pack")[0]
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise UserError(f"{path}: a checklist pack needs `pack`, `title` and an `items` list")
        for index, item in enumerate(data["items"]):
            where = f"{path}: item {item.get('id', index) if isinstance(item, dict) else index}"
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
                raise UserError(f"{where}: needs an id (text)")
            if item["id"] in seen:
                raise UserError(f"{where}: id {item['id']!r} is also used in {seen[item['id']]}")
            seen[item["id"]] = path.name
            for key in ("title", "detail", "evidence"):
                _check_text(item.get(key), f"{where}.{key}")
            if item.get("category") not in CATEGORIES:
                raise UserError(f"{where}.category: must be one of {', '.join(CATEGORIES)}")
            if item.get("owner") not in ROLES:
                raise UserError(f"{where}.owner: must be one of {', '.join(ROLES)}")
            for key, condition in (("when", item.get("when")), ("pack when", data.get("when")), ("gate_when", item.get("gate_when"))):
                try:
                    conditions.validate(condition)
                except conditions.ConditionError as exc:
                    raise UserError(f"{where}.{key}: {exc}") from None
            refs = (conditions.references(item.get("when")) + conditions.references(data.get("when"))
                    + conditions.references(item.get("gate_when")))
            threshold = item.get("threshold")
            if threshold:
                _check_text(threshold, f"{where}.threshold")
                if threshold.get("q"):
                    refs.append(threshold["q"])
            if item.get("for_each"):
                refs.append(item["for_each"])
            for ref in refs:
                if not bank.has(ref):
                    raise UserError(f"{where}: refers to unknown question {ref!r}")
        packs.append(data)
    return tuple(packs)


def _display(ref: str, value: Any, lang: str) -> str:
    from .render import format_number, text

    question = load_bank().question(ref)
    sep = text("list_sep", lang)
    if value is None or value == [] or value == "":
        return text("tbd", lang)
    if question.type == "choice":
        return question.choice_label(value, lang)
    if question.type == "multichoice":
        return sep.join(question.choice_label(v, lang) for v in value)
    if question.type == "bool":
        return text("yes" if value else "no", lang)
    if question.type in ("int", "float"):
        return format_number(value)
    if question.type == "list":
        return sep.join(map(str, value))
    if question.type == "records":
        parts = []
        for row in value:
            cells = [str(row.get(f.id)) for f in question.fields[:3] if row.get(f.id) not in (None, "")]
            parts.append(" ".join(cells[:1]) + (f" → {cells[2]}" if len(cells) > 2 else ""))
        return sep.join(parts)
    return str(value)


def applicable_items(answers: Mapping[str, Any], lang: str, extra_dirs: Iterable[Path] = ()) -> list[Item]:
    from .render import format_number

    vocab = vocabulary()
    items: list[Item] = []
    for pack in _load(tuple(_pack_files(extra_dirs))):
        if not conditions.evaluate(pack.get("when"), answers):
            continue
        for raw in pack["items"]:
            if not conditions.evaluate(raw.get("when"), answers):
                continue
            base = dict(
                pack=pack.get("pack", ""),
                category=raw["category"],
                category_label=vocab["categories"][raw["category"]][lang],
                owner=raw["owner"],
                owner_label=vocab["roles"][raw["owner"]][lang],
                gate=bool(raw.get("gate", False)) or (raw.get("gate_when") is not None and conditions.evaluate(raw["gate_when"], answers)),
                evidence=raw["evidence"][lang],
            )
            threshold = raw.get("threshold")
            if raw.get("for_each"):
                rows = conditions.lookup(answers, raw["for_each"]) or []
                for index, row in enumerate(rows, start=1):
                    values = {k: ("" if v is None else (format_number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)) for k, v in row.items()}
                    values["direction"] = "≤" if row.get("direction") == "lower" else "≥"
                    values.setdefault("method", "")
                    values.setdefault("name", "")
                    values.setdefault("target", "")
                    items.append(Item(
                        id=f"{raw['id']}-{index}",
                        title=raw["title"][lang].format(**values),
                        detail=raw["detail"][lang],
                        threshold=threshold[lang].format(**values) if threshold else "",
                        **base,
                    ))
                continue
            threshold_text = ""
            if threshold:
                value = _display(threshold["q"], conditions.lookup(answers, threshold["q"]), lang) if threshold.get("q") else ""
                threshold_text = threshold[lang].replace("{value}", value)
            items.append(Item(id=raw["id"], title=raw["title"][lang], detail=raw["detail"][lang], threshold=threshold_text, **base))
    return items


def render_checklist_markdown(answers_file, status: Mapping[str, Mapping[str, Any]] | None = None,
                              extra_dirs: Iterable[Path] = (), env=None) -> str:
    """launch-checklist.md: a task list per category, an acceptance table and a sign-off table."""
    from .render import document_info, make_environment, text

    lang = answers_file.lang
    if status is None and getattr(answers_file, "path", None):
        from .acceptance import latest_status, load_history

        status = latest_status(load_history(answers_file.path), lang)
    status = status or {}
    items = applicable_items(answers_file.answers, lang, extra_dirs)
    vocab = vocabulary()
    groups = []
    for category in CATEGORIES:
        members = [i for i in items if i.category == category]
        if members:
            groups.append({"label": vocab["categories"][category][lang], "members": members})
    roles = [r for r in ROLES if any(i.owner == r for i in items)]
    env = env or make_environment()
    title = text("checklist_title", lang).replace("{name}", document_info(answers_file, load_bank()).title)
    return env.get_template("checklist/launch-checklist.md.j2").render(
        lang=lang, title=title, groups=groups, items=items, status=status,
        roles=[vocab["roles"][r][lang] for r in roles], gates=sum(1 for i in items if i.gate),
    )
