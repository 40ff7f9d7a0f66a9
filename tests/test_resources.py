"""The per-user cache of parsed data files (issue 9) never serves stale or broken data."""

import os

from prdkit.resources import load_data


def test_cached_data_follows_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "pack.yaml"
    source.write_text("items: [a, b]\n", encoding="utf-8")
    assert load_data(source) == {"items": ["a", "b"]}
    cached = list((tmp_path / "cache" / "prdkit" / "data").glob("pack-*.pickle"))
    assert len(cached) == 1
    assert load_data(source) == {"items": ["a", "b"]}  # from the cache
    source.write_text("items: [a, b, c]\n", encoding="utf-8")
    os.utime(source, ns=(1, 1))  # even with an old timestamp, the size changed
    assert load_data(source) == {"items": ["a", "b", "c"]}
    cached[0].write_bytes(b"not a pickle")
    assert load_data(source) == {"items": ["a", "b", "c"]}


def test_no_cache_when_the_home_is_read_only(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the folder should be
    source = tmp_path / "pack.yaml"
    source.write_text("k: 1\n", encoding="utf-8")
    assert load_data(source) == {"k": 1}
