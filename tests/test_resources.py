"""Shipped data loads fast from JSON compiled ahead of time, never from a per-user cache that
another user could write into (issue 16; the pickle cache of issue 9 is gone)."""

import hashlib
import json
import os
import pickle
import zlib

from prdkit import resources
from prdkit.resources import COMPILED_DIR, compile_shipped, load_data, shipped_yaml, templates_dir

from conftest import run_prdkit


def test_compiled_data_is_fresh(tmp_path):
    """Fails after a shipped YAML file changed: run `python -m prdkit.docgen` (or
    `python -m prdkit.resources`) and commit src/prdkit/data/compiled/."""
    compile_shipped(tmp_path)
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.json")}
    shipped = {p.relative_to(COMPILED_DIR): p.read_bytes() for p in COMPILED_DIR.rglob("*.json")}
    assert fresh == shipped, "stale compiled data: run python -m prdkit.docgen"
    assert len(shipped) == len(shipped_yaml())


def test_compiled_data_is_used_only_for_the_exact_yaml(tmp_path, monkeypatch):
    strings = templates_dir() / "strings.yaml"
    real = load_data(strings)
    monkeypatch.setattr(resources, "COMPILED_DIR", tmp_path)
    target = tmp_path / "templates" / "strings.yaml.json"
    target.parent.mkdir(parents=True)
    # compiled from other bytes: ignored, the YAML is read
    target.write_text(json.dumps({"sha256": "0" * 64, "data": {"poisoned": True}}))
    assert load_data(strings) == real
    # damaged: ignored, never an error
    target.write_bytes(b"\x80not json")
    assert load_data(strings) == real
    target.write_text("[1, 2]")
    assert load_data(strings) == real
    # compiled from these very bytes: used
    digest = hashlib.sha256(strings.read_bytes()).hexdigest()
    target.write_text(json.dumps({"sha256": digest, "data": {"from": "json"}}))
    assert load_data(strings) == {"from": "json"}


def test_a_yaml_file_outside_the_package_is_parsed(tmp_path):
    source = tmp_path / "pack.yaml"
    source.write_text("items: [a, b]\n", encoding="utf-8")
    assert load_data(source) == {"items": ["a", "b"]}
    source.write_text("items: [a, b, c]\n", encoding="utf-8")
    assert load_data(source) == {"items": ["a", "b", "c"]}


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"echo ran > {self.marker}",))


def jinja_payload(blob):
    """A Jinja bytecode-cache entry whose checksum field is the payload (Jinja unpickles it)."""
    from jinja2.bccache import bc_magic

    return bc_magic + blob


def jinja_keys():
    from jinja2.bccache import BytecodeCache

    keys = []
    for path in templates_dir().rglob("*.j2"):
        name = path.relative_to(templates_dir()).as_posix()
        keys.append(BytecodeCache().get_cache_key(name, str(path)))
        keys.append(BytecodeCache().get_cache_key(name, os.path.realpath(path)))
    return keys


def plant_jinja(folder, blob):
    folder.mkdir(parents=True, exist_ok=True)
    for key in jinja_keys():
        (folder / f"__jinja2_{key}.cache").write_bytes(jinja_payload(blob))


def plant_everywhere(root, marker):
    """Pickles where the old caches were, under the names they used, and entries in Jinja's
    own cache folder made by someone else."""
    blob = pickle.dumps(Payload(marker))
    for kind in ("data", "jinja"):
        folder = root / "cache" / "prdkit" / kind
        folder.mkdir(parents=True)
        names = [f"{p.stem}-{zlib.crc32(str(p.resolve()).encode()):08x}.pickle" for p in shipped_yaml().values()]
        for name in names:
            (folder / name).write_bytes(blob)
        plant_jinja(folder, blob)
        os.chmod(folder, 0o777)
    jinja = root / "tmp" / f"_jinja2-cache-{os.getuid()}"
    if os.getuid() == 0:
        plant_jinja(jinja, blob)
        os.chown(jinja, 65534, 65534)  # another user's folder
    else:  # a user cannot give a folder away: a link to one is refused the same way
        plant_jinja(root / "theirs", blob)
        jinja.parent.mkdir(parents=True, exist_ok=True)
        jinja.symlink_to(root / "theirs")


def test_a_planted_cache_file_runs_nothing(tmp_path):
    marker = tmp_path / "payload-ran"
    plant_everywhere(tmp_path, marker)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(tmp_path / "tmp"), "HOME": str(tmp_path)}
    folder = tmp_path / "p"
    created = run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults", env=env)
    assert created.returncode == 0, created.stderr
    rendered = run_prdkit("render", folder / "answers.yaml", "--force", env=env)
    assert rendered.returncode == 0, rendered.stderr
    assert (folder / "prd.docx").is_file() and "Knowledge" in (folder / "prd.md").read_text(encoding="utf-8")
    assert not marker.exists()
    # The payload is real: Jinja runs it from a cache folder that is yours, which is why it
    # must never use one that someone else could write.
    own = tmp_path / "own-tmp" / f"_jinja2-cache-{os.getuid()}"
    plant_jinja(own, pickle.dumps(Payload(marker)))
    os.chmod(own, 0o700)
    run_prdkit("render", folder / "answers.yaml", "--force", env={"TMPDIR": str(tmp_path / "own-tmp")})
    assert marker.exists()


def test_jinja_keeps_its_compiled_templates_in_a_private_folder(tmp_path):
    env = {"TMPDIR": str(tmp_path), "HOME": str(tmp_path)}
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults", env=env).returncode == 0
    cache = tmp_path / f"_jinja2-cache-{os.getuid()}"
    assert cache.is_dir() and (cache.stat().st_mode & 0o777) == 0o700 and cache.stat().st_uid == os.getuid()
    assert list(cache.glob("*.cache"))


def test_nothing_is_written_to_the_user_cache_folder(tmp_path):
    """No cache files, so no temp files with guessable names a planted link could redirect."""
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {"XDG_CACHE_HOME": str(cache), "HOME": str(tmp_path / "home")}
    folder = tmp_path / "p"
    assert run_prdkit("new", folder, "--preset", "agent-assistant", "--lang", "zh", "--defaults", env=env).returncode == 0
    assert run_prdkit("render", folder / "answers.yaml", env=env).returncode == 0
    assert list(cache.rglob("*")) == [] and not (tmp_path / "home").exists()
