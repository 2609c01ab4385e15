"""Every finding code answersite reports, with its severity and what it means.

Codes are stable strings that users filter on and tests assert. This table is their one
home: the SARIF report takes each rule's description from it, and a test checks that every
code the package can report is listed here.
"""

from __future__ import annotations

from typing import NamedTuple

from generator.model import Severity

__all__ = ["CODES", "Code", "codes_of"]


class Code(NamedTuple):
    """One finding code.

    Attributes:
        severity: The severity findings of this code have (region merges may vary).
        description: One sentence: what the code means.
        stage: Where it is reported: `load`, `write`, `citations`, `check`, `online` or `import`.
    """

    severity: Severity
    description: str
    stage: str


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES: dict[str, Code] = {
    # -- load: the reference set and the questions ------------------------------------
    # A problem of one source (its entry, its key) is an error when a question provides
    # the source, and a warning when none does.
    "ref-missing-folder": Code(_E, "The references folder does not exist.", "load"),
    "ref-not-a-file": Code(
        _E,
        "An input is a directory, FIFO, device, socket or dangling symbolic link.",
        "load",
    ),
    "ref-file-too-large": Code(
        _E,
        "An input file is larger than its limit (BibTeX 64 MiB or 200,000 blocks, YAML 4 MiB).",
        "load",
    ),
    "ref-bad-encoding": Code(_E, "An input file is not UTF-8 text.", "load"),
    "ref-unreadable": Code(_E, "An input file or folder cannot be read.", "load"),
    "bib-parse-failed": Code(_E, "A BibTeX entry cannot be parsed.", "load"),
    "bib-too-deep": Code(
        _E, "A BibTeX field nests braces or macros deeper than the limit (64).", "load"
    ),
    "ref-missing-title": Code(_I, "A source has no title: its pages say so.", "load"),
    "ref-bad-url": Code(_E, "A source's `url` or `code` is not an http(s) URL.", "load"),
    "ref-bad-key": Code(_E, "A source key cannot be cited as `[@key]`.", "load"),
    "ref-duplicate-key": Code(
        _E, "A source key is defined twice (also: differs only in case or anchor).", "load"
    ),
    "yaml-syntax": Code(_E, "A YAML file cannot be parsed.", "load"),
    "yaml-not-a-mapping": Code(_E, "A YAML value must be a mapping.", "load"),
    "yaml-unknown-field": Code(_E, "A YAML mapping has a field answersite does not know.", "load"),
    "yaml-missing-field": Code(_E, "A required YAML field is missing or empty.", "load"),
    "yaml-wrong-type": Code(_E, "A YAML field has the wrong type.", "load"),
    "yaml-bad-value": Code(_E, "A YAML field's value is not one of the allowed ones.", "load"),
    "yaml-duplicate-key": Code(_E, "A YAML mapping has the same key twice.", "load"),
    "yaml-bad-key": Code(_E, "A YAML mapping key is a list or a mapping, not text.", "load"),
    "yaml-too-deep": Code(
        _E, "A YAML file nests lists and mappings deeper than the limit (64).", "load"
    ),
    "yaml-too-many-aliases": Code(
        _E, "A YAML file uses more aliases, or repeats more through them, than the limit.", "load"
    ),
    "question-none": Code(_I, "There is no question file yet.", "load"),
    "question-bad-id": Code(
        _E, "A question file's name is not a valid id, or is reserved.", "load"
    ),
    "question-unknown-source": Code(_E, "A question lists a key not in the reference set.", "load"),
    "question-duplicate-source": Code(_E, "A question lists the same source twice.", "load"),
    "question-unknown-task": Code(
        _E, "A question states a task kind not in the vocabulary.", "load"
    ),
    "workflow-bad-id": Code(_E, "A workflow node id is not a valid identifier.", "load"),
    "workflow-empty": Code(_E, "A workflow has no nodes.", "load"),
    "workflow-unknown-node": Code(_E, "A workflow edge names a node that does not exist.", "load"),
    "workflow-unknown-source": Code(
        _E, "A workflow node draws on a source not provided with its question.", "load"
    ),
    # -- knowledge: the task vocabulary (generator/infer) --------------------------------
    "yaml-duplicate": Code(
        _E, "Two entries share an id, a dataset name or alias, or a model-name token.", "load"
    ),
    "workflow-bad-shape": Code(
        _E, "A task's workflow does not run from one input through a model to one output.", "load"
    ),
    # -- write: generated regions -------------------------------------------------------
    "region-edited": Code(
        _E, "A region edited by hand has new generated content: merge or unprotect it.", "write"
    ),
    "region-merge-no-base": Code(
        _E, "An edited region cannot be merged: its last generated text is not recorded.", "write"
    ),
    "region-merged": Code(_I, "New generated content was merged into a hand edit.", "write"),
    "region-conflict": Code(_E, "A region holds merge-conflict markers to resolve.", "write"),
    "region-unknown": Code(_E, "A page has a region answersite does not generate.", "write"),
    "region-missing": Code(_I, "A generated region was removed from its page.", "write"),
    "page-orphaned": Code(
        _W, "A generated page the site no longer has was edited by hand, so it was kept.", "write"
    ),
    "page-changed": Code(
        _E, "A page changed while answersite was writing: it was left as it was saved.", "write"
    ),
    "question-removed": Code(
        _W, "A docs folder holds the pages of a question that is no longer in the set.", "write"
    ),
    # -- citations ----------------------------------------------------------------------
    "citation-unknown-key": Code(
        _E, "A citation names a key not in the reference set.", "citations"
    ),
    "citation-not-provided": Code(
        _E, "A page of a question cites a source not provided with that question.", "citations"
    ),
    "source-uncited": Code(
        _W, "A provided source is cited on no page of its question.", "citations"
    ),
    # -- check: the links of the built site ---------------------------------------------
    "link-broken": Code(_E, "An internal link points to a file that does not exist.", "check"),
    "link-anchor-missing": Code(_E, "A `#fragment` is not an id in the target page.", "check"),
    "link-not-provided": Code(
        _E, "An external link is not a provided source of the page's question.", "check"
    ),
    "link-unsafe-scheme": Code(_E, "A `javascript:`, `vbscript:` or `data:` link.", "check"),
    "link-scheme-not-allowed": Code(
        _E, "A `mailto:`, `tel:` or other scheme the configuration does not allow.", "check"
    ),
    "link-invalid": Code(_E, "An `http(s)` URL that cannot be parsed.", "check"),
    "link-allowed-by-config": Code(_I, "A link admitted by an `allow:` entry.", "check"),
    "link-allow-unused": Code(_W, "An `allow:` entry that no link uses.", "check"),
    "source-linked-uncited": Code(
        _W,
        "A page links a provided source but does not cite it (references pages exempt).",
        "check",
    ),
    "link-content-not-allowed": Code(
        _E,
        "Page content holds an element, an attribute or CSS outside the check's allowlist, "
        "or an attribute written twice.",
        "check",
    ),
    "link-chrome-not-allowed": Code(
        _E,
        "The theme's chrome holds a script where the theme puts none, an event handler, "
        "`srcdoc`, `<base>`, CSS the check does not understand, or a page title with markup.",
        "check",
    ),
    # -- online: the provided sources themselves ----------------------------------------
    "source-broken": Code(_E, "A provided source answers with an HTTP error status.", "online"),
    "source-unreachable": Code(
        _E,
        "A provided source does not answer (connection error or timeout) after the retries.",
        "online",
    ),
    "source-rate-limited": Code(
        _W, "A provided source still answers 429 Too Many Requests after the retries.", "online"
    ),
    "source-redirect-outside": Code(
        _E,
        "A provided source redirects to a host that is not a provided source (not followed).",
        "online",
    ),
    "source-redirect-loop": Code(
        _E, "A provided source redirects in a loop or too often.", "online"
    ),
    # -- import: prompts in the plain format ------------------------------------------
    "prompt-invalid": Code(
        _E, "A prompt cannot be read or parsed, or its question id is invalid.", "import"
    ),
    "prompt-id-taken": Code(_E, "A prompt's question id holds another question already.", "import"),
}
"""Every finding code, by name."""


def codes_of(stage: str) -> dict[str, Code]:
    """Return the codes one stage reports, e.g. `codes_of("check")`."""
    return {name: code for name, code in CODES.items() if code.stage == stage}
