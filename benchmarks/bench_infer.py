"""The inference's accuracy on the prompt fixtures, and the import time per prompt.

On demand only (not in CI):

    python benchmarks/bench_infer.py [--repeat 3]

Accuracy: each field of `tests/fixtures/prompts/expected.yaml` (a ground truth written by
hand before the code) against what the inference gives, field by field. Time: each prompt
imported with `answersite import` into a fresh project, in one process (the first import
pays for loading the reference set), best of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.importer import import_prompt, parse_prompt  # noqa: E402
from generator.infer import guess_source, guess_user_task, load_knowledge  # noqa: E402

PROMPTS = ROOT / "tests" / "fixtures" / "prompts"


def accuracy() -> None:
    knowledge, _ = load_knowledge()
    expected = yaml.safe_load((PROMPTS / "expected.yaml").read_text(encoding="utf-8"))
    right = dict.fromkeys(
        ("task", "parameters", "platform", "constraints", "source task", "fit"), 0
    )
    total = dict.fromkeys(right, 0)
    started = time.perf_counter()
    for case in expected:
        parsed = parse_prompt((PROMPTS / case["prompt"]).read_text(encoding="utf-8"), "p")
        user = guess_user_task(parsed.question, knowledge)
        got = {
            "task": user.task.id if user.task else None,
            "platform": user.platform.value if user.platform else None,
            "constraints": sorted(c.value for c in user.constraints),
            "parameters": {name: found.value for name, found in user.parameters},
        }
        want = {
            "task": case["task"],
            "platform": case["platform"],
            "constraints": sorted(case["constraints"] or []),
            "parameters": {k: str(v) for k, v in (case.get("parameters") or {}).items()},
        }
        for field in got:
            total[field] += 1
            right[field] += got[field] == want[field]
        for source, exp in zip(parsed.sources, case["sources"], strict=True):
            guess = guess_source(
                knowledge,
                user.task,
                model=source.name if source.role == "recommended-model" else None,
                title=source.name if source.role == "related-paper" else "",
                summary=source.summary or "",
            )
            total["source task"] += 1
            total["fit"] += 1
            right["source task"] += (guess.task.id if guess.task else None) == exp["task"]
            right["fit"] += guess.fit == exp["fit"]
    took = time.perf_counter() - started
    print(f"== inference on {len(expected)} prompts ({total['fit']} sources) ==")
    for field in right:
        print(f"{field:14} {right[field]:3}/{total[field]:<3} {right[field] / total[field]:6.1%}")
    print(f"{'time':14} {took * 1000 / len(expected):7.2f} ms a prompt (inference only)")


def import_times(repeat: int) -> None:
    prompts = sorted(PROMPTS.glob("*.txt"))
    best: list[float] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "references").mkdir()
            times = []
            for prompt in prompts:
                started = time.perf_counter()
                import_prompt(prompt, root)
                times.append(time.perf_counter() - started)
            best = times if not best or sum(times) < sum(best) else best
    print(f"== import of {len(prompts)} prompts into one project, best of {repeat} ==")
    print(f"{'median':14} {statistics.median(best) * 1000:7.2f} ms a prompt")
    print(f"{'slowest':14} {max(best) * 1000:7.2f} ms")
    print(f"{'total':14} {sum(best):7.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    accuracy()
    import_times(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
