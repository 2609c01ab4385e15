"""Crash safety: `answersite generate` killed (SIGKILL) at random points, many times.

Every page must be entirely old or entirely new after each kill, and a run to completion
must then converge on exactly what an uninterrupted run writes, leaving no temporary file.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.files import TEMP_SUFFIX

pytestmark = pytest.mark.e2e

QUESTIONS = 30
KILLS = 8


def _add_questions(project: Path) -> None:
    folder = project / "references" / "questions"
    for n in range(QUESTIONS):
        (folder / f"q{n:03d}.yaml").write_text(
            f"title: Question {n}\n"
            f"question: How does case {n} work?\n"
            "sources:\n"
            "  - key: kim2022mssnet\n"
            "    role: recommended-model\n"
            f"    annotation: Why case {n} relies on it [@kim2022mssnet].\n",
            encoding="utf-8",
        )


def _revise(project: Path) -> None:
    """Change something every page shows: the questions' titles and a source's title."""
    for path in (project / "references" / "questions").glob("q*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: Question", "title: Revised question"), "utf-8")
    bib = project / "references" / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("Multi-Scale-Stage Network", "Multi-Scale-Stage Net"), "utf-8")


def _generate(project: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "--project", str(project)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _snapshot(project: Path) -> dict[str, bytes]:
    files = {}
    for folder in ("docs", ".answersite"):
        for path in (project / folder).rglob("*"):
            if path.is_file():
                files[path.relative_to(project).as_posix()] = path.read_bytes()
    return files


def _wait_for_first_page(
    project: Path, old: dict[str, bytes], process: subprocess.Popen[bytes]
) -> float:
    """Wait until the run replaces its first page (`docs/index.md`); return the time."""
    first = project / "docs" / "index.md"
    while first.read_bytes() == old["docs/index.md"] and process.poll() is None:
        time.sleep(0.0005)
    return time.perf_counter()


def test_killed_generates_leave_whole_pages_and_converge(project: Path) -> None:
    _add_questions(project)
    assert _generate(project).wait() == 0
    _revise(project)
    old = _snapshot(project)
    expected_dir = project.parent / "expected"
    shutil.copytree(project, expected_dir)
    reference = _generate(expected_dir)
    # How long the writes take: from the first page replaced to the end of the run.
    first_written = _wait_for_first_page(expected_dir, old, reference)
    assert reference.wait() == 0
    window = max(time.perf_counter() - first_written, 0.01)
    new = _snapshot(expected_dir)
    changed = {path for path in new if old.get(path) != new[path]}
    assert len(changed) > QUESTIONS  # most pages change: kills land while writing

    rng = random.Random(20261126)
    assert old["docs/index.md"] != new["docs/index.md"]  # the first page written changes
    torn = tries = 0
    # At least KILLS tries; more (up to 3×) until two kills have landed mid-write, since on a
    # loaded machine a kill may come after the run ended.
    while tries < KILLS or (torn < 2 and tries < 3 * KILLS):
        tries += 1
        work = project.parent / "work"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(project, work)
        process = _generate(work)
        # Wait until the first page is replaced, then kill at a random point of the writes.
        _wait_for_first_page(work, old, process)
        time.sleep(rng.uniform(0.0, 0.8) * window)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        now = _snapshot(work)
        for path, content in now.items():
            if path.endswith(TEMP_SUFFIX) or "/." in path:
                continue  # a temporary file of the killed run
            assert content in (old.get(path), new.get(path)), f"{path} is half written"
        torn += any(now.get(p) == new[p] for p in changed) and any(
            now.get(p) == old.get(p) for p in changed
        )
        assert _generate(work).wait() == 0  # converges
        assert _snapshot(work) == new
        leftovers = [p for p in work.rglob(f"*{TEMP_SUFFIX}")]
        assert leftovers == []
        second = subprocess.run(
            [sys.executable, "-m", "generator", "generate", "--project", str(work)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "wrote" not in second.stderr  # a second run writes nothing
    assert torn > 0, "no kill landed while pages were being written: the test proves nothing"
