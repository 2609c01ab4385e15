"""The default answer, sentence by sentence: each claim carries the citation it rests on.

A paragraph that cites a source somewhere does not show which of its sentences the source
supports. These tests split the hand-written prose of the answer's pages, the workflow's
node notes and the sources' annotations (both from the question file) into sentences, and
hold each sentence to two rules:

- a sentence that names a source cites that source, or says that it is our reasoning;
- a sentence that makes one of the claims in `CLAIMS` carries the citation and the scope
  (or the "our reasoning" label) that claim needs, and never the citations it must not have.

A table row is one subject: its cells are checked one by one, against the citations of the
whole row (the source column holds them). An annotation is about its own source, which is
where the references page shows it, so it counts as citing that source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.regions import Region, parse

ROOT = Path(__file__).resolve().parent.parent
Q = "phone-3x-upscale"
DOCS = ROOT / "docs" / Q
QUESTION = ROOT / "references" / "questions" / f"{Q}.yaml"
PAGES = ("index.md", "task.md", "workflow.md", "references.md")

MSSNET = "kim2022mssnet"
LITTLE_BIG = "liu2024littlebig"
FEATSHARP = "ranzinger2025featsharp"
MBPU = "song2024mbpu"
NAMES = {MSSNET: "MSSNet", LITTLE_BIG: "Little-Big", FEATSHARP: "FeatSharp", MBPU: "MBPU"}

OURS = re.compile(
    r"\bour (own )?(reasoning|extrapolation|arithmetic|computation|estimate|judgement|glue)\b"
    r"|\bwe (judge|estimate|computed)\b",
    re.IGNORECASE,
)
"""How a sentence says that it is our reasoning and not a source's claim."""


@dataclass(frozen=True)
class Sentence:
    where: str
    text: str
    cites: frozenset[str]

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def _keys(text: str) -> frozenset[str]:
    """The keys cited in `text`: `[@a]`, `[@a; @b]`."""
    groups = re.findall(r"\[(@[^\]]*)\]", text)
    return frozenset(key for group in groups for key in re.findall(r"@([\w:./+-]+)", group))


def _prose(path: Path) -> str:
    """The hand-written text of a page: everything outside generated regions."""
    page = parse(path.read_text(encoding="utf-8"), path.name)
    return "".join(s for s in page.segments if not isinstance(s, Region))


def _blocks(text: str) -> list[tuple[str, frozenset[str]]]:
    """Paragraphs, list items and table cells, each with the citations of its table row."""
    text = re.sub(r"^ *(```|~~~).*?^ *\1", "", text, flags=re.MULTILINE | re.DOTALL)
    blocks: list[tuple[str, frozenset[str]]] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append((" ".join(lines), frozenset()))
            lines.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "<!--", "!!!", "???")):
            flush()
        elif line.startswith("|"):
            flush()
            if not re.fullmatch(r"[|:\s-]+", line):  # not the header's underline
                row = _keys(line)
                blocks += [(cell.strip(), row) for cell in line.strip("|").split("|")]
        else:
            item = re.match(r"([-*+]|\d+\.)\s+", line)
            if item:  # a list item starts a block of its own
                flush()
                line = line[item.end() :]
            lines.append(line)
    flush()
    return blocks


def _sentences(block: str) -> list[str]:
    """The sentences of a block; a bold lead-in (`**Lead.** Text`) joins the one after it."""
    block = re.sub(r"^\*\*(.+?)[.:]\*\*\s*", r"\1: ", block)
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[*_\"“(\[`]*[A-Z])", block) if s.strip()]


def answer_sentences(docs: Path = DOCS, question: Path = QUESTION) -> list[Sentence]:
    """Every sentence of the answer written by hand, wherever it is written."""
    found = []
    for page in PAGES:
        for block, row in _blocks(_prose(docs / page)):
            found += [Sentence(page, s, _keys(s) | row) for s in _sentences(block)]
    data = yaml.safe_load(question.read_text(encoding="utf-8"))
    where = f"references/questions/{question.name}"
    for node in data.get("workflow", {}).get("nodes", []):
        for s in _sentences(" ".join(str(node.get("note", "")).split())):
            found.append(Sentence(f"{where}: note of node `{node['id']}`", s, _keys(s)))
    for use in data["sources"]:
        for s in _sentences(" ".join(str(use.get("annotation", "")).split())):
            own = frozenset({use["key"]})  # shown under its own source's entry
            found.append(Sentence(f"{where}: annotation of `{use['key']}`", s, _keys(s) | own))
    return found


SENTENCES = answer_sentences()


def test_the_sentences_are_split_where_a_reader_would_split_them() -> None:
    texts = {s.text for s in SENTENCES}
    assert len(SENTENCES) > 150
    # A lead-in belongs to its sentence; a citation stays before the full stop.
    assert any(t.startswith("Coarse to fine, predicting only a correction: MSSNet") for t in texts)
    assert all(not t.startswith("[@") for t in texts)
    # Table cells are checked one by one, with the citations of their row.
    row = [s for s in SENTENCES if s.where == "task.md" and s.text == "Image classification"]
    assert [s.cites for s in row] == [frozenset({LITTLE_BIG})]


def test_every_sentence_naming_a_source_cites_it_or_is_labelled_ours() -> None:
    uncited = [
        f"{s}  (needs [@{key}])"
        for s in SENTENCES
        for key, name in NAMES.items()
        if name in s.text and key not in s.cites and not OURS.search(s.text)
    ]
    assert uncited == [], "\n".join(uncited)


@dataclass(frozen=True)
class Claim:
    """A kind of claim, found by `pattern`, and what a sentence making it must carry.

    Attributes:
        pattern: Finds the claim in a sentence (case-insensitive).
        cites: Keys the sentence must cite.
        says: What else the sentence must say: the claim's scope, or the "our reasoning"
            label (`OURS`).
        never_cites: Keys the sentence must not cite (the claim is not theirs).
        never_says: What the sentence must not say alongside the claim.
    """

    pattern: str
    cites: tuple[str, ...] = ()
    says: re.Pattern[str] | None = None
    never_cites: tuple[str, ...] = ()
    never_says: re.Pattern[str] | None = None


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


CLAIMS = [
    # MSSNet: the recommended model, and the one provided tool.
    pytest.param(
        Claim(r"coarse[- ]to[- ]fine", cites=(MSSNET,), never_cites=(LITTLE_BIG,)),
        id="coarse-to-fine-is-mssnets",
    ),
    pytest.param(Claim(r"1/2 and 1/4|pixel-unshuffle", cites=(MSSNET,)), id="low-res-stages"),
    pytest.param(Claim(r"PixelShuffle\(2\)|\br = 2\b", cites=(MSSNET,)), id="pixelshuffle-2"),
    pytest.param(
        Claim(
            r"\br = 3\b|×3 (pixel-shuffle|sub-pixel)|×3 head|3 colours × 3²|factor of 3",
            says=OURS,
            never_cites=(MSSNET, MBPU),  # neither has a ×3 head: MSSNet's is PixelShuffle(2)
        ),
        id="x3-head-is-ours",
    ),
    pytest.param(
        Claim(r"\bpredicts (only )?a (residual|correction)", cites=(MSSNET,)), id="residual"
    ),
    pytest.param(Claim(r"U-Net|FFT|0\.1 ×", cites=(MSSNET,)), id="stages-and-loss"),
    pytest.param(
        Claim(r"\b(15\.6|6\.8|28\.2) M\b|39\.76|0\.972", cites=(MSSNET,)), id="mssnet-numbers"
    ),
    pytest.param(Claim(r"motion blur|deblurring", cites=(MSSNET,)), id="deblurring"),
    pytest.param(
        Claim(r"NVIDIA GPU|test\.py|checkpoint|README|LICENSE|GoPro|RealBlur", cites=(MSSNET,)),
        id="repository-and-run-steps",
    ),
    pytest.param(
        Claim(r"too heavy|phone-class|heavier than", says=OURS), id="too-heavy-is-our-judgement"
    ),
    # Little-Big.
    pytest.param(
        Claim(
            r"\b(71|76|81) ?%",
            cites=(LITTLE_BIG,),
            says=_re(r"named in (its|the) abstract"),
        ),
        id="macs-cuts-of-the-three-models-in-the-abstract",
    ),
    pytest.param(
        Claim(r"30–80 ?%", cites=(LITTLE_BIG,), says=_re(r"figure 1")), id="figure-1-range"
    ),
    pytest.param(Claim(r"14×|less than 2 ?%", cites=(LITTLE_BIG,)), id="scaling-example"),
    pytest.param(
        Claim(
            r"whole images|low confidence|confidence is low|difficult (samples|images|ones)",
            cites=(LITTLE_BIG,),
        ),
        id="routing",
    ),
    pytest.param(Claim(r"\bclassif(y|ies|ying|ication)", cites=(LITTLE_BIG,)), id="classifies"),
    pytest.param(
        Claim(
            r"\b(hard|easy|every|flat|textured) tiles?\b|\brout(e[sd]?|ing) tiles\b"
            r"|\btiles? of one photo",
            says=OURS,
        ),
        id="routing-tiles-is-ours",
    ),
    # FeatSharp.
    pytest.param(
        Claim(
            r"image-guided|guided by (the|a|an|that)\b[^.]*\b(image|photo)",
            cites=(FEATSHARP,),
            says=_re(r"feature maps"),
        ),
        id="image-guided-is-featsharps-for-feature-maps",
    ),
    pytest.param(
        Claim(
            r"\bone (cheap )?pass\b|\bsingle pass\b",
            says=_re(r"upsampl"),
            never_says=_re(r"\btil(e|es|ing)\b"),
        ),
        id="one-pass-is-the-upsampler-not-the-tiling",
    ),
    pytest.param(
        Claim(r"feature maps|non-commercial|weights are not released", cites=(FEATSHARP,)),
        id="featsharp-facts",
    ),
    # MBPU.
    pytest.param(
        Claim(
            r"arbitrary[- ]scale|any scale factor|point[- ]clouds?|Mamba|state space", cites=(MBPU,)
        ),
        id="mbpu-facts",
    ),
]


@pytest.mark.parametrize("claim", CLAIMS)
def test_each_claim_carries_its_citation_and_scope_in_the_same_sentence(claim: Claim) -> None:
    making = [s for s in SENTENCES if re.search(claim.pattern, s.text, re.IGNORECASE)]
    assert making, f"no sentence makes the claim {claim.pattern!r}: update or drop the rule"
    wrong = []
    for s in making:
        missing = [f"[@{key}]" for key in claim.cites if key not in s.cites]
        missing += [f"no [@{key}]" for key in claim.never_cites if key in s.cites]
        if claim.says and not claim.says.search(s.text):
            missing.append(f"says {claim.says.pattern!r}")
        if claim.never_says and claim.never_says.search(s.text):
            missing.append(f"does not say {claim.never_says.pattern!r}")
        if missing:
            wrong.append(f"{s}  (needs {', '.join(missing)})")
    assert wrong == [], "\n".join(wrong)


UNSUPPORTED = [
    pytest.param(
        r"linear[- ](cost|complexity|time)|cost linear|linear in",
        id="linear-cost: MBPU's abstract claims no linear cost",
    ),
    pytest.param(r"SSIM[^.|]*(\b0 to 1\b|between 0 and 1)", id="ssim-range: SSIM can be negative"),
]


@pytest.mark.parametrize("pattern", UNSUPPORTED)
def test_no_sentence_says_what_no_source_supports(pattern: str) -> None:
    found = [str(s) for s in SENTENCES if re.search(pattern, s.text, re.IGNORECASE)]
    assert found == []
