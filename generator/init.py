"""`answersite init DIR`: a new project that builds, strictly, as it is.

The project has the default site's settings (Material with no web fonts and no generator
link, the Markdown extensions the pages use, Mermaid served from the site by the plugin),
an empty reference folder, a home page, a `.gitignore` and the GitHub Pages workflow. An
existing file is never overwritten: it is kept and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from generator.files import write_atomic

__all__ = ["Initialised", "init_project"]


@dataclass(frozen=True)
class Initialised:
    """What `init` did.

    Attributes:
        written: The files created, relative to the project folder.
        kept: The files that existed already and were left as they were.
    """

    written: tuple[str, ...]
    kept: tuple[str, ...]


def _files(name: str) -> dict[str, str]:
    site_name = name.replace("-", " ").replace("_", " ").strip() or "Answers"
    return {
        "mkdocs.yml": _template("mkdocs.yml").replace("{site_name}", _yaml_text(site_name)),
        "references/README.md": _template("references-README.md"),
        "references/questions/.gitkeep": "",
        "docs/index.md": _home_page(),
        ".gitignore": _template("gitignore"),
        "requirements.txt": _template("requirements.txt"),
        ".github/workflows/site.yml": _template("site.yml"),
    }


def _template(name: str) -> str:
    return (resources.files("generator") / "templates" / "init" / name).read_text("utf-8")


def _home_page() -> str:
    from generator.model import Project
    from generator.render import render_content_pages

    (home,) = render_content_pages(Project())
    return home.scaffold


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def init_project(folder: Path) -> Initialised:
    """Create a new project in `folder` (created if needed); never overwrite a file.

    Args:
        folder: The project folder.

    Returns:
        The files written and the files kept.

    Raises:
        OSError: A file cannot be written.
    """
    written: list[str] = []
    kept: list[str] = []
    for rel, text in _files(folder.resolve().name).items():
        try:
            write_atomic(folder / rel, text, overwrite=False)
        except FileExistsError:
            kept.append(rel)
        else:
            written.append(rel)
    return Initialised(tuple(written), tuple(kept))
