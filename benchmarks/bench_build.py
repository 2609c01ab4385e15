"""A thousand questions on one site: generate, build, page sizes, memory, incremental runs.

On demand only (not in CI):

    python benchmarks/bench_build.py --questions 100 300 1000 [--full-nav-up-to 300]
        [--plain-up-to 300]  # (no plain pruned peer above 300 questions: a quick run)

For each size N, synthetic prompts (`benchmarks/synthetic.py`: ten tasks, one model of its
own per question, three related papers from a shared pool of 50) are imported with one
`answersite import` into a fresh `answersite init` project, in a temp dir. Then, each in its
own process, side by side in one run:

| Row | What |
|---|---|
| import | `answersite import` of the N prompts (one call) |
| generate | `answersite generate`: the first run, which writes every page |
| generate again | a second run: it must write nothing |
| generate, one question changed | after editing one question's title: the files it writes |
| answersite build | `answersite build`: generate (nothing to write) + MkDocs + the link check |
| plain build, prune | `mkdocs build` of the same `docs/` without the answersite plugin, with
  Material's `navigation.prune`: the peer the issue names |
| plain build, full nav | the same without `navigation.prune` (only up to `--full-nav-up-to`
  questions: it grows with N²) |

Times are the child's CPU time (user + system, which a shared machine disturbs less than the
wall clock; the wall clock is printed too). Memory is the child's peak RSS. Page sizes are
the built HTML: each question's four pages, the home page, the bibliography's pages, and
the search index. The machine is printed first.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import write_prompts  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
# Runs a command and prints its own children's CPU time and peak RSS on the last line.
PROBE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "wall = time.perf_counter() - start\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stdout.write(done.stdout)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(f'\\nPROBE {done.returncode} {use.ru_utime + use.ru_stime} {wall} {use.ru_maxrss}')\n"
)


@dataclass
class Run:
    """One child process: CPU seconds, wall seconds, peak RSS in MB, its output."""

    cpu: float
    wall: float
    rss: float
    out: str


def run(*command: str | Path, cwd: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, command)],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    line = done.stdout.strip().splitlines()[-1]
    _, code, cpu, wall, rss = line.split()
    if code != "0":
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{done.stderr[-3000:]}")
    return Run(float(cpu), float(wall), int(rss) / 1024, done.stderr)


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else model
    versions = []
    for package in ("mkdocs", "mkdocs-material"):
        from importlib.metadata import version

        versions.append(f"{package} {version(package)}")
    return (
        f"{model}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; Python "
        f"{platform.python_version()}; {', '.join(versions)}"
    )


def plain_config(project: Path, prune: bool) -> Path:
    """mkdocs.yml without the answersite plugin (and with prune, if asked)."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"\n  - answersite:\n(?:      .*\n)*", "\n", text)
    if prune:
        text = text.replace(
            "    - navigation.sections\n", "    - navigation.sections\n    - navigation.prune\n"
        )
    text = text.replace("site_dir: site", "site_dir: plain-site")
    path = project / ("mkdocs-plain-prune.yml" if prune else "mkdocs-plain.yml")
    path.write_text(text, encoding="utf-8")
    return path


def sizes(site: Path) -> dict[str, float]:
    """KB: the question pages (mean, max), the home page, the largest bibliography page,
    the 404 page, the search index; MB: the whole site."""
    question = [p.stat().st_size for p in site.glob("q*/**/index.html") if p.is_file()]
    bibliography = [p.stat().st_size for p in site.glob("bibliography/**/index.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index = site / "search" / "search_index.json"
    return {
        "question page mean KB": statistics.mean(question) / 1024,
        "question page max KB": max(question) / 1024,
        "home page KB": (site / "index.html").stat().st_size / 1024,
        "bibliography page max KB": max(bibliography) / 1024,
        "404 page KB": (site / "404.html").stat().st_size / 1024,
        "search index MB": index.stat().st_size / 2**20 if index.exists() else 0.0,
        "site MB": total / 2**20,
        "HTML pages": float(sum(1 for _ in site.rglob("*.html"))),
    }


def measure(count: int, work: Path, full_nav_up_to: int, plain_up_to: int) -> dict[str, float]:
    project = work / f"n{count}"
    prompts = work / f"prompts{count}"
    for old in (project, prompts):  # a kept work folder starts afresh
        shutil.rmtree(old, ignore_errors=True)
    write_prompts(prompts, count)
    run(BIN / "answersite", "init", project, cwd=work)
    row: dict[str, float] = {}
    names = sorted(str(p) for p in prompts.glob("*.txt"))
    imported = run(BIN / "answersite", "import", *names, "--project", project, cwd=work)
    row["import s"] = imported.cpu
    first = run(BIN / "answersite", "generate", cwd=project)
    row["generate s"] = first.cpu
    row["generate wall s"] = first.wall
    again = run(BIN / "answersite", "generate", cwd=project)
    row["generate again s"] = again.cpu
    row["generate again: files written"] = float(
        again.out.count("\nwrote ") + again.out.startswith("wrote ")
    )
    question = project / "references" / "questions" / "q0003.yaml"
    text = question.read_text(encoding="utf-8")
    question.write_text(text.replace("Question 3 (", "Question 3, edited (", 1), encoding="utf-8")
    changed = run(BIN / "answersite", "generate", cwd=project)
    written = [line[6:] for line in changed.out.splitlines() if line.startswith("wrote ")]
    row["one question changed: files written"] = float(len(written))
    print(f"  one question changed, written: {', '.join(written)}")
    build = run(BIN / "answersite", "build", cwd=project)
    row["answersite build s"] = build.cpu
    row["answersite build wall s"] = build.wall
    row["answersite build peak RSS MB"] = build.rss
    row.update(sizes(project / "site"))
    row["generate / build"] = row["generate s"] / row["answersite build s"]
    if count > plain_up_to:
        return row
    prune = run(BIN / "mkdocs", "build", "-q", "-f", plain_config(project, True), cwd=project)
    row["plain build, prune s"] = prune.cpu
    plain_sizes = sizes(project / "plain-site")
    row["plain build, prune: question page mean KB"] = plain_sizes["question page mean KB"]
    row["plain build, prune: site MB"] = plain_sizes["site MB"]
    if count <= full_nav_up_to:
        full = run(BIN / "mkdocs", "build", "-q", "-f", plain_config(project, False), cwd=project)
        row["plain build, full nav s"] = full.cpu
        full_sizes = sizes(project / "plain-site")
        row["plain build, full nav: question page mean KB"] = full_sizes["question page mean KB"]
        row["plain build, full nav: site MB"] = full_sizes["site MB"]
    row["build / plain pruned build"] = row["answersite build s"] / row["plain build, prune s"]
    return row


def default_site(work: Path, repeat: int) -> None:
    """The default project (a copy of this checkout's): `answersite build` against a plain
    `mkdocs build` of the same docs without the answersite plugin, runs alternating."""
    root = Path(__file__).resolve().parent.parent
    project = work / "default"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for name in ("mkdocs.yml", "docs", "references", "generator", ".answersite"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    plain = plain_config(project, prune=False)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        ours.append(run(BIN / "answersite", "build", cwd=project).cpu)
        theirs.append(run(BIN / "mkdocs", "build", "-q", "-f", plain, cwd=project).cpu)
    print("== the default site ==")
    print(f"  {'answersite build s (median)':48} {statistics.median(ours):10.2f}")
    print(f"  {'plain mkdocs build s (median)':48} {statistics.median(theirs):10.2f}")
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(f"  {'answersite build / plain build':48} {ratio:10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument(
        "--full-nav-up-to", type=int, default=300, help="build the full-nav peer up to N"
    )
    parser.add_argument(
        "--plain-up-to",
        type=int,
        default=10**9,
        help="build the plain pruned peer only up to N questions (it takes 11 min at 1,000)",
    )
    parser.add_argument("--keep", type=Path, help="work here instead of a temp dir")
    parser.add_argument(
        "--default-site",
        type=int,
        metavar="REPEAT",
        help="only the default project: answersite build vs a plain build, REPEAT runs each",
    )
    args = parser.parse_args()
    print(machine())
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.default_site:
        try:
            default_site(work, args.default_site)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        return
    rows: dict[int, dict[str, float]] = {}
    try:
        for count in args.questions:
            print(f"== {count} questions ==", flush=True)
            started = time.perf_counter()
            rows[count] = measure(count, work, args.full_nav_up_to, args.plain_up_to)
            for name, value in rows[count].items():
                print(f"  {name:48} {value:10.2f}")
            print(f"  (measured in {time.perf_counter() - started:.0f} s)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if len(rows) > 1:
        low, high = min(rows), max(rows)
        print(f"== growth from {low} to {high} questions ({high / low:.0f}x) ==")
        for name in ("generate s", "answersite build s", "site MB", "question page mean KB"):
            print(f"  {name:48} {rows[high][name] / rows[low][name]:10.2f}x")


if __name__ == "__main__":
    main()
