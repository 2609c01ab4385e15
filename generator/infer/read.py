"""Read one vocabulary file into entries, checking every field with its `file:line`.

The checks that need only the file itself are made here: fields, types, ids, workflow
shape, duplicates within the file. Those that need every file (a `related:` id that names
no task, a token another task already has) are made when the files are merged, in
[`knowledge`][generator.infer.knowledge].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from generator.infer.model import (
    MODALITIES,
    STEP_KINDS,
    Dataset,
    IOSpec,
    ModalityCue,
    Parameter,
    StepKind,
    TaskKind,
    Technique,
    WorkflowStep,
)
from generator.load.validate import Validator
from generator.load.yamlread import LineDict, read_yaml
from generator.model import Finding, Location, Severity

__all__ = ["Entries", "read_entries"]

_MODALITY_FIELDS = ("id", "name", "phrases")
_TASK_FIELDS = (
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
)
_IO_FIELDS = ("modality", "shape")
_PARAMETER_FIELDS = ("name", "symbol", "unit", "note")
_STEP_FIELDS = ("kind", "label", "takes", "gives")
_DATASET_FIELDS = ("name", "aliases", "task", "also", "note")
_TECHNIQUE_FIELDS = ("id", "name", "phrases", "lends")

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOKEN = re.compile(r"^[A-Za-z0-9]+$")

_Choice = TypeVar("_Choice", bound=str)


@dataclass(frozen=True)
class Entries:
    """The entries of one or more files, before they are merged.

    Attributes:
        modalities: Modality cues, in file order.
        tasks: Tasks, in file order.
        datasets: Datasets, in file order.
        techniques: Techniques, in file order.
        broken: Ids of tasks written but left out for a problem already reported: naming
            them in `related:` or in a dataset is not reported again.
        where: `(section, key, field)` → where that field of that entry was written; the
            key is an id, or a dataset's case-folded name.
    """

    modalities: tuple[ModalityCue, ...] = ()
    tasks: tuple[TaskKind, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    techniques: tuple[Technique, ...] = ()
    broken: frozenset[str] = frozenset()
    where: dict[tuple[str, str, str], Location] = field(default_factory=dict)

    def extend(self, other: Entries) -> Entries:
        """Return these entries followed by `other`'s."""
        return Entries(
            self.modalities + other.modalities,
            self.tasks + other.tasks,
            self.datasets + other.datasets,
            self.techniques + other.techniques,
            self.broken | other.broken,
            {**self.where, **other.where},
        )


def read_entries(text: str, path: str, sections: Sequence[str]) -> tuple[Entries, list[Finding]]:
    """Read one vocabulary file.

    Args:
        text: The file's text.
        path: The path to name in findings.
        sections: The top-level lists the file may hold, of `modalities`, `tasks`,
            `datasets` and `techniques`.

    Returns:
        The entries without a problem, and a finding for each problem.
    """
    try:
        document, problem = read_yaml(text, path)
    except RecursionError:  # PyYAML composes nested collections recursively (unbounded here)
        problem = Finding(
            "yaml-syntax",
            Severity.ERROR,
            "YAML syntax error: the lists or mappings are nested too deeply to read",
            Location(path),
            "write the entries as the shipped files do, a few levels deep",
        )
    if problem:
        return Entries(), [problem]
    if document is None:  # an empty file, or only comments
        return Entries(), []
    reader = _Reader(path)
    top = reader.check.mapping(
        document,
        "a vocabulary file",
        Location(path, 1),
        f"start the file with one of {', '.join(f'`{s}:`' for s in sections)} "
        "and list one `- …` item per entry under it",
    )
    if top is None:
        return Entries(), reader.check.findings
    reader.check.fields(top, "a vocabulary file", sections)
    readers: dict[str, Callable[[LineDict], None]] = {
        "modalities": reader.modality,
        "tasks": reader.task,
        "datasets": reader.dataset,
        "techniques": reader.technique,
    }
    for section in sections:
        for item in reader.check.items(top.get(section), section, top, "a vocabulary file"):
            readers[section](item)
    return reader.entries(), reader.check.findings


class _Reader:
    """Reads the entries of one file, recording findings in its validator."""

    def __init__(self, path: str) -> None:
        self.check = Validator(path)
        self.modalities: list[ModalityCue] = []
        self.tasks: list[TaskKind] = []
        self.datasets: list[Dataset] = []
        self.techniques: list[Technique] = []
        self.broken: set[str] = set()
        self.where: dict[tuple[str, str, str], Location] = {}
        self.seen: dict[tuple[str, str], int] = {}

    def entries(self) -> Entries:
        return Entries(
            tuple(self.modalities),
            tuple(self.tasks),
            tuple(self.datasets),
            tuple(self.techniques),
            frozenset(self.broken),
            self.where,
        )

    # -- one reader per section ---------------------------------------------------------

    def modality(self, item: LineDict) -> None:
        before = len(self.check.findings)
        self.check.fields(item, "a modality", _MODALITY_FIELDS)
        cue_id = self._choice(item, "id", "a modality", MODALITIES)
        what = f"modality `{cue_id}`" if cue_id else "a modality"
        name = self.check.text(item, "name", what, required=True)
        phrases = self._phrases(item, what)
        if cue_id and name and self._fresh("modalities", cue_id, item, "id", before):
            self.modalities.append(ModalityCue(cue_id, name, phrases, self._at(item)))

    def task(self, item: LineDict) -> None:
        before = len(self.check.findings)
        self.check.fields(item, "a task", _TASK_FIELDS)
        task_id = self._id(item, "a task")
        what = f"task `{task_id}`" if task_id else "a task"
        name = self.check.text(item, "name", what, required=True)
        modality = self._choice(item, "modality", what, MODALITIES)
        definition = self.check.text(item, "definition", what, required=True)
        put_in = self._io(item, "input", what)
        put_out = self._io(item, "output", what)
        parameters = self._parameters(item, what)
        phrases = self._phrases(item, what)
        tokens = self._tokens(item, what)
        related = self.check.texts(item, "related", what)
        if task_id and task_id in related:
            self.check.error(
                "yaml-bad-value",
                f"{what} lists itself in `related`",
                self.check.at(item, "related"),
                f"remove `{task_id}` from `related`",
            )
        workflow = self._workflow(item, what)
        if not (task_id and name and modality and definition and put_in and put_out):
            if task_id:
                self.broken.add(task_id)
            return
        if not self._fresh("tasks", task_id, item, "id", before):
            return
        for key in ("related", "tokens"):
            self.where["tasks", task_id, key] = self.check.at(item, key)
        self.tasks.append(
            TaskKind(
                id=task_id,
                name=name,
                modality=modality,
                definition=definition,
                input=put_in,
                output=put_out,
                workflow=workflow,
                location=self._at(item),
                parameters=parameters,
                phrases=phrases,
                tokens=tokens,
                related=related,
            )
        )

    def dataset(self, item: LineDict) -> None:
        before = len(self.check.findings)
        self.check.fields(item, "a dataset", _DATASET_FIELDS)
        name = self.check.text(item, "name", "a dataset", required=True)
        what = f"dataset `{name}`" if name else "a dataset"
        aliases = self.check.texts(item, "aliases", what)
        task = self.check.text(item, "task", what, required=True)
        also = self.check.texts(item, "also", what)
        note = self.check.text(item, "note", what)
        if not (name and task):
            return
        if not self._fresh("datasets", name.casefold(), item, "name", before):
            return
        for key in ("name", "aliases", "task", "also"):
            self.where["datasets", name.casefold(), key] = self.check.at(item, key)
        self.datasets.append(Dataset(name, task, self._at(item), aliases, also, note))

    def technique(self, item: LineDict) -> None:
        before = len(self.check.findings)
        self.check.fields(item, "a technique", _TECHNIQUE_FIELDS)
        technique_id = self._id(item, "a technique")
        what = f"technique `{technique_id}`" if technique_id else "a technique"
        name = self.check.text(item, "name", what, required=True)
        phrases = self._phrases(item, what)
        lends = self.check.text(item, "lends", what, required=True)
        if not (technique_id and name and lends):
            return
        if self._fresh("techniques", technique_id, item, "id", before):
            self.techniques.append(Technique(technique_id, name, phrases, lends, self._at(item)))

    # -- fields -------------------------------------------------------------------------

    def _at(self, item: LineDict) -> Location:
        return Location(self.check.path, item.line)

    def _fresh(self, section: str, key: str, item: LineDict, field: str, before: int) -> bool:
        """Whether the entry read since `before` findings has no problem and a new key."""
        if len(self.check.findings) > before:
            if section == "tasks":
                self.broken.add(key)
            return False
        first = self.seen.get((section, key))
        if first is not None:
            self.check.error(
                "yaml-duplicate",
                f"`{field}: {item[field]}` is written twice in `{section}` (first on line {first})",
                self.check.at(item, field),
                "delete one of the two entries, or merge them into one",
            )
            return False
        self.seen[section, key] = item.line_of(field)
        return True

    def _id(self, item: LineDict, what: str) -> str | None:
        value = self.check.text(item, "id", what, required=True)
        if value is not None and not _ID.match(value):
            fixed = "-".join(re.findall(r"[a-z0-9]+", value.lower())) or "my-task"
            self.check.error(
                "yaml-bad-value",
                f"id `{value}` of {what} must be lower-case letters and digits joined by `-`",
                self.check.at(item, "id"),
                f"write `id: {fixed}`",
            )
            return None
        return value

    def _choice(
        self, item: LineDict, key: str, what: str, choices: tuple[_Choice, ...]
    ) -> _Choice | None:
        if self.check.text(item, key, what, required=True) is None:
            return None
        before = len(self.check.findings)
        value = self.check.choice(item, key, what, choices, choices[0])
        return value if len(self.check.findings) == before else None

    def _phrases(self, item: LineDict, what: str) -> tuple[str, ...]:
        phrases = self.check.texts(item, "phrases", what)
        for phrase in phrases:
            if not phrase or phrase != phrase.lower() or phrase != " ".join(phrase.split()):
                self.check.error(
                    "yaml-bad-value",
                    f"phrase `{phrase}` of {what} must be lower-case words, one space apart",
                    self.check.at(item, "phrases"),
                    f"write `{' '.join(phrase.lower().split())}`"
                    if phrase.strip()
                    else "remove the empty phrase",
                )
        return phrases

    def _tokens(self, item: LineDict, what: str) -> tuple[str, ...]:
        tokens = self.check.texts(item, "tokens", what)
        for token in tokens:
            if not _TOKEN.match(token):
                self.check.error(
                    "yaml-bad-value",
                    f"token `{token}` of {what} must be letters and digits only: "
                    "model names are split on `-`, `_`, `.` and case changes",
                    self.check.at(item, "tokens"),
                    "write each part as its own token",
                )
        return tokens

    def _io(self, item: LineDict, key: str, what: str) -> IOSpec | None:
        if key not in item:
            self.check.error(
                "yaml-missing-field",
                f"{what} has no `{key}`",
                self.check.at(item),
                f"add `{key}: {{modality: …, shape: …}}` to {what}",
            )
            return None
        block = self.check.mapping(item[key], f"`{key}` of {what}", self.check.at(item, key))
        if block is None:
            return None
        self.check.fields(block, f"`{key}` of {what}", _IO_FIELDS)
        modality = self.check.text(block, "modality", f"`{key}` of {what}", required=True)
        shape = self.check.text(block, "shape", f"`{key}` of {what}", required=True)
        return IOSpec(modality, shape) if modality and shape else None

    def _parameters(self, item: LineDict, what: str) -> tuple[Parameter, ...]:
        found: list[Parameter] = []
        for block in self.check.items(item.get("parameters"), "parameters", item, what):
            self.check.fields(block, f"a parameter of {what}", _PARAMETER_FIELDS)
            name = self.check.text(block, "name", f"a parameter of {what}", required=True)
            where = f"parameter `{name}` of {what}"
            symbol = self.check.text(block, "symbol", where)
            unit = self.check.text(block, "unit", where)
            note = self.check.text(block, "note", where)
            if name is None:
                continue
            if not _ID.match(name):
                self.check.error(
                    "yaml-bad-value",
                    f"{where}: a name is lower-case letters and digits joined by `-`",
                    self.check.at(block, "name"),
                    "write e.g. `name: target-language`",
                )
            elif any(p.name == name for p in found):
                self.check.error(
                    "yaml-duplicate",
                    f"{what} declares parameter `{name}` twice",
                    self.check.at(block, "name"),
                    "delete one of the two",
                )
            found.append(Parameter(name, symbol, unit, note))
        return tuple(found)

    def _workflow(self, item: LineDict, what: str) -> tuple[WorkflowStep, ...]:
        if "workflow" not in item:
            self.check.error(
                "yaml-missing-field",
                f"{what} has no `workflow`",
                self.check.at(item),
                "add a `workflow:` list from a `kind: input` step to a `kind: output` step",
            )
            return ()
        written = item["workflow"]
        steps: list[WorkflowStep] = []
        for block in self.check.items(written, "workflow", item, what):
            where = f"a workflow step of {what}"
            self.check.fields(block, where, _STEP_FIELDS)
            kind = self._choice(block, "kind", where, STEP_KINDS)
            label = self.check.text(block, "label", where, required=True)
            takes = self.check.text(block, "takes", where) or ""
            gives = self.check.text(block, "gives", where) or ""
            if kind and label:
                steps.append(WorkflowStep(kind, label, takes, gives))
        if not isinstance(written, list):
            return ()  # reported by `items`
        if not written:
            self.check.error(
                "workflow-empty",
                f"the workflow of {what} has no steps",
                self.check.at(item, "workflow"),
                "list its steps: an input, pre-processing, the model, post-processing, an output",
            )
        elif len(steps) == len(written):  # a step with a problem of its own is reported
            _check_shape(self.check, item, what, [step.kind for step in steps])
        return tuple(steps)


def _check_shape(check: Validator, item: LineDict, what: str, kinds: list[StepKind]) -> None:
    """A workflow runs from its one input, through at least one model, to its one output."""
    good = (
        kinds[0] == "input"
        and kinds[-1] == "output"
        and kinds.count("input") == 1
        and kinds.count("output") == 1
        and "model" in kinds
    )
    if not good:
        check.error(
            "workflow-bad-shape",
            f"the workflow of {what} must run from one `input` through a `model` to one "
            f"`output`; found {' → '.join(kinds)}",
            check.at(item, "workflow"),
            "make the first step `kind: input` and the last `kind: output`, "
            "with at least one `kind: model` step between them",
        )
