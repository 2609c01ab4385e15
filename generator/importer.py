"""Import a question from the plain prompt format into the reference folder.

The prompt is the text a question was first asked in: a preamble, the user's question in
double quotes, numbered instructions, then `### Recommended AI Models:` and
`### Related Papers:` sections of `Model:` / `Paper:` / `GitHub:` / `Summary:` blocks.
[`parse_prompt`][generator.importer.parse_prompt] reads it without I/O;
[`import_prompt`][generator.importer.import_prompt] writes `<references>/<id>.yaml` (the
sources) and `<references>/questions/<id>.yaml` (the question), never overwriting a file.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from generator.errors import InputError
from generator.files import write_atomic
from generator.load import load_project
from generator.load.validate import is_http_url
from generator.model import Location, Role

__all__ = ["ANNOTATION", "ParsedPrompt", "PromptSource", "derive_key", "import_prompt"]
__all__ += ["parse_prompt", "render_files"]

#: The annotation every imported source gets: a placeholder to be replaced by hand.
ANNOTATION = (
    "Imported from the prompt; explain why this source matters here and where it does not fit."
)
_ASKED = "A user has asked the following question:"
_HEADING = re.compile(r"^#{1,6}\s*(.*?)\s*:?\s*$")
_FIELD = re.compile(r"^(model|paper|github|summary)\s*:\s*(.*)$", re.IGNORECASE)
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
        name = field.group(1).lower() if field else ""
        value = field.group(2) if field else ""
        if number - 1 in asked:
            continue
        if re.fullmatch(r"answer\s*:?", line, re.IGNORECASE):
            break
        if heading := _HEADING.match(line):
            title = heading.group(1).lower()
            role = "recommended-model" if "recommended" in title else None
            role = "related-paper" if "related" in title else role
            last = ""
        elif name == "model":
            if role is None:
                _fail(path, number, "outside-section", value=value)
            blocks.append({"role": role, "model": (value, number)})
            last = "model"
        elif field:
            if not blocks or role is None:
                _fail(path, number, "outside-block", field=field.group(1))
            if name in blocks[-1]:
                _fail(path, number, "second-field", field=field.group(1))
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


def render_files(
    parsed: ParsedPrompt,
    question_id: str,
    origin: str,
    taken: frozenset[str] = frozenset(),
    *,
    references: str = "references",
) -> dict[str, str]:
    """The two files of an import, as text: path relative to the project → YAML.

    Args:
        parsed: The prompt.
        question_id: The question's id (a valid file name stem).
        origin: The prompt's file name, for the files' first comment.
        taken: Keys already in the reference set; new keys get `-2`, `-3`… to stay unique.
        references: The reference folder, relative to the project.
    """
    used = set(taken)
    entries: list[dict[str, str]] = []
    uses: list[dict[str, str]] = []
    for source in parsed.sources:
        key = base = derive_key(source.name)
        for n in range(2, sys.maxsize):
            if key not in used:
                break
            key = f"{base}-{n}"
        used.add(key)
        fields = {"url": source.url, "code": source.code, "abstract": source.summary}
        entries.append({"key": key, "title": source.name} | {k: v for k, v in fields.items() if v})
        model = {"model": source.name} if source.role == "recommended-model" else {}
        uses.append({"key": key, "role": source.role, **model, "annotation": ANNOTATION})
    question = {"title": _title(parsed.question), "question": parsed.question}
    if parsed.instructions:
        question["instructions"] = parsed.instructions
    note = f"# Imported by `answersite import` from {origin}"
    return {
        f"{references}/{question_id}.yaml": f"{note}.\n" + _dump({"sources": entries}),
        f"{references}/questions/{question_id}.yaml": f"{note}: write each annotation by hand.\n"
        + _dump({**question, "sources": uses}),
    }


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


def import_prompt(
    prompt: Path, root: Path, *, question_id: str | None = None, references: str = "references"
) -> list[str]:
    """Import a prompt file into the project's reference folder.

    Args:
        prompt: The prompt text file.
        root: The project root.
        question_id: The question's id; by default the prompt's file name made valid
            (`000_53d094cc14bda616.txt` → `000-53d094cc14bda616`).
        references: The reference folder, relative to `root` (the plugin's `references:`).

    Returns:
        The written files, relative to `root`, with `/` separators.

    Raises:
        InputError: The prompt cannot be read or parsed, the id is invalid, or a file exists.
    """
    try:
        text = prompt.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(
            f"cannot read the prompt: {reason}",
            Location(prompt.as_posix()),
            "name an existing UTF-8 text file",
        ) from None
    parsed = parse_prompt(text, prompt.as_posix())
    derived = re.sub(r"[^a-z0-9]+", "-", prompt.stem.lower()).strip("-")
    qid = derived if question_id is None else question_id
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", qid):
        raise InputError(
            f"question id `{qid}` must be lower-case letters, digits and `-`",
            hint=f"pass `--id {derived or 'my-question'}`",
        )
    taken = load_project(root, references)[0].keys
    files = render_files(parsed, qid, prompt.name, taken, references=references)
    for rel in files:
        if (root / rel).exists():
            raise _exists(rel, qid)
    written: list[str] = []
    try:
        for rel, content in files.items():
            write_atomic(root / rel, content, overwrite=False)
            written.append(rel)
    except FileExistsError:  # created meanwhile: take back what this import wrote
        for done in written:
            (root / done).unlink(missing_ok=True)
        raise _exists(rel, qid) from None
    return list(files)


def _exists(rel: str, qid: str) -> InputError:
    return InputError(
        f"`{rel}` already exists; answersite import never overwrites a file",
        Location(rel),
        f"pass `--id {qid}-2` to import under another id, or delete `{rel}`",
    )
