"""Benchmark: reading a large BibTeX reference set (run on demand, not in CI).

Compares, on one synthetic bibliography of N entries (default 2,761, the size of the real
one the core issue measured), in one run:

- `parse`: bibtexparser v2's parse alone (the floor);
- `parse+latex-middleware`: the parse with bibtexparser's `LatexDecodingMiddleware`, which
  decodes every field of every entry (the obvious way, and the peer measured here);
- `answersite`: `generator.load.read_bibtex`, which decodes only the fields pages show,
  once per distinct value.

Usage: python benchmarks/bench_load.py [N]
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware

from generator.load import read_bibtex

_ABSTRACT_BITS = ["", " --", " $x^2$", " {\\em e}"]
_ACCENTS = ['{\\"u}', "{\\'e}", "{\\`a}", "{\\c c}", "{\\~n}", "{\\o}", "{\\ss}"]


def synthetic_bib(count: int, seed: int = 7) -> str:
    """A bibliography with braces, accents, en dashes and long abstracts, like a real export."""
    rng = random.Random(seed)
    entries = []
    for i in range(count):
        name = f"M{rng.choice(_ACCENTS)}ller{i % 97}"
        title = f"{{Net{i}}}: Fast {rng.choice(_ACCENTS)}Image {{Restoration}} at Scale {i}"
        abstract = " ".join(
            f"word{rng.randrange(1000)}{rng.choice(_ABSTRACT_BITS)}" for _ in range(120)
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


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2761
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
