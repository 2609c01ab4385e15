"""`answersite init DIR`: a new project that builds, strictly, as it is.

The project has the default site's settings (Material with no web fonts and no generator
link, the Markdown extensions the pages use, Mermaid served from the site by the plugin),
an empty reference folder, a home page, a `.gitignore` and the GitHub Pages workflow. An
existing file is never overwritten: it is kept and reported.

The project's repository (`repo_url`, and `edit_uri` for the "edit this page" link of every
page) is written only when it is given (`--repo-url`): a guessed one would send readers to
the wrong place, and the address of a clone's remote can hold a token. Without it the lines
are written commented out, to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from generator.files import write_atomic

__all__ = ["Initialised", "init_project", "repository_url"]

#: The edit path of the hosts whose layout is known, on the `main` branch that the Pages
#: workflow builds; MkDocs's own default is `edit/master/docs/`.
_EDIT_URIS = {
    "github.com": "edit/main/docs/",
    "gitlab.com": "-/edit/main/docs/",
    "codeberg.org": "_edit/main/docs/",
}


@dataclass(frozen=True)
class Initialised:
    """What `init` did.

    Attributes:
        written: The files created, relative to the project folder.
        kept: The files that existed already and were left as they were.
    """

    written: tuple[str, ...]
    kept: tuple[str, ...]


def repository_url(text: str) -> str:
    """Check a repository address for `repo_url`: `https://host/owner/name`, nothing more.

    Returns:
        The address without a trailing `/` or `.git`.

    Raises:
        ValueError: Not an http(s) URL with a host and a path, or one with a user name,
            password, query, fragment, space or control character (the address of a
            clone's remote can carry a token).
    """
    example = "such as https://github.com/OWNER/REPO"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"expected an http(s) address {example}, got '{text}'") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) address {example}, got '{text}'")
    if "@" in parts.netloc:  # not repeated in the message: it may hold a password or token
        raise ValueError(
            "expected the repository's web address without a user or a password, got one "
            f"for '{parts.hostname}'"
        )
    if parts.query or parts.fragment or any(c.isspace() or ord(c) < 32 or c in "#?" for c in text):
        raise ValueError(
            "expected the repository's web address without a query, a fragment or spaces, "
            f"got '{text}'"
        )
    if not parts.path.strip("/"):
        raise ValueError(f"expected the repository's path after the host {example}, got '{text}'")
    return text.rstrip("/").removesuffix(".git")


def _repository(url: str | None) -> str:
    """The `repo_url` and `edit_uri` lines of `mkdocs.yml`, commented out without a URL."""
    lead = (
        '# The project\'s repository: each page links its Markdown source ("edit this page").\n'
        "# The link check admits exactly these links, not every address under the repository.\n"
    )
    if url is None:
        return (
            lead + "# Fill in and uncomment (or run `answersite init --repo-url URL`):\n"
            "# repo_url: https://github.com/OWNER/REPO\n"
            "# edit_uri: edit/main/docs/"
        )
    host = (urlsplit(url).hostname or "").lower()
    edit_uri = _EDIT_URIS.get(host)
    edit = (
        f"edit_uri: {edit_uri}"
        if edit_uri
        else "# edit_uri: edit/main/docs/   # the path of your host's editor, after repo_url"
    )
    return f"{lead}repo_url: {_yaml_text(url)}\n{edit}"


def _files(name: str, repo_url: str | None = None) -> dict[str, str]:
    site_name = name.replace("-", " ").replace("_", " ").strip() or "Answers"
    mkdocs_yml = (
        _template("mkdocs.yml")
        .replace("{site_name}", _yaml_text(site_name))
        .replace("{repository}", _repository(repo_url))
    )
    return {
        "mkdocs.yml": mkdocs_yml,
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


def init_project(folder: Path, repo_url: str | None = None) -> Initialised:
    """Create a new project in `folder` (created if needed); never overwrite a file.

    Args:
        folder: The project folder.
        repo_url: The project's repository, checked by
            [`repository_url`][generator.init.repository_url]; else the lines are commented.

    Returns:
        The files written and the files kept.

    Raises:
        OSError: A file cannot be written.
    """
    written: list[str] = []
    kept: list[str] = []
    for rel, text in _files(folder.resolve().name, repo_url).items():
        try:
            write_atomic(folder / rel, text, overwrite=False)
        except FileExistsError:
            kept.append(rel)
        else:
            written.append(rel)
    return Initialised(tuple(written), tuple(kept))
