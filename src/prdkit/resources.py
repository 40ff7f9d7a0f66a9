"""Where the shipped data lives, and how it is loaded fast without a runtime cache.

In a wheel, templates/ and checklists/ are copied into the package (see pyproject.toml);
in a source checkout they sit at the top of the repository. Both layouts are looked up here
so that tests run the same against an editable and a regular install.

Parsing YAML is the slowest part of starting a render (the question bank alone is 40 ms even
with libyaml). So every shipped YAML file also ships as JSON, compiled ahead of time into
src/prdkit/data/compiled/ by `python -m prdkit.resources` (run by `python -m prdkit.docgen`;
a test fails when it is stale). Each JSON file records the SHA-256 of the YAML it came from
and is used only when that matches the YAML next to it, so an edited YAML file is simply
parsed again. Nothing is read from a per-user cache folder: there is no cache another user
could plant a file in, and JSON cannot carry code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
COMPILED_DIR = _PACKAGE_DIR / "data" / "compiled"


def _find(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"prdkit is installed without its {name}/ folder")


def templates_dir() -> Path:
    return _find("templates")


def checklists_dir() -> Path:
    return _find("checklists")


def questions_dir() -> Path:
    return _PACKAGE_DIR / "questions"


def data_dir() -> Path:
    return _PACKAGE_DIR / "data"


def _roots() -> dict[str, Path]:
    return {"templates": templates_dir(), "checklists": checklists_dir(), "questions": questions_dir(), "data": data_dir()}


def shipped_yaml() -> dict[str, Path]:
    """Every shipped YAML file, by its compiled name (root/relative path)."""
    found: dict[str, Path] = {}
    for root_name, root in _roots().items():
        for path in sorted(root.rglob("*.yaml")):
            if COMPILED_DIR in path.parents:
                continue
            found[f"{root_name}/{path.relative_to(root).as_posix()}"] = path
    return found


def _compiled_name(path: Path) -> str | None:
    resolved = path.resolve()
    for root_name, root in _roots().items():
        try:
            rel = resolved.relative_to(root.resolve())
        except ValueError:
            continue
        return f"{root_name}/{rel.as_posix()}"
    return None


def _parse(raw: bytes):
    import yaml

    return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_data(path: Path):
    """Read a YAML data file shipped with prdkit (question bank, strings, checklists, presets):
    from its precompiled JSON when that was compiled from exactly these bytes, else from the
    YAML. These files are ours, so speed matters more than the line-numbered errors that user
    files get."""
    raw = path.read_bytes()
    name = _compiled_name(path)
    if name is not None:
        try:
            compiled = json.loads((COMPILED_DIR / (name + ".json")).read_bytes())
            if compiled.get("sha256") == hashlib.sha256(raw).hexdigest():
                return compiled["data"]
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            pass  # not compiled, stale or damaged: the YAML is the truth
    return _parse(raw)


def compile_shipped(out_dir: Path = COMPILED_DIR) -> list[Path]:
    """Write the JSON form of every shipped YAML file whose data survives JSON unchanged
    (a file with dates or non-text keys stays YAML only); remove compiled files left over."""
    written = []
    wanted = set()
    for name, path in shipped_yaml().items():
        raw = path.read_bytes()
        data = _parse(raw)
        text = json.dumps({"sha256": hashlib.sha256(raw).hexdigest(), "data": data}, ensure_ascii=False,
                          separators=(",", ":"), default=str)
        if json.loads(text)["data"] != data:
            continue
        target = out_dir / (name + ".json")
        wanted.add(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text + "\n":
            target.write_text(text + "\n", encoding="utf-8")
            written.append(target)
    if out_dir.is_dir():
        for leftover in out_dir.rglob("*.json"):
            if leftover not in wanted:
                leftover.unlink()
    return written


if __name__ == "__main__":
    changed = compile_shipped()
    print(f"compiled the shipped YAML into {COMPILED_DIR} ({len(changed)} file(s) changed)")
