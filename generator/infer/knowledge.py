"""The task vocabulary: what a question can ask for, and what a provided source can do.

Three shipped files in `generator/infer/data/` hold it: `tasks.yaml` (the modalities and the
tasks), `datasets.yaml` (benchmark datasets and the task each is known for) and
`techniques.yaml` (ideas a related paper can lend). A project may add a `tasks.yaml` of its
own, in the same format, that merges over them: an entry whose id (or, for a dataset, whose
name) is already known replaces it where it stands; a new one is added at the end.

```python
knowledge, findings = load_knowledge(Path("references/tasks.yaml"))
knowledge.task("image-super-resolution").parameters[0].symbol  # "s"
knowledge.task_of_token("VSR").id                                # "video-super-resolution"
knowledge.dataset("gopro").task                                  # "image-deblurring"
```

Every problem of a file is a [`Finding`][generator.model.Finding] with its `file:line`, and
the entry that has it is left out (a shipped entry it would replace stays), so one bad entry
never hides the rest; an id in `related:` or a dataset's `also:` that names no task is left
out of its list. Loading is deterministic: the same files give equal objects, in the order
they were written.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from importlib import resources
from pathlib import Path

from generator.infer.model import (
    MODALITIES,
    Dataset,
    Knowledge,
    ModalityCue,
    TaskKind,
    Technique,
)
from generator.infer.read import Entries, read_entries
from generator.load.reading import read_input
from generator.model import Finding, Location, Severity
from generator.suggest import suggest

__all__ = ["load_knowledge"]


#: The shipped files, in reading order, each with the sections it may hold.
_SHIPPED = (
    ("tasks.yaml", ("modalities", "tasks")),
    ("datasets.yaml", ("datasets",)),
    ("techniques.yaml", ("techniques",)),
)
_OVERLAY_SECTIONS = ("modalities", "tasks", "datasets", "techniques")


def load_knowledge(
    overlay: Path | None = None, *, shown_as: str | None = None
) -> tuple[Knowledge, list[Finding]]:
    """Read the shipped vocabulary and merge a project's `tasks.yaml` over it.

    Args:
        overlay: The project's file, or `None`. A file that does not exist is no overlay:
            a project need not have one.
        shown_as: The path to name in findings, e.g. relative to the project root;
            by default the overlay path as given.

    Returns:
        The vocabulary and every finding: those of reading each file (shipped files
        first), then those of merging them. An entry with an error is left out (a shipped
        entry it would replace stays); the rest is complete.
    """
    shipped, found = _read_shipped()
    findings = list(found)
    parts = [shipped]
    if overlay is not None and (overlay.is_file() or overlay.is_symlink()):
        path = shown_as or overlay.as_posix()
        # As every input file: a regular UTF-8 file of bounded size, else a finding.
        text, problem = read_input(overlay, path)
        if text is None:
            findings.extend([problem] if problem else [])
        else:
            added, problems = read_entries(text, path, _OVERLAY_SECTIONS)
            parts.append(added)
            findings.extend(problems)
    merger = _Merger()
    for part in parts:
        merger.add(part)
    # Datasets come after every task is known: a project's dataset may name a project's task.
    for part in parts:
        merger.add_datasets(part)
    knowledge = merger.knowledge()
    return knowledge, findings + merger.findings


@functools.cache
def _read_shipped() -> tuple[Entries, tuple[Finding, ...]]:
    """The shipped files, read once per process: they are part of the installed package."""
    entries = Entries()
    findings: list[Finding] = []
    data = resources.files("generator.infer").joinpath("data")
    for name, sections in _SHIPPED:
        text = data.joinpath(name).read_text(encoding="utf-8")
        part, problems = read_entries(text, f"generator/infer/data/{name}", sections)
        entries = entries.extend(part)
        findings.extend(problems)
    return entries, tuple(findings)


class _Merger:
    """Merges files in order: a known id (or dataset name) is replaced where it stands."""

    def __init__(self) -> None:
        self.modalities: dict[str, ModalityCue] = {}
        self.tasks: dict[str, TaskKind] = {}
        self.datasets: dict[str, Dataset] = {}
        self.techniques: dict[str, Technique] = {}
        self.broken: set[str] = set()
        self.findings: list[Finding] = []
        # Indexes: case-folded token -> task id; case-folded dataset name or alias -> key.
        self.token_owner: dict[str, str] = {}
        self.name_owner: dict[str, str] = {}
        # (section, key) -> the `where` of the file the entry was taken from.
        self.origin: dict[tuple[str, str], dict[tuple[str, str, str], Location]] = {}

    def add(self, part: Entries) -> None:
        """Merge the modalities, tasks and techniques of one file."""
        self.broken |= part.broken
        for cue in part.modalities:
            self.modalities[cue.id] = cue
        for technique in part.techniques:
            self.techniques[technique.id] = technique
        for task in part.tasks:
            if not self._tokens_free(task, part):
                continue
            if (old := self.tasks.get(task.id)) is not None:
                for token in old.tokens:
                    self.token_owner.pop(token.casefold(), None)
            self.token_owner.update((token.casefold(), task.id) for token in task.tokens)
            self.tasks[task.id] = task
            self.origin["tasks", task.id] = part.where

    def add_datasets(self, part: Entries) -> None:
        """Merge the datasets of one file; each must name a known task."""
        for dataset in part.datasets:
            key = dataset.name.casefold()
            if not self._names_free(dataset, part):
                continue
            if dataset.task not in self.tasks:
                if dataset.task not in self.broken:
                    where = part.where.get(("datasets", key, "task"))
                    self._no_task(dataset.task, f"dataset `{dataset.name}`", "task", where)
                continue
            if (old := self.datasets.get(key)) is not None:
                for name in old.names:
                    self.name_owner.pop(name.casefold(), None)
            self.name_owner.update((name.casefold(), key) for name in dataset.names)
            self.datasets[key] = dataset
            self.origin["datasets", key] = part.where

    def knowledge(self) -> Knowledge:
        """Resolve the task ids that entries name, and return the whole vocabulary."""
        tasks = tuple(
            replace(task, related=self._resolve(task.related, "tasks", task.id, "related"))
            for task in self.tasks.values()
        )
        datasets = tuple(
            replace(dataset, also=self._resolve(dataset.also, "datasets", key, "also"))
            for key, dataset in self.datasets.items()
        )
        return Knowledge(
            modalities=tuple(self.modalities[m] for m in MODALITIES if m in self.modalities),
            tasks=tasks,
            datasets=datasets,
            techniques=tuple(self.techniques.values()),
        )

    def _tokens_free(self, task: TaskKind, part: Entries) -> bool:
        for token in task.tokens:
            owner = self.token_owner.get(token.casefold(), task.id)
            if owner != task.id:
                other = self.tasks[owner]
                self.findings.append(
                    Finding(
                        "yaml-duplicate",
                        Severity.ERROR,
                        f"task `{task.id}` is left out: its token `{token}` already "
                        f"signals task `{other.id}` ({other.location})",
                        part.where.get(("tasks", task.id, "tokens"), task.location),
                        "a token signals one task: keep it on the more specific of the two",
                    )
                )
                return False
        return True

    def _names_free(self, dataset: Dataset, part: Entries) -> bool:
        key = dataset.name.casefold()
        for name in dataset.names:
            owner = self.name_owner.get(name.casefold(), key)
            if owner != key:
                other = self.datasets[owner]
                field = "name" if name == dataset.name else "aliases"
                self.findings.append(
                    Finding(
                        "yaml-duplicate",
                        Severity.ERROR,
                        f"dataset `{dataset.name}` is left out: `{name}` already names "
                        f"dataset `{other.name}` ({other.location})",
                        part.where.get(("datasets", key, field), dataset.location),
                        f"give each dataset its own names, or replace `{other.name}` with an "
                        f"entry `name: {other.name}`",
                    )
                )
                return False
        return True

    def _resolve(self, ids: tuple[str, ...], section: str, key: str, field: str) -> tuple[str, ...]:
        """The ids that name a task; the others are reported (unless left out already)."""
        owner = f"task `{key}`" if section == "tasks" else f"dataset `{self.datasets[key].name}`"
        where = self.origin[section, key].get((section, key, field))
        for task_id in ids:
            if task_id not in self.tasks and task_id not in self.broken:
                self._no_task(task_id, owner, field, where)
        return tuple(task_id for task_id in ids if task_id in self.tasks)

    def _no_task(self, task_id: str, owner: str, field: str, location: Location | None) -> None:
        close = suggest(task_id, list(self.tasks))
        self.findings.append(
            Finding(
                "yaml-bad-value",
                Severity.ERROR,
                f"`{field}` of {owner} names `{task_id}`, which is no task",
                location,
                f"did you mean `{close}`?"
                if close
                else f"name a task's id, or add a task with `id: {task_id}` under `tasks:`",
            )
        )
