"""The shape of the package: one home per stage, no import cycle, layers kept apart.

The import graph is read from the source (every `import` of a `generator` module, at the top
of a module or inside a function), so a cycle hidden behind a lazy import is found too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The `generator` modules a module imports, resolved to modules (not names in them)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in MODULES
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] == "generator")
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _cycle() -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for target in sorted(GRAPH.get(name, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(GRAPH):
        if name not in state and (found := visit(name)):
            return found
    return None


def test_every_import_names_a_module_that_exists() -> None:
    for name, targets in GRAPH.items():
        assert targets <= set(MODULES), (name, targets - set(MODULES))


def test_there_is_no_import_cycle() -> None:
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_the_cycle_check_can_fail() -> None:
    GRAPH["generator.model"].add("generator.cli")
    try:
        assert _cycle() is not None
    finally:
        GRAPH["generator.model"].discard("generator.cli")


def test_the_data_model_imports_nothing_of_answersite() -> None:
    assert GRAPH["generator.model"] == set()


@pytest.mark.parametrize(
    "stage",
    [
        "generator.load",
        "generator.load.bibtex",
        "generator.load.questions",
        "generator.analyse",
        "generator.citations",
        "generator.render",
        "generator.regions",
        "generator.write",
        "generator.scanner",
    ],
)
def test_stages_do_not_import_the_wiring_or_the_link_check(stage: str) -> None:
    wiring = {"generator.pipeline", "generator.plugin", "generator.cli", "generator.settings"}
    assert not GRAPH[stage] & wiring
    assert not any(target.startswith("generator.check") for target in GRAPH[stage])


def test_render_and_write_do_not_import_each_other() -> None:
    assert "generator.write" not in GRAPH["generator.render"]
    assert "generator.render" not in GRAPH["generator.write"]


def test_pipeline_and_plugin_do_not_import_each_other_the_wrong_way() -> None:
    assert "generator.plugin" not in GRAPH["generator.pipeline"]
    users = {name for name, targets in GRAPH.items() if "generator.plugin" in targets}
    # MkDocs loads the plugin through its entry point; the command line only sets its flag
    # for `answersite serve`.
    assert users == {"generator.cli"}
    assert {name for name, targets in GRAPH.items() if "generator.cli" in targets} == {
        "generator.__main__"
    }


def test_the_rest_of_answersite_uses_only_the_check_package_surface() -> None:
    for name, targets in GRAPH.items():
        if name.startswith("generator.check"):
            continue
        inner = {t for t in targets if t.startswith("generator.check.")}
        assert not inner, f"{name} imports {sorted(inner)}: use `generator.check`"


def test_the_link_check_depends_only_on_shared_modules() -> None:
    shared = {
        "generator",
        "generator.model",
        "generator.codes",
        "generator.errors",
        "generator.files",
        "generator.scanner",
        "generator.suggest",
    }
    for name, targets in GRAPH.items():
        if name.startswith("generator.check"):
            outside = {t for t in targets if not t.startswith("generator.check")} - shared
            assert not outside, f"{name} imports {sorted(outside)}"


def test_only_the_command_line_prints() -> None:
    for name, path in MODULES.items():
        if name == "generator.cli":
            continue
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ]
        assert not calls, f"{name} prints"


def test_the_link_check_imports_alone_without_the_site_builder() -> None:
    code = (
        "import sys, generator.check\n"
        "heavy = {'mkdocs', 'jinja2', 'bibtexparser', 'merge3', 'yaml', 'material'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_answersite_check_imports_only_what_a_check_needs(project: Path) -> None:
    # `answersite check` on a small site is mostly imports: it reads mkdocs.yml without
    # MkDocs's config machinery (generator/mkdocs_yml.py) and loads no stage it does not
    # run. A module-level import of any of these would put them back silently.
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text(
        "<!doctype html><html><head><title>Page</title></head>"
        '<body><p><a href="#top" id="top">Top</a></p></body></html>',
        encoding="utf-8",
    )
    heavy = {
        # MkDocs and what its config loader imports: the theme, Markdown, the plugins.
        "mkdocs",
        "jinja2",
        "markdown",
        "material",
        "pymdownx",
        "mkdocstrings",
        "mkdocs_autorefs",
        "babel",
        "pygments",
        "click",
        # What only generating or building needs.
        "merge3",
        "generator.render",
        "generator.write",
        "generator.analyse",
        "generator.infer",
        "generator.plugin",
        "generator.config",
        # What only an online check needs.
        "generator.check.online",
        "urllib.request",
        "importlib.metadata",
    }
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "code = main(['check', '--project', sys.argv[1]])\n"
        f"heavy = {sorted(heavy)!r}\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "print(code, sorted(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(project)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "0 []"


def test_a_built_package_holds_every_module_and_data_file() -> None:
    # `packages = ["generator"]` once left the sub-packages out of a wheel.
    import fnmatch

    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    include = setuptools["packages"]["find"]["include"]
    packages = {
        p.relative_to(PACKAGE.parent).as_posix().replace("/", ".")
        for p in [PACKAGE, *PACKAGE.rglob("*")]
        if p.is_dir() and (p / "__init__.py").is_file()
    }
    assert all(any(fnmatch.fnmatch(name, pattern) for pattern in include) for name in packages)
    globs = setuptools["package-data"]["generator"]
    data = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    missing = [f for f in data if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert missing == []
