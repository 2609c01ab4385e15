"""The inference stage: the user's task, its parameters, each source's task and fit.

`tests/fixtures/prompts/` holds prompts written with their expected answers before the code
(see its README); every one is checked here, field by field, as a table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.importer import parse_prompt
from generator.infer import (
    guess_source,
    guess_user_task,
    infer_question,
    load_knowledge,
    model_name_parts,
)
from generator.model import Location, Question, Source, SourceUse, Task

PROMPTS = Path(__file__).parent / "fixtures" / "prompts"
SEED = Path(__file__).parent / "fixtures" / "seed" / "000_53d094cc14bda616.txt"
KNOWLEDGE, _ = load_knowledge()
EXPECTED = yaml.safe_load((PROMPTS / "expected.yaml").read_text(encoding="utf-8"))
# The parameters the inference reads: a factor (any `×` parameter), the languages of a
# translation, a programming or spoken language. Others (stems, horizon) are not read yet.
READ = {"scale", "ratio", "frame-rate-factor", "source-language", "target-language", "language"}


def _guesses(name: str):  # type: ignore[no-untyped-def]
    parsed = parse_prompt((PROMPTS / name).read_text(encoding="utf-8"), name)
    user = guess_user_task(parsed.question, KNOWLEDGE)
    sources = [
        guess_source(
            KNOWLEDGE,
            user.task,
            model=source.name if source.role == "recommended-model" else None,
            title=source.name if source.role == "related-paper" else "",
            summary=source.summary or "",
        )
        for source in parsed.sources
    ]
    return parsed, user, sources


@pytest.mark.parametrize("case", EXPECTED, ids=[case["prompt"] for case in EXPECTED])
def test_the_inference_gives_the_expected_answer(case: dict[str, object]) -> None:
    parsed, user, sources = _guesses(str(case["prompt"]))
    assert (user.task.id if user.task else None) == case["task"]
    assert (user.platform.value if user.platform else None) == case["platform"]
    assert sorted(c.value for c in user.constraints) == sorted(case["constraints"] or [])  # type: ignore[arg-type]
    stated = {name: str(v) for name, v in (case.get("parameters") or {}).items()}  # type: ignore[attr-defined]
    got = {name: found.value for name, found in user.parameters}
    assert got == {name: value for name, value in stated.items() if name in READ}
    expected_sources = case["sources"]
    assert isinstance(expected_sources, list)
    assert [s.name for s in parsed.sources] == [e["name"] for e in expected_sources]
    for source, guess, expected in zip(parsed.sources, sources, expected_sources, strict=True):
        assert (guess.task.id if guess.task else None, guess.fit) == (
            expected["task"],
            expected["fit"],
        ), source.name


def test_the_fixtures_cover_enough_ground() -> None:
    modalities = {
        KNOWLEDGE.task(case["task"]).modality  # type: ignore[union-attr]
        for case in EXPECTED
        if case["task"]
    }
    assert len(EXPECTED) >= 12 and len(modalities) >= 6
    fits = {source["fit"] for case in EXPECTED for source in case["sources"]}
    assert fits == {"same-task", "related-task", "other-task", "other-modality", "unknown"}


def test_the_seed_is_super_resolution_x3_on_a_phone_and_mssnet_deblurs() -> None:
    parsed = parse_prompt(SEED.read_text(encoding="utf-8"), "seed.txt")
    user = guess_user_task(parsed.question, KNOWLEDGE)
    assert user.task is not None and user.task.id == "image-super-resolution"
    assert user.parameter("scale") == "3"
    assert user.platform is not None and user.platform.value == "phone"
    assert [c.value for c in user.constraints] == ["speed", "quality", "size"]
    mssnet = guess_source(KNOWLEDGE, user.task, model="Deblur-MSSNet-GoPro")
    assert mssnet.task is not None and mssnet.task.id == "image-deblurring"
    assert mssnet.fit == "other-task"
    assert mssnet.evidence == (
        "“Deblur” in the model name",
        "“GoPro”, a dataset for image deblurring (motion blur)",
    )
    little_big = next(s for s in parsed.sources if s.name.startswith("Speeding Up"))
    guess = guess_source(
        KNOWLEDGE, user.task, title=little_big.name, summary=little_big.summary or ""
    )
    assert (guess.task.id if guess.task else None, guess.fit) == (
        "image-classification",
        "other-task",
    )
    assert "early-exit" in {technique.id for technique, _ in guess.techniques}


@pytest.mark.parametrize(
    ("question", "scale", "words"),
    [
        ("Enlarge my photo 3× please", "3", "3×"),
        ("upscale it 3x on my phone", "3", "3x"),
        ("upscale the scans x4", "4", "x4"),
        ("make the picture three times bigger", "3", "three times"),
        ("upscale the video by a factor of two", "2", "by a factor of two"),
        ("turn 30 fps → 240 fps slow motion", "8", "30 fps → 240 fps"),
        ("upscale the photo from 640×480 to 1920×1440", "3", "640×480 to 1920×1440"),
        ("double the resolution of my photo", "2", "double"),
    ],
)
def test_scale_factors_in_their_many_spellings(question: str, scale: str, words: str) -> None:
    user = guess_user_task(question, KNOWLEDGE)
    assert user.parameters and user.parameters[0][1].value == scale
    assert user.parameters[0][1].evidence == words


def test_a_question_that_names_no_task_is_not_inferred() -> None:
    user = guess_user_task("What is the best AI model? It should be good.", KNOWLEDGE)
    assert (user.task, user.evidence, user.parameters) == (None, (), ())


def test_model_names_split_into_task_word_model_and_dataset() -> None:
    assert model_name_parts("Deblur-MSSNet-GoPro")[:3] == ["Deblur", "MSSNet", "GoPro"]
    assert "Deblur" in model_name_parts("DeblurGAN_v2")


def test_a_stated_task_and_fit_win_over_the_inferred_ones() -> None:
    here = Location("references/questions/q.yaml", 1)
    source = Source("m", "", here)
    use = SourceUse("m", "recommended-model", "", here, model="Deblur-X-GoPro", fit="same-task")
    question = Question(
        "q",
        "Q",
        "How do I remove the noise from my photos?",
        (use,),
        here,
        task=Task("Upscaling", kind="image-super-resolution", parameters=(("scale", "4"),)),
    )
    inference = infer_question(question, {"m": source}, KNOWLEDGE)
    assert inference.stated_task
    assert inference.user.task is not None and inference.user.task.id == "image-super-resolution"
    assert inference.user.parameter("scale") == "4"
    guess = inference.source("m")
    assert guess is not None and guess.fit == "same-task"  # stated; inferred: other-task
    assert guess.task is not None and guess.task.id == "image-deblurring"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=60), st.text(max_size=200))
def test_the_inference_never_fails_on_any_text(question: str, name: str, summary: str) -> None:
    user = guess_user_task(question, KNOWLEDGE)
    guess_source(KNOWLEDGE, user.task, model=name, title=name, summary=summary)
