"""Tests for generator.questions: reading and validating one question file."""

from __future__ import annotations

import textwrap

import pytest

from generator.load import questions
from generator.load.questions import RESERVED_IDS, read_question, read_question_keys
from generator.model import (
    Finding,
    Location,
    Question,
    Severity,
    Source,
    SourceUse,
    Task,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
)
from generator.suggest import suggest

PATH = "references/questions/q1.yaml"
SOURCES = {
    key: Source(key=key, title=key.title(), location=Location("references/sources.bib", n))
    for n, key in enumerate(["kim2022mssnet", "liu2024littlebig", "song2024mbpu"], start=1)
}

FULL = """
title: Fast 3× upscaling
question: >-
  How can a light model
  upscale this fast?
instructions: Use only the provided sources.
sources:
  - key: kim2022mssnet
    role: recommended-model
    model: Deblur-MSSNet-GoPro
    annotation: |
      The recommended model.
      It does **not** enlarge.
  - key: liu2024littlebig
    role: related-paper
    annotation: A related paper.
task:
  name: Single-image super-resolution (×3)
  summary: Enlarge one photo.
  input: H×W×3
  output: 3H×3W×3
  requirements:
    - Crisp
    - "Fast: on a phone"
workflow:
  nodes:
    - id: photo
      label: Photo
      kind: input
      basis: ours
      gives: H×W×3
    - id: model_1
      label: MSSNet
      takes: H×W×3
      gives: 3H×3W×3
      sources: [kim2022mssnet, liu2024littlebig]
      note: As *released*.
    - {id: result, label: Result, kind: output, basis: ours}
  edges:
    - {from: photo, to: model_1}
    - {from: model_1, to: result, label: upscaled}
"""


def read(text: str, path: str = PATH) -> tuple[Question | None, list[Finding]]:
    return read_question(textwrap.dedent(text).lstrip("\n"), path, SOURCES)


def problems(text: str, path: str = PATH) -> list[tuple[int | None, str, str, str | None]]:
    """The findings of a question file that cannot be read, as (line, code, message, hint)."""
    question, findings = read(text, path)
    assert question is None
    assert all(f.severity is Severity.ERROR and f.location.path == path for f in findings)
    return [(f.location.line, f.code, f.message, f.hint) for f in findings]


def minimal(**more: str) -> str:
    """A valid question file with one source, plus top-level blocks given as YAML text."""
    text = (
        "title: T\nquestion: Q?\nsources:\n"
        "  - {key: kim2022mssnet, role: recommended-model, annotation: A.}\n"
    )
    return text + "".join(textwrap.dedent(block) for block in more.values())


def test_every_field_is_read() -> None:
    question, findings = read(FULL)

    assert findings == []
    assert question == Question(
        id="q1",
        title="Fast 3× upscaling",
        question="How can a light model upscale this fast?",
        instructions="Use only the provided sources.",
        location=Location(PATH, 1),
        sources=(
            SourceUse(
                key="kim2022mssnet",
                role="recommended-model",
                annotation="The recommended model.\nIt does **not** enlarge.",
                location=Location(PATH, 7),
                model="Deblur-MSSNet-GoPro",
            ),
            SourceUse(
                key="liu2024littlebig",
                role="related-paper",
                annotation="A related paper.",
                location=Location(PATH, 13),
            ),
        ),
        task=Task(
            name="Single-image super-resolution (×3)",
            summary="Enlarge one photo.",
            input="H×W×3",
            output="3H×3W×3",
            requirements=("Crisp", "Fast: on a phone"),
        ),
        workflow=Workflow(
            nodes=(
                WorkflowNode("photo", "Photo", "input", "ours", gives="H×W×3"),
                WorkflowNode(
                    "model_1",
                    "MSSNet",
                    "model",
                    "provided",
                    takes="H×W×3",
                    gives="3H×3W×3",
                    sources=("kim2022mssnet", "liu2024littlebig"),
                    note="As *released*.",
                ),
                WorkflowNode("result", "Result", "output", "ours"),
            ),
            edges=(
                WorkflowEdge("photo", "model_1"),
                WorkflowEdge("model_1", "result", "upscaled"),
            ),
        ),
    )
    assert question.use("liu2024littlebig") is question.sources[1]
    assert question.use("song2024mbpu") is None


def test_task_and_workflow_are_optional() -> None:
    question, findings = read(minimal())

    assert findings == []
    assert question is not None
    assert (question.instructions, question.task, question.workflow) == (None, None, None)


@pytest.mark.parametrize("role", ["recommended-model", "related-paper"])
def test_both_roles_are_accepted(role: str) -> None:
    question, _ = read(minimal().replace("recommended-model", role))

    assert question is not None
    assert question.sources[0].role == role


def test_a_role_that_is_not_one_of_the_two() -> None:
    assert problems(minimal().replace("recommended-model", "recommended")) == [
        (
            4,
            "yaml-bad-value",
            "`role` in source `kim2022mssnet` must be one of recommended-model, related-paper; "
            "found `recommended`",
            "did you mean `recommended-model`?",
        )
    ]


def test_a_source_without_role_is_a_problem_and_without_annotation_is_not() -> None:
    # A missing annotation is drafted from the sources on the references page.
    text = "title: T\nquestion: Q?\nsources:\n  - key: kim2022mssnet\n"
    assert problems(text) == [
        (
            4,
            "yaml-missing-field",
            "source `kim2022mssnet` has no `role`",
            "add `role: recommended-model` or `role: related-paper`",
        ),
    ]


def test_unknown_field_suggests_the_closest() -> None:
    assert problems(minimal(extra="instruction: Be brief.\n")) == [
        (
            5,
            "yaml-unknown-field",
            "unknown field `instruction` in a question file",
            "did you mean `instructions`?",
        )
    ]


def test_unknown_field_with_nothing_close_lists_the_allowed() -> None:
    assert problems(minimal(extra="zzz: 1\n")) == [
        (
            5,
            "yaml-unknown-field",
            "unknown field `zzz` in a question file",
            "allowed: title, question, instructions, sources, task, workflow",
        )
    ]


def test_unknown_source_key_suggests_the_closest() -> None:
    assert problems(minimal().replace("kim2022mssnet", "kim2022msnet")) == [
        (
            4,
            "question-unknown-source",
            "source key `kim2022msnet` is not in the reference set",
            "did you mean `kim2022mssnet`?",
        )
    ]


def test_unknown_source_key_with_nothing_close() -> None:
    assert problems(minimal().replace("kim2022mssnet", "zz")) == [
        (
            4,
            "question-unknown-source",
            "source key `zz` is not in the reference set",
            "add the source to a file in references/",
        )
    ]


def test_a_mistyped_source_key_is_reported_once_not_on_every_node() -> None:
    text = minimal(
        workflow="workflow:\n  nodes: [{id: m, label: M, sources: [kim2022mssnet]}]\n"
    ).replace("{key: kim2022mssnet", "{key: kim2022msnet")
    assert [code for _, code, _, _ in problems(text)] == ["question-unknown-source"]


def test_a_broken_source_is_not_reported_again() -> None:
    text = minimal(workflow="workflow:\n  nodes: [{id: m, label: M, sources: [gone]}]\n")
    text = text.replace("kim2022mssnet", "gone")
    question, findings = read_question(text, PATH, SOURCES, broken={"gone"})

    assert (question is None, findings) == (False, [])


def test_a_source_listed_twice() -> None:
    text = minimal() + "  - {key: kim2022mssnet, role: related-paper, annotation: B.}\n"
    assert problems(text) == [
        (
            5,
            "question-duplicate-source",
            "source `kim2022mssnet` is listed twice (first on line 4)",
            "remove one of the two items",
        )
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "question: Q?\nsources: []\n",
            (
                1,
                "yaml-missing-field",
                "the question file has no `title`",
                "add `title: …` to the question file",
            ),
            id="no-title",
        ),
        pytest.param(
            "title: T\nquestion: ''\nsources: []\n",
            (
                2,
                "yaml-missing-field",
                "`question` in the question file is empty",
                "give `question` a value",
            ),
            id="empty-question",
        ),
        pytest.param(
            "title: T\nquestion: Q?\n",
            (
                1,
                "yaml-missing-field",
                "the question file has no `sources`",
                "list the sources provided with the question under `sources:`",
            ),
            id="no-sources",
        ),
        pytest.param(
            "title: T\nquestion: Q?\nsources: kim2022mssnet\n",
            (
                3,
                "yaml-wrong-type",
                "`sources` in the question file must be a list, found the text `kim2022mssnet`",
                "write one `- …` item per entry under `sources:`",
            ),
            id="sources-text",
        ),
        pytest.param(
            "title: [T]\nquestion: Q?\nsources: []\n",
            (
                1,
                "yaml-wrong-type",
                "`title` in the question file must be text, found a list",
                "write `title` as a single line of text, or a `|` block",
            ),
            id="title-list",
        ),
        pytest.param(
            "just a sentence\n",
            (
                1,
                "yaml-not-a-mapping",
                "a question file must be a mapping (`key: value` lines), "
                "found the text `just a sentence`",
                "start the file with `title: …`, `question: …` and `sources:` lines "
                "(see the README's input schema)",
            ),
            id="text",
        ),
        pytest.param(
            "",
            (
                1,
                "yaml-not-a-mapping",
                "a question file must be a mapping (`key: value` lines), found nothing",
                "start the file with `title: …`, `question: …` and `sources:` lines "
                "(see the README's input schema)",
            ),
            id="empty-file",
        ),
        pytest.param(
            "title: T\nquestion: Q?\nsources: [\n",
            (
                4,
                "yaml-syntax",
                "YAML syntax error: expected the node content, but found '<stream end>'",
                "check the indentation and quoting on this line (a value with ': ' needs quotes)",
            ),
            id="yaml-syntax",
        ),
    ],
)
def test_question_file_problems(text: str, expected: tuple[int, str, str, str]) -> None:
    assert problems(text) == [expected]


def test_the_file_name_is_the_id_and_must_be_a_slug() -> None:
    path = "references/questions/My Question.yaml"
    assert problems(minimal(), path) == [
        (
            None,
            "question-bad-id",
            "question id `My Question` (the file name) must be lower-case letters, digits and `-`",
            "rename the file, e.g. `phone-photo-upscale.yaml`",
        )
    ]


@pytest.mark.parametrize(
    "qid",
    [
        "bibliography",
        "index",
        "search",
        "assets",
        "reference",
        "about-this-site",
        "questions",
        "404",
        "sitemap",
    ],
)
def test_an_id_that_would_replace_a_page_of_the_site_is_reserved(qid: str) -> None:
    assert qid in RESERVED_IDS
    assert problems(minimal(), f"references/questions/{qid}.yaml") == [
        (
            None,
            "question-bad-id",
            f"question id `{qid}` (the file name) is reserved: its pages would replace the "
            f"site's own `{qid}`",
            f"rename the file, e.g. `{qid}-question.yaml`",
        )
    ]


def test_an_id_that_only_starts_like_a_reserved_one_is_fine() -> None:
    question, findings = read(minimal(), "references/questions/index-of-models.yaml")
    assert (findings, question is not None) == ([], True)


def test_the_reference_set_may_be_given_as_keys_only() -> None:
    # The loader reads the questions before the sources: it knows only the keys then.
    question, findings = read_question(minimal(), PATH, frozenset(SOURCES))
    assert findings == []
    assert question is not None
    assert [use.key for use in question.sources] == ["kim2022mssnet"]


def test_the_listed_keys_are_returned_even_when_the_question_has_problems() -> None:
    text = minimal() + "  - {key: liu2024littlebig}\nzzz: 1\n"
    question, findings, listed = read_question_keys(text, PATH, SOURCES)
    assert question is None
    assert [f.code for f in findings] == ["yaml-unknown-field", "yaml-missing-field"]
    assert listed == ["kim2022mssnet", "liu2024littlebig"]


def test_a_key_written_twice_in_a_question_is_reported_with_both_lines() -> None:
    text = "title: T\nquestion: Q?\ntitle: U\nsources:\n" + minimal().split("sources:\n")[1]
    assert problems(text) == [
        (
            3,
            "yaml-duplicate-key",
            "`title` is written twice in a question file (first on line 1); YAML keeps only "
            "the last, so a key may appear once",
            "remove one of the two `title:` lines, or merge their values",
        )
    ]


def test_a_key_as_written_is_an_unknown_field_not_true() -> None:
    # `yes:` was read as the boolean True and reported as the unknown field `True`.
    assert problems(minimal(extra="yes: 1\n")) == [
        (
            5,
            "yaml-unknown-field",
            "unknown field `yes` in a question file",
            "allowed: title, question, instructions, sources, task, workflow",
        )
    ]


def test_a_very_long_unknown_key_is_shortened_in_the_message() -> None:
    key = "k" * 10_000
    ((_, code, message, _),) = problems(minimal().replace("kim2022mssnet", key))
    assert code == "question-unknown-source"
    assert len(message) < 120


def test_task_must_be_a_mapping_with_a_name() -> None:
    assert problems(minimal(task="task: upscale\n")) == [
        (
            5,
            "yaml-not-a-mapping",
            "`task` must be a mapping (`key: value` lines), found the text `upscale`",
            "write `task` as `key: value` lines",
        )
    ]
    assert problems(minimal(task="task:\n  summary: S\n  inputs: x\n")) == [
        (7, "yaml-unknown-field", "unknown field `inputs` in `task`", "did you mean `input`?"),
        (6, "yaml-missing-field", "`task` has no `name`", "add `name: …` to `task`"),
    ]


# --- workflow -----------------------------------------------------------------------------


def workflow(nodes: str, edges: str = "") -> str:
    block = "workflow:\n  nodes:\n" + textwrap.indent(textwrap.dedent(nodes).lstrip("\n"), "    ")
    if edges:
        block += "  edges:\n" + textwrap.indent(textwrap.dedent(edges).lstrip("\n"), "    ")
    return minimal(workflow=block)


def test_an_edge_naming_an_unknown_node() -> None:
    text = workflow(
        """
        - {id: photo, label: Photo, kind: input}
        - {id: result, label: Result, kind: output}
        """,
        """
        - {from: foto, to: result}
        - {from: photo, to: nowhere}
        """,
    )
    assert problems(text) == [
        (
            10,
            "workflow-unknown-node",
            "edge `from: foto` names no node of the workflow",
            "did you mean `photo`?",
        ),
        (
            11,
            "workflow-unknown-node",
            "edge `to: nowhere` names no node of the workflow",
            "add the node under `nodes:`",
        ),
    ]


def test_a_node_drawing_on_a_source_not_provided() -> None:
    text = workflow(
        """
        - id: a
          label: A
          sources: [kim2022msnet]
        - id: b
          label: B
          sources: [song2024mbpu]
        - id: c
          label: C
          sources: [nowhere]
        """
    )
    assert problems(text) == [
        (
            9,
            "workflow-unknown-source",
            "workflow node `a` draws on `kim2022msnet`, which is not a provided source of this "
            "question",
            "did you mean `kim2022mssnet`?",
        ),
        (
            12,
            "workflow-unknown-source",
            "workflow node `b` draws on `song2024mbpu`, which is not a provided source of this "
            "question",
            "add `song2024mbpu` to the question's `sources:`, or remove it from this node",
        ),
        (
            15,
            "workflow-unknown-source",
            "workflow node `c` draws on `nowhere`, which is not a provided source of this question",
            "name only keys listed in the question's `sources:`",
        ),
    ]


@pytest.mark.parametrize("node_id", ["1st", "up-scale", "x y", "_x"])
def test_a_node_id_must_be_an_identifier(node_id: str) -> None:
    text = workflow(f"- id: '{node_id}'\n  label: N\n")
    assert problems(text) == [
        (
            7,
            "workflow-bad-id",
            f"workflow node `{node_id}`: an id is a letter followed by letters, digits or `_`",
            "rename it, e.g. `upscale_x3`",
        )
    ]


def test_a_node_with_a_bad_kind_or_basis() -> None:
    text = workflow("- {id: n, label: N, kind: modle, basis: mine}\n")
    assert problems(text) == [
        (
            7,
            "yaml-bad-value",
            "`kind` in workflow node `n` must be one of input, model, step, output; found `modle`",
            "did you mean `model`?",
        ),
        (
            7,
            "yaml-bad-value",
            "`basis` in workflow node `n` must be one of provided, borrowed, ours; found `mine`",
            "did you mean `provided`?",
        ),
    ]


@pytest.mark.parametrize(
    "block",
    [
        pytest.param("workflow:\n  nodes: []\n", id="empty-list"),
        pytest.param("workflow:\n  edges: []\n", id="no-nodes"),
    ],
)
def test_an_empty_workflow(block: str) -> None:
    assert problems(minimal(workflow=block)) == [
        (
            5,
            "workflow-empty",
            "`workflow` has no nodes",
            "add input, model and output nodes, or remove `workflow` to derive one",
        )
    ]


def test_a_workflow_that_is_not_a_mapping() -> None:
    assert problems(minimal(workflow="workflow: [a, b]\n")) == [
        (
            5,
            "yaml-not-a-mapping",
            "`workflow` must be a mapping (`key: value` lines), found a list",
            "write `workflow` as `key: value` lines",
        )
    ]


def test_did_you_mean_has_a_budget_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each lookup compares with every key: 2,000 unknown keys in 50,000 took 1,000 s.
    looked_up: list[str] = []

    def counting(name: str, known: list[str]) -> str | None:
        looked_up.append(name)
        return suggest(name, known)

    monkeypatch.setattr(questions, "suggest", counting)
    monkeypatch.setattr(questions._Closest, "BUDGET", 4 * 1_000)
    keys = frozenset(f"key{i}" for i in range(1_000))
    listed = "".join(
        f"  - {{key: kez{i % 50}, role: related-paper, annotation: A.}}\n" for i in range(100)
    )

    question, findings = read_question("title: T\nquestion: Q?\nsources:\n" + listed, PATH, keys)

    assert question is None
    assert looked_up == ["kez0", "kez1", "kez2", "kez3"]  # each key once, four in all
    assert [f.hint for f in findings[:5]] == [
        "did you mean `key0`?",
        "did you mean `key1`?",
        "did you mean `key2`?",
        "did you mean `key3`?",
        "add the source to a file in references/",
    ]
    assert findings[50].hint == "did you mean `key0`?"  # `kez0` again: looked up once
