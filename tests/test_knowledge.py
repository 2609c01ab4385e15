"""Tests for generator.infer: the shipped task vocabulary, and a project's file merged over it.

The shipped data is held to the rules its readers rely on (one token per task, workflows
that chain, symbols that the shapes use); bad project files are named fixtures, each with
the exact finding and its `file:line`; hypothesis feeds arbitrary text as a project file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.infer import MODALITIES, Knowledge, TaskKind, load_knowledge
from generator.model import Finding, Severity

SHIPPED, SHIPPED_FINDINGS = load_knowledge()

#: The seven groups the vocabulary must cover, by modality.
GROUPS = {
    "image": {"image"},
    "video": {"video"},
    "audio and speech": {"audio", "speech"},
    "text": {"text"},
    "3D": {"3d"},
    "multimodal": {"multimodal"},
    "tabular and time series": {"tabular", "time-series"},
}

#: Phrases that tasks of different modalities share on purpose: "denoise my photo", "denoise
#: this clip" and "denoise the recording" are the same words; the question's modality cues
#: (photo, footage, recording) tell the tasks apart. Every other shared phrase is between
#: related tasks.
SHARED_ACROSS_MODALITIES = {
    "denoise",
    "denoises",
    "denoising",
    "denoised",
    "denoiser",
    "noise reduction",
    "noise removal",
    "reduce noise",
    "remove noise",
}


def _raw(name: str) -> dict[str, list[dict[str, object]]]:
    text = (
        resources.files("generator.infer")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


# -- the shipped data -----------------------------------------------------------------------


def test_the_shipped_files_load_without_findings() -> None:
    assert [str(f) for f in SHIPPED_FINDINGS] == []


def test_the_shipped_vocabulary_has_enough_of_everything() -> None:
    assert len(SHIPPED.tasks) >= 40
    assert len(SHIPPED.datasets) >= 40
    assert len(SHIPPED.techniques) >= 20
    per_modality: Counter[str] = Counter(task.modality for task in SHIPPED.tasks)
    for group, modalities in GROUPS.items():
        assert sum(per_modality[m] for m in modalities) >= 3, group
    assert [cue.id for cue in SHIPPED.modalities] == list(MODALITIES)


@pytest.mark.parametrize(
    "task_id",
    [
        "image-super-resolution",
        "image-deblurring",
        "image-denoising",
        "image-deraining",
        "image-dehazing",
        "low-light-enhancement",
        "image-inpainting",
        "image-colorization",
        "image-classification",
        "object-detection",
        "semantic-segmentation",
        "instance-segmentation",
        "depth-estimation",
        "pose-estimation",
        "image-generation",
        "style-transfer",
        "background-removal",
        "ocr",
        "video-super-resolution",
        "video-frame-interpolation",
        "video-stabilization",
        "video-object-tracking",
        "action-recognition",
        "video-denoising",
        "speech-recognition",
        "text-to-speech",
        "speaker-identification",
        "speech-enhancement",
        "music-source-separation",
        "audio-classification",
        "machine-translation",
        "summarization",
        "question-answering",
        "sentiment-classification",
        "named-entity-recognition",
        "text-generation",
        "point-cloud-upsampling",
        "3d-reconstruction",
        "novel-view-synthesis",
        "mesh-generation",
        "image-captioning",
        "visual-question-answering",
        "text-image-retrieval",
        "time-series-forecasting",
        "time-series-anomaly-detection",
        "tabular-classification",
        "tabular-regression",
    ],
)
def test_every_task_the_inference_stage_needs_is_there(task_id: str) -> None:
    assert SHIPPED.task(task_id) is not None


def test_ids_names_and_definitions_are_well_formed() -> None:
    ids = [task.id for task in SHIPPED.tasks] + [t.id for t in SHIPPED.techniques]
    assert len(ids) == len(set(ids))
    for task in SHIPPED.tasks:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", task.id), task.id
        # One plain sentence: a capital, a full stop at the end, none inside.
        assert task.definition[0].isupper() and task.definition.endswith("."), task.id
        assert not re.search(r"[.!?] ", task.definition), task.id
        assert task.phrases, f"{task.id} has no phrase: nothing would recognise it"
    for technique in SHIPPED.techniques:
        assert technique.lends.endswith(".") and technique.phrases, technique.id


def test_every_id_an_entry_names_resolves_and_none_was_dropped() -> None:
    ids = {task.id for task in SHIPPED.tasks}
    written = {item["id"]: item.get("related", []) for item in _raw("tasks.yaml")["tasks"]}
    for task in SHIPPED.tasks:
        assert list(task.related) == written[task.id]
        assert set(task.related) <= ids, task.id
    for dataset in SHIPPED.datasets:
        assert dataset.task in ids and set(dataset.also) <= ids, dataset.name
    assert len(SHIPPED.datasets) == len(_raw("datasets.yaml")["datasets"])


def test_related_is_written_in_both_directions() -> None:
    for task in SHIPPED.tasks:
        for other in task.related:
            related = SHIPPED.task(other)
            assert related is not None and task.id in related.related, (task.id, other)


@pytest.mark.parametrize("task", SHIPPED.tasks, ids=lambda task: task.id)
def test_the_workflow_runs_from_input_to_output_and_each_step_takes_what_it_is_given(
    task: TaskKind,
) -> None:
    kinds = [step.kind for step in task.workflow]
    assert kinds[0] == "input" and kinds[-1] == "output"
    assert kinds.count("input") == kinds.count("output") == 1 and "model" in kinds
    assert not task.workflow[0].takes and not task.workflow[-1].gives
    for before, after in pairwise(task.workflow):
        assert after.takes == before.gives, (before.label, after.label)


@pytest.mark.parametrize("task", SHIPPED.tasks, ids=lambda task: task.id)
def test_the_shapes_use_every_symbol_the_task_declares(task: TaskKind) -> None:
    shapes = f"{task.input.shape} | {task.output.shape}"
    for parameter in task.parameters:
        if parameter.symbol:
            # `s` in `sH×sW×3`: the symbol, not part of a longer lower-case word.
            pattern = rf"(?<![A-Za-z]){re.escape(parameter.symbol)}(?![a-z])"
            assert re.search(pattern, shapes), (parameter.name, shapes)


def test_no_token_signals_two_tasks() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for task in SHIPPED.tasks:
        for token in task.tokens:
            owners[token.casefold()].add(task.id)
    assert {token: ids for token, ids in owners.items() if len(ids) > 1} == {}


def test_a_shared_phrase_joins_related_tasks_or_tasks_of_different_modalities() -> None:
    owners: dict[str, list[TaskKind]] = defaultdict(list)
    for task in SHIPPED.tasks:
        assert len(task.phrases) == len(set(task.phrases)), task.id
        for phrase in task.phrases:
            assert phrase == phrase.lower().strip(), phrase
            owners[phrase].append(task)
    for phrase, tasks in owners.items():
        for a in tasks:
            for b in tasks:
                if a.id >= b.id or b.id in a.related:
                    continue
                assert phrase in SHARED_ACROSS_MODALITIES, (phrase, a.id, b.id)
                assert a.modality != b.modality, (phrase, a.id, b.id)


def test_technique_phrases_belong_to_one_technique_and_no_task() -> None:
    seen: dict[str, str] = {}
    task_phrases = {phrase for task in SHIPPED.tasks for phrase in task.phrases}
    for technique in SHIPPED.techniques:
        for phrase in technique.phrases:
            assert seen.setdefault(phrase, technique.id) == technique.id, phrase
            assert phrase not in task_phrases, phrase


def test_dataset_names_and_aliases_are_unique_ignoring_case() -> None:
    names = [name.casefold() for dataset in SHIPPED.datasets for name in dataset.names]
    assert [name for name, count in Counter(names).items() if count > 1] == []


# -- look-ups -------------------------------------------------------------------------------


def _task_id(task: TaskKind | None) -> str | None:
    return task.id if task else None


def test_lookups_by_id_token_and_dataset_name() -> None:
    sr = SHIPPED.task("image-super-resolution")
    scale = sr.parameter("scale") if sr else None
    assert scale is not None and (scale.symbol, scale.unit) == ("s", "×")
    assert sr is not None and sr.parameter("no-such-parameter") is None
    assert SHIPPED.task("no-such-task") is None
    assert _task_id(SHIPPED.task_of_token("sr")) == "image-super-resolution"
    assert _task_id(SHIPPED.task_of_token("Deblur")) == "image-deblurring"
    assert _task_id(SHIPPED.task_of_token("NERF")) == "novel-view-synthesis"
    assert SHIPPED.task_of_token("MSSNet") is None
    gopro = SHIPPED.dataset("gopro")
    assert gopro is not None and gopro.task == "image-deblurring"
    assert SHIPPED.dataset("B100") == SHIPPED.dataset("BSD100")
    assert SHIPPED.dataset("no such dataset") is None
    distillation = SHIPPED.technique("knowledge-distillation")
    assert distillation is not None and "teacher-student" in distillation.phrases
    image = SHIPPED.modality("image")
    assert image is not None and "photo" in image.phrases


def test_related_works_in_both_directions_and_datasets_by_task() -> None:
    related = [task.id for task in SHIPPED.related("video-super-resolution")]
    assert "image-super-resolution" in related
    assert SHIPPED.related("no-such-task") == ()
    names = [dataset.name for dataset in SHIPPED.datasets_of("video-deblurring")]
    assert names[0] == "DVD" and "GoPro" in names


def _split(model: str) -> list[str]:
    """A model name split the way the inference stage splits it: on - _ . and case changes."""
    parts = [p for p in re.split(r"[-_.]", model) if p]
    return parts + [p for part in parts for p in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", part)]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        pytest.param("Deblur-MSSNet-GoPro", "image-deblurring", id="token-and-dataset"),
        pytest.param("opus-mt-en-de", "machine-translation", id="mt"),
        pytest.param("PU-GAN", "point-cloud-upsampling", id="pu"),
        pytest.param("EDVR_REDS_VSR", "video-super-resolution", id="vsr"),
        pytest.param("Llama-2-7b-chat", "text-generation", id="chat"),
    ],
)
def test_a_model_name_signals_its_task(model: str, expected: str) -> None:
    found = set()
    for part in _split(model):
        if task := SHIPPED.task_of_token(part):
            found.add(task.id)
        if dataset := SHIPPED.dataset(part):
            found.add(dataset.task)
    assert found == {expected}


def _recognise(knowledge: Knowledge, text: str) -> set[str]:
    """A small reference matcher: whole-word phrases, the longest match wins, and the
    question's modality cues choose among tasks of different modalities."""
    lowered = text.lower()
    spans: list[tuple[int, int, str]] = []
    for task in knowledge.tasks:
        for phrase in task.phrases:
            for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
                spans.append((match.start(), match.end(), task.id))
    kept = {
        task_id
        for start, end, task_id in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
    }
    cues = {
        cue.id
        for cue in knowledge.modalities
        for phrase in cue.phrases
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered)
    }
    by_cue = {t for t in kept if (found := knowledge.task(t)) and found.modality in cues}
    return by_cue or kept


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How can I upscale a photo 3× for printing?", {"image-super-resolution"}),
        ("Upscale my 1080p footage to 4K", {"video-super-resolution"}),
        ("Make my blurry vacation photos sharp", {"image-deblurring"}),
        ("Turn 30 fps video into 240 fps slow motion", {"video-frame-interpolation"}),
        ("Remove background noise from my podcast", {"speech-enhancement"}),
        ("Denoise the recording of a phone call", {"speech-enhancement"}),
        ("Denoise my night photos taken at high ISO", {"image-denoising", "low-light-enhancement"}),
        ("Transcribe German interviews into text", {"speech-recognition"}),
        ("Translate product descriptions from German to English", {"machine-translation"}),
        ("Isolate vocals from a song for karaoke", {"music-source-separation"}),
        ("Turn my photos of a statue into a 3D model with photogrammetry", {"3d-reconstruction"}),
        ("Forecast hourly electricity demand for next week", {"time-series-forecasting"}),
        ("Answer questions about an image on a phone", {"visual-question-answering"}),
        ("Remove the background from product photos", {"background-removal"}),
    ],
)
def test_questions_are_recognised(question: str, expected: set[str]) -> None:
    assert _recognise(SHIPPED, question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "What is a fast and clean way to set up a Python environment?",
        "Which GPU should I buy to train models at home?",
        "How do I make my web server faster?",
        "Is it safe to share my API keys in a config file?",
    ],
)
def test_questions_about_no_task_signal_none(question: str) -> None:
    assert _recognise(SHIPPED, question) == set()


# -- a project's file -----------------------------------------------------------------------

SHOWN = "references/tasks.yaml"

NEW_TASK = """\
tasks:
  - id: my-task
    name: My task
    modality: image
    definition: Do a thing.
    input: {modality: RGB image, shape: "H×W×3"}
    output: {modality: RGB image, shape: "H×W×3"}
    workflow:
      - {kind: input, label: In, gives: x}
      - {kind: model, label: Model, takes: x, gives: y}
      - {kind: output, label: Out, takes: y}
"""


def _load(tmp_path: Path, text: str) -> tuple[Knowledge, list[Finding]]:
    path = tmp_path / "tasks.yaml"
    path.write_text(text, encoding="utf-8")
    return load_knowledge(path, shown_as=SHOWN)


def test_no_project_file_is_the_shipped_vocabulary(tmp_path: Path) -> None:
    assert load_knowledge(tmp_path / "missing.yaml") == (SHIPPED, [])
    assert _load(tmp_path, "# nothing yet\n") == (SHIPPED, [])


def test_a_project_file_replaces_in_place_and_adds_at_the_end(tmp_path: Path) -> None:
    text = (
        NEW_TASK.replace("id: my-task", "id: image-super-resolution")
        + NEW_TASK.split("tasks:\n")[1]
        + "    related: [image-super-resolution]\n"
        + "    tokens: [MyTk]\n"
        + "datasets:\n"
        + "  - {name: gopro, task: my-task, note: Replaced.}\n"
        + "  - {name: MyData, aliases: [MD1], task: my-task}\n"
        + "techniques:\n"
        + "  - {id: my-trick, name: My trick, phrases: [my trick], lends: Speed.}\n"
        + "modalities:\n"
        + "  - {id: image, name: Pictures, phrases: [pic]}\n"
    )
    knowledge, findings = _load(tmp_path, text)

    assert findings == []
    ids = [task.id for task in knowledge.tasks]
    assert ids == [task.id for task in SHIPPED.tasks] + ["my-task"]
    replaced = knowledge.task("image-super-resolution")
    assert replaced is not None and replaced.name == "My task" and replaced.tokens == ()
    assert str(replaced.location) == f"{SHOWN}:2"
    assert knowledge.task_of_token("SR") is None  # it went with the replaced task
    assert _task_id(knowledge.task_of_token("mytk")) == "my-task"
    gopro = knowledge.dataset("GOPRO")
    assert gopro is not None and (gopro.name, gopro.task, gopro.note) == (
        "gopro",
        "my-task",
        "Replaced.",
    )
    assert [d.name for d in knowledge.datasets].index("gopro") == [
        d.name for d in SHIPPED.datasets
    ].index("GoPro")
    assert knowledge.dataset("md1") == knowledge.datasets[-1]
    assert knowledge.techniques[-1].id == "my-trick"
    assert len(knowledge.modalities) == len(MODALITIES)
    assert knowledge.modalities[0].name == "Pictures"


def test_loading_is_deterministic(tmp_path: Path) -> None:
    first = _load(tmp_path, NEW_TASK)
    second = _load(tmp_path, NEW_TASK)
    assert first == second and first[0].tasks[-1].id == "my-task"
    assert hash(first[0]) == hash(second[0])


def test_a_bad_replacement_leaves_the_shipped_entry(tmp_path: Path) -> None:
    text = NEW_TASK.replace("id: my-task", "id: image-deblurring").replace("definition", "defn")
    knowledge, findings = _load(tmp_path, text)
    assert [f.code for f in findings] == ["yaml-unknown-field", "yaml-missing-field"]
    assert knowledge.task("image-deblurring") == SHIPPED.task("image-deblurring")
    assert knowledge == SHIPPED


def test_a_reference_to_an_entry_left_out_is_not_reported_again(tmp_path: Path) -> None:
    text = NEW_TASK.replace("modality: image", "modality: imgae") + (
        "datasets:\n  - {name: Mine, task: my-task}\n"
    )
    knowledge, findings = _load(tmp_path, text)
    assert [f.code for f in findings] == ["yaml-bad-value"]
    assert knowledge.dataset("Mine") is None


WORKFLOW_END = "      - {kind: output, label: Out, takes: y}\n"

BAD = [
    pytest.param(
        NEW_TASK.replace("    name: My task\n", "    nmae: My task\n"),
        [
            f"{SHOWN}:3: error: unknown field `nmae` in a task [yaml-unknown-field]\n"
            "  hint: did you mean `name`?",
            f"{SHOWN}:2: error: task `my-task` has no `name` [yaml-missing-field]\n"
            "  hint: add `name: …` to task `my-task`",
        ],
        id="unknown-field",
    ),
    pytest.param(
        NEW_TASK + "    phrases: {a: b}\n",
        [
            f"{SHOWN}:12: error: `phrases` in task `my-task` must be a list of text, found a "
            "mapping [yaml-wrong-type]\n  hint: write `phrases: [a, b]` or one `- item` per line"
        ],
        id="wrong-type",
    ),
    pytest.param(
        NEW_TASK.replace("    definition: Do a thing.\n", ""),
        [
            f"{SHOWN}:2: error: task `my-task` has no `definition` [yaml-missing-field]\n"
            "  hint: add `definition: …` to task `my-task`"
        ],
        id="missing-field",
    ),
    pytest.param(
        NEW_TASK + NEW_TASK.split("tasks:\n")[1],
        [
            f"{SHOWN}:12: error: `id: my-task` is written twice in `tasks` (first on line 2) "
            "[yaml-duplicate]\n  hint: delete one of the two entries, or merge them into one"
        ],
        id="duplicate-id",
    ),
    pytest.param(
        NEW_TASK + "    related: [image-super-resolutoin]\n",
        [
            f"{SHOWN}:12: error: `related` of task `my-task` names `image-super-resolutoin`, "
            "which is no task [yaml-bad-value]\n  hint: did you mean `image-super-resolution`?"
        ],
        id="unknown-related",
    ),
    pytest.param(
        NEW_TASK + "    related: [my-task]\n",
        [
            f"{SHOWN}:12: error: task `my-task` lists itself in `related` [yaml-bad-value]\n"
            "  hint: remove `my-task` from `related`"
        ],
        id="related-to-itself",
    ),
    pytest.param(
        NEW_TASK + "datasets:\n  - {name: Mine, task: my-tsk}\n",
        [
            f"{SHOWN}:13: error: `task` of dataset `Mine` names `my-tsk`, which is no task "
            "[yaml-bad-value]\n  hint: did you mean `my-task`?"
        ],
        id="dataset-unknown-task",
    ),
    pytest.param(
        "datasets:\n  - {name: Mine, task: image-deblurring, also: [xyz]}\n",
        [
            f"{SHOWN}:2: error: `also` of dataset `Mine` names `xyz`, which is no "
            "task [yaml-bad-value]\n  hint: name a task's id, or add a task with "
            "`id: xyz` under `tasks:`"
        ],
        id="dataset-unknown-also",
    ),
    pytest.param(
        NEW_TASK.replace(WORKFLOW_END, ""),
        [
            f"{SHOWN}:8: error: the workflow of task `my-task` must run from one `input` "
            "through a `model` to one `output`; found input → model [workflow-bad-shape]\n"
            "  hint: make the first step `kind: input` and the last `kind: output`, with at "
            "least one `kind: model` step between them"
        ],
        id="workflow-without-output",
    ),
    pytest.param(
        NEW_TASK + "      - {kind: input, label: Again, takes: y}\n",
        [
            f"{SHOWN}:8: error: the workflow of task `my-task` must run from one `input` "
            "through a `model` to one `output`; found input → model → output → input "
            "[workflow-bad-shape]\n"
            "  hint: make the first step `kind: input` and the last `kind: output`, with at "
            "least one `kind: model` step between them"
        ],
        id="workflow-with-two-inputs",
    ),
    pytest.param(
        NEW_TASK.split("    workflow:")[0] + "    workflow: []\n",
        [
            f"{SHOWN}:8: error: the workflow of task `my-task` has no steps [workflow-empty]\n"
            "  hint: list its steps: an input, pre-processing, the model, post-processing, "
            "an output"
        ],
        id="workflow-empty",
    ),
    pytest.param(
        NEW_TASK.replace("kind: model", "kind: modle"),
        [
            f"{SHOWN}:10: error: `kind` in a workflow step of task `my-task` must be one of "
            "input, step, model, output; found `modle` [yaml-bad-value]\n"
            "  hint: did you mean `model`?"
        ],
        id="workflow-bad-kind",
    ),
    pytest.param(
        NEW_TASK.replace("modality: image\n", "modality: imgae\n"),
        [
            f"{SHOWN}:4: error: `modality` in task `my-task` must be one of image, video, "
            "audio, speech, text, 3d, multimodal, tabular, time-series; found `imgae` "
            "[yaml-bad-value]\n  hint: did you mean `image`?"
        ],
        id="bad-modality",
    ),
    pytest.param(
        NEW_TASK.replace("id: my-task", "id: My_Task"),
        [
            f"{SHOWN}:2: error: id `My_Task` of a task must be lower-case letters and digits "
            "joined by `-` [yaml-bad-value]\n  hint: write `id: my-task`"
        ],
        id="bad-id",
    ),
    pytest.param(
        NEW_TASK + "    phrases: [Upscale]\n",
        [
            f"{SHOWN}:12: error: phrase `Upscale` of task `my-task` must be lower-case words, "
            "one space apart [yaml-bad-value]\n  hint: write `upscale`"
        ],
        id="phrase-not-lower-case",
    ),
    pytest.param(
        NEW_TASK + "    tokens: [Super-Res]\n",
        [
            f"{SHOWN}:12: error: token `Super-Res` of task `my-task` must be letters and "
            "digits only: model names are split on `-`, `_`, `.` and case changes "
            "[yaml-bad-value]\n  hint: write each part as its own token"
        ],
        id="token-with-separator",
    ),
    pytest.param(
        NEW_TASK + "    tokens: [sr]\n",
        [
            f"{SHOWN}:12: error: task `my-task` is left out: its token `sr` already signals "
            "task `image-super-resolution` (generator/infer/data/tasks.yaml:75) "
            "[yaml-duplicate]\n"
            "  hint: a token signals one task: keep it on the more specific of the two"
        ],
        id="token-of-another-task",
    ),
    pytest.param(
        "datasets:\n  - {name: Mine, aliases: [gopro], task: image-deblurring}\n",
        [
            f"{SHOWN}:2: error: dataset `Mine` is left out: `gopro` already names dataset "
            "`GoPro` (generator/infer/data/datasets.yaml:23) [yaml-duplicate]\n"
            "  hint: give each dataset its own names, or replace `GoPro` with an entry "
            "`name: GoPro`"
        ],
        id="dataset-alias-taken",
    ),
    pytest.param(
        "techniques:\n  - {id: my-trick, name: My trick}\n",
        [
            f"{SHOWN}:2: error: technique `my-trick` has no `lends` [yaml-missing-field]\n"
            "  hint: add `lends: …` to technique `my-trick`"
        ],
        id="technique-without-lends",
    ),
    pytest.param(
        "modalities:\n  - {id: smell, name: Smell}\n",
        [
            f"{SHOWN}:2: error: `id` in a modality must be one of image, video, audio, "
            "speech, text, 3d, multimodal, tabular, time-series; found `smell` "
            "[yaml-bad-value]\n  hint: did you mean `image`?"
        ],
        id="unknown-modality-id",
    ),
    pytest.param(
        "task: []\n",
        [
            f"{SHOWN}:1: error: unknown field `task` in a vocabulary file "
            "[yaml-unknown-field]\n  hint: did you mean `tasks`?"
        ],
        id="unknown-section",
    ),
    pytest.param(
        "tasks: {id: x}\n",
        [
            f"{SHOWN}:1: error: `tasks` in a vocabulary file must be a list, found a mapping "
            "[yaml-wrong-type]\n  hint: write one `- …` item per entry under `tasks:`"
        ],
        id="section-not-a-list",
    ),
    pytest.param(
        "- a\n- b\n",
        [
            f"{SHOWN}:1: error: a vocabulary file must be a mapping (`key: value` lines), "
            "found a list [yaml-not-a-mapping]\n  hint: start the file with one of "
            "`modalities:`, `tasks:`, `datasets:`, `techniques:` and list one `- …` item per "
            "entry under it"
        ],
        id="not-a-mapping",
    ),
    pytest.param(
        "tasks: [\n",
        [
            f"{SHOWN}:2:1: error: YAML syntax error: expected the node content, but found "
            "'<stream end>' [yaml-syntax]\n  hint: check the indentation and quoting on this "
            "line (a value with ': ' needs quotes)"
        ],
        id="yaml-syntax",
    ),
    pytest.param(NEW_TASK, [], id="clean"),
]


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_each_problem_of_a_project_file_is_one_finding_at_its_line(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    knowledge, findings = _load(tmp_path, text)
    assert [str(finding) for finding in findings] == expected
    assert all(finding.severity is Severity.ERROR for finding in findings)
    # Whatever went wrong, the shipped vocabulary is all there.
    assert {t.id for t in SHIPPED.tasks} <= {t.id for t in knowledge.tasks}


def test_nesting_too_deep_to_read_is_one_finding_not_a_crash(tmp_path: Path) -> None:
    # PyYAML composes recursively: a thousand `[` are a RecursionError unless caught. Which
    # finding says so is read_yaml's to decide (a depth limit, or the syntax error here).
    knowledge, findings = _load(tmp_path, "[" * 1000)
    assert len(findings) == 1 and findings[0].code in {"yaml-syntax", "yaml-too-deep"}
    assert findings[0].location is not None and findings[0].location.path == SHOWN
    assert knowledge == SHIPPED


def test_a_file_that_is_not_utf8_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "tasks.yaml"
    path.write_bytes(b"tasks: \xff\n")
    knowledge, findings = load_knowledge(path, shown_as=SHOWN)
    assert [str(f) for f in findings] == [  # as for every input file: line and column
        f"{SHOWN}:1:8: error: expected UTF-8 text, found the byte 0xFF, which is not UTF-8 "
        "(the file is probably Latin-1 or Windows-1252) [ref-bad-encoding]\n"
        "  hint: save it as UTF-8 (in most editors: Save As… > Encoding > UTF-8)"
    ]
    assert knowledge == SHIPPED


def test_findings_name_the_overlay_path_as_given_by_default(tmp_path: Path) -> None:
    path = tmp_path / "tasks.yaml"
    path.write_text("task: []\n", encoding="utf-8")
    _, findings = load_knowledge(path)
    assert [str(f.location) for f in findings] == [f"{path.as_posix()}:1"]


# -- arbitrary input ------------------------------------------------------------------------

_FIELDS = [
    "id",
    "name",
    "modality",
    "definition",
    "input",
    "output",
    "parameters",
    "phrases",
    "tokens",
    "related",
    "workflow",
    "kind",
    "label",
    "takes",
    "gives",
    "aliases",
    "task",
    "also",
    "lends",
    "shape",
    "symbol",
]
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(["image", "input", "model", "output", "image-deblurring", "SR", "GoPro"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_FIELDS), inner, max_size=5)
    ),
    max_leaves=25,
)
_documents = st.dictionaries(
    st.sampled_from(["modalities", "tasks", "datasets", "techniques", "other"]),
    st.lists(st.dictionaries(st.sampled_from(_FIELDS), _values, max_size=8), max_size=3) | _values,
    max_size=4,
)
_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _never_raises(tmp: Path, text: str) -> None:
    path = tmp / "tasks.yaml"
    path.write_text(text, encoding="utf-8")
    knowledge, findings = load_knowledge(path, shown_as=SHOWN)
    assert isinstance(knowledge, Knowledge)
    assert all(isinstance(f, Finding) and f.location is not None for f in findings)
    assert all(f.location.path == SHOWN for f in findings if f.location)
    assert {t.id for t in SHIPPED.tasks} <= {t.id for t in knowledge.tasks}


@_SETTINGS
@given(text=st.text())
def test_arbitrary_text_as_a_project_file_never_raises(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    _never_raises(tmp_path_factory.mktemp("text"), text)


@_SETTINGS
@given(document=_documents)
def test_arbitrary_yaml_shaped_like_the_vocabulary_never_raises(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, object]
) -> None:
    _never_raises(tmp_path_factory.mktemp("yaml"), yaml.safe_dump(document, allow_unicode=True))
