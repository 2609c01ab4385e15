"""The vocabulary the inference stage drafts answers with: tasks, datasets and techniques.

It recognises the user's task in a question ("upscale a photo 3×" → single-image
super-resolution, scale 3) and each provided source's task (from a model name such as
`Deblur-MSSNet-GoPro`, a title or a summary), so that it can judge how well each source fits.
The vocabulary is data, shipped as YAML in `generator/infer/data/`; a project can extend or
override it with a `tasks.yaml` of its own. The modules:

| module | what |
|---|---|
| [`model`][generator.infer.model] | the frozen dataclasses |
| [`read`][generator.infer.read] | one YAML file → entries, with `file:line` findings |
| [`knowledge`][generator.infer.knowledge] | shipped files + a project's file → `Knowledge` |
| [`inference`][generator.infer.inference] | a question and its sources → tasks, fits, techniques |
"""

from generator.infer.inference import (
    Found,
    QuestionInference,
    SourceGuess,
    UserTask,
    fit_of,
    guess_source,
    guess_user_task,
    infer_question,
    model_name_parts,
)
from generator.infer.knowledge import load_knowledge
from generator.infer.model import (
    MODALITIES,
    STEP_KINDS,
    Dataset,
    IOSpec,
    Knowledge,
    Modality,
    ModalityCue,
    Parameter,
    StepKind,
    TaskKind,
    Technique,
    WorkflowStep,
)

__all__ = [
    "MODALITIES",
    "STEP_KINDS",
    "Dataset",
    "Found",
    "IOSpec",
    "Knowledge",
    "Modality",
    "ModalityCue",
    "Parameter",
    "QuestionInference",
    "SourceGuess",
    "StepKind",
    "TaskKind",
    "Technique",
    "UserTask",
    "WorkflowStep",
    "fit_of",
    "guess_source",
    "guess_user_task",
    "infer_question",
    "load_knowledge",
    "model_name_parts",
]
