"""Synthetic prompts in the plain format, for the scale benchmarks.

`write_prompts(folder, n)` writes `q0000.txt` … one prompt per question: ten everyday tasks
in turn (photo upscaling, denoising, transcription, translation, slow motion…), each prompt
with its own recommended model and three related papers drawn from a shared pool, so that
the reference set holds `n` models plus the pool and most papers are shared by many
questions, as in a real folder of prompts. The hosts are `*.example` (reserved, never
resolved). The same `n` always gives the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

#: (question, model name stem, dataset) — one task each.
TASKS = (
    ("how can I upscale my photo {n}x on my phone quickly", "SR-Lite", "DIV2K"),
    ("how can I remove the noise from my night photos quickly", "Denoise-Tiny", "SIDD"),
    ("how can I transcribe my meeting recording on a laptop quickly", "ASR-Small", "LibriSpeech"),
    ("how can I translate emails from German to English quickly", "MT-Lite", "WMT16"),
    ("how can I make my 30 fps video 240 fps slow motion quickly", "VFI-Flow", "Vimeo90K"),
    ("how can I remove motion blur from a shaky photo on my phone", "Deblur-Fast", "GoPro"),
    ("how can I separate vocals from a song in the browser", "Sep-Mini", "MUSDB18"),
    ("how can I caption my holiday photos automatically offline", "Caption-Small", "COCO"),
    ("how can I summarise long reports on my laptop", "Sum-Base", "CNN-DailyMail"),
    ("how can I find the objects in my dashcam video in real time", "Detect-Nano", "KITTI"),
)
TOPICS = (
    "distillation", "pixel shuffle", "multi-scale features", "optical flow",
    "depthwise convolution", "early exit", "quantization", "pruning", "attention", "caching",
)  # fmt: skip
WORDS = (
    "amber", "basil", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "juniper",
    "kestrel", "lantern", "meadow", "nimbus", "orchid", "pepper", "quartz", "raven", "sierra",
    "tundra", "umber", "violet", "willow", "xenon", "yarrow", "zephyr",
)  # fmt: skip


def prompt(number: int, pool: int = 50) -> str:
    """The prompt of question `number` (three related papers from a pool of `pool`)."""
    rng = random.Random(number)
    question, model, dataset = TASKS[number % len(TASKS)]
    # Two words of its own make each question findable by search.
    tag = f"{WORDS[number % len(WORDS)]} {WORDS[(number // len(WORDS)) % len(WORDS)]}"
    text = question.format(n=2 + number % 3)
    lines = [
        "A user has asked the following question:",
        f'"Question {number} ({tag}): {text}?"',
        "",
        "### Recommended AI Models:",
        f"Model: {model}-{dataset}-{number}",
        f"Paper: https://papers.example/model{number}.pdf",
        "",
        "### Related Papers:",
    ]
    for shared in sorted(rng.sample(range(pool), 3)):
        topic = TOPICS[shared % len(TOPICS)]
        lines += [
            f"Model: Shared Paper {shared}: Fast Models with {topic.title()}",
            f"Paper: https://papers.example/shared{shared}.pdf",
            f"Summary: We study {topic} for fast models on small devices.",
            "",
        ]
    return "\n".join(lines)


def write_prompts(folder: Path, count: int, pool: int = 50) -> list[Path]:
    """Write `count` prompts into `folder` (created); return their paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"q{number:04d}.txt"
        path.write_text(prompt(number, pool), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--pool", type=int, default=50, help="shared related papers")
    args = parser.parse_args()
    write_prompts(args.folder, args.count, args.pool)


if __name__ == "__main__":
    main()
