"""The command line: usage, exit codes, `python -m generator`, errors for people."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import pipeline

Run = Callable[..., tuple[int, str, str]]


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "answersite 0.1.0\n")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="no-command"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param(["generate", "--bogus"], id="unknown-option"),
        pytest.param(["check", "--format", "xml"], id="unknown-format"),
    ],
)
def test_usage_errors_exit_2(args: list[str], run_cli: Run) -> None:
    code, _, err = run_cli(*args)
    assert code == 2
    assert "usage: answersite" in err


def test_project_option_goes_before_or_after_the_command(project: Path, run_cli: Run) -> None:
    assert run_cli("--project", project, "generate", "--check")[0] == 0
    assert run_cli("generate", "--check", "--project", project)[0] == 0


def test_no_mkdocs_yml_is_bad_input(tmp_path: Path, run_cli: Run) -> None:
    code, out, err = run_cli("generate", "--project", tmp_path)
    assert code == 3
    assert out == ""
    assert err == (
        f"answersite: error: no mkdocs.yml in {tmp_path}\n"
        "  hint: run answersite in the project folder, or pass --project DIR\n"
    )


def test_an_internal_error_asks_for_a_report_without_a_traceback(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "generate", explode)
    code, _, err = run_cli("generate", "--project", project)
    assert code == 4
    assert err == (
        "answersite: internal error: RuntimeError: boom\n"
        "This is a bug in answersite: please report it with the command you ran.\n"
    )


def test_findings_in_json_go_to_stdout(project: Path, run_cli: Run) -> None:
    page = project / "docs/phone-3x-upscale/task.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[@nope]\n", encoding="utf-8")
    code, out, _ = run_cli("generate", "--format", "json", "--project", project)
    assert code == 1
    assert '"code": "citation-unknown-key"' in out


def test_check_without_a_built_site_says_what_to_do(project: Path, run_cli: Run) -> None:
    code, _, err = run_cli("check", "--project", project)
    assert code == 3
    assert "holds no built site (no index.html)" in err
    assert "hint: run `answersite build` first" in err


def test_serve_generates_then_serves_on_the_address_given(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, object]] = []
    import mkdocs.commands.serve

    monkeypatch.setattr(mkdocs.commands.serve, "serve", lambda **kw: calls.append(kw))
    code, _, _ = run_cli("serve", "--dev-addr", "127.0.0.1:8765", "--project", project)
    assert code == 0
    assert calls == [
        {
            "config_file": str(project / "mkdocs.yml"),
            "dev_addr": "127.0.0.1:8765",
            "strict": False,
        }
    ]


def test_check_online_asks_only_about_the_provided_sources(
    built_site: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import check
    from generator.model import Finding, Location, Severity

    seen: dict[str, object] = {}

    def fake_online(
        urls: list[str], options: check.OnlineOptions, *, origins: object
    ) -> list[Finding]:
        seen["urls"] = sorted(urls)
        seen["origins"] = origins
        return [Finding("source-broken", Severity.ERROR, "answered 404", Location("x.bib", 3))]

    monkeypatch.setattr(check, "check_online", fake_online)
    code, _, err = run_cli("check", built_site, "--online", "--project", built_site.parent)
    assert code == 1
    assert "x.bib:3: error: answered 404 [source-broken]" in err
    assert seen["urls"] == [
        "http://arxiv.org/pdf/2406.17117v2.pdf",
        "http://arxiv.org/pdf/2410.15941v1.pdf",
        "http://arxiv.org/pdf/2502.16025v1.pdf",
        "https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf",
        "https://github.com/kky7/MSSNet",
    ]
    origins = seen["origins"]
    assert isinstance(origins, dict)
    assert str(origins["https://github.com/kky7/MSSNet"]) == "references/sources.bib:5"


def test_ctrl_c_exits_130_without_a_traceback(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "generate", interrupt)
    code, _, err = run_cli("generate", "--project", project)
    assert (code, err) == (130, "answersite: interrupted\n")


def test_init_makes_a_project_that_builds_strict_as_it_is(tmp_path: Path, run_cli: Run) -> None:
    folder = tmp_path / "my-answers"
    code, _, err = run_cli("init", folder)
    assert code == 0
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert written == [
        ".github/workflows/site.yml",
        ".gitignore",
        "docs/index.md",
        "mkdocs.yml",
        "references/README.md",
        "references/questions/.gitkeep",
        "requirements.txt",
    ]
    assert 'site_name: "my answers"' in (folder / "mkdocs.yml").read_text(encoding="utf-8")
    code, _, err = run_cli("build", "--project", folder)
    assert code == 0, err
    home = (folder / "site/index.html").read_text(encoding="utf-8")
    assert "No questions yet" in home
    assert (folder / "site/assets/javascripts/mermaid.min.js").is_file()
    # Never overwrites: a second init keeps every file and says so.
    (folder / "mkdocs.yml").write_text((folder / "mkdocs.yml").read_text() + "# mine\n")
    code, _, err = run_cli("init", folder)
    assert code == 0 and "kept mkdocs.yml (it exists; init never overwrites a file)" in err
    assert (folder / "mkdocs.yml").read_text().endswith("# mine\n")
    # No repository given: the lines are there to fill in, commented out; no edit link.
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    assert "# repo_url: https://github.com/OWNER/REPO\n# edit_uri: edit/main/docs/\n" in config
    assert 'rel="edit"' not in home


@pytest.mark.e2e
def test_init_with_a_repository_links_every_page_to_its_source(
    tmp_path: Path, run_cli: Run
) -> None:
    folder = tmp_path / "answers"
    code, _, err = run_cli("init", folder, "--repo-url", "https://github.com/me/answers.git")
    assert code == 0, err
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'repo_url: "https://github.com/me/answers"\nedit_uri: edit/main/docs/\n' in config
    code, _, err = run_cli("build", "--project", folder)
    assert code == 0, err  # strict, and the link check admits the repository's links
    home = (folder / "site/index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/me/answers/edit/main/docs/index.md"' in home


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(
            "https://me:ghp_secret@github.com/me/answers",
            "without a user or a password, got one for 'github.com'",
            id="token",
        ),
        pytest.param("git@github.com:me/answers.git", "expected an http(s) address", id="ssh"),
        pytest.param("https://github.com/", "the repository's path after the host", id="no-path"),
        pytest.param("https://github.com/me/a?b=c", "without a query", id="query"),
        pytest.param("https://github.com:x/me/a", "expected an http(s) address", id="bad-port"),
        pytest.param("https://github.com/me/a\nsite_url: x", "or spaces", id="newline"),
    ],
)
def test_init_refuses_a_repository_that_is_not_a_plain_web_address(
    tmp_path: Path, run_cli: Run, url: str, message: str
) -> None:
    code, _, err = run_cli("init", tmp_path / "p", "--repo-url", url)
    assert code == 2 and message in err
    assert "secret" not in err
    assert not (tmp_path / "p").exists()
