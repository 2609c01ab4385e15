"""Time the page reader's parts on a built site: the parse, the walk, and lexbor CSS queries.

On demand only (not in CI), on a site that `bench_check.py --keep DIR` left, e.g.

    python benchmarks/bench_reader.py /tmp/bc/2000/site --repeat 5

Every page is read once; then, in each round, each probe parses every page and runs on its
tree while it is fresh (as the check does), the probes taking turns; the best and the median
round are printed, with what the probe adds to the parse alone. The probes:

- `walk`: `PageReader.walk` over `root.traverse()`, as `extract_page` calls it;
- `traverse`: visit every node, nothing else;
- `floor`: visit every node and build its attribute dict, nothing else;
- `query`: one lexbor query, a selector list with an attribute selector for each name the
  theme chrome's rules read (the URL attributes, `srcset`, `id`, `style` and the CSS-valued
  ones, `srcdoc`, `name`, `role`) and the elements read beyond their attributes: what a
  route that walks only the elements needing work would run before its first `on…`
  candidate; `query + attributes` also builds the attribute dict of each node it returns;
- `pruned query`: the same list cut, page by page, to the names and elements its
  lower-cased text holds (one substring test each: a naive prescan, not an exact one);
- `N absent selectors`: a list of N attribute selectors that match nothing: what each
  selector of a list costs.

The `generator` package timed is this checkout's (its path is printed first).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))  # this checkout, not another one's editable install

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

import generator  # noqa: E402
from generator.check.allow import CSS_VALUED, URL_ATTRS  # noqa: E402
from generator.check.reader import PageReader  # noqa: E402
from generator.check.tags import content_span  # noqa: E402

NAMES = sorted(
    {*URL_ATTRS, *CSS_VALUED, "srcset", "imagesrcset", "id", "style", "srcdoc", "name", "role"}
)
ELEMENTS = ["script", "style", "title", "template", "meta", "base", "article", "body", "frameset"]


def selector(name: str) -> str:
    """The attribute selector of `name` (`xlink:href` -> `[xlink\\:href]`)."""
    return "[" + name.replace(":", "\\:") + "]"


QUERY = ",".join([*map(selector, NAMES), *ELEMENTS])

Probe = Callable[[LexborHTMLParser, str], object]


def walk(tree: LexborHTMLParser, html: str) -> object:
    reader = PageReader(html, themed=content_span(html) is not None or "main" in html)
    if tree.root is not None:
        reader.walk(tree.root.traverse())
    return reader


def traverse(tree: LexborHTMLParser, html: str) -> object:
    return sum(1 for _ in tree.root.traverse()) if tree.root else 0


def floor(tree: LexborHTMLParser, html: str) -> object:
    return [node.attributes for node in tree.root.traverse()] if tree.root else None


def pruned(tree: LexborHTMLParser, html: str) -> object:
    text = html.lower()
    found = [selector(name) for name in NAMES if name in text]
    found += [element for element in ELEMENTS if "<" + element in text]
    return tree.css(",".join(found)) if found else []


def absent(count: int) -> Probe:
    query = ",".join(f"[absent-{i}]" for i in range(count))
    return lambda tree, html: tree.css(query)


PROBES: dict[str, Probe | None] = {
    "parse only": None,
    "walk": walk,
    "traverse": traverse,
    "floor (traverse + attributes)": floor,
    f"query ({len(NAMES)} names, {len(ELEMENTS)} elements)": lambda tree, html: tree.css(QUERY),
    "query + attributes": lambda tree, html: [node.attributes for node in tree.css(QUERY)],
    "pruned query": pruned,
    **{f"{n} absent selectors": absent(n) for n in (1, 2, 4, 8, 16)},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site, e.g. /tmp/bc/2000/site")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    pages = sorted(args.site.rglob("*.html"))
    if not pages:
        raise SystemExit(f"no HTML pages in {args.site}")
    texts = [page.read_text(encoding="utf-8", errors="replace") for page in pages]
    print(f"generator: {Path(generator.__file__).parent}")
    print(f"{len(texts)} pages, {sum(map(len, texts)) / 1e6:.1f} M characters\n")
    rounds: dict[str, list[float]] = {label: [] for label in PROBES}
    for _ in range(args.repeat):
        for label, probe in PROBES.items():
            start = time.perf_counter()
            for html in texts:
                tree = LexborHTMLParser(html)
                if probe is not None:
                    probe(tree, html)
            rounds[label].append(time.perf_counter() - start)
    parse = min(rounds["parse only"])
    print(f"{'seconds':34} {'best':>7} {'median':>7} {'+ parse':>8}")
    for label, times in rounds.items():
        best = min(times)
        print(f"{label:34} {best:7.3f} {statistics.median(times):7.3f} {best - parse:+8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
