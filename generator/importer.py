"""Import a question from the plain prompt format into the reference folder.

The prompt is the text a question was first asked in: a preamble, the user's question in
double quotes, numbered instructions, then `### Recommended AI Models:` and
`### Related Papers:` sections of `Model:` / `Paper:` / `GitHub:` / `Summary:` blocks.
[`parse_prompt`][generator.importer.parse_prompt] reads it without I/O;
[`import_prompt`][generator.importer.import_prompt] writes `<references>/<id>.yaml` (the
sources) and `<references>/questions/<id>.yaml` (the question), never overwriting a file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from generator.check import normalize_url
from generator.errors import InputError, WriteError
from generator.files import write_atomic
from generator.load import load_project, source_links
from generator.load.validate import is_http_url
from generator.model import Finding, Location, Role, Severity

__all__ = [
    "Imported",
    "ParsedPrompt",
    "PlannedImport",
    "PromptSource",
    "derive_key",
    "identities",
    "import_prompt",
    "import_prompts",
    "parse_prompt",
    "plan_import",
]

_ASKED = "A user has asked the following question:"
_HEADING = re.compile(r"^#{1,6}\s*(.*?)\s*:?\s*$")
# A sources heading, with or without `#`s, bold, or a colon: `### Recommended AI Models:`,
# `**Related papers**`, `Recommended models:`.
_SECTION = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?P<name>recommended(?:\s+ai)?\s+models?"
    r"|related\s+papers?|related\s+work)\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*$",
    re.IGNORECASE,
)
# A field line, also as a list item or in bold: `Model:`, `- **Paper:** https://…`.
_FIELD = re.compile(
    r"^(?:[-*+]\s+)?(?:\*\*|__)?\s*(?P<name>model(?:\s+name)?|name|title|paper(?:\s+link)?"
    r"|url|link|arxiv|github|git\s*hub|code|repo(?:sitory)?|summary|abstract)"
    r"\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<value>.*?)\s*$",
    re.IGNORECASE,
)
_FIELD_NAMES = {
    "model": "model", "model name": "model", "name": "model", "title": "model",
    "paper": "paper", "paper link": "paper", "url": "paper", "link": "paper", "arxiv": "paper",
    "github": "github", "git hub": "github", "code": "github",
    "repo": "github", "repository": "github", "summary": "summary", "abstract": "summary",
}  # fmt: skip
_STEP = re.compile(r"^\d+[.)]\s+\S")
_CONNECTORS = frozenset(
    ("with", "for", "and", "via", "of", "in", "on", "using", "from", "by", "to")
)
_FIX_BLOCK = "list each source as `Model: …` then `Paper: https://…` on the next line"
_SECTIONS = "`### Recommended AI Models:` or `### Related Papers:`"
#: Why a prompt cannot be imported: message and hint, by problem.
_PROBLEMS = {
    "no-question": (
        f"the prompt has no line `{_ASKED}`",
        f'add `{_ASKED}` and, on the next line, the question in double quotes: "…"',
    ),
    "not-quoted": (
        f"expected the user's question in double quotes after `{_ASKED}`, found {{found}}",
        'write the question as one paragraph in double quotes: "…"',
    ),
    "outside-section": (
        "`Model: {value}` is not under a sources heading",
        f"put it under {_SECTIONS}",
    ),
    "outside-block": ("`{field}:` line outside a `Model:` block", _FIX_BLOCK),
    "second-field": (
        "a second `{field}:` line in the same `Model:` block",
        "keep one `{field}:` line, or start the next block with `Model:`",
    ),
    "stray-line": (
        "unexpected line in the `Model: {name}` block: `{text}`",
        "start it with `Paper:`, `GitHub:` or `Summary:`, or join it to the line above",
    ),
    "no-sources": ("the prompt lists no sources", f"{_FIX_BLOCK}, under {_SECTIONS}"),
    "no-name": ("`Model:` has no name", "write `Model: NAME`"),
    "no-paper": (
        "`Model: {name}` has no `Paper:` line",
        "add `Paper: https://…` under `Model: {name}`",
    ),
    "bad-url": (
        "`{field}:` of `{name}` must be an http(s) URL, found `{value}`",
        "write the full address, starting with https://",
    ),
}


@dataclass(frozen=True)
class PromptSource:
    """One `Model:` block of the prompt.

    Attributes:
        role: `recommended-model` or `related-paper`, from the section it is in.
        name: The model name, or the paper title.
        url: The `Paper:` link.
        line: The 1-based line of its `Model:` line.
        code: The `GitHub:` link, or `None`.
        summary: The `Summary:` text, or `None`.
    """

    role: Role
    name: str
    url: str
    line: int
    code: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class ParsedPrompt:
    """A prompt, read.

    Attributes:
        question: The user's words, without the quotes, whitespace folded.
        steps: The numbered instructions, as written (`1. What task …`).
        rule: The `Use **only the provided models and papers**…` line, or `None`.
        sources: The sources, in prompt order.
    """

    question: str
    steps: tuple[str, ...]
    rule: str | None
    sources: tuple[PromptSource, ...]

    @property
    def instructions(self) -> str | None:
        """The numbered list and the rule as one Markdown text, or `None` if there are none."""
        parts = ["\n".join(self.steps)] if self.steps else []
        return "\n\n".join([*parts, self.rule] if self.rule else parts) or None


def parse_prompt(text: str, path: str) -> ParsedPrompt:
    """Read a prompt in the plain format.

    Args:
        text: The prompt's text (`\\r\\n` and blank lines are tolerated).
        path: The prompt's path, for messages.

    Returns:
        The parsed prompt.

    Raises:
        InputError: The question is missing or not quoted, or a `Model:` block is incomplete.
    """
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    question, asked = _read_question(lines, path)
    steps: list[str] = []
    rule: str | None = None
    blocks: list[dict[str, Any]] = []
    role: Role | None = None
    last = ""  # the field a wrapped line continues, if any
    step_end = 0  # the line of the last instruction
    for number, line in enumerate(lines, start=1):
        field = _FIELD.match(line)
        name = _FIELD_NAMES.get(" ".join(field["name"].lower().split()), "") if field else ""
        value = field["value"] if field else ""
        if number - 1 in asked:
            continue
        if re.fullmatch(r"answer\s*:?", line, re.IGNORECASE):
            break
        if section := _SECTION.match(line):
            role = (
                "recommended-model" if section["name"].lower().startswith("recommended") else
                "related-paper"
            )  # fmt: skip
            last = ""
        elif _HEADING.match(line):
            role = None  # another heading ends the sources
            last = ""
        elif name == "model":
            if role is None:
                _fail(path, number, "outside-section", value=value)
            blocks.append({"role": role, "model": (value, number)})
            last = "model"
        elif field:
            if not blocks or role is None:
                _fail(path, number, "outside-block", field=field["name"])
            if name in blocks[-1]:
                _fail(path, number, "second-field", field=field["name"])
            blocks[-1][name] = (value, number)
            last = name
        elif not line:
            last = last if last == "summary" else ""
        elif last in ("model", "summary"):
            so_far, start = blocks[-1][last]
            gap = "\n\n" if lines[number - 2] == "" else " "
            blocks[-1][last] = (f"{so_far}{gap}{line}".strip(), start)
        elif role is not None and blocks:
            _fail(path, number, "stray-line", name=blocks[-1]["model"][0], text=_clip(line))
        elif role is None and "only the provided" in line.lower():
            rule = line
        elif role is None and _STEP.match(line):
            steps.append(line)
            step_end = number
        elif role is None and steps and step_end == number - 1:  # a wrapped instruction
            steps[-1] += " " + line
            step_end = number
    if not blocks:
        _fail(path, len(lines), "no-sources")
    return ParsedPrompt(question, tuple(steps), rule, tuple(_source(b, path) for b in blocks))


def _fail(path: str, line: int, problem: str, **values: str) -> NoReturn:
    message, hint = _PROBLEMS[problem]
    raise InputError(message.format(**values), Location(path, line), hint.format(**values))


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _read_question(lines: list[str], path: str) -> tuple[str, range]:
    """The quoted paragraph after the `A user has asked…` line, and the indices it spans."""
    marker = next((i for i, ln in enumerate(lines) if ln.lower().startswith(_ASKED.lower())), None)
    if marker is None:
        _fail(path, 1, "no-question")
    rest = lines[marker][len(_ASKED) :].strip()
    first = marker if rest else marker + 1
    while first < len(lines) and not lines[first]:
        first += 1
    paragraph, end = rest if first == marker else "", first + (first == marker)
    # The question ends at its closing quote, or at a blank line if the quote is missing.
    while not re.search(r'.["”]$', paragraph) and end < len(lines) and lines[end]:
        paragraph, end = f"{paragraph} {lines[end]}".strip(), end + 1
    quoted = re.fullmatch(r'["“](.*)["”]', paragraph, re.DOTALL)
    if quoted is None or not quoted.group(1).strip():
        found = f"`{_clip(paragraph)}`" if paragraph else "nothing"
        _fail(path, first + 1 if paragraph else marker + 1, "not-quoted", found=found)
    return " ".join(quoted.group(1).split()), range(marker, end)


def _source(block: dict[str, Any], path: str) -> PromptSource:
    name, line = block["model"]
    if not name:
        _fail(path, line, "no-name")
    if "paper" not in block:
        _fail(path, line, "no-paper", name=name)
    links = {}
    for field in ("paper", "github"):
        value, at = block.get(field, (None, line))
        if value is not None and not is_http_url(value):
            _fail(path, at, "bad-url", field=field.title(), name=name, value=value)
        links[field] = value
    summary = block.get("summary", ("", line))[0] or None
    return PromptSource(block["role"], name, links["paper"], line, links["github"], summary)


def derive_key(name: str) -> str:
    """A readable citation key for a model name or paper title.

    The title before its first `: ` is folded to ASCII lower case; its words are joined with
    `-`, leading articles dropped, cut before the first connector (`with`, `for`, `of`, …)
    that follows two words, and at five words: `Speeding Up Image Classifiers with Little
    Companions` → `speeding-up-image-classifiers`, `Deblur-MSSNet-GoPro` → `deblur-mssnet-gopro`.
    """
    head = re.split(r":\s", name, maxsplit=1)[0]
    ascii_text = unicodedata.normalize("NFKD", head).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    while len(words) > 1 and words[0] in ("a", "an", "the"):
        words.pop(0)
    cut = next((i for i, w in enumerate(words) if i >= 2 and w in _CONNECTORS), len(words))
    return "-".join(words[: min(cut, 5)]) or "source"


@dataclass(frozen=True)
class PlannedImport:
    """The files of one import and the sources it reuses.

    Attributes:
        files: Path relative to the project → YAML text (the sources file is left out when
            every source of the prompt is already in the set).
        reused: `(name in the prompt, key in the set)` for each source already there.
        known: The identities after this import (the given ones plus the new sources'), to
            plan the next prompt of a batch against.
        taken: The keys after this import.
    """

    files: dict[str, str]
    reused: tuple[tuple[str, str], ...]
    known: Mapping[str, str] = dataclasses.field(default_factory=dict)
    taken: frozenset[str] = frozenset()


def identities(url: str | None, eprint: str | None = None) -> tuple[str, ...]:
    """What makes two sources the same: the paper URL after the link check's normalisation,
    and the arXiv id (from `eprint` or from an arXiv URL, without its version)."""
    found: list[str] = []
    key = normalize_url(url) if url else None
    if key:
        found.append(f"url:{key}")
    arxiv = _arxiv_id(url)
    if arxiv is None and eprint and _ARXIV_ID.fullmatch(eprint.strip()):
        arxiv = eprint.strip()
    if arxiv:
        found.append(f"arxiv:{_ARXIV_VERSION.sub('', arxiv)}")
    return tuple(found)


_ARXIV_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_ARXIV_VERSION = re.compile(r"v\d+\Z")
_ARXIV_URL = re.compile(
    r"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>" + _ARXIV_ID.pattern + r")"
    r"(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE,
)


def _arxiv_id(url: str | None) -> str | None:
    """The arXiv id of an arXiv URL, without its version: `2406.17117`."""
    match = _ARXIV_URL.fullmatch(url.strip()) if url else None
    return _ARXIV_VERSION.sub("", match["id"]) if match else None


def plan_import(
    parsed: ParsedPrompt,
    question_id: str,
    origin: str,
    known: Mapping[str, str] | None = None,
    taken: frozenset[str] = frozenset(),
    *,
    references: str = "references",
    digest: str = "",
) -> PlannedImport:
    """The files of an import, as text, reusing the sources the set already has.

    Nothing is invented: a recommended model's paper title is not in the prompt, so its
    source has none (its pages say so and where to add one); a related paper's title is
    its `Model:` line; the e-print is the arXiv id of an arXiv `Paper:` link. No annotation
    is written: the references page drafts one from the sources until a person writes one.

    Args:
        parsed: The prompt.
        question_id: The question's id (a valid file name stem).
        origin: The prompt's file name, for the files' first comment.
        known: Identity (see [`identities`][generator.importer.identities]) → key, for the
            sources already in the set.
        taken: Keys already in the set; new keys get `-2`, `-3`… to stay unique.
        references: The reference folder, relative to the project.
        digest: The prompt's checksum, recorded so that importing it again changes nothing.
    """
    index = dict(known or {})
    used = set(taken)
    entries: list[dict[str, str]] = []
    uses: list[dict[str, str]] = []
    reused: list[tuple[str, str]] = []
    listed: set[str] = set()
    for source in parsed.sources:
        ids = identities(source.url)
        key = next((index[i] for i in ids if i in index), None)
        if key is not None and key not in {e["key"] for e in entries}:
            reused.append((source.name, key))
        if key is None:
            key = base = derive_key(source.name)
            for n in range(2, sys.maxsize):
                if key not in used:
                    break
                key = f"{base}-{n}"
            used.add(key)
            index.update((i, key) for i in ids)
            entry = {"key": key}
            if source.role == "related-paper":
                entry["title"] = source.name
            fields = {
                "url": source.url,
                "code": source.code,
                "eprint": _arxiv_id(source.url),
                "abstract": source.summary,
            }
            entries.append(entry | {k: v for k, v in fields.items() if v})
        if key in listed:
            continue  # the prompt lists the same source twice
        listed.add(key)
        model = {"model": source.name} if source.role == "recommended-model" else {}
        uses.append({"key": key, "role": source.role, **model})
    question = {"title": _title(parsed.question), "question": parsed.question}
    if parsed.instructions:
        question["instructions"] = parsed.instructions
    note = f"# Imported by `answersite import` from {origin}"
    files = {}
    if entries:
        files[f"{references}/{question_id}.yaml"] = f"{note}.\n" + _dump({"sources": entries})
    files[f"{references}/questions/{question_id}.yaml"] = (
        f"{note} (prompt sha256: {digest}).\n"
        "# Annotations are drafted from the sources on the references page: write your own\n"
        "# under each source as `annotation:` to replace a draft.\n"
        + _dump({**question, "sources": uses})
    )
    return PlannedImport(files, tuple(reused), index, frozenset(used))


def _title(question: str, limit: int = 80) -> str:
    """The question's first sentence that asks something, shortened to `limit` characters."""
    sentences: list[str] = re.findall(r"[^.?!]+[.?!]*", question)
    title = next((s for s in sentences if s.endswith("?")), sentences[0]).strip()
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", 0, limit)
    return title[: cut if cut > 0 else limit].rstrip(",;:") + "…"


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key; multi-line text as `|` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


def _dump(data: dict[str, Any]) -> str:
    # One line per value, however long: folded abstracts are hard to read and to diff.
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=sys.maxsize)


@dataclass(frozen=True)
class Imported:
    """What an import did with one prompt.

    Attributes:
        written: The files written, relative to the project root.
        reused: `(name in the prompt, key)` for each source the set already had.
        unchanged: The same prompt was imported under this id before: nothing was written.
        prompt: The prompt file, as given.
        question_id: The id of its question.
    """

    written: tuple[str, ...]
    reused: tuple[tuple[str, str], ...] = ()
    unchanged: bool = False
    prompt: str = ""
    question_id: str = ""


_DIGEST = re.compile(r"\(prompt sha256: ([0-9a-f]{64})\)")


def import_prompt(
    prompt: Path, root: Path, *, question_id: str | None = None, references: str = "references"
) -> Imported:
    """Import one prompt file into the project's reference folder.

    The same as [`import_prompts`][generator.importer.import_prompts] with one prompt.

    Raises:
        InputError: The prompt cannot be read or parsed, the id is invalid, or the id is
            taken by another prompt.
        WriteError: A file cannot be written; nothing was written.
    """
    return import_prompts([prompt], root, question_id=question_id, references=references)[0]


@dataclass(frozen=True)
class _Read:
    path: Path
    parsed: ParsedPrompt
    digest: str
    question_id: str


def import_prompts(
    prompts: Sequence[Path],
    root: Path,
    *,
    question_id: str | None = None,
    references: str = "references",
) -> tuple[Imported, ...]:
    """Import prompt files into the project's reference folder, all or nothing.

    The reference set is read once and each prompt is planned against it and against the
    prompts before it, so a thousand prompts that share sources store each source once
    (same paper URL after the link check's normalisation, or same arXiv id). Importing the
    same prompt again under the same id changes nothing; a different prompt under an
    existing id is refused. Every prompt is read and checked before anything is written:
    one prompt that cannot be imported stops the batch, with every problem reported.

    Args:
        prompts: The prompt text files, in the order their new sources get their keys.
        root: The project root.
        question_id: The question's id, for a single prompt; by default each prompt's file
            name made valid (`000_53d094cc14bda616.txt` → `000-53d094cc14bda616`).
        references: The reference folder, relative to `root` (the plugin's `references:`).

    Returns:
        What was written and reused, one entry per prompt, in the order given.

    Raises:
        InputError: A prompt cannot be read or parsed, an id is invalid, taken by another
            prompt, or given to two prompts of the batch.
        WriteError: A file cannot be written; nothing of the batch was written.
    """
    if question_id is not None and len(prompts) != 1:
        raise InputError(
            f"`--id` names one question, but {len(prompts)} prompts were given",
            hint="import several prompts without `--id`: each takes its file name as its id",
        )
    problems: list[Finding] = []
    read: list[_Read] = []
    for prompt in prompts:
        try:
            read.append(_read_prompt(prompt, question_id))
        except InputError as error:
            problems.append(_finding(error))
    by_id: dict[str, Path] = {}
    for item in read:
        if item.question_id in by_id:
            first = by_id[item.question_id].as_posix()
            problems.append(
                Finding(
                    "prompt-invalid",
                    Severity.ERROR,
                    f"`{first}` and `{item.path.as_posix()}` both give the question id "
                    f"`{item.question_id}`",
                    Location(item.path.as_posix()),
                    f"rename one of the files, or import it alone with `--id {item.question_id}-2`",
                )
            )
        by_id.setdefault(item.question_id, item.path)
    results: dict[int, Imported] = {}
    for index, item in enumerate(read):
        question_file = root / references / "questions" / f"{item.question_id}.yaml"
        if not question_file.exists():
            continue
        before = _DIGEST.search(question_file.read_text(encoding="utf-8", errors="replace"))
        if before and before.group(1) == item.digest:
            results[index] = Imported(
                (), unchanged=True, prompt=item.path.as_posix(), question_id=item.question_id
            )
            continue
        rel = question_file.relative_to(root).as_posix()
        problems.append(
            Finding(
                "prompt-id-taken",
                Severity.ERROR,
                f"the question id `{item.question_id}` is taken: `{rel}` holds another question",
                Location(item.path.as_posix()),
                f"pass `--id {item.question_id}-2` (or another id) to import this prompt as a "
                "new question",
            )
        )
    if problems:
        if len(prompts) == 1:
            only = problems[0]
            raise InputError(only.message, only.location, only.hint)
        raise InputError(
            f"{len(problems)} problem(s) in {len(prompts)} prompts: nothing was imported",
            findings=tuple(problems),
        )
    todo = [(i, item) for i, item in enumerate(read) if i not in results]
    planned: list[tuple[int, _Read, PlannedImport]] = []
    if todo:
        links = source_links(root, references)
        known: Mapping[str, str] = {}
        index_of: dict[str, str] = {}
        for link in links:
            for identity in identities(link.url, link.eprint):
                index_of.setdefault(identity, link.key)
        known = index_of
        taken = frozenset(link.key for link in links) | load_project(root, references)[0].keys
        for i, item in todo:
            plan = plan_import(
                item.parsed,
                item.question_id,
                item.path.name,
                known,
                taken,
                references=references,
                digest=item.digest,
            )
            known, taken = plan.known, plan.taken
            planned.append((i, item, plan))
    _write_all(
        root,
        [
            (rel, text, item.question_id)
            for _, item, plan in planned
            for rel, text in plan.files.items()
        ],
    )
    for i, item, plan in planned:
        results[i] = Imported(
            tuple(plan.files),
            plan.reused,
            prompt=item.path.as_posix(),
            question_id=item.question_id,
        )
    return tuple(results[i] for i in range(len(read)))


def _read_prompt(prompt: Path, question_id: str | None) -> _Read:
    try:
        data = prompt.read_bytes()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(
            f"cannot read the prompt: {reason}",
            Location(prompt.as_posix()),
            "name an existing UTF-8 text file",
        ) from None
    parsed = parse_prompt(text, prompt.as_posix())
    digest = hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()
    derived = re.sub(r"[^a-z0-9]+", "-", prompt.stem.lower()).strip("-")
    qid = derived if question_id is None else question_id
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", qid):
        raise InputError(
            f"question id `{qid}` must be lower-case letters, digits and `-`",
            Location(prompt.as_posix()) if question_id is None else None,
            f"pass `--id {derived or 'my-question'}`",
        )
    return _Read(prompt, parsed, digest, qid)


def _finding(error: InputError) -> Finding:
    return Finding("prompt-invalid", Severity.ERROR, error.message, error.location, error.hint)


def _write_all(root: Path, files: Sequence[tuple[str, str, str]]) -> None:
    """Write new files, never replacing one; on any failure remove those written."""
    written: list[Path] = []
    try:
        for rel, content, qid in files:
            try:
                write_atomic(root / rel, content, overwrite=False)
            except FileExistsError:  # created meanwhile
                raise _exists(rel, qid) from None
            except OSError as error:
                raise WriteError(
                    f"cannot write the file: {error.strerror or error}; nothing was imported",
                    Location(rel),
                    "make the reference folder writable (and check the free space), then "
                    "import again",
                ) from None
            written.append(root / rel)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _exists(rel: str, qid: str) -> InputError:
    return InputError(
        f"`{rel}` already exists; answersite import never overwrites a file",
        Location(rel),
        f"pass `--id {qid}-2` to import under another id, or delete `{rel}`",
    )
