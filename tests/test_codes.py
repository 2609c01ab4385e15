"""Every finding code the package can report is registered, once, with its meaning."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from generator.codes import CODES, codes_of
from generator.model import Severity

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
CODE_LIKE = re.compile(
    r"(bib|ref|yaml|question|workflow|region|citation|source|link|page|prompt)-[a-z-]+"
)


# Strings shaped like codes that are something else (a task parameter's name).
NOT_CODES = {"source-language"}


def strings_in_the_package() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name == "codes.py":  # the registry itself
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and CODE_LIKE.fullmatch(node.value) and node.value not in NOT_CODES:
                found.add(node.value)
    return found


def test_every_code_used_in_the_package_is_registered() -> None:
    used = strings_in_the_package()
    assert len(used) > 30
    assert used <= set(CODES), sorted(used - set(CODES))


def test_every_registered_code_is_used() -> None:
    assert set(CODES) <= strings_in_the_package()


def test_every_code_has_a_sentence_and_a_known_stage() -> None:
    for name, code in CODES.items():
        assert CODE_LIKE.fullmatch(name), name
        assert isinstance(code.severity, Severity)
        assert code.description.endswith(".") and code.description[0].isupper(), name
        assert code.stage in {"load", "write", "citations", "check", "online", "import"}, name
    stages = ("load", "write", "citations", "check", "online", "import")
    assert sum(len(codes_of(stage)) for stage in stages) == len(CODES)
