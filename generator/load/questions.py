"""Read and validate one question file, `references/questions/<id>.yaml`.

The schema (documented in the README):

```yaml
title: Short title for navigation          # required
question: The user's own words             # required
instructions: Extra instructions            # optional
sources:                                    # required: the provided sources, in order
  - key: kim2022mssnet                      # a key of the reference set
    role: recommended-model                 # or related-paper
    model: Deblur-MSSNet-GoPro              # optional: the model name as given
    annotation: Why it matters here (Markdown)
task:                                       # optional
  name: …; summary: …; input: …; output: …; requirements: [ … ]
workflow:                                   # optional; derived from the sources if absent
  nodes: [{id, label, kind, basis, takes, gives, sources, note}]
  edges: [{from, to, label}]
```
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import PurePosixPath

from generator.load.validate import Validator, shorten
from generator.load.yamlread import LineDict, read_yaml
from generator.model import (
    FITS,
    NODE_BASES,
    NODE_KINDS,
    ROLES,
    Finding,
    Location,
    Question,
    SourceUse,
    Task,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
)
from generator.suggest import suggest

__all__ = ["QUESTION_FIELDS", "RESERVED_IDS", "read_question", "read_question_keys"]

QUESTION_FIELDS = ("title", "question", "instructions", "sources", "task", "workflow")
_USE_FIELDS = ("key", "role", "model", "annotation", "fit")
_TASK_FIELDS = ("kind", "name", "summary", "input", "output", "requirements", "parameters")
_NODE_FIELDS = ("id", "label", "kind", "basis", "takes", "gives", "sources", "note")
_EDGE_FIELDS = ("from", "to", "label")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NODE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

RESERVED_IDS = frozenset(
    (
        "bibliography",
        "index",
        "search",
        "assets",
        "reference",
        "about-this-site",
        "404",
        "sitemap",
        "questions",
    )
)
"""Ids a question cannot have: its folder or page would replace a page or folder of the site
(`bibliography.md` and its pages, `index.md`, the lists of questions by task in
`questions/`, `404.html`, `sitemap.xml`, the search index, the theme's assets, the pages
about the site and the tool in `about-this-site/`, and `reference/`, where they once were)."""


def read_question(
    text: str,
    path: str,
    sources: Collection[str],
    *,
    broken: Collection[str] = (),
) -> tuple[Question | None, list[Finding]]:
    """Read one question file and check it against the reference set.

    Args:
        text: The file's text.
        path: Its path relative to the project root; the id is the file name without suffix.
        sources: The keys of the reference set (a mapping by key will do).
        broken: Keys of sources that are written in the reference set but could not be
            read. Their own finding explains why; naming them here is not reported again.

    Returns:
        The question (or `None` when it cannot be built) and every finding.
    """
    question, findings, _ = read_question_keys(text, path, sources, broken=broken)
    return question, findings


def read_question_keys(
    text: str,
    path: str,
    sources: Collection[str],
    *,
    broken: Collection[str] = (),
) -> tuple[Question | None, list[Finding], list[str]]:
    """[`read_question`][generator.load.questions.read_question], plus the keys its
    `sources:` list names, even when the question cannot be built: the loader reads those
    sources in full, and their problems are errors."""
    document, problem = read_yaml(text, path)
    if problem:
        return None, [problem], []
    check = Validator(path)
    qid = PurePosixPath(path).stem
    if not _ID.match(qid):
        check.error(
            "question-bad-id",
            f"question id `{shorten(qid)}` (the file name) must be lower-case letters, "
            "digits and `-`",
            Location(path),
            "rename the file, e.g. `phone-photo-upscale.yaml`",
        )
    elif qid in RESERVED_IDS:
        check.error(
            "question-bad-id",
            f"question id `{qid}` (the file name) is reserved: its pages would replace the "
            f"site's own `{qid}`",
            Location(path),
            f"rename the file, e.g. `{qid}-question.yaml`",
        )
    top = check.mapping(
        document,
        "a question file",
        Location(path, 1),
        "start the file with `title: …`, `question: …` and `sources:` lines "
        "(see the README's input schema)",
    )
    if top is None:
        return None, check.findings, []
    check.fields(top, "a question file", QUESTION_FIELDS)
    title = check.text(top, "title", "the question file", required=True)
    asked = check.text(top, "question", "the question file", required=True)
    instructions = check.text(top, "instructions", "the question file")
    closest = _Closest(sources)
    uses = _read_uses(check, top, sources, broken, closest)
    task = _read_task(check, top)
    listed = _listed(top)
    # A mistyped key is reported once, where it is listed: the nodes that use the key it
    # was meant to be are not reported again.
    meant = {close for key in listed if key not in sources if (close := closest(key))}
    provided = {use.key for use in uses} | {k for k in listed if k in broken} | meant
    workflow = _read_workflow(check, top, provided, sources)
    if check.findings or not title or not asked:
        return None, check.findings, listed
    question = Question(
        id=qid,
        title=title,
        question=asked,
        sources=tuple(uses),
        location=Location(path, 1),
        instructions=instructions,
        task=task,
        workflow=workflow,
    )
    return question, [], listed


def _listed(top: LineDict) -> list[str]:
    """The keys the question's `sources:` list names, valid or not."""
    items = top.get("sources")
    if not isinstance(items, list):
        return []
    return [
        item["key"].strip()
        for item in items
        if isinstance(item, dict) and isinstance(item.get("key"), str)
    ]


class _Closest:
    """Suggestions ("did you mean …?") among the keys of the reference set, for one file.

    Each lookup compares the key with every key of the set (about 10 µs each: 0.5 s in
    50,000 keys), so each key is looked up once, and a file gets a budget of comparisons:
    a question listing thousands of unknown keys against a large bibliography still reads
    in seconds (the keys past the budget get the plain hint).
    """

    BUDGET = 300_000  # comparisons per file (~3 s): 6 lookups in 50,000 keys, 300 in 1,000

    def __init__(self, keys: Collection[str]) -> None:
        self._keys = keys
        self._sorted: list[str] | None = None
        self._found: dict[str, str | None] = {}
        self._left = self.BUDGET

    def __call__(self, key: str) -> str | None:
        if key not in self._found:
            if self._left < len(self._keys):
                return None
            self._left -= len(self._keys)
            if self._sorted is None:
                self._sorted = sorted(self._keys)
            self._found[key] = suggest(key, self._sorted)
        return self._found[key]


def _read_uses(
    check: Validator,
    top: LineDict,
    sources: Collection[str],
    broken: Collection[str],
    closest: _Closest,
) -> list[SourceUse]:
    if "sources" not in top:
        check.error(
            "yaml-missing-field",
            "the question file has no `sources`",
            check.at(top),
            "list the sources provided with the question under `sources:`",
        )
    uses: list[SourceUse] = []
    seen: dict[str, int] = {}
    for item in check.items(top.get("sources"), "sources", top, "the question file"):
        check.fields(item, "a question source", _USE_FIELDS)
        key = check.text(item, "key", "a question source", required=True)
        what = f"source `{key}`" if key else "a question source"
        role = check.choice(item, "role", what, ROLES, ROLES[0])
        if "role" not in item:
            check.error(
                "yaml-missing-field",
                f"{what} has no `role`",
                check.at(item),
                "add `role: recommended-model` or `role: related-paper`",
            )
        annotation = check.text(item, "annotation", what)  # else drafted from the sources
        model = check.text(item, "model", what)
        fit = check.choice(item, "fit", what, FITS, "unknown") if "fit" in item else None
        if key is None:
            continue
        if key not in sources and key in broken:
            continue  # reported where the source is defined
        if key not in sources:
            close = closest(key)
            check.error(
                "question-unknown-source",
                f"source key `{shorten(key)}` is not in the reference set",
                check.at(item, "key"),
                f"did you mean `{close}`?" if close else "add the source to a file in references/",
            )
            continue
        if key in seen:
            check.error(
                "question-duplicate-source",
                f"source `{key}` is listed twice (first on line {seen[key]})",
                check.at(item, "key"),
                "remove one of the two items",
            )
            continue
        seen[key] = item.line_of("key")
        location = Location(check.path, item.line)
        uses.append(SourceUse(key, role, annotation or "", location, model, fit))
    return uses


def _read_task(check: Validator, top: LineDict) -> Task | None:
    if "task" not in top:
        return None
    block = check.mapping(top["task"], "`task`", check.at(top, "task"))
    if block is None:
        return None
    check.fields(block, "`task`", _TASK_FIELDS)
    kind = check.text(block, "kind", "`task`")
    name = check.text(block, "name", "`task`", required=kind is None)
    return Task(
        name=name or "",
        summary=check.text(block, "summary", "`task`") or "",
        input=check.text(block, "input", "`task`") or "",
        output=check.text(block, "output", "`task`") or "",
        requirements=check.texts(block, "requirements", "`task`"),
        kind=kind,
        parameters=_parameters(check, block),
        location=check.at(top, "task"),
    )


def _parameters(check: Validator, block: LineDict) -> tuple[tuple[str, str], ...]:
    """`parameters: {scale: 3}`: name → value, as text."""
    if "parameters" not in block:
        return ()
    values = check.mapping(
        block["parameters"], "`parameters` of `task`", check.at(block, "parameters")
    )
    if values is None:
        return ()
    found = []
    for name in values:
        value = check.text(values, name, "`parameters` of `task`")
        if value is not None:
            found.append((name, value))
    return tuple(found)


def _read_workflow(
    check: Validator, top: LineDict, provided: set[str], sources: Collection[str]
) -> Workflow | None:
    if "workflow" not in top:
        return None
    block = check.mapping(top["workflow"], "`workflow`", check.at(top, "workflow"))
    if block is None:
        return None
    check.fields(block, "`workflow`", ("nodes", "edges"))
    nodes: list[WorkflowNode] = []
    for item in check.items(block.get("nodes"), "nodes", block, "`workflow`"):
        check.fields(item, "a workflow node", _NODE_FIELDS)
        node_id = check.text(item, "id", "a workflow node", required=True)
        what = f"workflow node `{node_id}`"
        if node_id and not _NODE_ID.match(node_id):
            check.error(
                "workflow-bad-id",
                f"{what}: an id is a letter followed by letters, digits or `_`",
                check.at(item, "id"),
                "rename it, e.g. `upscale_x3`",
            )
        keys = check.texts(item, "sources", what)
        for key in keys:
            if key not in provided:
                close = suggest(key, sorted(provided))
                if close:
                    fix = f"did you mean `{close}`?"
                elif key in sources:
                    fix = f"add `{key}` to the question's `sources:`, or remove it from this node"
                else:
                    fix = "name only keys listed in the question's `sources:`"
                check.error(
                    "workflow-unknown-source",
                    f"{what} draws on `{key}`, which is not a provided source of this question",
                    check.at(item, "sources"),
                    fix,
                )
        nodes.append(
            WorkflowNode(
                id=node_id or "",
                label=check.text(item, "label", what, required=True) or "",
                kind=check.choice(item, "kind", what, NODE_KINDS, "model"),
                basis=check.choice(item, "basis", what, NODE_BASES, "provided"),
                takes=check.text(item, "takes", what) or "",
                gives=check.text(item, "gives", what) or "",
                sources=keys,
                note=check.text(item, "note", what) or "",
            )
        )
    ids = [node.id for node in nodes]
    edges: list[WorkflowEdge] = []
    for item in check.items(block.get("edges"), "edges", block, "`workflow`"):
        check.fields(item, "a workflow edge", _EDGE_FIELDS)
        ends = []
        for end in ("from", "to"):
            value = check.text(item, end, "a workflow edge", required=True)
            if value is not None and value not in ids:
                close = suggest(value, ids)
                check.error(
                    "workflow-unknown-node",
                    f"edge `{end}: {value}` names no node of the workflow",
                    check.at(item, end),
                    f"did you mean `{close}`?" if close else "add the node under `nodes:`",
                )
            ends.append(value or "")
        edges.append(WorkflowEdge(ends[0], ends[1], check.text(item, "label", "an edge") or ""))
    if not nodes:
        check.error(
            "workflow-empty",
            "`workflow` has no nodes",
            check.at(top, "workflow"),
            "add input, model and output nodes, or remove `workflow` to derive one",
        )
    return Workflow(tuple(nodes), tuple(edges))
