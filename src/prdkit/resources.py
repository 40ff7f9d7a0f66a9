"""Where the shipped data lives.

In a wheel, templates/ and checklists/ are copied into the package (see pyproject.toml);
in a source checkout they sit at the top of the repository. Both layouts are looked up here
so that tests run the same against an editable and a regular install.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


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


def load_data(path: Path):
    """Read a YAML data file shipped with prdkit. libyaml's C loader when available: these files
    are ours, so speed matters more than the line-numbered errors user files get."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
