"""Inference: the user's task from the question, each source's task and how well it fits.

A pure, deterministic stage over the vocabulary of
[`generator.infer.knowledge`][generator.infer.knowledge]:

- **The user's task** comes from the phrases of the question (`upscale`, `transcribe`), the
  longest match the most specific; when phrases of several modalities match (`denoise`),
  the question's modality cues (`photo`, `recording`) choose. Its parameters (a scale
  factor: "3×", "x4", "three times", "30 fps → 240 fps"), the platform (phone, browser,
  laptop, server, offline) and the constraints (speed, quality, size, privacy) are read
  from the question too, each with the words that show it.
- **A source's task** comes first from its model name (a task word such as `Deblur`, or a
  benchmark dataset such as `GoPro`), then from its title, then from its summary (which
  must point at one task clearly). Its **fit** to the user's task is one of `same-task`,
  `related-task` (same modality, listed as related), `other-task` (same modality),
  `other-modality` and `unknown`. The techniques its title and summary show are listed.

Nothing is guessed beyond the evidence: with none, the result says "not inferred". A value
the question file states (`task:`, a source's `fit:`) wins over the inferred one; the
drafted pages say which is which.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from generator.infer.model import Dataset, Knowledge, TaskKind, Technique
from generator.model import Fit, Question, Source

__all__ = [
    "Found",
    "QuestionInference",
    "SourceGuess",
    "UserTask",
    "fit_of",
    "guess_source",
    "guess_user_task",
    "infer_question",
    "model_name_parts",
]


@dataclass(frozen=True)
class Found:
    """Something inferred and the words that show it.

    Attributes:
        value: What was found (a parameter's value, a platform, a constraint).
        evidence: The words of the input that show it, as written.
    """

    value: str
    evidence: str


@dataclass(frozen=True)
class UserTask:
    """The user's task as the question shows it.

    Attributes:
        task: The task, or `None` when the question does not tell it.
        evidence: The phrases of the question that point at it.
        parameters: Parameter name → value (`scale` → `3`), each with its words.
        platform: Where it runs (`phone`, `browser`, `laptop`, `server`, `offline`), or `None`.
        constraints: `speed`, `quality`, `size`, `privacy`, in that order, each with its words.
    """

    task: TaskKind | None
    evidence: tuple[str, ...] = ()
    parameters: tuple[tuple[str, Found], ...] = ()
    platform: Found | None = None
    constraints: tuple[Found, ...] = ()

    def parameter(self, name: str) -> str | None:
        """The value of parameter `name`, or `None`."""
        return next((found.value for key, found in self.parameters if key == name), None)


@dataclass(frozen=True)
class SourceGuess:
    """A source's task, its fit to the user's task, and the techniques it shows.

    Attributes:
        task: The source's task, or `None`.
        evidence: Why, in words: "`Deblur` in the model name", "`GoPro`, a dataset of …".
        dataset: A benchmark dataset its model name names, or `None`.
        fit: How its task relates to the user's.
        techniques: The techniques its title and summary show, each with its phrase.
    """

    task: TaskKind | None
    evidence: tuple[str, ...]
    dataset: Dataset | None
    fit: Fit
    techniques: tuple[tuple[Technique, str], ...] = ()


# -- reading text ---------------------------------------------------------------------------


_DASHES = re.compile(r"[‐‑‒–—―]")
_QUOTES = re.compile(r"[\"“”„«»]")


def _normal(text: str) -> str:
    """Lower case, one space between words, typographic dashes and quotes made plain."""
    text = text.casefold()
    text = _DASHES.sub("-", text).replace("’", "'")
    text = _QUOTES.sub("", text)  # `"little" model` reads as `little model`
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)
def _pattern(phrase: str) -> re.Pattern[str] | None:
    """A phrase as a whole-word pattern (a space also matches a hyphen)."""
    needle = _normal(phrase)
    if not needle:
        return None
    return re.compile(r"(?<![\w-])" + re.escape(needle).replace(r"\ ", r"[\s-]") + r"(?![\w-])")


@functools.lru_cache(maxsize=4096)
def _compiled(phrases: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """Each phrase with a cheap test (its first word's first letters) and its pattern."""
    out = []
    for phrase in phrases:
        pattern = _pattern(phrase)
        if pattern is not None:
            out.append((phrase.split()[0][:3].casefold(), pattern, phrase))
    return tuple(out)


def _matches(text: str, phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of each phrase: `(start, end, phrase)`."""
    found: list[tuple[int, int, str]] = []
    for head, pattern, phrase in _compiled(tuple(phrases)):
        if head in text:
            found.extend((m.start(), m.end(), phrase) for m in pattern.finditer(text))
    return found


def _longest(matches: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Keep one match per span and owner, and drop a match inside a longer one
    (`denoising` inside `video denoising`)."""
    unique = {(m[0], m[1], m[3]): m for m in sorted(matches)}
    kept = []
    for match in unique.values():
        start, end = match[0], match[1]
        inside = any(
            (o[0] <= start and end <= o[1]) and (o[1] - o[0]) > (end - start)
            for o in unique.values()
        )
        if not inside:
            kept.append(match)
    return kept


# What comes before a phrase's match (the lookbehind of `_pattern`, negated).
_WORD_START = re.compile(r"[^\w-]")
_PhraseIndex = dict[str, tuple[tuple[re.Pattern[str], str, str], ...]]
# By the identity of the entry list (hashing a vocabulary's entries costs more than a lookup).
_INDEXES: dict[int, tuple[Sequence[TaskKind | Technique], _PhraseIndex, frozenset[int]]] = {}


def _phrase_index(
    entries: Sequence[TaskKind | Technique],
) -> tuple[_PhraseIndex, frozenset[int]]:
    """Every entry's phrases, by their cheap test: head → (pattern, phrase, entry id); and
    the lengths of the heads."""
    known = _INDEXES.get(id(entries))
    if known is not None and known[0] is entries:
        return known[1], known[2]
    index: dict[str, list[tuple[re.Pattern[str], str, str]]] = {}
    for entry in entries:
        for head, pattern, phrase in _compiled(tuple(entry.phrases)):
            index.setdefault(head, []).append((pattern, phrase, entry.id))
    found = {head: tuple(entries) for head, entries in index.items()}
    lengths = frozenset(len(head) for head in found)
    if len(_INDEXES) > 8:
        _INDEXES.clear()
    _INDEXES[id(entries)] = (entries, found, lengths)
    return found, lengths


def _all_matches(
    text: str, entries: Sequence[TaskKind | Technique]
) -> list[tuple[int, int, str, str]]:
    """Every whole-word occurrence of every entry's phrases: `(start, end, phrase, id)`,
    in no particular order (callers sort).

    The heads present are found from the text's slices of a head's length, rather than by
    searching the text for each of the vocabulary's heads. A phrase matches only where no
    word character or `-` comes before it, so only the slices there are taken.
    """
    index, lengths = _phrase_index(entries)
    starts = [0, *(found.end() for found in _WORD_START.finditer(text))]
    present = {text[i : i + n] for n in lengths for i in starts}
    return [
        (match.start(), match.end(), phrase, entry_id)
        for head in present.intersection(index)
        for pattern, phrase, entry_id in index[head]
        for match in pattern.finditer(text)
    ]


def _task_scores(
    text: str, tasks: Sequence[TaskKind], weight: int = 1
) -> dict[str, tuple[int, list[str]]]:
    """Task id → (score, phrases matched): a phrase scores its number of words."""
    raw = _all_matches(text, tasks)
    scores: dict[str, tuple[int, list[str]]] = {}
    for _start, _end, phrase, task_id in _longest(raw):
        score, phrases = scores.get(task_id, (0, []))
        if phrase not in phrases:
            phrases.append(phrase)
        scores[task_id] = (score + weight * len(phrase.split()), phrases)
    return scores


def _modalities(text: str, knowledge: Knowledge) -> set[str]:
    return {cue.id for cue in knowledge.modalities if _matches(text, cue.phrases)}


# -- the user's task --------------------------------------------------------------------------

_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3,
    "quadruple": 4, "quadrupled": 4,
}  # fmt: skip
_NUMBER = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_SCALE_PATTERNS = (
    re.compile(_NUMBER + r"\s*(?:×|x)(?![\w×])", re.IGNORECASE),  # 3×, 3x, 3 x
    re.compile(r"(?<![\w×])(?:×|x)\s*" + _NUMBER + r"(?!\w)", re.IGNORECASE),  # ×3, x4
    re.compile(_NUMBER + r"\s+times\b", re.IGNORECASE),  # three times
    re.compile(r"\bby\s+a\s+factor\s+of\s+" + _NUMBER, re.IGNORECASE),
    re.compile(_NUMBER + r"-?fold\b", re.IGNORECASE),
    re.compile(r"\b(double|triple|quadruple|doubled|tripled|quadrupled|twice)\b", re.IGNORECASE),
)
_FPS = re.compile(
    r"(\d+(?:\.\d+)?)\s*fps\s*(?:→|->|to|into|up to)\s*(\d+(?:\.\d+)?)\s*fps", re.IGNORECASE
)
_SIZES = re.compile(
    r"(\d{2,5})\s*[×x]\s*(\d{2,5})\s*(?:→|->|to|into)\s*(\d{2,5})\s*[×x]\s*(\d{2,5})",
    re.IGNORECASE,
)
_PLATFORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("phone", ("phone", "smartphone", "iphone", "android", "mobile app", "my mobile")),
    ("browser", ("browser", "web page", "webpage", "website", "browser extension", "chrome")),
    ("laptop", ("laptop", "desktop", "my pc", "macbook", "notebook computer", "my computer")),
    ("server", ("server", "servers", "cloud", "data center", "datacenter", "gpu cluster")),
    ("offline", (
        "offline", "without internet", "no internet", "on-device", "on device", "no wi-fi",
        "no wifi", "without wi-fi", "without wifi", "no network", "no signal",
    )),
)  # fmt: skip
_NOT = r"(?:never|not|without|no|[a-z]+n't)\W+(?:\w+\W+){0,4}?"
_CONSTRAINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("speed", (
        r"fast(?:er)?", r"quick(?:ly)?", r"instant(?:ly)?", r"real[- ]time", r"latency",
        r"(?:without|no)(?: much)? delay", r"milliseconds?",
        r"(?:within|under|in) (?:a|one) second",
        r"(?:within|in|under) (?:a few |a couple of )?(?:seconds|minutes)",
        r"a (?:few|couple of) seconds", r"shouldn't (?:wait|take) more than", r"while i type",
        r"as i (?:type|scroll)", r"\blag\b", r"speed(?:s)? up",
    )),
    ("quality", (
        r"crisp", r"sharp(?:er)?", r"quality", r"detail\b", r"accura(?:te|tely|cy)",
        r"natural", r"faithful", r"artifacts?", r"artefacts?", r"good results", r"readable",
        r"fluent", r"shimmer(?:ing)?", r"wobbly", r"ghosting", r"plastic-looking",
        r"without cropping", r"matters most",
    )),
    ("size", (
        r"light[- ]?weight", r"tiny", r"compact", r"small (?:model|enough)", r"stay small",
        r"megabytes?", r"\d+\s*(?:mb|gb)\b", r"\bmb\b", r"storage", r"memory",
        r"(?:model|download) (?:has to|must|should) (?:stay|be) small",
    )),
    ("privacy", (
        r"privacy", r"private", _NOT + r"(?:be )?(?:upload(?:ed|ing)?|sent|send|leave|go to)",
        r"never leaves?", r"anyone's server", r"external (?:api|service)", r"on-device",
        r"locally", r"confidential", r"own server", r"client details",
    )),
)  # fmt: skip
# One pattern a constraint: its leftmost match is the first words (at one place, the
# first phrase of the list that matches there).
_CONSTRAINT_PATTERNS = tuple(
    (name, re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + ")"))
    for name, patterns in _CONSTRAINTS
)
# Words that set a constraint aside: "quality matters more than speed", "I don't mind if it
# takes a while", "we can afford hours".
_NOT_SPEED = re.compile(
    r"(?:more|rather) than speed|don't mind (?:if|how long)|rather wait|takes a while"
    r"|can afford (?:hours|days|a while)|not in a hurry",
    re.IGNORECASE,
)


def _scale(question: str) -> Found | None:
    """A scale factor written in the question, with its words."""
    if fps := _FPS.search(question):
        low, high = float(fps.group(1)), float(fps.group(2))
        if low > 0 and high > low:
            return Found(_number_text(high / low), fps.group(0))
    if sizes := _SIZES.search(question):
        w1, h1, w2, h2 = (float(g) for g in sizes.groups())
        if w1 and h1 and w2 / w1 == h2 / h1 and w2 > w1:
            return Found(_number_text(w2 / w1), sizes.group(0))
    for pattern in _SCALE_PATTERNS:
        for match in pattern.finditer(question):
            word = match.group(1).casefold()
            value = float(_NUMBERS[word]) if word in _NUMBERS else float(word)
            if 1 < value <= 64:
                return Found(_number_text(value), match.group(0).strip())
    return None


_LANGUAGES = (
    "Arabic", "Bengali", "Chinese", "Czech", "Danish", "Dutch", "English", "Finnish",
    "French", "German", "Greek", "Hebrew", "Hindi", "Hungarian", "Indonesian", "Italian",
    "Japanese", "Korean", "Malay", "Norwegian", "Persian", "Polish", "Portuguese",
    "Romanian", "Russian", "Spanish", "Swahili", "Swedish", "Tamil", "Thai", "Turkish",
    "Ukrainian", "Urdu", "Vietnamese", "Mandarin", "Cantonese",
)  # fmt: skip
_CODE_LANGUAGES = (
    "Python", "JavaScript", "TypeScript", "Java", "C++", "C#", "Go", "Rust", "Ruby", "PHP",
    "Kotlin", "Swift", "SQL", "Scala", "R", "Julia", "Haskell", "Bash",
)  # fmt: skip
_LANGUAGE = r"(" + "|".join(_LANGUAGES) + r")"
_TRANSLATION = (
    re.compile(r"\bfrom " + _LANGUAGE + r"\b.{0,60}?\b(?:to|into) " + _LANGUAGE + r"\b"),
    re.compile(r"\b" + _LANGUAGE + r"\s*(?:→|->|to)\s*" + _LANGUAGE + r"\b"),
    re.compile(r"\bin " + _LANGUAGE + r"\b.{0,120}?\b(?:translated |translate )?into " + _LANGUAGE),
)


def _parameters(question: str, task: TaskKind) -> list[tuple[str, Found]]:
    """The task's parameters the question states: a factor (any `×` parameter: scale,
    ratio, frame-rate factor), languages of a translation, a programming language."""
    found: list[tuple[str, Found]] = []
    factor = next((p.name for p in task.parameters if p.unit == "×"), None)
    if factor is not None and (scale := _scale(question)) is not None:
        found.append((factor, scale))
    if task.parameter("source-language") and task.parameter("target-language"):
        for pattern in _TRANSLATION:
            if match := pattern.search(question):
                found.append(("source-language", Found(match.group(1), match.group(0))))
                found.append(("target-language", Found(match.group(2), match.group(0))))
                break
    if task.parameter("language"):
        names = _CODE_LANGUAGES if task.modality == "text" and "code" in task.id else _LANGUAGES
        for name in names:
            if re.search(r"(?<![\w+#])" + re.escape(name) + r"(?![\w+#])", question):
                found.append(("language", Found(name, name)))
                break
    return found


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _first(text: str, choices: Sequence[tuple[str, tuple[str, ...]]]) -> list[Found]:
    """The choices whose phrases the text holds, in the order of `choices`."""
    found = []
    for name, phrases in choices:
        hits = sorted(_matches(text, phrases))
        if hits:
            start, end, _phrase = hits[0]
            found.append(Found(name, text[start:end]))
    return found


def _constraints(text: str) -> list[Found]:
    """The constraints the question states, each with its first words; set-aside ones left out."""
    found = []
    for name, pattern in _CONSTRAINT_PATTERNS:
        if name == "speed" and _NOT_SPEED.search(text):
            continue
        first = pattern.search(text)
        if first:
            found.append(Found(name, first.group(0)))
    return found


def guess_user_task(question: str, knowledge: Knowledge) -> UserTask:
    """Infer the user's task, its parameters, the platform and the constraints.

    Args:
        question: The user's words.
        knowledge: The vocabulary.
    """
    text = _normal(question)
    scores = _task_scores(text, knowledge.tasks)
    cued = _modalities(text, knowledge)
    task = _best(scores, knowledge, cued)
    parameters = _parameters(question, task) if task is not None else []
    platforms = _first(text, _PLATFORMS)
    return UserTask(
        task=task,
        evidence=tuple(scores[task.id][1]) if task else (),
        parameters=tuple(parameters),
        platform=platforms[0] if platforms else None,
        constraints=tuple(_constraints(text)),
    )


def _best(
    scores: dict[str, tuple[int, list[str]]],
    knowledge: Knowledge,
    cued: set[str],
    *,
    veto: bool = True,
) -> TaskKind | None:
    """The task with the highest score, among those on the text's modalities if it names any.

    The text's modality cues (`photo`, `footage`) decide between tasks that share phrases
    (`denoise`: photos, video, speech). When a phrase points only at tasks of modalities the
    text does not name at all while it names others, nothing is inferred (a piano
    recording "transcribed" is not speech recognition). A tie that cues do not settle goes
    to the task the vocabulary lists first: it lists the most common sense of a shared
    phrase first (`super-resolution`: images before video). Without `veto`, cues only choose
    among the tasks found and never leave none (a title's own phrase is strong evidence).
    """
    ranked = [
        (task, score)
        for task_id, (score, _) in scores.items()
        if (task := knowledge.task(task_id)) is not None
    ]
    if not ranked:
        return None
    if cued:  # a multimodal task (captioning) spans the modalities it joins
        on_cue = [
            (t, score) for t, score in ranked if t.modality in cued or t.modality == "multimodal"
        ]
        if not on_cue and veto:
            return None
        ranked = on_cue or ranked
    top = max(score for _, score in ranked)
    best = {task.id for task, score in ranked if score == top}
    return next(task for task in knowledge.tasks if task.id in best)


# -- a source's task ------------------------------------------------------------------------


def model_name_parts(name: str) -> list[str]:
    """Split a model name into its parts: `Deblur-MSSNet-GoPro` → `Deblur`, `MSSNet`, `GoPro`.

    Parts are cut at `-`, `_`, `.`, spaces and `/`. Each part is then followed by its pieces
    at case changes (`DeblurGAN` → `Deblur`, `GAN`), so that a task word run into a model's
    name is found too; the whole parts come first.
    """
    parts = [p for p in re.split(r"[-_./\s]+", name) if p]
    out: list[str] = list(parts)
    for part in parts:
        pieces = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", part)
        out.extend(piece for piece in pieces if len(pieces) > 1 and piece not in out)
    return out


def guess_source(
    knowledge: Knowledge,
    user: TaskKind | None,
    *,
    model: str | None = None,
    title: str = "",
    summary: str = "",
) -> SourceGuess:
    """Infer a source's task and its fit to the user's task.

    Args:
        knowledge: The vocabulary.
        user: The user's task, or `None`.
        model: The model name as given with the question (recommended models).
        title: The source's title (for a related paper, the prompt's `Model:` line).
        summary: The source's summary or abstract.
    """
    read = _read_source(knowledge, model or "", title, summary)
    return SourceGuess(
        read.task, read.evidence, read.dataset, fit_of(user, read.task, knowledge), read.techniques
    )


@dataclass(frozen=True)
class _SourceRead:
    """What a source's name, title and summary say, whatever the user's task."""

    task: TaskKind | None
    evidence: tuple[str, ...]
    dataset: Dataset | None
    techniques: tuple[tuple[Technique, str], ...]


# A source shared by many questions is read once: by the vocabulary's identity and the
# source's words (hashing a vocabulary costs more than reading a source).
_READS: dict[tuple[int, str, str, str], tuple[Knowledge, _SourceRead]] = {}


def _read_source(knowledge: Knowledge, model: str, title: str, summary: str) -> _SourceRead:
    key = (id(knowledge), model, title, summary)
    known = _READS.get(key)
    if known is not None and known[0] is knowledge:
        return known[1]
    if len(_READS) > 65536:
        _READS.clear()
    read = _read_source_words(knowledge, model, title, summary)
    _READS[key] = (knowledge, read)
    return read


def _read_source_words(knowledge: Knowledge, model: str, title: str, summary: str) -> _SourceRead:
    """Read a source's task, evidence, dataset and techniques from its words."""
    task: TaskKind | None = None
    evidence: list[str] = []
    dataset: Dataset | None = None
    parts = model_name_parts(model)
    for part in parts:
        token_task = knowledge.task_of_token(part)
        if token_task is not None and task is None:
            task = token_task
            evidence.append(f"“{part}” in the model name")
    dataset = _dataset_in(re.split(r"[-_./\s]+", model), knowledge)
    if dataset is not None:
        dataset_task = knowledge.task(dataset.task)
        if task is None and dataset_task is not None:
            task = dataset_task
        if dataset_task is not None:
            evidence.append(f"“{dataset.name}”, a dataset for {_lower_first(dataset_task.name)}")
    cued = _modalities(_normal(f"{title} {summary}"), knowledge)
    if task is None and title:
        scores = _task_scores(_normal(title), knowledge.tasks)
        task = _best(scores, knowledge, cued, veto=False)
        if task is not None:
            evidence.append(f"“{', '.join(scores[task.id][1])}” in the title")
    if task is None and summary:
        scores = _task_scores(_normal(summary), knowledge.tasks)
        top = max((score for score, _ in scores.values()), default=0)
        leader = _best(scores, knowledge, cued, veto=False)
        rivals = [t for t, (score, _) in scores.items() if score == top]
        if top >= 2 and leader is not None and _one_family(rivals, leader, knowledge):
            task = leader  # one task (or one family on several modalities), not in passing
            evidence.append(f"“{', '.join(scores[task.id][1])}” in the summary")
    techniques = _techniques(f"{title} {summary} {model}", knowledge)
    return _SourceRead(task, tuple(evidence), dataset, techniques)


def _dataset_in(parts: list[str], knowledge: Knowledge) -> Dataset | None:
    """A dataset named by one part of a model name, or by two or three parts in a row
    (`California-Housing`), the longest first."""
    for size in (3, 2, 1):
        for start in range(len(parts) - size + 1):
            window = parts[start : start + size]
            for joiner in (" ", "-", "", "_"):
                found = knowledge.dataset(joiner.join(window))
                if found is not None:
                    return found
    return None


def _one_family(rivals: list[str], leader: TaskKind, knowledge: Knowledge) -> bool:
    """Whether the tasks tied at the top are the leader and tasks sharing its phrases."""
    return all(
        rival == leader.id or set(leader.phrases) & set(t.phrases)
        for rival in rivals
        if (t := knowledge.task(rival)) is not None
    )


def _techniques(text: str, knowledge: Knowledge) -> tuple[tuple[Technique, str], ...]:
    raw = _all_matches(_normal(text), knowledge.techniques)
    first: dict[str, str] = {}
    for _start, _end, phrase, technique_id in sorted(_longest(raw)):
        first.setdefault(technique_id, phrase)
    return tuple(
        (technique, first[technique.id])
        for technique in knowledge.techniques
        if technique.id in first
    )


def fit_of(user: TaskKind | None, source: TaskKind | None, knowledge: Knowledge) -> Fit:
    """How a source's task relates to the user's."""
    if user is None or source is None:
        return "unknown"
    if user.id == source.id:
        return "same-task"
    if user.modality != source.modality:
        return "other-modality"
    if any(related.id == source.id for related in knowledge.related(user.id)):
        return "related-task"
    return "other-task"


@dataclass(frozen=True)
class QuestionInference:
    """What the inference makes of one question and its sources.

    Attributes:
        user: The user's task: stated in the question file (`task: {kind: …}`), else
            inferred from the question.
        stated_task: Whether the question file states the task's kind.
        sources: Each provided source's key and guess, in the question's order; a fit the
            question file states wins over the inferred one.
    """

    user: UserTask
    stated_task: bool
    sources: tuple[tuple[str, SourceGuess], ...]

    def source(self, key: str) -> SourceGuess | None:
        """The guess for source `key`, or `None`."""
        return next((guess for k, guess in self.sources if k == key), None)


def infer_question(
    question: Question, sources: Mapping[str, Source], knowledge: Knowledge
) -> QuestionInference:
    """Infer the user's task and each provided source's task and fit.

    Args:
        question: The question.
        sources: The reference set, by key (every provided key is in it).
        knowledge: The vocabulary.
    """
    user = guess_user_task(question.question, knowledge)
    stated = question.task is not None and question.task.kind is not None
    if stated and question.task is not None and question.task.kind is not None:
        kind = knowledge.task(question.task.kind)
        parameters = tuple(
            (name, Found(value, "stated in the question file"))
            for name, value in question.task.parameters
        )
        user = replace(user, task=kind, evidence=(), parameters=parameters or user.parameters)
    guesses = []
    for use in question.sources:
        source = sources.get(use.key)
        guess = guess_source(
            knowledge,
            user.task,
            model=use.model,
            title=source.title if source else "",
            summary=(source.abstract or "") if source else "",
        )
        if use.fit is not None:
            guess = replace(guess, fit=use.fit)
        guesses.append((use.key, guess))
    return QuestionInference(user, stated, tuple(guesses))


def _lower_first(name: str) -> str:
    """`Image deblurring (motion blur)` → `image deblurring (motion blur)`; `OCR` stays."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]
