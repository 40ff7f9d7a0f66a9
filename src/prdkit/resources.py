"""Where the shipped data lives.

In a wheel, templates/ and checklists/ are copied into the package (see pyproject.toml);
in a source checkout they sit at the top of the repository. Both layouts are looked up here
so that tests run the same against an editable and a regular install.
"""

from __future__ import annotations

import os
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


def cache_dir(kind: str) -> Path | None:
    """~/.cache/prdkit/<kind> (or under $XDG_CACHE_HOME); None when it cannot be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "prdkit" / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: work without a cache
    return folder


def load_data(path: Path):
    """Read a YAML data file shipped with prdkit (question bank, strings, checklists, presets).

    Parsing YAML is the slowest part of starting a render (the question bank alone is 40 ms
    even with libyaml), so the parsed data is kept in a per-user cache keyed by the file's
    path, size and modification time: an edited file is read again, an unchanged one costs a
    pickle load. These files are ours, so speed matters more than the line-numbered errors
    that user files get."""
    import pickle
    import zlib

    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    folder = cache_dir("data")
    entry = folder / f"{path.stem}-{zlib.crc32(key[0].encode()):08x}.pickle" if folder else None
    if entry is not None:
        try:
            cached_key, data = pickle.loads(entry.read_bytes())
            if cached_key == key:
                return data
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            pass  # missing or damaged: read the YAML
    import yaml

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if entry is not None:
        try:
            temp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
            temp.write_bytes(pickle.dumps((key, data), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temp, entry)  # atomic: parallel renders never read half a file
        except OSError:
            pass
    return data
