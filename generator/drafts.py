"""Drafted prose, in plain words, from what the inference made of a question (pure).

Until a person writes the answer, the pages hold drafts in generated regions marked "draft
from the sources: edit or replace": a short answer, a table of what each source does and
how it fits, and an annotation for each source without one. Every sentence about a source
cites it; what the inference could not tell is said plainly ("not inferred"); and what is
our reasoning rather than a source's claim is labelled as ours. Values from the input enter
only through [`generator.escape`][generator.escape].
"""

from __future__ import annotations

import re

from generator import escape
from generator.escape import Markdown
from generator.infer import QuestionInference, SourceGuess
from generator.model import Fit, Question, Source, SourceUse, Task

__all__ = [
    "DRAFT_MARK",
    "draft_annotation",
    "draft_answer",
    "draft_sources",
    "fit_phrase",
    "inferred_note",
]

DRAFT_MARK = "Draft from the sources: edit or replace."
"""How every draft starts; the region around it is the part to edit or delete."""

FIT_NAMES: dict[Fit, str] = {
    "same-task": "same task",
    "related-task": "related task, same kind of data",
    "other-task": "other task, same kind of data",
    "other-modality": "other kind of data",
    "unknown": "not inferred",
}
_MODALITY_WORDS = {
    "image": "images",
    "video": "video",
    "audio": "audio",
    "speech": "speech",
    "text": "text",
    "3d": "3D data",
    "multimodal": "several kinds of data at once",
    "tabular": "tables",
    "time-series": "time series",
}


def _cite(key: str) -> str:
    return f"[@{key}]"


def _task_words(name: str) -> str:
    """A name inside a sentence: `Image deblurring` → `image deblurring`; `OCR` stays."""
    acronym = len(name) > 1 and name[0].isupper() and name[1].isupper()
    return name if acronym else name[:1].lower() + name[1:]


def fit_phrase(guess: SourceGuess | None, user: Task, inference: QuestionInference) -> str:
    """How a source's task relates to the user's, as a clause (without a citation)."""
    if guess is None:
        return "how it fits was not inferred"
    source_task = guess.task
    user_kind = inference.user.task
    if guess.fit == "same-task":
        name = user_kind.name if (user_kind := inference.user.task) else user.name
        return f"it does your task, {escape.text(_task_words(name))}"
    if source_task is None:
        return "its task could not be told from its name, title or summary"
    what = escape.text(_task_words(source_task.name))
    if user_kind is None:
        return f"it does {what}; how that fits your question was not inferred"
    if guess.fit == "related-task":
        return (
            f"it does a related task on the same kind of data ({what}): it may cover part of yours"
        )
    if guess.fit == "other-task":
        return (
            f"it does another task on {_MODALITY_WORDS[source_task.modality]} ({what}): "
            "it does not do yours as released"
        )
    if guess.fit == "other-modality":
        return (
            f"it works on {_MODALITY_WORDS[source_task.modality]} ({what}), not on "
            f"{_MODALITY_WORDS[user_kind.modality]}: only its ideas can carry over"
        )
    return "how it fits was not inferred"


def _name(use: SourceUse, source: Source) -> str:
    if use.model:
        return str(escape.code(use.model))
    return f"*{escape.text(source.title or use.key)}*"


_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|al|Fig|Eq|Sec|approx|resp)\.)\Z")


def _first_sentence(text: str, limit: int = 220) -> str:
    """The text's first sentence (not cut at `e.g.`), shortened to `limit` characters."""
    words = " ".join(text.split())
    sentence = words
    for match in re.finditer(r"[.!?](?=\s+[A-Z0-9(“\"])", words):
        head = words[: match.end()]
        if not _ABBREVIATIONS.search(head):
            sentence = head
            break
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def draft_answer(
    question: Question, task: Task, inference: QuestionInference, sources: dict[str, Source]
) -> Markdown:
    """The short answer: the task, each source's part, and the caveat, as plain bullets."""
    lines = [f"*{DRAFT_MARK}*", ""]
    if inference.user.task is None:
        lines.append(
            "- **Your task:** not inferred from the question. Name it in the question file "
            "(`task: {kind: …}`) and the draft follows."
        )
    else:
        definition = escape.text(task.summary) if task.summary else ""
        lines.append(f"- **Your task:** {escape.text(task.name)}. {definition}".rstrip())
    asks = [found for found in inference.user.constraints]
    if asks:
        words = "; ".join(f"{found.value} (“{escape.text(found.evidence)}”)" for found in asks)
        lines.append(f"- **What you ask of it:** {words}.")
    doing = []
    for use in question.sources:
        source = sources[use.key]
        guess = inference.source(use.key)
        role = "The recommended model" if use.role == "recommended-model" else "The paper"
        sentence = (
            f"- {role} {_name(use, source)}: {fit_phrase(guess, task, inference)} {_cite(use.key)}."
        )
        if guess is not None and guess.techniques:
            ideas = ", ".join(
                escape.text(technique.name.lower()) for technique, _ in guess.techniques[:3]
            )
            sentence += f" It shows {ideas}, ideas that can carry over {_cite(use.key)}."
        lines.append(sentence)
        if guess is not None and guess.fit == "same-task":
            doing.append(use.key)
    if inference.user.task is not None and not doing:
        lines.append(
            "- **Caveat:** none of the provided sources does your task itself. An answer "
            "built from them rests on ideas that carry over: that is our reasoning, not "
            "what the sources claim."
        )
    return Markdown("\n".join(lines))


def inferred_note(question: Question, inference: QuestionInference, path: str) -> Markdown:
    """Which values of the task page are stated and which inferred, and how to override."""
    user = inference.user
    if question.task is not None and question.task.name:
        return Markdown("")
    if user.task is None:
        return Markdown(
            f"*Not inferred: the question names no task the vocabulary knows. State it in "
            f"{escape.text(path)} as `task: {{kind: …}}` (a task id) or `task: {{name: …}}`.*"
        )
    if inference.stated_task:
        return Markdown(f"*Stated in {escape.text(path)}.*")
    evidence = ", ".join(f"“{escape.text(word)}”" for word in user.evidence)
    parameters = "".join(
        f", `{name}: {escape.text(found.value)}` (“{escape.text(found.evidence)}”)"
        for name, found in user.parameters
    )
    override = f"task: {{kind: {user.task.id}}}"
    return Markdown(
        f"*Inferred from the question ({evidence}{parameters}). If it is wrong, state it in "
        f"{escape.text(path)}, e.g. `{override}`.*"
    )


def draft_sources(
    question: Question, task: Task, inference: QuestionInference, sources: dict[str, Source]
) -> Markdown:
    """A table of what each source does and how it fits, stated or inferred."""
    rows = [
        f"*{DRAFT_MARK}*",
        "",
        "| Source | Role | Its task | Fit to your task | Why |",
        "|---|---|---|---|---|",
    ]
    for use in question.sources:
        source = sources[use.key]
        guess = inference.source(use.key)
        its_task = escape.text(guess.task.name) if guess and guess.task else "not inferred"
        fit = FIT_NAMES[guess.fit] if guess else "not inferred"
        if use.fit is not None:
            why = "stated in the question file"
        else:
            why = "; ".join(escape.text(e) for e in guess.evidence) if guess else ""
            why = why or "nothing in its name, title or summary"
        role = "recommended model" if use.role == "recommended-model" else "related paper"
        rows.append(
            f"| {_name(use, source)} {_cite(use.key)} | {role} | {its_task} | {fit} | {why} |"
        )
    rows += [
        "",
        "A fit is inferred from the source's model name, title and summary; to correct one, "
        "write `fit:` under the source in the question file (`same-task`, `related-task`, "
        "`other-task`, `other-modality` or `unknown`).",
    ]
    return Markdown("\n".join(rows))


def draft_annotation(
    use: SourceUse, source: Source, task: Task, inference: QuestionInference
) -> Markdown:
    """An annotation drafted from the fit, the techniques and the summary (quoted)."""
    guess = inference.source(use.key)
    parts = [f"*{DRAFT_MARK}*"]
    role = "The recommended model" if use.role == "recommended-model" else "This paper"
    clause = fit_phrase(guess, task, inference)
    parts.append(f"{role}: {clause} {_cite(use.key)}.")
    if guess is not None and guess.techniques:
        for technique, phrase in guess.techniques[:3]:
            parts.append(
                f"It shows {escape.text(technique.name.lower())} (“{escape.text(phrase)}”) "
                f"{_cite(use.key)}: {escape.text(_task_words(technique.lends))}"
            )
        parts.append("Carrying these ideas over to your task is our reasoning, not its claim.")
    if source.abstract:
        quote = _first_sentence(source.abstract)
        parts.append(f"Its summary opens: “{escape.text(quote)}” {_cite(use.key)}")
    return Markdown(" ".join(parts))
