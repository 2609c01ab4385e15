"""The types of the task vocabulary: frozen dataclasses, no I/O.

[`load_knowledge`][generator.infer.knowledge.load_knowledge] builds them from the shipped
YAML files and a project's `tasks.yaml`; the inference stage reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from generator.model import Location

__all__ = [
    "MODALITIES",
    "STEP_KINDS",
    "Dataset",
    "IOSpec",
    "Knowledge",
    "Modality",
    "ModalityCue",
    "Parameter",
    "StepKind",
    "TaskKind",
    "Technique",
    "WorkflowStep",
]

Modality = Literal[
    "image", "video", "audio", "speech", "text", "3d", "multimodal", "tabular", "time-series"
]
MODALITIES: tuple[Modality, ...] = (
    "image",
    "video",
    "audio",
    "speech",
    "text",
    "3d",
    "multimodal",
    "tabular",
    "time-series",
)
"""Every modality a task can have, in the order pages list them."""

StepKind = Literal["input", "step", "model", "output"]
STEP_KINDS: tuple[StepKind, ...] = ("input", "step", "model", "output")
"""The kinds of step in a workflow template."""


@dataclass(frozen=True)
class ModalityCue:
    """The words that show which modality a question is about.

    A phrase such as `denoise` is shared by tasks on different modalities (photos, video,
    speech); the question's modality cues (`photo`, `footage`, `recording`) choose among them.

    Attributes:
        id: One of [`MODALITIES`][generator.infer.model.MODALITIES].
        name: How a page names it, e.g. `Time series`.
        phrases: Lower-case words or phrases that signal it in a question.
        location: Where it was written.
    """

    id: Modality
    name: str
    phrases: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class IOSpec:
    """What goes into or comes out of a task.

    Attributes:
        modality: The kind of data, in words, e.g. `RGB image` or `mono waveform`.
        shape: Its shape in symbols, e.g. `sH×sW×3`; a task's parameters name the symbols
            that are not the data's own dimensions.
    """

    modality: str
    shape: str


@dataclass(frozen=True)
class Parameter:
    """Something a question may specify about a task, such as the scale of an upscale.

    Attributes:
        name: An id such as `scale` or `target-language`.
        symbol: The symbol it has in the task's shapes (`s` in `sH×sW×3`), or `None`.
        unit: Its unit as shown after a value (`×`, `steps`), or `None`.
        note: One sentence on how to read it from a question, or `None`.
    """

    name: str
    symbol: str | None = None
    unit: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class WorkflowStep:
    """One step of a task's workflow template: input → pre-processing → model → … → output.

    Attributes:
        kind: `input`, `step` (plain engineering), `model` or `output`.
        label: What the step does or holds, e.g. `Convert to floats in [0, 1]`.
        takes: The shape it takes (empty for the input).
        gives: The shape it gives (empty for the output).
    """

    kind: StepKind
    label: str
    takes: str = ""
    gives: str = ""


@dataclass(frozen=True)
class TaskKind:
    """A kind of task, such as single-image super-resolution.

    Attributes:
        id: A lower-case id such as `image-super-resolution`.
        name: How a page names it.
        modality: The modality of its data.
        definition: One plain sentence: what the task does.
        input: What goes in.
        output: What comes out.
        parameters: What a question may specify, in the order written.
        phrases: Lower-case words or phrases that signal the task in a question, a title or
            a summary; they match whole words, and the longest match is the most specific.
        tokens: Parts of a model name that signal the task (`SR`, `Deblur`); each token
            signals one task, compared without regard to case.
        related: Ids of the tasks a model of this task is close to.
        workflow: The workflow template, from its one input to its one output.
        location: Where the task was written.
    """

    id: str
    name: str
    modality: Modality
    definition: str
    input: IOSpec
    output: IOSpec
    workflow: tuple[WorkflowStep, ...]
    location: Location
    parameters: tuple[Parameter, ...] = ()
    phrases: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    def parameter(self, name: str) -> Parameter | None:
        """Return the parameter called `name`, or `None`."""
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True)
class Dataset:
    """A benchmark dataset and the task it is known for.

    Attributes:
        name: Its usual name, e.g. `GoPro`.
        task: The id of the task it is best known for.
        location: Where it was written.
        aliases: Other names it goes by (`GOPRO`, `GoPro_Large`).
        also: Ids of other tasks it is commonly used for.
        note: One neutral sentence about it, or `None`.
    """

    name: str
    task: str
    location: Location
    aliases: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    note: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Its name, then its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Technique:
    """An idea a related paper can lend to an answer, such as knowledge distillation.

    Attributes:
        id: A lower-case id such as `knowledge-distillation`.
        name: How a page names it.
        phrases: Lower-case words or phrases that show it in a title or summary.
        lends: One sentence: what it brings to a model or a pipeline.
        location: Where it was written.
    """

    id: str
    name: str
    phrases: tuple[str, ...]
    lends: str
    location: Location


@dataclass(frozen=True)
class Knowledge:
    """The whole vocabulary, with look-ups.

    Attributes:
        modalities: The modality cues, in the order of
            [`MODALITIES`][generator.infer.model.MODALITIES].
        tasks: The tasks, in the order written (shipped first, then the project's new ones).
        datasets: The datasets, in the same order.
        techniques: The techniques, in the same order.
    """

    modalities: tuple[ModalityCue, ...] = ()
    tasks: tuple[TaskKind, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    techniques: tuple[Technique, ...] = ()
    _by_id: dict[str, TaskKind] = field(init=False, repr=False, compare=False)
    _by_token: dict[str, TaskKind] = field(init=False, repr=False, compare=False)
    _by_dataset: dict[str, Dataset] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexes are derived data: built once here, left out of equality and repr.
        by_token: dict[str, TaskKind] = {}
        for task in self.tasks:
            for token in task.tokens:
                by_token.setdefault(token.casefold(), task)
        by_dataset: dict[str, Dataset] = {}
        for dataset in self.datasets:
            for name in dataset.names:
                by_dataset.setdefault(name.casefold(), dataset)
        by_id: dict[str, TaskKind] = {}
        for task in self.tasks:
            by_id.setdefault(task.id, task)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_token", by_token)
        object.__setattr__(self, "_by_dataset", by_dataset)

    def task(self, task_id: str) -> TaskKind | None:
        """Return the task with id `task_id`, or `None`."""
        return self._by_id.get(task_id)

    def task_of_token(self, token: str) -> TaskKind | None:
        """Return the task a model-name token signals (`sr`, `SR` → super-resolution), or `None`.

        Args:
            token: One part of a model name, as split on `-`, `_`, `.` or case changes.
        """
        return self._by_token.get(token.casefold())

    def dataset(self, name: str) -> Dataset | None:
        """Return the dataset called `name` or known by it as an alias, ignoring case."""
        return self._by_dataset.get(name.casefold())

    def technique(self, technique_id: str) -> Technique | None:
        """Return the technique with id `technique_id`, or `None`."""
        return next((t for t in self.techniques if t.id == technique_id), None)

    def modality(self, modality: str) -> ModalityCue | None:
        """Return the cues of `modality`, or `None`."""
        return next((m for m in self.modalities if m.id == modality), None)

    def related(self, task_id: str) -> tuple[TaskKind, ...]:
        """Return the tasks related to `task_id` in either direction, in task order."""
        task = self.task(task_id)
        if task is None:
            return ()
        return tuple(
            other
            for other in self.tasks
            if other.id != task_id and (other.id in task.related or task_id in other.related)
        )

    def datasets_of(self, task_id: str) -> tuple[Dataset, ...]:
        """Return the datasets known for `task_id`, first those where it is their main task."""
        main = tuple(d for d in self.datasets if d.task == task_id)
        return main + tuple(d for d in self.datasets if task_id in d.also)
