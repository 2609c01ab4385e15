"""The site search of a large site, in a real browser: index size and time to first results.

On demand only (not in CI):

    python benchmarks/bench_search.py SITE [SITE ...] [--repeat 3]

Each SITE is a built site (e.g. one that `bench_build.py --keep DIR` left in
`DIR/n1000/site`). It is served on 127.0.0.1; Debian's Chromium (headless, nothing fetched
from elsewhere) opens the home page, types the two words that make one question unique
(`synthetic.py` gives every question two of its own, e.g. "juniper amber"), and the time
from the first keystroke to the first result on screen is measured, in a fresh browser
context each time (no cache), best and median of `--repeat`. The search index's size is
printed beside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from browser_support import chromium, only_local, serve  # noqa: E402

QUERY = "juniper amber"


def first_results(base: str, browser: object, query: str) -> float:
    """Seconds from the first keystroke to the first search result shown."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    only_local(page, base)
    page.goto(f"{base}/", wait_until="load")
    page.keyboard.press("s")  # Material's search shortcut
    started = time.perf_counter()
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=60_000)
    took = time.perf_counter() - started
    context.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", type=Path, nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--query", default=QUERY)
    args = parser.parse_args()
    from playwright import sync_api

    for site in args.sites:
        index = site / "search" / "search_index.json"
        documents = len(json.loads(index.read_text(encoding="utf-8"))["docs"])
        with serve(site) as base, chromium(sync_api) as browser:
            times = [first_results(base, browser, args.query) for _ in range(args.repeat)]
        print(
            f"{site}: index {index.stat().st_size / 2**20:.2f} MB, {documents} sections; "
            f"first results after typing {args.query!r}: best {min(times):.2f} s, "
            f"median {statistics.median(times):.2f} s"
        )


if __name__ == "__main__":
    main()
