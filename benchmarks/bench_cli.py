"""prdkit performance, measured side by side in one run (issue 9). Prints figures; not a test.

    python benchmarks/bench_cli.py [--runs 7]

1. `prdkit --help` against `python -c pass` in the same environment (goal: at most 4x).
2. A full render (prd.md, prd.docx, launch-checklist.md, launch-checklist.docx) of the
   largest preset against `pandoc prd.md -o prd.docx` on the same Markdown (goal: at most 1.0x).
3. Fifty answers files in one `prdkit render` call against one file (goal: at most 10x).
4. Peak memory (max RSS) of a full render (goal: under 100 MB).
Every figure is the median of several runs of a fresh process, started the way a user starts
it: the `prdkit` script of this environment, with Python writing its .pyc files (a
PYTHONDONTWRITEBYTECODE=1 in the environment is removed for the children, or every run would
compile prdkit's sources again and measure the compiler).

A last row shows the floor under any Python implementation of the render: starting Python and
importing the libraries the render needs (click, PyYAML, Jinja2, markdown-it-py), nothing else.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], runs: int, cwd: Path | None = None) -> float:
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=True, env=ENV)  # warm-up (disk cache, .pyc)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=True, env=ENV)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def peak_rss_mb(cmd: list[str]) -> float:
    # ru_maxrss of a child measured alone: run it through a tiny wrapper process
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([PY, "-c", code, *cmd], capture_output=True, text=True, check=True, env=ENV).stdout
    return int(out.strip()) / 1024  # Linux reports KiB


def largest_preset() -> str:
    from prdkit.presets import all_presets

    return max(all_presets(), key=lambda p: len(repr(p.raw_answers))).name


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--files", type=int, default=50)
    args = parser.parse_args()
    runs = args.runs
    script = Path(PY).with_name("prdkit")
    prdkit = [str(script)] if script.is_file() else [PY, "-m", "prdkit"]
    work = Path(tempfile.mkdtemp(prefix="prdkit-bench-"))
    rows: list[tuple[str, str, str, str]] = []
    try:
        # 1. --help
        t_pass = timed([PY, "-c", "pass"], runs)
        t_help = timed(prdkit + ["--help"], runs)
        rows.append(("prdkit --help vs python -c pass", f"{t_help*1000:.0f} ms", f"{t_pass*1000:.0f} ms", f"{t_help/t_pass:.2f}x (goal <= 4x)"))
        sub_helps = [timed(prdkit + [name, "--help"], max(3, runs // 2)) for name in ("render", "new", "advise")]
        rows.append(("prdkit render/new/advise --help", " / ".join(f"{t*1000:.0f}" for t in sub_helps) + " ms", "", ""))

        # 2. full render of the largest preset vs pandoc on the same Markdown
        preset = largest_preset()
        one = work / "one"
        subprocess.run(prdkit + ["new", str(one), "--preset", preset, "--lang", "zh", "--defaults"], check=True, capture_output=True, env=ENV)
        t_render = timed(prdkit + ["render", str(one / "answers.yaml"), "--out", str(work / "render-out")], runs)
        pandoc = shutil.which("pandoc")
        if pandoc:
            t_pandoc = timed([pandoc, str(one / "prd.md"), "-o", str(work / "pandoc.docx")], runs)
            rows.append((f"full render ({preset}, 4 documents) vs pandoc (docx only)", f"{t_render*1000:.0f} ms",
                         f"{t_pandoc*1000:.0f} ms", f"{t_render/t_pandoc:.2f}x (goal <= 1.0x)"))
        else:
            rows.append((f"full render ({preset}, 4 documents)", f"{t_render*1000:.0f} ms", "pandoc not installed", ""))

        # 3. fifty answers files in one call vs one
        many = []
        for i in range(args.files):
            folder = work / "many" / f"p{i:03d}"
            folder.mkdir(parents=True)
            shutil.copy(one / "answers.yaml", folder / "answers.yaml")
            many.append(str(folder / "answers.yaml"))
        t_one = timed(prdkit + ["render", many[0]], runs)
        t_many = timed(prdkit + ["render", *many], max(3, runs // 2))
        rows.append((f"{args.files} answers files in one call vs one", f"{t_many:.2f} s", f"{t_one:.2f} s", f"{t_many/t_one:.2f}x (goal <= 10x)"))

        # 4. peak memory of a full render
        rss = peak_rss_mb(prdkit + ["render", str(one / "answers.yaml"), "--out", str(work / "rss-out")])
        rows.append(("peak memory of a full render", f"{rss:.0f} MB", "", "goal < 100 MB"))

        # 5. the floor: Python plus the render's libraries, doing nothing
        t_floor = timed([PY, "-c", "import click, yaml, jinja2, markdown_it"], runs)
        if pandoc:
            rows.append(("floor: python -c 'import click, yaml, jinja2, markdown_it' vs pandoc", f"{t_floor*1000:.0f} ms",
                         f"{t_pandoc*1000:.0f} ms", f"{t_floor/t_pandoc:.2f}x"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {runs} runs\n")
    print(f"{'measure'.ljust(width)}  {'prdkit':>14}  {'yardstick':>14}  ratio")
    for name, a, b, ratio in rows:
        print(f"{name.ljust(width)}  {a:>14}  {b:>14}  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
