"""Stage: merge generated regions into pages; write only what changed, atomically.

The run is planned first and applied second: [`plan_pages`][generator.write.plan_pages]
reads every page and decides its new text without writing anything (a damaged marker
in any page raises before a single byte is written), then
[`apply_changes`][generator.write.apply_changes] writes the files whose text changed.
`generate --check` only plans, and [`diff_changes`][generator.write.diff_changes]
shows what would change.

The last generated body of every region is recorded in `.answersite/regions.json`
(users commit it), so that a hand-edited region can be 3-way merged with new content.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from merge3 import Merge3

from generator.errors import RegionError, WriteError
from generator.files import Pending, prepare, sync_folders
from generator.layout import OWNED_MARK
from generator.model import Finding, Location, PagePlan, Severity
from generator.progress import Track, silent
from generator.regions import (
    Region,
    checksum,
    find_conflicts,
    format_body,
    newline_of,
    parse,
)

__all__ = [
    "STATE_PATH",
    "Change",
    "Planner",
    "apply_changes",
    "diff_changes",
    "owned_pages",
    "plan_pages",
    "plan_removals",
]

DRAFT_PREFIX = "draft-"
"""Regions named so hold drafts: deleting one replaces it for good, silently."""

STATE_PATH = ".answersite/regions.json"
"""Where the last generated body of each region is recorded, relative to the project root."""

Status = Literal["created", "updated", "unchanged", "kept", "removed"]
State = dict[str, dict[str, str]]
_Kind = Literal["replaced", "kept", "edited", "no-base", "unresolved", "merged", "conflict"]
_CONFLICT_HINT = (
    "resolve the conflict between '<<<<<<< your edit' and '>>>>>>> generated' "
    "and delete the three conflict-marker lines"
)
# Every finding this stage reports: kind -> code, severity, message, hint (str.format fields).
_FINDINGS: dict[str, tuple[str, Severity, str, str | None]] = {
    "edited": (
        "region-edited",
        Severity.ERROR,
        "region '{name}' was edited by hand and answersite has new content for it",
        "run `answersite generate --merge` to merge the new content into your edit, or delete "
        "`(sum: {sum})` from the end marker (line {end}) to let answersite overwrite it",
    ),
    "no-base": (
        "region-merge-no-base",
        Severity.ERROR,
        "region '{name}' was edited by hand, but the text it was generated from is not "
        f"recorded in {STATE_PATH}, so the new content cannot be merged",
        f"restore {STATE_PATH} from version control, or save your edit elsewhere, delete "
        "`(sum: {sum})` from the end marker, regenerate and redo your edit",
    ),
    "merged": (
        "region-merged",
        Severity.INFO,
        "region '{name}': merged the new content into your edit",
        None,
    ),
    "conflict": (
        "region-conflict",
        Severity.ERROR,
        "region '{name}': your edit conflicts with the new content",
        _CONFLICT_HINT,
    ),
    "unresolved": (
        "region-conflict",
        Severity.ERROR,
        "region '{name}' still has conflict markers from an earlier merge",
        _CONFLICT_HINT,
    ),
    "unknown": (
        "region-unknown",
        Severity.ERROR,
        "region '{name}' is not generated for this page",
        "remove its markers, or fix its name (regions of this page: {known})",
    ),
    "missing": (
        "region-missing",
        Severity.INFO,
        "region '{name}' is not in the page, so it was not generated",
        "to have it again, add '<!-- answersite:begin {name} -->' and "
        "'<!-- answersite:end {name} -->' where it belongs",
    ),
}


@dataclass(frozen=True)
class Change:
    """The planned new text of one file.

    Attributes:
        path: The file, relative to the project root.
        old: The current text, or `None` if the file does not exist.
        new: The planned text (equal to `old` when nothing changes).
        status: `created`, `updated`, `unchanged`, `kept` (left untouched because of
            an error finding such as `region-edited`), or `removed` (an owned page the
            site no longer has; `new` is empty).
    """

    path: str
    old: str | None
    new: str
    status: Status

    @property
    def changed(self) -> bool:
        """Whether applying this change writes (or removes) the file."""
        return self.status == "removed" or self.old != self.new


@dataclass(frozen=True)
class _Outcome:
    kind: _Kind
    region: Region
    base: str | None  # the body to record as the merge base, LF newlines


def plan_pages(
    root: Path, pages: Sequence[PagePlan], *, merge: bool = False
) -> tuple[list[Change], list[Finding]]:
    """Plan the new text of every page and of the region state file; write nothing.

    Pass every page of the project: state entries of pages not in `pages` are dropped.

    Args:
        root: The project root.
        pages: The pages to generate.
        merge: 3-way merge new content into hand-edited regions instead of refusing.

    Returns:
        One change per page, in order, then one for `STATE_PATH` (omitted when there is
        no state to record); and the findings, in page and line order.

    Raises:
        RegionError: A marker is damaged in any page, a page is not UTF-8, or the state
            file cannot be read.
    """
    planner = Planner(root, merge=merge)
    planner.plan(pages)
    return planner.finish()


class Planner:
    """Plans pages in several batches (a batch may depend on the text planned before it),
    then the region state file once, for all of them.

    Args:
        root: The project root.
        merge: 3-way merge new content into hand-edited regions instead of refusing.
        track: Shows the progress of planning (see `generator.progress`).

    Raises:
        RegionError: The state file cannot be read.
    """

    def __init__(self, root: Path, *, merge: bool = False, track: Track = silent) -> None:
        self.root = root
        self.merge = merge
        self.track = track
        self._old_state_text = _read(root, STATE_PATH)
        self._state = _load_state(self._old_state_text)
        self._new_state: State = {}
        self._changes: list[Change] = []
        self._findings: list[Finding] = []
        self._paths: set[str] = set()

    def plan(self, pages: Sequence[PagePlan]) -> list[Change]:
        """Plan a batch of pages; return their changes, in order.

        Raises:
            RegionError: A marker is damaged in a page, or a page is not UTF-8.
            ValueError: A path is not relative to the root, or planned twice.
        """
        for page in pages:
            path = page.path
            if path == STATE_PATH or path.startswith("/") or ".." in PurePosixPath(path).parts:
                raise ValueError(f"page path must be relative to the project root, got {path!r}")
            if path in self._paths:
                raise ValueError(f"duplicate page paths: {path!r} is planned twice")
            self._paths.add(path)
        batch: list[Change] = []
        for page in self.track(pages, "planning pages", len(pages)):
            change, page_findings, page_state = _plan_page(
                page, _read(self.root, page.path), self._state.get(page.path, {}), merge=self.merge
            )
            batch.append(change)
            self._findings.extend(page_findings)
            if page_state:
                self._new_state[page.path] = page_state
        self._changes.extend(batch)
        return batch

    def finish(self) -> tuple[list[Change], list[Finding]]:
        """Every change planned (then the state file's), and every finding."""
        changes = list(self._changes)
        old = self._old_state_text
        if old is not None and self._new_state == self._state:
            changes.append(Change(STATE_PATH, old, old, "unchanged"))
        elif self._new_state or old is not None:
            text = json.dumps(self._new_state, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
            status: Status = "created" if old is None else "updated"
            changes.append(Change(STATE_PATH, old, text, status))
        return changes, list(self._findings)


def apply_changes(
    root: Path, changes: Sequence[Change], *, track: Track = silent
) -> tuple[list[str], list[Finding]]:
    """Write the changed files; leave unchanged files (and their mtime) alone.

    1. Every changed file is first written to a temporary file beside it. When one cannot
       be (a read-only folder, a full disk), every temporary file is removed and nothing
       is written.
    2. Each page is then read again just before it is replaced: a page that changed since
       it was planned (saved in an editor meanwhile) is left as it is now and reported as
       `page-changed`; the state file keeps that page's old merge bases.

    Args:
        root: The project root.
        changes: Changes from [`plan_pages`][generator.write.plan_pages].

    Returns:
        The paths written, in order, and the `page-changed` findings.

    Raises:
        WriteError: A file could not be written; nothing was written.
    """
    removals = [change for change in changes if change.status == "removed"]
    todo = [
        change
        for change in changes
        if change.changed and change.path != STATE_PATH and change.status != "removed"
    ]
    state = next((c for c in changes if c.changed and c.path == STATE_PATH), None)
    pending = _prepare_all(root, [*todo, *([state] if state else [])], track)
    written: list[str] = []
    findings: list[Finding] = []
    skipped: list[str] = []
    for change, item in zip(todo, pending, strict=False):
        if _read_or_none(root, change.path) != change.old:
            item.abort()
            skipped.append(change.path)
            findings.append(_changed_meanwhile(change.path))
            continue
        item.commit(sync=False)
        written.append(change.path)
    sync_folders(root / path for path in written)  # (each folder once, after its renames)
    for change in removals:
        if _read_or_none(root, change.path) != change.old:
            findings.append(_changed_meanwhile(change.path))
            continue
        (root / change.path).unlink(missing_ok=True)
        _remove_empty_folders(root, change.path)
        written.append(change.path)
    if state is not None:
        item = pending[-1]
        if skipped:  # the skipped pages keep their old merge bases
            item.abort()
            text = _keep_state(state, skipped)
            if text != state.old and _read_or_none(root, STATE_PATH) == state.old:
                (item,) = _prepare_all(root, [Change(STATE_PATH, state.old, text, "updated")])
                item.commit()
                written.append(STATE_PATH)
        elif _read_or_none(root, STATE_PATH) == state.old:
            item.commit()
            written.append(STATE_PATH)
        else:
            item.abort()
    return written, findings


def _changed_meanwhile(path: str) -> Finding:
    """`page-changed`: the page is not what it was when planned (saved in an editor)."""
    return Finding(
        "page-changed",
        Severity.ERROR,
        "the page changed while answersite was generating, so it was left as it is now",
        Location(path),
        "run `answersite generate` again",
    )


def owned_pages(root: Path, docs: str, folders: Sequence[str]) -> list[str]:
    """The pages under the docs folders `folders` that answersite generated in full
    (their first line is `OWNED_MARK`), as project-relative paths, sorted."""
    found = []
    for folder in folders:
        base = root / docs / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.md")):
            try:
                with path.open("rb") as handle:
                    first = handle.readline().decode("utf-8", "replace").rstrip("\r\n")
            except OSError:
                continue
            if first == OWNED_MARK:
                found.append(path.relative_to(root).as_posix())
    return found


def plan_removals(root: Path, paths: Sequence[str]) -> tuple[list[Change], list[Finding]]:
    """Plan the removal of owned pages the site no longer has.

    A page whose region was edited by hand is kept and reported (`page-orphaned`):
    answersite never deletes a person's words.
    """
    changes: list[Change] = []
    findings: list[Finding] = []
    for path in paths:
        old = _read(root, path)
        if old is None:
            continue
        page = parse(old, path)
        if any(region.edited for region in page.regions):
            findings.append(
                Finding(
                    "page-orphaned",
                    Severity.WARNING,
                    "answersite no longer generates this page, but it was edited by hand, "
                    "so it was kept",
                    Location(path),
                    "move what you wrote to a page of your own, then delete this file",
                )
            )
            continue
        changes.append(Change(path, old, "", "removed"))
    return changes, findings


def _remove_empty_folders(root: Path, path: str) -> None:
    """Remove the folders of a removed page that are now empty (not the docs folder)."""
    folder = (root / path).parent
    for _ in range(len(PurePosixPath(path).parts) - 2):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _prepare_all(root: Path, changes: Sequence[Change], track: Track = silent) -> list[Pending]:
    """Write every change to its temporary file; on any failure remove them all."""
    pending: list[Pending] = []
    made: set[Path] = set()  # the folders made (or found) so far
    for change in track(changes, "writing pages", len(changes)):
        path = root / change.path
        try:
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            pending.append(prepare(path, change.new, folder_exists=True))
        except OSError as error:
            for item in pending:
                item.abort()
            reason = error.strerror or str(error)
            raise WriteError(
                f"cannot write the file: {reason}; nothing was written",
                Location(change.path),
                hint="make the folder writable and free some disk space, then run "
                "`answersite generate` again",
            ) from None
    return pending


def _keep_state(state: Change, pages: Sequence[str]) -> str:
    """The new state text, with the old entries of `pages` (which were not written)."""
    old = _load_state(state.old)
    new = _load_state(state.new)
    for page in pages:
        if page in old:
            new[page] = old[page]
        else:
            new.pop(page, None)
    return json.dumps(new, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _read_or_none(root: Path, path: str) -> str | None:
    """The file's text now, or `None`; a file that is no longer UTF-8 reads as changed."""
    try:
        return _read(root, path)
    except RegionError:
        return "\0changed"


def diff_changes(changes: Sequence[Change]) -> str:
    """Return a unified diff (`a/`, `b/` paths) of the files that would change."""
    out: list[str] = []
    for change in changes:
        if not change.changed:
            continue
        old = change.old or ""
        lines = difflib.unified_diff(
            old.splitlines(keepends=True),
            change.new.splitlines(keepends=True),
            "/dev/null" if change.old is None else f"a/{change.path}",
            "/dev/null" if change.status == "removed" else f"b/{change.path}",
        )
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _plan_page(
    page: PagePlan, old: str | None, base: dict[str, str], *, merge: bool
) -> tuple[Change, list[Finding], dict[str, str]]:
    """Plan one page: its change, its findings, and its new state entries."""
    parsed = parse(page.scaffold if old is None else old, page.path)
    newline = newline_of(parsed.text)
    outcomes = {
        region.name: _update(
            region,
            page.regions[region.name],
            base.get(region.name),
            newline,
            merge=merge,
            fresh=old is None,
        )
        for region in parsed.regions
        if region.name in page.regions
    }
    # An edit that cannot be brought up to date leaves the whole page as it is.
    frozen = any(outcome.kind in ("edited", "no-base") for outcome in outcomes.values())
    new = parsed if frozen else parsed.with_regions({n: o.region for n, o in outcomes.items()})
    known = ", ".join(f"'{name}'" for name in sorted(page.regions)) or "none"
    findings: list[Finding] = []
    for region in new.regions:  # Locations refer to the text that will be on disk.
        kind = outcomes[region.name].kind if region.name in outcomes else "unknown"
        if kind in ("replaced", "kept") or (frozen and kind in ("merged", "conflict")):
            continue  # (A merge into a page that is kept as it is was not written.)
        line = region.begin_line
        if kind in ("conflict", "unresolved"):
            line = find_conflicts(region.body, region.begin_line + 1)[0]
        findings.append(
            _finding(
                kind,
                Location(page.path, line),
                name=region.name,
                sum=region.sum,
                end=region.end_line,
                known=known,
            )
        )
    for name in sorted(set(page.regions) - set(outcomes)):
        if name.startswith(DRAFT_PREFIX):
            continue  # a draft deleted from its page was replaced by hand: that is its purpose
        findings.append(_finding("missing", Location(page.path), name=name))
    if frozen:
        return Change(page.path, old, old or "", "kept"), findings, dict(base)
    state = {name: o.base for name, o in outcomes.items() if o.base is not None}
    status: Status = "created" if old is None else "unchanged" if new.text == old else "updated"
    return Change(page.path, old, new.text, status), findings, state


def _update(
    region: Region, content: str, base: str | None, newline: str, *, merge: bool, fresh: bool
) -> _Outcome:
    """Decide what happens to one region of a page, given its new content.

    A `fresh` region comes from the scaffold of a page that does not exist yet: it is
    always filled, whatever its checksum says.
    """
    generated = format_body(content)
    new_sum = checksum(generated)
    regenerated = region.with_body(generated.replace("\n", newline), new_sum)
    if fresh or not region.edited:  # Unedited, or unprotected by deleting "(sum: …)".
        return _Outcome("replaced", regenerated, generated)
    if find_conflicts(region.body):
        return _Outcome("unresolved", region, base)
    if new_sum == region.sum:  # Nothing new to bring in: keep the edit, still protected.
        return _Outcome("kept", region, generated)
    if not merge:
        return _Outcome("edited", region, base)
    if base is None or checksum(base) != region.sum:
        return _Outcome("no-base", region, base)
    merged, conflicted = _merge3(base, region.body.replace("\r\n", "\n"), generated)
    merged_region = region.with_body(merged.replace("\n", newline), new_sum)
    return _Outcome("conflict" if conflicted else "merged", merged_region, generated)


def _merge3(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """3-way merge region bodies (LF newlines); return the result and whether it conflicts."""
    lines: list[str] = []
    conflicted = False
    merger = Merge3(base.splitlines(True), mine.splitlines(True), theirs.splitlines(True))
    for group in merger.merge_groups():
        if group[0] == "conflict":
            conflicted = True
            lines += [
                "<<<<<<< your edit\n",
                *group[2],
                "=======\n",
                *group[3],
                ">>>>>>> generated\n",
            ]
        else:
            lines += group[1]
    return "".join(lines), conflicted


def _finding(kind: str, location: Location, **fields: object) -> Finding:
    """Build the finding for `kind` from the `_FINDINGS` table."""
    code, severity, message, hint = _FINDINGS[kind]
    return Finding(
        code, severity, message.format(**fields), location, hint and hint.format(**fields)
    )


def _load_state(text: str | None) -> State:
    """Parse the state file; an unreadable one stops the run (it may hold merge bases)."""
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RegionError(
            f"cannot read the region state: {error.msg}",
            Location(STATE_PATH, error.lineno),
            hint="resolve any merge conflict in it, or delete it (hand-edited regions then "
            "cannot be merged until they are regenerated)",
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(regions, dict) and all(isinstance(v, str) for v in regions.values())
        for regions in data.values()
    ):
        raise RegionError(
            "cannot read the region state: expected {page path: {region name: text}}",
            Location(STATE_PATH),
            hint="delete it; answersite writes it again",
        )
    return data


def _read(root: Path, path: str) -> str | None:
    """Read a file's text without newline translation, or `None` if it does not exist."""
    try:
        data = (root / path).read_bytes()
    except FileNotFoundError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RegionError(
            f"the file is not valid UTF-8 (byte {error.start})",
            Location(path),
            hint="save it as UTF-8",
        ) from None
