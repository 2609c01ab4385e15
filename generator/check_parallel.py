"""Parallel extract stage of the link check: read and parse pages in worker processes.

Reading and parsing every page is nearly all the check's time (see `benchmarks/README.md`),
and each page is parsed on its own, so large sites spread it over the machine's cores.
[`extract_pages`][generator.check_parallel.extract_pages] yields the pages in the order it
was given, whatever the number of workers, so the classification (which stays in the
calling process) sees the same pages in the same order and the findings are identical to
the sequential path. Sites with less than `PARALLEL_MIN_BYTES` of HTML (about 400 Material
pages) stay in the calling process: there, starting the workers costs more than it saves.

Workers are forked from a fork server (`spawn` where there is none; never a bare `fork`,
unsafe in a process with threads such as `mkdocs serve`) that has imported this module
and the main module once. They get the pages in chunks of about a megabyte of HTML and
send back only each page's ids and links; the calling process parses the first chunk
itself while they start, and a later one whenever the next result is not back. At most a
few chunks per process are in flight, so memory does not grow with the site. A worker that
dies ends the check with a [`CheckWorkerError`][generator.check_parallel.CheckWorkerError],
never a hang. As with any `multiprocessing` code, a script that calls the check must guard
its entry point with `if __name__ == "__main__":`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from generator.check_extract import Link, Page, extract_page
from generator.errors import GeneratorError

__all__ = [
    "CHUNK_BYTES",
    "MAX_JOBS",
    "PARALLEL_MIN_BYTES",
    "CheckWorkerError",
    "default_jobs",
    "extract_chunk",
    "extract_pages",
    "read_page",
]

MAX_JOBS = 8
"""Most worker processes used by default (the default is `min(os.cpu_count(), MAX_JOBS)`)."""
PARALLEL_MIN_BYTES = 12_000_000
"""Sites with less HTML are parsed in the calling process (break-even measured at 7–16 MB)."""
CHUNK_BYTES = 1_000_000
"""About this much HTML is sent to a worker as one task (one task per page costs more IPC)."""
_AHEAD = 2
"""Chunks in flight per process: enough to keep the workers busy, few enough to keep memory flat."""
_PRELOAD = ["__main__", __name__]
"""Imported once by the fork server, so that the workers forked from it start at once."""

Chunk = tuple[str, tuple[str, ...]]
"""A task: the site directory and site-relative page paths."""
Extracted = tuple[
    str, frozenset[str], tuple[str, ...], tuple[Link, ...], str | None, frozenset[str]
]
"""A page as a worker sends it back: the fields of [`Page`][generator.check_extract.Page]."""


class CheckWorkerError(GeneratorError):
    """A worker process of the link check died (killed, out of memory, crashed)."""


def read_page(root: str, path: str) -> Page:
    """Read and extract one page of the site in `root`."""
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as page:
        return extract_page(path, page.read())


def extract_chunk(root: str, paths: tuple[str, ...]) -> list[Extracted]:
    """Extract the pages `paths` of the site in `root` (runs in a worker process).

    Strings repeated across the chunk's pages (the theme's navigation, its ids) are sent
    once: pickle writes an object seen before as a reference, and equal strings are made
    the same object here.
    """
    strings: dict[str, str] = {}
    share = strings.setdefault
    found: list[Extracted] = []
    for path in paths:
        page = read_page(root, path)
        ids = frozenset([share(name, name) for name in page.ids])
        hrefs = tuple([share(url, url) for url in page.hrefs])
        others = tuple([link._replace(url=share(link.url, link.url)) for link in page.others])
        found.append((path, ids, hrefs, others, page.generator, page.cited))
    return found


def default_jobs() -> int:
    """The number of workers used unless told: the machine's cores, at most `MAX_JOBS`."""
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def _chunks(root: str, paths: Sequence[str], size: int) -> Iterator[Chunk]:
    chunk: list[str] = []
    held = 0
    for path in paths:
        chunk.append(path)
        held += os.path.getsize(os.path.join(root, path))
        if held >= size:
            yield root, tuple(chunk)
            chunk, held = [], 0
    if chunk:
        yield root, tuple(chunk)


def _html_bytes(root: str, paths: Sequence[str], limit: int) -> int:
    """The pages' total size, counted only until it reaches `limit`."""
    total = 0
    for path in paths:
        total += os.path.getsize(os.path.join(root, path))
        if total >= limit:
            break
    return total


def extract_pages(
    root: str,
    paths: Sequence[str],
    *,
    jobs: int | None = None,
    min_bytes: int = PARALLEL_MIN_BYTES,
    chunk_bytes: int | None = None,
    worker: Callable[[str, tuple[str, ...]], list[Extracted]] = extract_chunk,
) -> Generator[Page, None, None]:
    """Yield the extracted pages `paths` of the site in `root`, in the order given.

    Args:
        root: The site directory.
        paths: Site-relative paths of the HTML pages.
        jobs: Worker processes; `None` for [`default_jobs`][generator.check_parallel.default_jobs],
            `1` to parse in the calling process.
        min_bytes: Sites with less HTML than this are parsed in the calling process.
        chunk_bytes: About this much HTML goes to a worker as one task; `None` for
            `CHUNK_BYTES`.
        worker: The function a worker runs on one chunk (replaced only by tests).

    Yields:
        Each page's ids and links, exactly as
        [`extract_page`][generator.check_extract.extract_page] returns them.

    Raises:
        CheckWorkerError: A worker process died.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(paths) < 2 or _html_bytes(root, paths, min_bytes) < min_bytes:
        for path in paths:
            yield read_page(root, path)
        return
    yield from _extract_parallel(_chunks(root, paths, chunk_bytes or CHUNK_BYTES), jobs, worker)


def _extract_parallel(
    chunks: Iterator[Chunk],
    jobs: int,
    worker: Callable[[str, tuple[str, ...]], list[Extracted]],
) -> Iterator[Page]:
    """Extract `chunks` with `jobs` workers helped by this process, yielding pages in order.

    Chunks go to the workers in order, at most `_AHEAD` per process in flight. This process
    extracts the first chunk itself while the workers start and, whenever the next chunk in
    order is not back yet, a later one (its result waits in line); it checks the pages as
    they come back.
    """
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context())
    waiting: deque[Future[list[Extracted]] | list[Extracted]] = deque()
    limit = jobs * _AHEAD

    def submit() -> None:
        for chunk in chunks:
            waiting.append(pool.submit(worker, *chunk))
            break

    try:
        first = next(chunks)
        for _ in range(limit - 1):
            submit()
        waiting.appendleft(extract_chunk(*first))  # while the workers start
        while waiting:
            head = waiting[0]
            if isinstance(head, Future) and not head.done() and len(waiting) < 2 * limit:
                chunk = next(chunks, None)
                if chunk is not None:
                    waiting.append(extract_chunk(*chunk))
                    continue
            waiting.popleft()
            extracted = _result(head) if isinstance(head, Future) else head
            submit()  # first, so the workers parse while this chunk is checked
            for path, ids, hrefs, others, generator, cited in extracted:
                yield Page(path, ids, hrefs, others, generator, frozenset(), cited)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """`forkserver` where there is one (POSIX), else `spawn`; never `fork`."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)  # no effect once the server runs
    return context


def _result(future: Future[list[Extracted]]) -> list[Extracted]:
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise CheckWorkerError(
            f"a worker process of the link check died ({error})",
            hint="run the check with `jobs=1` (one process) to see the page that fails, or "
            "free memory; a script that runs the check must guard it with "
            "`if __name__ == '__main__':` (workers import the main module)",
        ) from error
