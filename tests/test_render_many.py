"""Many answers files in one call: each rendered beside itself; one bad file is reported and
does not stop the others (issue 9)."""

import shutil

from conftest import run_prdkit


def test_many_files_one_bad(tmp_path):
    first = tmp_path / "a"
    assert run_prdkit("new", first, "--preset", "llm-recommender", "--lang", "en", "--defaults").returncode == 0
    files = []
    for name in ("b", "c", "d", "e"):
        (tmp_path / name).mkdir()
        shutil.copy(first / "answers.yaml", tmp_path / name / "answers.yaml")
        files.append(tmp_path / name / "answers.yaml")
    (tmp_path / "c" / "answers.yaml").write_text("schema_version: 1\nlang: en\nanswers: {cost: {price_input: -1}}\n")
    result = run_prdkit("render", *files)
    assert result.returncode == 2
    assert "rendered 3 of 4 answers files; 1 failed" in result.stdout
    assert str(tmp_path / "c" / "answers.yaml") in result.stderr and "answers.cost.price_input" in result.stderr
    for name in ("b", "d", "e"):
        assert (tmp_path / name / "prd.md").read_bytes() == (first / "prd.md").read_bytes()
        assert (tmp_path / name / "prd.docx").is_file() and (tmp_path / name / "launch-checklist.docx").is_file()
    assert not (tmp_path / "c" / "prd.md").exists()
    ok = run_prdkit("render", *(f for f in files if f.parent.name != "c"))
    assert ok.returncode == 0 and "rendered 3 of 3" in ok.stdout
    both = run_prdkit("render", *files[:2], "--out", tmp_path / "x")
    assert both.returncode == 2 and "--out" in both.stderr
