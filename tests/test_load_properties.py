"""Property tests of the load stage: whatever the input, findings, never an exception.

- Arbitrary bytes (and BibTeX- or YAML-like text) as a `.bib`, a sources YAML or a question
  YAML: `load_project` returns findings with registered codes and never raises, and the
  real CLI exits 0, 1 or 3, never 4, with no traceback.
- The fast scan sees the blocks bibtexparser's splitter sees, and reading one entry gives
  what reading the whole file gives.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from bibtexparser.model import Entry, ImplicitComment
from bibtexparser.splitter import Splitter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import ExitCode, main
from generator.codes import CODES
from generator.load import load_project, read_bibtex
from generator.load.bibscan import scan_bibtex
from generator.load.bibtex import read_bibtex_blocks
from generator.model import Severity

ROOT = Path(__file__).resolve().parent.parent

_BIB_BITS = [
    "@misc{", "@article(", "@string{", "@comment{", "@preamble{", "@ {", "@misc {", "@",
    "a", "k1", "Kim", "title", "author", "url", " = ", "=", "{", "}", "(", ")", '"', ",",
    "\n", " ", "\t", "\r\n", "\\{", "\\}", '\\"', "%", "ü", "ieee", "{https://e.org}",
    "title = {T}", "{\\textbf{x}}", "--", "$x$", "\x00",
]  # fmt: skip
_YAML_BITS = [
    "title: ", "question: ", "sources:", "key: ", "role: ", "annotation: ", "- ", "  ",
    "\n", "[", "]", "{", "}", ",", ": ", ":", "?", "&a ", "*a", "&b ", "*b", "!!int ",
    "!!timestamp ", "!!binary ", "!!set ", "<<: ", "yes", "null", "2024-13-45", "'", '"',
    "|", ">", "#", "kim2022mssnet", "recommended-model", "x", "\t", "\x00", "\ufeff",
    "workflow:", "nodes:", "id: ", "task:", "%YAML 1.1\n", "---\n", "...\n",
]  # fmt: skip

bib_text = st.lists(st.sampled_from(_BIB_BITS), max_size=60).map("".join)
yaml_text = st.lists(st.sampled_from(_YAML_BITS), max_size=60).map("".join)
any_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda text: text.encode("utf-8")),
)

_QUESTION = """title: T
question: Q?
sources:
  - {key: kim2022mssnet, role: recommended-model, annotation: A.}
"""
_PLACES = {
    "bib": "references/extra.bib",
    "sources": "references/extra.yaml",
    "question": "references/questions/extra.yaml",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project (one source, one question); each example adds one file."""
    root = tmp_path_factory.mktemp("small")
    (root / "references" / "questions").mkdir(parents=True)
    (root / "references" / "sources.bib").write_text(
        "@misc{kim2022mssnet, title = {MSSNet}}\n", "utf-8"
    )
    (root / "references" / "questions" / "q.yaml").write_text(_QUESTION, "utf-8")
    return root


@pytest.fixture(scope="module")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the default project, its docs/ current, for the CLI."""
    root = tmp_path_factory.mktemp("default") / "project"
    root.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("references", "docs", ".answersite"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, root / folder)
    return root


def _put(root: Path, place: str, data: bytes) -> Path:
    for rel in _PLACES.values():
        (root / rel).unlink(missing_ok=True)
    file = root / _PLACES[place]
    file.write_bytes(data)
    return file


def _check_load(root: Path) -> None:
    project, findings = load_project(root)
    for finding in findings:
        assert finding.code in CODES, finding
        assert finding.location is not None and finding.location.path.startswith("references")
        assert finding.message and finding.hint, finding
    if not any(f.severity is Severity.ERROR for f in findings):
        assert "kim2022mssnet" in project.sources  # the default question still loads


_FAST = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("place", list(_PLACES))
@_FAST
@given(data=any_bytes)
def test_arbitrary_bytes_become_findings(base: Path, place: str, data: bytes) -> None:
    _put(base, place, data)
    _check_load(base)


@_FAST
@given(text=bib_text)
def test_bibtex_like_text_becomes_findings(base: Path, text: str) -> None:
    _put(base, "bib", text.encode("utf-8"))
    _check_load(base)


@pytest.mark.parametrize("place", ["sources", "question"])
@_FAST
@given(text=yaml_text)
def test_yaml_like_text_becomes_findings(base: Path, place: str, text: str) -> None:
    _put(base, place, text.encode("utf-8"))
    _check_load(base)


@pytest.mark.parametrize("place", list(_PLACES))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.one_of(any_bytes, bib_text.map(str.encode), yaml_text.map(str.encode)))
def test_the_cli_never_fails_with_an_internal_error(
    default_project: Path, capsys: pytest.CaptureFixture[str], place: str, data: bytes
) -> None:
    _put(default_project, place, data)

    # --check writes nothing: the project stays as it was for the next example.
    code = main(["generate", "--check", "--project", str(default_project)])

    out, err = capsys.readouterr()
    assert code in (ExitCode.OK, ExitCode.FINDINGS, ExitCode.BAD_INPUT), err
    assert "Traceback" not in out + err and "internal error" not in err


# --- the fast scan against bibtexparser ------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=bib_text)
def test_the_scan_sees_the_blocks_bibtexparser_splits(text: str) -> None:
    split = [b for b in Splitter(text).split().blocks if not isinstance(b, ImplicitComment)]
    scanned = [b for chunk in scan_bibtex(text) for b in chunk.blocks]

    assert [b.line for b in scanned] == [(b.start_line or 0) + 1 for b in split]
    for ours, theirs in zip(scanned, split, strict=True):
        if isinstance(theirs, Entry):
            assert (ours.kind, ours.key) == ("entry", theirs.key)


@settings(max_examples=300, deadline=None)
@given(text=bib_text)
def test_reading_one_entry_gives_what_reading_the_whole_file_gives(text: str) -> None:
    chunks = scan_bibtex(text)
    whole, whole_findings = read_bibtex(text, "x.bib")
    names = Counter(b.name for c in chunks for b in c.blocks if b.kind == "entry" and b.name)
    for name, count in names.items():
        if count > 1:
            continue  # a key defined twice: the key check reports it, the first one is read
        sources, findings = read_bibtex_blocks(text, "x.bib", chunks, {name})
        assert sources == [s for s in whole if s.key == name]
        errors = [f for f in findings if f.severity is Severity.ERROR]
        assert all(f in whole_findings for f in errors), (name, errors, whole_findings)
