"""The `answersite` command line: `main(argv) -> int` does the work, `entrypoint()` exits.

Exit codes: 0 ok, 1 findings, 2 usage, 3 bad input, 4 internal error.
Only this module prints.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import generator
from generator.errors import ConfigError, GeneratorError, InputError, RegionError, WriteError
from generator.model import Finding, Project
from generator.progress import terminal
from generator.report import exit_code
from generator.settings import Settings, load_mkdocs_config, read_settings

# Each command imports the stages it runs, when it runs: `answersite check` then loads no
# template engine, Markdown or MkDocs machinery (`tests/test_architecture.py` guards it).

__all__ = ["ExitCode", "entrypoint", "main"]


class ExitCode:
    """The process exit codes."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    BAD_INPUT = 3
    INTERNAL = 4
    INTERRUPTED = 130
    """Ctrl-C: 128 + SIGINT, as a shell reports it."""


class _Version(argparse.Action):
    """`--version`: the version is read from the package metadata only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"answersite {generator.__version__}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="the project folder, holding mkdocs.yml (default: the current folder)",
    )
    common.add_argument(
        "--format",
        choices=("text", "json", "github", "sarif"),
        default=argparse.SUPPRESS,
        help="how findings are printed (default: text)",
    )
    parser = argparse.ArgumentParser(
        prog="answersite",
        description="A question and its provided sources -> a cited, link-checked MkDocs site.",
        parents=[common],
    )
    parser.add_argument("--version", action=_Version, help="show program's version number and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    generate = commands.add_parser(
        "generate", parents=[common], help="write the generated regions of docs/"
    )
    generate.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when docs/ is stale"
    )
    generate.add_argument("--diff", action="store_true", help="with --check: show a diff")
    generate.add_argument(
        "--merge",
        action="store_true",
        help="3-way merge new content into regions edited by hand (conflicts are reported)",
    )

    build = commands.add_parser(
        "build", parents=[common], help="generate, then a strict MkDocs build into site/"
    )
    build.add_argument("--site-dir", type=Path, help="build into this folder instead")
    build.add_argument("--merge", action="store_true", help="as for generate")
    build.add_argument("-v", "--verbose", action="store_true", help="show MkDocs's progress")

    serve = commands.add_parser(
        "serve", parents=[common], help="generate, then serve the site with live reload"
    )
    serve.add_argument(
        "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT", help="where to serve"
    )

    check = commands.add_parser("check", parents=[common], help="check every link of a built site")
    check.add_argument("site", nargs="?", type=Path, help="the built site (default: site/)")
    check.add_argument(
        "--online", action="store_true", help="also check that each provided source answers"
    )
    check.add_argument(
        "--cache-dir", type=Path, default=None, help="online: where answers are cached"
    )
    check.add_argument(
        "--max-age", type=float, default=86400.0, help="online: cache lifetime in seconds"
    )
    check.add_argument("--timeout", type=float, default=10.0, help="online: seconds per request")

    init = commands.add_parser(
        "init", parents=[common], help="make a new project that builds as it is"
    )
    init.add_argument("folder", type=Path, help="the project folder (created if needed)")
    init.add_argument(
        "--repo-url",
        type=_repository_url,
        metavar="URL",
        help="the project's repository (https://github.com/OWNER/REPO): every page links its "
        "Markdown source; without it, the lines are written commented out",
    )

    importer = commands.add_parser(
        "import", parents=[common], help="import questions from the plain prompt format"
    )
    importer.add_argument(
        "prompts", type=Path, nargs="+", metavar="PROMPT", help="the prompt text files"
    )
    importer.add_argument(
        "--id",
        dest="question_id",
        help="the question id, for one prompt (default: the file name made valid)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (never raises, never exits)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse already printed its usage message
        return ExitCode.OK if stop.code == 0 else ExitCode.USAGE
    root = getattr(args, "project", Path("."))
    fmt = getattr(args, "format", "text")
    try:
        return _COMMANDS[args.command](args, root.resolve(), fmt)
    except (InputError, RegionError, ConfigError, WriteError) as error:
        _print_error(error, fmt)
        return ExitCode.BAD_INPUT
    except GeneratorError as error:
        _print_error(error, fmt)
        return ExitCode.FINDINGS
    except KeyboardInterrupt:
        print("answersite: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as error:  # the one place that turns a crash into a message
        print(
            f"answersite: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in answersite: please report it with the command you ran.",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL


def entrypoint() -> None:
    """The console script: `sys.exit(main())`."""
    sys.exit(main())


def _print_error(error: GeneratorError, fmt: str) -> None:
    if error.findings:
        _print_findings(list(error.findings), fmt)
        if fmt == "text":
            print(f"answersite: {error.message}", file=sys.stderr)
    else:
        print(f"answersite: error: {error}", file=sys.stderr)


def _print_findings(findings: list[Finding], fmt: str) -> None:
    from generator.report import format_findings

    if not findings and fmt == "text":
        return
    text = format_findings(findings, fmt, tool_version=generator.__version__)
    stream = sys.stdout if fmt != "text" else sys.stderr
    print(text, end="" if text.endswith("\n") else "\n", file=stream)


def _generate(
    args: argparse.Namespace, root: Path, fmt: str, keep: list[Project] | None = None
) -> int:
    from generator import pipeline
    from generator.write import diff_changes

    settings = read_settings(root)
    project, warnings = pipeline.load_with_warnings(settings)
    if keep is not None:
        keep.append(project)
    check = getattr(args, "check", False)
    result = pipeline.generate(
        settings, project, merge=args.merge, write=not check, track=terminal(sys.stderr)
    )
    findings = [*warnings, *result.findings]
    _print_findings(findings, fmt)
    if check:
        if result.stale:
            if args.diff:
                print(diff_changes(result.stale), end="")
            names = ", ".join(change.path for change in result.stale)
            print(f"answersite: stale: {names}; run `answersite generate`", file=sys.stderr)
            return ExitCode.FINDINGS
        return exit_code(findings)
    for path in result.removed:
        print(f"removed {path} (left by an interrupted run)", file=sys.stderr)
    gone = {change.path for change in result.changes if change.status == "removed"}
    for path in result.written:  # the owned pages the layout no longer has were removed
        print(f"{'removed' if path in gone else 'wrote'} {path}", file=sys.stderr)
    return exit_code(findings)


def _build(args: argparse.Namespace, root: Path, fmt: str) -> int:
    from mkdocs import exceptions
    from mkdocs.commands.build import build

    from generator.plugin import AnswersitePlugin

    generated: list[Project] = []
    code = _generate(args, root, fmt, generated)
    if code != ExitCode.OK:
        print("answersite: not building: fix the findings above first", file=sys.stderr)
        return code
    _show_mkdocs_log(verbose=args.verbose)
    if args.site_dir is not None:
        target = args.site_dir.resolve()
    else:
        target = Path(load_mkdocs_config(root).site_dir).resolve()
    # Build beside the target and swap it in only when the build succeeds: a failed build
    # never leaves a site that could be served or published.
    staging = target.with_name(f"{target.name}.building")
    failed = target.with_name(f"{target.name}.failed")
    shutil.rmtree(staging, ignore_errors=True)
    config = load_mkdocs_config(root, strict=True, site_dir=str(staging))
    ours = config.plugins.get("answersite")
    if isinstance(ours, AnswersitePlugin) and generated:
        ours.prepared = generated[0]  # loaded and written just now: not again
    try:
        build(config)
    except (exceptions.Abort, exceptions.BuildError, exceptions.PluginError) as error:
        shutil.rmtree(failed, ignore_errors=True)
        if staging.is_dir():
            staging.rename(failed)
            kept = f"; the failed build is in {_shown(failed, root)}/ to inspect"
        else:
            kept = ""
        print(
            f"answersite: the build failed: {error}\n"
            f"answersite: {_shown(target, root)}/ was left as it was{kept}",
            file=sys.stderr,
        )
        return ExitCode.FINDINGS
    except exceptions.ConfigurationError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ConfigError(f"invalid configuration: {error}", hint="fix mkdocs.yml") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, target)
    shutil.rmtree(failed, ignore_errors=True)
    print(f"built {_shown(target, root)}", file=sys.stderr)
    return ExitCode.OK


def _swap(new: Path, target: Path) -> None:
    """Put the folder `new` in the place of `target` (the old one is removed)."""
    old = target.with_name(f"{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _shown(path: Path, root: Path) -> str:
    """A path as the user should read it: relative to the project when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _serve(args: argparse.Namespace, root: Path, fmt: str) -> int:
    from mkdocs.commands.serve import serve

    args.check = False
    args.merge = False
    code = _generate(args, root, fmt)
    if code != ExitCode.OK:
        return code
    _show_mkdocs_log(verbose=True)
    from generator import plugin

    plugin.GENERATE_WHILE_SERVING = True  # a saved question or source regenerates the pages
    try:
        serve(config_file=str(root / "mkdocs.yml"), dev_addr=args.dev_addr, strict=False)
    finally:
        plugin.GENERATE_WHILE_SERVING = False
    return ExitCode.OK


def _check(args: argparse.Namespace, root: Path, fmt: str) -> int:
    from generator import check, pipeline

    settings = read_settings(root)
    project = pipeline.load(settings)
    site = args.site.resolve() if args.site else (settings.site_dir or root / "site")
    if not (site / "index.html").is_file():
        raise ConfigError(
            f"{site} holds no built site (no index.html)",
            hint="run `answersite build` first, or name the built site's folder",
        )
    findings = pipeline.check_built_site(settings, project, site)
    if args.online:
        origins = {
            url: source.location for source in project.sources.values() for _, url in source.links
        }
        urls = {url for urls in pipeline.provided_urls(project).values() for url in urls}
        options = check.OnlineOptions(
            cache_dir=args.cache_dir or root / ".answersite-cache",
            max_age=args.max_age,
            timeout=args.timeout,
        )
        findings += check.check_online(sorted(urls), options, origins=origins)
    _print_findings(findings, fmt)
    return exit_code(findings)


def _import(args: argparse.Namespace, root: Path, fmt: str) -> int:
    from generator.importer import import_prompts

    # A folder with only a references/ folder (no mkdocs.yml yet) is a project in the making.
    references = _settings_or_default(root).references
    done = import_prompts(args.prompts, root, question_id=args.question_id, references=references)
    detailed = len(done) <= _DETAILED_IMPORTS
    for result in done:
        if not detailed:
            break
        if result.unchanged:
            print(
                f"unchanged: {result.prompt} was imported as `{result.question_id}` before",
                file=sys.stderr,
            )
        for name, key in result.reused:
            print(f"reused source `{key}` for {name!r}: it is in the set already", file=sys.stderr)
        for path in result.written:
            print(f"wrote {path}", file=sys.stderr)
    if len(done) > 1:
        new = sum(1 for r in done if not r.unchanged)
        files = sum(len(r.written) for r in done)
        reused = sum(len(r.reused) for r in done)
        print(
            f"imported {new} of {len(done)} prompts ({len(done) - new} unchanged): "
            f"{files} files written, {reused} sources reused",
            file=sys.stderr,
        )
    return ExitCode.OK


#: Up to this many prompts, `import` names every file it writes and every source it reuses.
_DETAILED_IMPORTS = 20


def _repository_url(text: str) -> str:
    from generator.init import repository_url

    try:
        return repository_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _init(args: argparse.Namespace, root: Path, fmt: str) -> int:
    from generator.init import init_project

    folder = args.folder.resolve()
    try:
        done = init_project(folder, args.repo_url)
    except OSError as error:
        raise WriteError(
            f"cannot write the project: {error.strerror or error}",
            hint="choose a folder you can write to",
        ) from None
    for path in done.written:
        print(f"wrote {path}", file=sys.stderr)
    for path in done.kept:
        print(f"kept {path} (it exists; init never overwrites a file)", file=sys.stderr)
    print(
        f"next: answersite import PROMPT.txt --project {folder}; answersite build --project "
        f"{folder}",
        file=sys.stderr,
    )
    return ExitCode.OK


def _settings_or_default(root: Path) -> Settings:
    """The project's settings, or the defaults for a folder that has no `mkdocs.yml` yet."""
    if (root / "mkdocs.yml").is_file():
        return read_settings(root)
    return Settings(root=root)


def _show_mkdocs_log(*, verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(h.get_name() == "answersite" for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.set_name("answersite")
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


_COMMANDS: dict[str, Callable[[argparse.Namespace, Path, str], int]] = {
    "generate": _generate,
    "build": _build,
    "serve": _serve,
    "check": _check,
    "import": _import,
    "init": _init,
}
