"""Benchmark `answersite check` against a plain build, linkchecker and mkdocs-htmlproofer-plugin.

On demand only (not in CI): `pip install -r benchmarks/requirements.txt`, then

    python benchmarks/bench_check.py --pages 500 2000

A peer that is not installed (lxml, mkdocs-htmlproofer-plugin, linkchecker) is skipped,
and its row says so.

A Material site with `navigation.prune` and N pages (ten question folders, headings, internal
links with anchors, one provided arXiv link per page and a citation of it, a code block, and
a references page per question) is generated in a temp dir and built once; every tool then
runs on that same site in its own process, side by side in one run. Times are the best of
`--repeat` runs; memory is the child's peak RSS.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
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
MISSING = "skipped: not installed (pip install -r benchmarks/requirements.txt)"


def installed(module: str) -> bool:
    """Whether a peer's Python package can be imported by the benchmark's interpreter."""
    return importlib.util.find_spec(module) is not None


CHECK = """
import resource, sys, time
if len(sys.argv) > 2:  # --baseline: the `generator/` package of another checkout
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
BASELINE = """
import resource
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


def run(
    cmd: list[str], cwd: Path, repeat: int, timeout: float | None = None
) -> tuple[float, int | None, str]:
    """Best wall time of `repeat` runs; a Python child prints `seconds maxrss ...` itself.

    A run that exceeds `timeout` is killed and counts as `timeout` seconds (a lower bound).
    The output returned is the best run's.
    """
    best, rss, out = float("inf"), None, ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return float(timeout or 0), None, f"timed out after {timeout:.0f} s"
        wall = time.perf_counter() - start
        parts = proc.stdout.split()
        if proc.returncode and not cmd[0].endswith("linkchecker"):
            raise SystemExit(f"{cmd[:3]} failed:\n{proc.stderr[-2000:]}")
        probe = len(parts) >= 2 and parts[1].isdigit()  # our own probes report their time
        if probe and float(parts[0]):
            wall = min(float(parts[0]), wall)
        if wall < best:
            best, out = wall, proc.stdout.strip()
            rss = int(parts[1]) if probe else None
    return best, rss, out


def bench(pages: int, repeat: int, linkchecker_timeout: float | None, keep: Path | None) -> None:
    """Build one synthetic site of `pages` pages and run every tool on it."""
    with tempfile.TemporaryDirectory(prefix="answersite-bench-") as tmp:
        root = keep / str(pages) if keep else Path(tmp)
        if keep:
            shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)  # linkchecker run as root drops to `nobody`, who must read the site
        make_project(root, pages)
        measure(root, pages, repeat, linkchecker_timeout)


def measure(root: Path, pages: int, repeat: int, linkchecker_timeout: float | None) -> None:
    """Run and print every row for the project in `root`."""
    mkdocs = [str(BINDIR / "mkdocs"), "build", "-q"]
    plain, _, _ = run([*mkdocs, "-d", "site"], root, repeat)
    check = check_only(root, pages, repeat, plain)
    if installed("htmlproofer"):
        proofed, _, _ = run([*mkdocs, "-f", "mkdocs-proofer.yml", "-d", "site2"], root, repeat)
        shutil.rmtree(root / "site2")
        overhead = proofed - plain
        row("htmlproofer (its build - plain)", overhead, f"{overhead / check:.0f}x check")
    else:
        print(f"{'htmlproofer':34} {MISSING}")
    linkchecker = BINDIR / "linkchecker"
    if linkchecker_timeout != 0 and not linkchecker.exists():
        print(f"{'linkchecker':34} {MISSING}")
    elif linkchecker_timeout != 0:
        cmd = [str(linkchecker), "--no-status", "site/index.html"]
        linkcheck, _, out = run(cmd, root, 1, linkchecker_timeout)
        checked = next((x for x in out.splitlines() if "URLs checked" in x), out[-200:])
        row("linkchecker (file, no extern)", linkcheck, f"{linkcheck / check:.0f}x check")
        print(f"  linkchecker: {checked.strip()}")


def check_only(
    root: Path, pages: int, repeat: int, plain: float | None = None, baseline: Path | None = None
) -> float:
    """Measure the check and the bare parse on the site built in `root`; return the check.

    With `baseline` (a folder holding another checkout's `generator/`), that check is
    measured too, its runs alternating with this one's.
    """
    py = sys.executable
    html = list((root / "site").rglob("*.html"))
    size = sum(p.stat().st_size for p in html) / 1e6
    script = CHECK % (pages, QUESTIONS, QUESTIONS)
    check, check_rss, before = float("inf"), None, float("inf")
    for _ in range(repeat):
        took, rss, _ = run([py, "-c", script, str(root)], root, 1)
        if took < check:
            check, check_rss = took, rss
        if baseline is not None:
            before = min(before, run([py, "-c", script, str(root), str(baseline)], root, 1)[0])
    _, base_rss, _ = run([py, "-c", BASELINE], root, 1)
    lexbor, lexbor_rss, _ = run([py, "-c", PARSE, str(root), "selectolax"], root, repeat)
    lxml = run([py, "-c", PARSE, str(root), "lxml"], root, repeat)[0] if installed("lxml") else None
    mb = 1024  # ru_maxrss is in KiB on Linux
    print(f"\n== {len(html)} HTML pages, {size:.1f} MB of HTML ==")
    if plain is not None:
        row("plain mkdocs build", plain)
    share = f"{check / plain:.1%} of the plain build" if plain else ""
    row("answersite check", check, share)
    if baseline is not None:
        row("answersite check, baseline", before, f"check / baseline = {check / before:.2f}x")
    base = f"interpreter + imports: {(base_rss or 0) / mb:.1f}"
    row("  peak RSS (MB)", (check_rss or 0) / mb, base)
    note = f"check / parse = {check / lexbor:.2f}x"
    if baseline is not None:
        note += f", baseline / parse = {before / lexbor:.2f}x"
    row("parse only, selectolax/lexbor", lexbor, note)
    row("  peak RSS (MB)", (lexbor_rss or 0) / mb)
    if lxml is None:
        print(f"{'parse only, lxml':34} {MISSING}")
    else:
        row("parse only, lxml", lxml, f"lxml / lexbor = {lxml / lexbor:.2f}x")
    return check


def row(label: str, value: float, note: str = "") -> None:
    """Print one aligned result line."""
    print(f"{label:34} {value:9.3f}   {note}")


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
        help="with --only-check: also measure the check of DIR/generator (another checkout, "
        "e.g. `git archive <commit> generator | tar -x -C DIR`), alternating runs",
    )
    args = parser.parse_args(argv)
    keep = args.keep.resolve() if args.keep else None  # the tools run with the site as cwd
    timeout = 0 if args.no_linkchecker else args.linkchecker_timeout
    for pages in args.pages:
        if args.only_check and keep:
            baseline = args.baseline.resolve() if args.baseline else None
            check_only(keep / str(pages), pages, args.repeat, baseline=baseline)
        else:
            bench(pages, args.repeat, timeout, keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
