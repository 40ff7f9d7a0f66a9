"""Markdown → .docx: prdkit's converter in-process against `pandoc IN.md -o OUT.docx`.

    python benchmarks/bench_word.py [PRD.md]

Without an argument it renders the largest preset's prd.md (Chinese) first. Prints medians of
7 runs after one warm-up, then the Word step of a launch checklist and of a PRD with 10,000
items each (linear time: the task-list parse once made 8,000 items take 20 s)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from prdkit.answers import AnswersFile
    from prdkit.bank import load_bank
    from prdkit.presets import all_presets, initial_answers
    from prdkit.render import render_prd_markdown, compute_advice
    from prdkit.word import DocMeta, markdown_to_docx

    if len(sys.argv) > 1:
        markdown = Path(sys.argv[1]).read_text(encoding="utf-8")
    else:
        preset = max(all_presets(), key=lambda p: len(repr(p.raw_answers)))
        answers = AnswersFile(lang="zh", answers=initial_answers(load_bank(), "zh", preset), preset=preset.name)
        markdown = render_prd_markdown(answers, advice=compute_advice(answers))
    meta = DocMeta(title="benchmark", lang="zh")
    markdown_to_docx(markdown, meta)
    ours = []
    for _ in range(7):
        start = time.perf_counter()
        markdown_to_docx(markdown, meta)
        ours.append(time.perf_counter() - start)
    print(f"Markdown: {len(markdown.encode('utf-8')) / 1024:.1f} KB")
    print(f"prdkit markdown_to_docx (in-process): {statistics.median(ours) * 1000:.0f} ms")
    pandoc = shutil.which("pandoc")
    if not pandoc:
        print("pandoc is not installed: no yardstick")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "prd.md"
        source.write_text(markdown, encoding="utf-8")
        subprocess.run([pandoc, str(source), "-o", str(Path(tmp) / "out.docx")], check=True)
        theirs = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([pandoc, str(source), "-o", str(Path(tmp) / "out.docx")], check=True)
            theirs.append(time.perf_counter() - start)
    print(f"pandoc (a process):                   {statistics.median(theirs) * 1000:.0f} ms")
    print(f"ratio: {statistics.median(ours) / statistics.median(theirs):.2f}x")
    return 0


def many_items(markdown_to_docx, DocMeta, count: int = 10_000) -> None:
    """The Word step for a checklist and a PRD table of `count` items, against a tenth of them."""
    def checklist(n):
        return "# Checklist\n\n## Items\n\n" + "".join(
            f"- [ ] **M-{i} metric {i}**: offline evaluation meets `target` {i}\n"
            f"  - Owner: Algorithm; threshold: >= 90%; evidence: eval report {i}\n" for i in range(n))

    def metrics(n):
        return ("# PRD\n\n## Metrics\n\n| Metric | Baseline | Target | Method |\n| --- | --- | --- | --- |\n"
                + "".join(f"| metric {i} | {i % 97}% | {i % 89 + 10}% | sampled review of case {i} |\n" for i in range(n)))

    meta = DocMeta(title="benchmark", lang="en")
    for label, build in (("checklist", checklist), ("PRD metrics table", metrics)):
        times = {}
        for n in (count // 10, count):
            markdown = build(n)
            start = time.perf_counter()
            markdown_to_docx(markdown, meta)
            times[n] = time.perf_counter() - start
        small, large = times[count // 10], times[count]
        print(f"{label}, {count:,} items: {large:.2f} s ({large / small:.1f}x the time of {count // 10:,}; linear is 10x)")


if __name__ == "__main__":
    code = main()
    from prdkit.word import DocMeta, markdown_to_docx

    many_items(markdown_to_docx, DocMeta)
    sys.exit(code)
