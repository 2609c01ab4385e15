"""Tests for generator.importer: reading the plain prompt format, importing it into references/."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.errors import InputError, WriteError
from generator.importer import (
    ParsedPrompt,
    PromptSource,
    derive_key,
    identities,
    import_prompt,
    import_prompts,
    parse_prompt,
    plan_import,
)
from generator.load import load_project
from generator.model import Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "seed"
SEED = FIXTURES / "000_53d094cc14bda616.txt"
SMALL = FIXTURES / "small_prompt.txt"
SEED_ID = "000-53d094cc14bda616"

SMALL_DIGEST = hashlib.sha256(SMALL.read_bytes().replace(b"\r\n", b"\n")).hexdigest()

# A recommended model's paper title is not in the prompt: none is invented.
SMALL_SOURCES = """\
# Imported by `answersite import` from small_prompt.txt.
sources:
  - key: nafnet-sidd-width32
    url: https://arxiv.org/abs/2204.04676
    code: https://github.com/megvii-research/NAFNet
    eprint: '2204.04676'
  - key: little-denoiser
    title: 'The Little Denoiser: Speed for $4\\times$ Less'
    url: http://arxiv.org/pdf/0000.00001v1.pdf
    eprint: '0000.00001'
    abstract: 'A small network that is $4\\times$ faster. It keeps "detail": mostly.'
  - key: nafnet-sidd-width32-2
    title: NAFNet SIDD width32
    url: https://example.org/nafnet.pdf
"""

SMALL_QUESTION = f"""\
# Imported by `answersite import` from small_prompt.txt (prompt sha256: {SMALL_DIGEST}).
# Annotations are drafted from the sources on the references page: write your own
# under each source as `annotation:` to replace a draft.
title: Can a tiny model denoise my night photos?
question: Can a tiny model denoise my night photos? I want them sharp.
instructions: |-
  1. What task the user is trying to perform.
  2. How the model(s) would work in a workflow (input → model → output).

  Use **only the provided models and papers**. Do not refer to outside sources.
sources:
  - key: nafnet-sidd-width32
    role: recommended-model
    model: NAFNet-SIDD-width32
  - key: little-denoiser
    role: related-paper
  - key: nafnet-sidd-width32-2
    role: related-paper
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty project: just an empty references/ folder."""
    (tmp_path / "references").mkdir()
    return tmp_path


# --- parse_prompt ---------------------------------------------------------------------------


def test_parse_real_seed() -> None:
    parsed = parse_prompt(SEED.read_text(encoding="utf-8"), "seed.txt")

    assert parsed.question == (
        "I used an AI image upscaler on my phone to enlarge a photo 3×, and it still looked "
        "crisp without much delay. How can such a lightweight model upscale this fast while "
        "keeping the quality?"
    )
    assert parsed.steps == (
        "1. What task the user is trying to perform.",
        "2. How the model(s) would work in a CNAPS AI-like workflow (input → model → output).",
        "3. List relevant papers and tools (with GitHub or ArXiv links) that support your answer.",
    )
    assert parsed.rule == (
        "Use **only the provided models and papers**. Do not refer to outside sources."
    )
    assert [(s.role, s.name, s.line) for s in parsed.sources] == [
        ("recommended-model", "Deblur-MSSNet-GoPro", 15),
        ("related-paper", "Speeding Up Image Classifiers with Little Companions", 20),
        ("related-paper", "FeatSharp: Your Vision Model Features, Sharper", 24),
        (
            "related-paper",
            "MBPU: A Plug-and-Play State Space Model for Point Cloud Upsamping with Fast "
            "Point Rendering",
            28,
        ),
    ]
    model, paper = parsed.sources[0], parsed.sources[1]
    assert (model.url, model.code, model.summary) == (
        "https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf",
        "https://github.com/kky7/MSSNet",
        None,
    )
    assert (paper.url, paper.code) == ("http://arxiv.org/pdf/2406.17117v2.pdf", None)
    assert paper.summary is not None
    assert paper.summary.startswith("Scaling up neural networks has been a key recipe")
    assert "requiring $14\\times$ more multiply-accumulate operations" in paper.summary
    assert paper.summary.endswith("a simple practical method for large model compression.")


def test_parse_tolerates_crlf_blank_lines_indentation_and_section_order() -> None:
    text = SEED.read_text(encoding="utf-8")
    head, rest = text.split("### Recommended AI Models:\n")
    models, papers = rest.split("### Related Papers:\n")
    shuffled = head + "### Related Papers:\n\n\n" + papers.replace("Answer:", "")
    shuffled += "\n### Recommended AI Models:\n  Model: Deblur-MSSNet-GoPro  \n\n"
    shuffled += "\n".join(models.splitlines()[1:]) + "\n\nAnswer:\n"
    parsed = parse_prompt(shuffled.replace("\n", "\r\n"), "seed.txt")
    expected = parse_prompt(text, "seed.txt")

    assert parsed.question == expected.question
    assert parsed.instructions == expected.instructions
    by_name = {(s.role, s.name, s.url, s.code, s.summary) for s in parsed.sources}
    assert by_name == {(s.role, s.name, s.url, s.code, s.summary) for s in expected.sources}
    assert parsed.sources[-1].name == "Deblur-MSSNet-GoPro"


def test_parse_question_on_the_marker_line_and_wrapped_summary() -> None:
    text = (
        'A user has asked the following question: "How fast\nis it?"\n'
        "### Related Papers:\nModel: Paper A\nPaper: https://a.example/a.pdf\n"
        "Summary:\nFirst part\ncontinued.\n\nSecond paragraph.\n"
    )
    parsed = parse_prompt(text, "p.txt")

    assert parsed.question == "How fast is it?"
    assert parsed.instructions is None
    assert parsed.sources[0].summary == "First part continued.\n\nSecond paragraph."


BAD_PROMPTS = [
    pytest.param(
        "Hello.\n\n### Related Papers:\nModel: A\nPaper: https://a.example\n",
        "p.txt:1: the prompt has no line `A user has asked the following question:`\n"
        "  hint: add `A user has asked the following question:` and, on the next line, "
        'the question in double quotes: "…"',
        id="no-question",
    ),
    pytest.param(
        "A user has asked the following question:\n\nBased on the following models, explain:\n",
        "p.txt:3: expected the user's question in double quotes after "
        "`A user has asked the following question:`, found `Based on the following models, "
        "explain:`\n"
        '  hint: write the question as one paragraph in double quotes: "…"',
        id="question-not-quoted",
    ),
    pytest.param(
        'A user has asked the following question:\n"  "\n',
        "p.txt:2: expected the user's question in double quotes after "
        '`A user has asked the following question:`, found `"  "`\n'
        '  hint: write the question as one paragraph in double quotes: "…"',
        id="question-empty",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n\n### Recommended AI Models:\n'
        "Model: Deblur-MSSNet-GoPro\nGitHub: https://github.com/kky7/MSSNet\n",
        "p.txt:5: `Model: Deblur-MSSNet-GoPro` has no `Paper:` line\n"
        "  hint: add `Paper: https://…` under `Model: Deblur-MSSNet-GoPro`",
        id="model-without-paper",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n\n### Recommended AI Models:\n'
        "Model:\nPaper: https://a.example\n",
        "p.txt:5: `Model:` has no name\n  hint: write `Model: NAME`",
        id="model-without-name",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\nModel: A\nPaper: https://a.example\n',
        "p.txt:3: `Model: A` is not under a sources heading\n"
        "  hint: put it under `### Recommended AI Models:` or `### Related Papers:`",
        id="model-outside-section",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n### Related Papers:\n'
        "Paper: https://a.example\n",
        "p.txt:4: `Paper:` line outside a `Model:` block\n"
        "  hint: list each source as `Model: …` then `Paper: https://…` on the next line",
        id="paper-outside-block",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n### Related Papers:\n'
        "Model: A\nPaper: https://a.example\nPaper: https://b.example\n",
        "p.txt:6: a second `Paper:` line in the same `Model:` block\n"
        "  hint: keep one `Paper:` line, or start the next block with `Model:`",
        id="second-paper",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n### Related Papers:\n'
        "Model: A\nPaper: https://a.example\nsee the appendix\n",
        "p.txt:6: unexpected line in the `Model: A` block: `see the appendix`\n"
        "  hint: start it with `Paper:`, `GitHub:` or `Summary:`, or join it to the line above",
        id="stray-line",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n### Related Papers:\n'
        "Model: A\nPaper: arxiv.org/abs/1\n",
        "p.txt:5: `Paper:` of `A` must be an http(s) URL, found `arxiv.org/abs/1`\n"
        "  hint: write the full address, starting with https://",
        id="paper-not-a-url",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n### Related Papers:\n'
        "Model: A\nPaper: https://a.example\nGitHub: github.com/a/a\n",
        "p.txt:6: `Github:` of `A` must be an http(s) URL, found `github.com/a/a`\n"
        "  hint: write the full address, starting with https://",
        id="github-not-a-url",
    ),
    pytest.param(
        'A user has asked the following question:\n"Q?"\n\nAnswer:\n',
        "p.txt:5: the prompt lists no sources\n"
        "  hint: list each source as `Model: …` then `Paper: https://…` on the next line, "
        "under `### Recommended AI Models:` or `### Related Papers:`",
        id="no-sources",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_PROMPTS)
def test_parse_bad_prompt(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_prompt(text, "p.txt")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "key"),
    [
        pytest.param("Deblur-MSSNet-GoPro", "deblur-mssnet-gopro", id="model-name"),
        pytest.param(
            "Speeding Up Image Classifiers with Little Companions",
            "speeding-up-image-classifiers",
            id="cut-at-connector",
        ),
        pytest.param("FeatSharp: Your Vision Model Features, Sharper", "featsharp", id="colon"),
        pytest.param("The Dark Side of Nets", "dark-side", id="leading-article"),
        pytest.param("Learning to See in the Dark", "learning-to-see", id="early-connector"),
        pytest.param("Ünïcode Façade Net", "unicode-facade-net", id="accents"),
        pytest.param("One Two Three Four Five Six", "one-two-three-four-five", id="five-words"),
        pytest.param("×××", "source", id="nothing-left"),
    ],
)
def test_derive_key(name: str, key: str) -> None:
    assert derive_key(name) == key


@pytest.mark.parametrize(
    ("question", "title"),
    [
        pytest.param("I tried it. Why is it slow? Help.", "Why is it slow?", id="first-question"),
        pytest.param("Upscale my photo please", "Upscale my photo please", id="no-question-mark"),
        pytest.param(
            "Why " + "very " * 20 + "slow?",
            "Why " + "very " * 14 + "very…",
            id="shortened-at-a-space",
        ),
    ],
)
def test_plan_import_title(question: str, title: str) -> None:
    parsed = ParsedPrompt(question, (), None, (PromptSource("related-paper", "A", "https://a", 1),))
    files = plan_import(parsed, "q", "q.txt").files

    assert files["references/questions/q.yaml"].splitlines()[3] == f"title: {title}"


# --- import_prompt ---------------------------------------------------------------------------


def test_import_small_prompt_writes_exact_yaml(root: Path) -> None:
    written = list(import_prompt(SMALL, root).written)

    assert written == ["references/small-prompt.yaml", "references/questions/small-prompt.yaml"]
    assert (root / written[0]).read_bytes().decode("utf-8") == SMALL_SOURCES
    assert (root / written[1]).read_bytes().decode("utf-8") == SMALL_QUESTION
    assert sorted(p.name for p in (root / "references").rglob("*")) == [
        "questions",
        "small-prompt.yaml",
        "small-prompt.yaml",
    ]  # no temporary files left behind


def test_import_real_seed_loads_cleanly(root: Path) -> None:
    written = list(import_prompt(SEED, root).written)
    project, findings = load_project(root)

    assert written == [f"references/{SEED_ID}.yaml", f"references/questions/{SEED_ID}.yaml"]
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert list(project.sources) == [
        "deblur-mssnet-gopro",
        "featsharp",
        "mbpu",
        "speeding-up-image-classifiers",
    ]
    assert project.sources["speeding-up-image-classifiers"].abstract is not None
    assert "$14\\times$" in project.sources["speeding-up-image-classifiers"].abstract
    assert project.sources["deblur-mssnet-gopro"].authors == ()
    assert project.sources["deblur-mssnet-gopro"].year is None
    assert project.sources["deblur-mssnet-gopro"].title == ""  # not given: never invented
    assert project.sources["mbpu"].eprint == "2410.15941"
    (question,) = project.questions
    assert question.id == SEED_ID
    assert question.title == (
        "How can such a lightweight model upscale this fast while keeping the quality?"
    )
    assert [(u.key, u.role, u.model) for u in question.sources] == [
        ("deblur-mssnet-gopro", "recommended-model", "Deblur-MSSNet-GoPro"),
        ("speeding-up-image-classifiers", "related-paper", None),
        ("featsharp", "related-paper", None),
        ("mbpu", "related-paper", None),
    ]
    assert question.instructions is not None
    assert question.instructions.endswith("Do not refer to outside sources.")


def test_import_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        (tmp_path / name / "references").mkdir(parents=True)
        written = import_prompt(SEED, tmp_path / name).written
        outputs.append([(tmp_path / name / rel).read_bytes() for rel in written])
    assert outputs[0] == outputs[1]


def test_import_via_cli(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", str(SEED), "--project", str(root)])

    assert code == 0
    assert capsys.readouterr().err == (
        f"wrote references/{SEED_ID}.yaml\nwrote references/questions/{SEED_ID}.yaml\n"
    )
    assert (root / "references" / "questions" / f"{SEED_ID}.yaml").is_file()


def test_importing_the_same_prompt_again_changes_nothing(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_prompt(SEED, root)
    question = root / "references" / "questions" / f"{SEED_ID}.yaml"
    question.write_text(question.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (root / "references").rglob("*.yaml")}

    again = import_prompt(SEED, root)
    assert (again.written, again.unchanged) == ((), True)
    assert main(["import", str(SEED), "--project", str(root)]) == 0
    assert "unchanged" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (root / "references").rglob("*.yaml")} == before


def test_a_different_prompt_under_a_taken_id_is_refused(root: Path) -> None:
    import_prompt(SEED, root, question_id="q")
    before = {p: p.read_bytes() for p in (root / "references").rglob("*.yaml")}

    with pytest.raises(InputError) as caught:
        import_prompt(SMALL, root, question_id="q")
    assert str(caught.value) == (
        f"{SMALL.as_posix()}: the question id `q` is taken: "
        "`references/questions/q.yaml` holds another question\n"
        "  hint: pass `--id q-2` (or another id) to import this prompt as a new question"
    )
    assert {p: p.read_bytes() for p in (root / "references").rglob("*.yaml")} == before


def test_a_source_already_in_the_set_is_reused_not_copied(root: Path) -> None:
    import_prompt(SEED, root)
    again = import_prompt(SEED, root, question_id="again")
    project, findings = load_project(root)

    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert again.written == ("references/questions/again.yaml",)  # no second sources file
    assert [key for _, key in again.reused] == [
        "deblur-mssnet-gopro",
        "speeding-up-image-classifiers",
        "featsharp",
        "mbpu",
    ]
    shared = next(q for q in project.questions if q.id == "again")
    assert [u.key for u in shared.sources] == [name for _, name in again.reused]


def test_a_source_is_the_same_by_normalised_url_or_arxiv_id() -> None:
    assert set(identities("http://arxiv.org/pdf/2406.17117v2.pdf")) & set(
        identities("https://arxiv.org/abs/2406.17117")
    )
    assert set(identities(None, "2406.17117")) & set(
        identities("https://arxiv.org/abs/2406.17117v1")
    )
    assert set(identities("HTTPS://Example.org:443/paper/")) == set(
        identities("https://example.org/paper")
    )
    assert not set(identities("https://example.org/a")) & set(identities("https://example.org/b"))


def test_import_derives_a_valid_id_from_the_file_name(root: Path, tmp_path: Path) -> None:
    prompt = tmp_path / "My Prompt__07.TXT"
    shutil.copy(SMALL, prompt)

    assert import_prompt(prompt, root).written[1] == "references/questions/my-prompt-07.yaml"


@pytest.mark.parametrize(
    ("question_id", "message"),
    [
        pytest.param(
            "Bad_ID",
            "question id `Bad_ID` must be lower-case letters, digits and `-`\n"
            "  hint: pass `--id small-prompt`",
            id="bad-id",
        ),
        pytest.param(
            "-x",
            "question id `-x` must be lower-case letters, digits and `-`\n"
            "  hint: pass `--id small-prompt`",
            id="leading-dash",
        ),
    ],
)
def test_import_rejects_bad_id(root: Path, question_id: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        import_prompt(SMALL, root, question_id=question_id)
    assert str(caught.value) == message
    assert list((root / "references").iterdir()) == []


def test_import_missing_prompt(root: Path) -> None:
    missing = root / "nope.txt"
    with pytest.raises(InputError) as caught:
        import_prompt(missing, root)
    assert str(caught.value) == (
        f"{missing.as_posix()}: cannot read the prompt: No such file or directory\n"
        "  hint: name an existing UTF-8 text file"
    )


def test_import_honours_the_references_option(tmp_path: Path) -> None:
    # Regression: `answersite import` wrote references/ whatever mkdocs.yml said.
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - answersite:\n      references: sources\n", encoding="utf-8"
    )
    (tmp_path / "sources").mkdir()
    (tmp_path / "docs").mkdir()
    assert main(["import", str(SMALL), "--project", str(tmp_path)]) == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.yaml")) == [
        "sources/questions/small-prompt.yaml",
        "sources/small-prompt.yaml",
    ]
    assert not (tmp_path / "references").exists()


VARIANTS = """\
A user has asked the following question:   \r
\r
"Can it run offline on my laptop — fast?"   \r
## Recommended models\r
- **Model:** Denoise-Fåst-SIDD   \r
- **Paper:** https://papers.example/fast.pdf\r
Model name: Second-Model\r
Link: https://papers.example/second.pdf\r
Code: https://code.example/second\r
**Related papers:**\r
\r
\r
Title: A paper with $\\times 4$ and \\textbf{LaTeX}\r
URL: https://arxiv.org/abs/0000.00002v3\r
Abstract: First line.\r
  Second line.   \r
"""


def test_import_tolerates_heading_and_field_variants() -> None:
    parsed = parse_prompt(VARIANTS, "v.txt")

    assert parsed.question == "Can it run offline on my laptop — fast?"
    assert [(s.role, s.name, s.url, s.code, s.summary) for s in parsed.sources] == [
        ("recommended-model", "Denoise-Fåst-SIDD", "https://papers.example/fast.pdf", None, None),
        (
            "recommended-model",
            "Second-Model",
            "https://papers.example/second.pdf",
            "https://code.example/second",
            None,
        ),
        (
            "related-paper",
            "A paper with $\\times 4$ and \\textbf{LaTeX}",
            "https://arxiv.org/abs/0000.00002v3",
            None,
            "First line. Second line.",
        ),
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "A user has asked the following question:",
                    '"Why?"',
                    "",
                    "### Recommended AI Models:",
                    "### Related Papers:",
                    "Model: X",
                    "Model:",
                    "Paper: https://papers.example/x.pdf",
                    "Paper: nowhere",
                    "GitHub: https://code.example/x",
                    "Summary: s",
                    "stray",
                    "Answer:",
                    "\x00",
                    "\ud7ff",
                ]
            ),
            max_size=20,
        ).map("\n".join),
    )
)
def test_import_never_crashes(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    root = tmp_path_factory.mktemp("p")
    (root / "references").mkdir()
    prompt = root / "prompt.txt"
    prompt.write_text(text, encoding="utf-8", errors="surrogatepass")
    code = main(["import", str(prompt), "--project", str(root)])
    assert code in (0, 3)
    if code == 0:  # what it imported loads without an error
        _, findings = load_project(root)
        assert [f for f in findings if f.severity is Severity.ERROR] == []


# --- import_prompts: a batch, all or nothing -------------------------------------------------

PROMPTS = Path(__file__).resolve().parent / "fixtures" / "prompts"


def _yaml_files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "references").rglob("*.yaml"))}


def test_a_batch_stores_each_shared_source_once(root: Path, tmp_path: Path) -> None:
    # Three prompts that share the seed's sources, plus the seed itself.
    prompts = []
    for n in range(3):
        copy = tmp_path / f"copy-{n}.txt"
        text = SEED.read_text(encoding="utf-8").replace("3x", f"{n + 2}x")
        copy.write_text(text, encoding="utf-8")
        prompts.append(copy)

    done = import_prompts([SEED, *prompts], root)

    assert [r.question_id for r in done] == [SEED_ID, "copy-0", "copy-1", "copy-2"]
    assert done[0].written == (
        f"references/{SEED_ID}.yaml",
        f"references/questions/{SEED_ID}.yaml",
    )
    for later in done[1:]:  # every source reused from the first prompt of the batch
        assert later.written == (f"references/questions/{later.question_id}.yaml",)
        assert [key for _, key in later.reused] == [key for _, key in done[1].reused]
        assert len(later.reused) == 4
    project, findings = load_project(root)
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert len(project.questions) == 4 and len(project.keys) == 4


def test_a_batch_gives_the_same_files_as_one_import_at_a_time(tmp_path: Path) -> None:
    prompts = sorted(PROMPTS.glob("*.txt"))
    one, batch = tmp_path / "one", tmp_path / "batch"
    for project in (one, batch):
        (project / "references").mkdir(parents=True)
    for prompt in prompts:
        import_prompt(prompt, one)
    import_prompts(prompts, batch)

    def relative(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): b for p, b in _yaml_files(root).items()}

    assert relative(batch) == relative(one)
    assert len(relative(batch)) >= 2 * len(prompts) - 2


def test_a_batch_with_one_bad_prompt_imports_nothing_and_names_every_problem(
    root: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("no question here\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"

    with pytest.raises(InputError) as caught:
        import_prompts([SEED, broken, SMALL, missing], root)

    assert caught.value.message == "2 problem(s) in 4 prompts: nothing was imported"
    assert [(f.code, str(f.location)) for f in caught.value.findings] == [
        ("prompt-invalid", f"{broken.as_posix()}:1"),
        ("prompt-invalid", missing.as_posix()),
    ]
    assert _yaml_files(root) == {}


def test_two_prompts_of_a_batch_with_the_same_id_are_refused(root: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    twin = tmp_path / "a" / SEED.name
    shutil.copy(SEED, twin)

    with pytest.raises(InputError) as caught:
        import_prompts([SEED, twin], root)

    [problem] = caught.value.findings
    assert problem.message == (
        f"`{SEED.as_posix()}` and `{twin.as_posix()}` both give the question id `{SEED_ID}`"
    )
    assert _yaml_files(root) == {}


def test_an_id_names_one_prompt_only(root: Path) -> None:
    with pytest.raises(InputError, match="`--id` names one question, but 2 prompts were given"):
        import_prompts([SEED, SMALL], root, question_id="q")


def test_importing_a_batch_again_changes_nothing(root: Path) -> None:
    import_prompts([SEED, SMALL], root)
    before = _yaml_files(root)

    again = import_prompts([SEED, SMALL], root)

    assert [r.unchanged for r in again] == [True, True]
    assert _yaml_files(root) == before


def test_a_batch_that_cannot_be_written_leaves_nothing_behind(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import importer

    real = importer.write_atomic
    calls: list[Path] = []

    def full_disk(path: Path, data: str, *, overwrite: bool = True) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(path, data, overwrite=overwrite)

    monkeypatch.setattr(importer, "write_atomic", full_disk)

    with pytest.raises(WriteError) as caught:
        import_prompts([SEED, SMALL], root)

    assert "No space left on device; nothing was imported" in caught.value.message
    assert str(caught.value.location) == "references/small-prompt.yaml"
    assert _yaml_files(root) == {}


def test_cli_imports_several_prompts_and_summarises(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(SEED), str(SMALL), "--project", str(root)]) == 0
    err = capsys.readouterr().err
    assert f"wrote references/questions/{SEED_ID}.yaml" in err
    assert "wrote references/questions/small-prompt.yaml" in err
    assert err.rstrip().endswith(
        "imported 2 of 2 prompts (0 unchanged): 4 files written, 0 sources reused"
    )


def test_cli_batch_problems_exit_3_with_each_location(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("no question here\n", encoding="utf-8")

    assert main(["import", str(SEED), str(broken), "--project", str(root)]) == 3
    err = capsys.readouterr().err
    assert f"{broken.as_posix()}:1: error: the prompt has no line" in err
    assert "[prompt-invalid]" in err
    assert err.rstrip().endswith("1 problem(s) in 2 prompts: nothing was imported")
    assert _yaml_files(root) == {}
