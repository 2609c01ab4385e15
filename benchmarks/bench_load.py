"""Benchmark: reading a large BibTeX reference set (run on demand, not in CI).

Compares, on one synthetic bibliography of N entries (default 2,761, the size of the real
one the core issue measured), in one run:

- `parse`: bibtexparser v2's parse alone (the floor);
- `parse+latex-middleware`: the parse with bibtexparser's `LatexDecodingMiddleware`, which
  decodes every field of every entry (the obvious way, and the peer measured here);
- `answersite`: `generator.load.read_bibtex`, which decodes only the fields pages show,
  once per distinct value.

`--project N` measures instead what a run of answersite does: `load_project` on a project
in a temp dir whose `references/` holds a synthetic bibliography of N entries (12-word
abstracts: 50,000 entries are about 25 MB) and one question that provides five of them.
It reports the time of `load_project` (best of `--repeat` runs, untraced) and its peak
memory (one more run under tracemalloc, which slows it several times), and the same for
the fast scan alone.

`--generate N` runs the whole `answersite generate` in a child process on a copy of the
default project plus that bibliography, and reports its time and peak RSS; `--code DIR`
runs it with the `generator` package found in DIR instead (e.g. an older commit, extracted
with `git archive COMMIT generator | tar -x -C DIR`).

Usage:
    python benchmarks/bench_load.py [N]
    python benchmarks/bench_load.py --project 50000 [--repeat 3]
    python benchmarks/bench_load.py --generate 50000 [--code DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware

from generator.load import load_project, read_bibtex
from generator.load.bibscan import scan_bibtex

_ABSTRACT_BITS = ["", " --", " $x^2$", " {\\em e}"]
_ACCENTS = ['{\\"u}', "{\\'e}", "{\\`a}", "{\\c c}", "{\\~n}", "{\\o}", "{\\ss}"]


def synthetic_bib(count: int, seed: int = 7, words: int = 120) -> str:
    """A bibliography with braces, accents, en dashes and long abstracts, like a real export."""
    rng = random.Random(seed)
    entries = []
    for i in range(count):
        name = f"M{rng.choice(_ACCENTS)}ller{i % 97}"
        title = f"{{Net{i}}}: Fast {rng.choice(_ACCENTS)}Image {{Restoration}} at Scale {i}"
        abstract = " ".join(
            f"word{rng.randrange(1000)}{rng.choice(_ABSTRACT_BITS)}" for _ in range(words)
        )
        entries.append(
            f"@inproceedings{{key{i},\n"
            f"  title = {{{title}}},\n"
            f"  author = {{{name}, Anna and Cho, Sung{i % 13} and Lee, K.}},\n"
            f"  booktitle = {{Proceedings of the {{IEEE}} Conference {i % 40}}},\n"
            f"  pages = {{{i}--{i + 12}}},\n"
            f"  year = {{{2000 + i % 25}}},\n"
            f"  url = {{https://example.org/paper{i}.pdf}},\n"
            f"  abstract = {{{abstract}}},\n"
            f"  keywords = {{restoration, deblurring, k{i % 50}}}\n"
            "}\n"
        )
    return "\n".join(entries)


def _measure(label: str, run) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<26} {seconds:8.3f} s   peak {peak / 2**20:7.1f} MiB")
    return seconds


def _timed(label: str, run, repeat: int) -> None:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<26} {best:8.3f} s   peak {peak / 2**20:7.1f} MiB")


_QUESTION = """title: A question
question: Which of these sources matter?
sources:
"""


def bench_project(count: int, repeat: int) -> None:
    """`load_project` on a project with a large bibliography and one small question."""
    text = synthetic_bib(count, words=12)
    provided = [f"key{i}" for i in range(0, count, max(1, count // 5))][:5]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "references" / "questions").mkdir(parents=True)
        (root / "references" / "big.bib").write_text(text, encoding="utf-8")
        uses = "".join(
            f"  - {{key: {key}, role: related-paper, annotation: Why.}}\n" for key in provided
        )
        (root / "references" / "questions" / "q.yaml").write_text(
            _QUESTION + uses, encoding="utf-8"
        )
        size = (root / "references" / "big.bib").stat().st_size
        print(f"{count} entries, {size / 1e6:.1f} MB of BibTeX, {len(provided)} provided")
        _timed("scan_bibtex alone", lambda: scan_bibtex(text), repeat)
        _timed("load_project", lambda: load_project(root), repeat)
        project, findings = load_project(root)
        assert not findings, findings
        assert sorted(project.sources) == sorted(provided), sorted(project.sources)
        assert len(project.unused) == count - len(provided)


_ROOT = Path(__file__).resolve().parent.parent


def bench_generate(count: int, code: Path | None) -> None:
    """`answersite generate` in a child process: the default project plus N entries."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        shutil.copy2(_ROOT / "mkdocs.yml", root / "mkdocs.yml")
        for folder in ("references", "docs", ".answersite"):
            if (_ROOT / folder).exists():
                shutil.copytree(_ROOT / folder, root / folder)
        (root / "references" / "big.bib").write_text(synthetic_bib(count, words=12), "utf-8")
        path = repr(str(code.resolve())) if code else "None"
        program = (
            f"import sys\nif {path}: sys.path.insert(0, {path})\n"
            "from generator.cli import main\n"
            f"sys.exit(main(['generate', '--project', {str(root)!r}]))\n"
        )
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        print(
            f"generate, {count} entries{' (' + str(code) + ')' if code else ''}: "
            f"exit {done.returncode}, {seconds:.2f} s, peak RSS {rss:.0f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("count", nargs="?", type=int, default=2761, help="entries (read_bibtex)")
    parser.add_argument("--project", type=int, metavar="N", help="load_project on N entries")
    parser.add_argument("--repeat", type=int, default=3, help="runs of --project (best kept)")
    parser.add_argument("--generate", type=int, metavar="N", help="answersite generate, N entries")
    parser.add_argument("--code", type=Path, help="with --generate: the generator package's dir")
    args = parser.parse_args()
    if args.generate:
        bench_generate(args.generate, args.code)
        return
    if args.project:
        bench_project(args.project, args.repeat)
        return
    count = args.count
    text = synthetic_bib(count)
    print(f"{count} entries, {len(text) / 2**20:.1f} MiB of BibTeX")
    floor = _measure("parse", lambda: bibtexparser.parse_string(text))
    peer = _measure(
        "parse+latex-middleware",
        lambda: bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()]),
    )
    ours = _measure("answersite read_bibtex", lambda: read_bibtex(text, "refs.bib"))
    print(f"answersite / parse:                  {ours / floor:5.2f}x")
    print(f"parse+latex-middleware / answersite: {peer / ours:5.2f}x faster")


if __name__ == "__main__":
    main()
