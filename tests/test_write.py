"""Tests for generator.write: planning region updates, merges, atomic writes, --check diffs."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from generator import files
from generator.errors import RegionError, WriteError
from generator.model import Finding, Location, PagePlan, Severity
from generator.regions import checksum, format_body, parse, render_region
from generator.write import (
    STATE_PATH,
    Change,
    apply_changes,
    diff_changes,
    plan_pages,
)

PATH = "docs/q1/task.md"
OLD = "- Kim 2022\n- Lee 2023"


def scaffold(regions: Mapping[str, str] | None = None, newline: str = "\n") -> str:
    """The page as generated from `regions` (by default, `cites` with OLD)."""
    regions = {"cites": OLD} if regions is None else regions
    parts = [f"# Task{newline}{newline}Written by hand.{newline}{newline}"]
    for name, content in regions.items():
        parts.append(render_region(name, content, newline) + newline)
    return "".join(parts) + "The end."


def plan(content: str = OLD, path: str = PATH, **more: str) -> PagePlan:
    return PagePlan(path, scaffold(), {"cites": content, **more})


def generate(root: Path, *pages: PagePlan, merge: bool = False) -> tuple[list[str], list[Finding]]:
    changes, findings = plan_pages(root, pages, merge=merge)
    written, changed = apply_changes(root, changes)
    return written, [*findings, *changed]


def read(root: Path, path: str = PATH) -> str:
    return (root / path).read_bytes().decode()


def edit(root: Path, change: Callable[[str], str], path: str = PATH) -> None:
    (root / path).write_bytes(change(read(root, path)).encode())


def body(root: Path, name: str = "cites", path: str = PATH) -> str:
    region = parse(read(root, path), path).region(name)
    assert region is not None
    return region.body


def freeze_mtime(root: Path, path: str = PATH) -> int:
    os.utime(root / path, ns=(1_000_000_000, 1_000_000_000))
    return (root / path).stat().st_mtime_ns


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project whose page was generated once with OLD."""
    assert generate(tmp_path, plan()) == ([PATH, STATE_PATH], [])
    return tmp_path


class TestCreate:
    def test_created_from_scaffold(self, tmp_path: Path) -> None:
        written, findings = generate(tmp_path, plan())
        assert written == [PATH, STATE_PATH]
        assert findings == []
        assert read(tmp_path) == scaffold()

    def test_scaffold_regions_are_filled_from_the_plan(self, tmp_path: Path) -> None:
        page = PagePlan(PATH, scaffold({"cites": ""}), {"cites": OLD})
        generate(tmp_path, page)
        assert read(tmp_path) == scaffold()

    def test_scaffold_regions_are_filled_whatever_their_sum(self, tmp_path: Path) -> None:
        odd = scaffold().replace("Kim", "Kym")  # as if edited: the sum no longer matches
        assert generate(tmp_path, PagePlan(PATH, odd, {"cites": OLD})) == ([PATH, STATE_PATH], [])
        assert read(tmp_path) == scaffold()

    def test_state_file(self, tmp_path: Path) -> None:
        generate(tmp_path, plan(path="docs/b.md"), plan(path="docs/a.md"))
        text = read(tmp_path, STATE_PATH)
        assert (
            text
            == json.dumps(
                {
                    "docs/a.md": {"cites": format_body(OLD)},
                    "docs/b.md": {"cites": format_body(OLD)},
                },
                indent=2,
            )
            + "\n"
        )
        assert text.index("docs/a.md") < text.index("docs/b.md")

    def test_no_state_file_without_regions(self, tmp_path: Path) -> None:
        assert generate(tmp_path, PagePlan("docs/x.md", "plain\n")) == (["docs/x.md"], [])

    def test_deterministic(self, tmp_path: Path) -> None:
        one, two = tmp_path / "one", tmp_path / "two"
        for where in (one, two):
            generate(where, plan(path="docs/b.md"), plan("new"), plan(path="docs/a.md"))
        for path in ("docs/b.md", PATH, "docs/a.md", STATE_PATH):
            assert (one / path).read_bytes() == (two / path).read_bytes()


class TestIdempotence:
    def test_second_run_writes_nothing(self, root: Path) -> None:
        mtime = freeze_mtime(root)
        changes, findings = plan_pages(root, [plan()])
        assert [c.status for c in changes] == ["unchanged", "unchanged"]
        assert apply_changes(root, changes) == ([], [])
        assert findings == []
        assert (root / PATH).stat().st_mtime_ns == mtime

    def test_diff_is_empty(self, root: Path) -> None:
        assert diff_changes(plan_pages(root, [plan()])[0]) == ""


class TestRegenerate:
    def test_unedited_region_is_replaced(self, root: Path) -> None:
        assert generate(root, plan("- New 2024")) == ([PATH, STATE_PATH], [])
        assert read(root) == scaffold({"cites": "- New 2024"})

    def test_text_outside_regions_is_kept_byte_for_byte(self, root: Path) -> None:
        edit(root, lambda t: "Intro  \t\n\n" + t.replace("The end.", "Fin\x0c\u2028.\n\n\n"))
        generate(root, plan("- New"))
        expected = scaffold({"cites": "- New"}).replace("The end.", "Fin\x0c\u2028.\n\n\n")
        assert read(root) == "Intro  \t\n\n" + expected

    def test_deleted_sum_unprotects(self, root: Path) -> None:
        edit(
            root,
            lambda t: t.replace("Kim", "My edit").replace(f" (sum: {checksum(body(root))})", ""),
        )
        assert generate(root, plan()) == ([PATH], [])  # the state is unchanged
        assert read(root) == scaffold()

    def test_edited_without_news_is_kept_silently(self, root: Path) -> None:
        edit(root, lambda t: t.replace("Kim 2022", "Kim 2022 (the best)"))
        edited = read(root)
        mtime = freeze_mtime(root)
        changes, findings = plan_pages(root, [plan()])
        assert (changes[0].status, findings) == ("unchanged", [])
        assert apply_changes(root, changes) == ([], [])
        assert read(root) == edited
        assert (root / PATH).stat().st_mtime_ns == mtime

    def test_edited_with_news_refuses_and_keeps_the_whole_file(self, root: Path) -> None:
        page = PagePlan(
            PATH, scaffold({"intro": "Hi", "cites": OLD}), {"intro": "Hi", "cites": OLD}
        )
        generate(root / "two", page)
        edit(root / "two", lambda t: t.replace("Kim", "Kym"))
        edited = read(root / "two")
        new = PagePlan(page.path, page.scaffold, {"intro": "Hello", "cites": "- New"})
        changes, findings = plan_pages(root / "two", [new])
        assert [(c.status, c.changed) for c in changes] == [("kept", False), ("unchanged", False)]
        sum_ = checksum(format_body(OLD))
        assert [str(f) for f in findings] == [
            f"{PATH}:11: error: region 'cites' was edited by hand and answersite has new "
            "content for it [region-edited]\n"
            "  hint: run `answersite generate --merge` to merge the new content into your "
            f"edit, or delete `(sum: {sum_})` from the end marker (line 16) to let answersite "
            "overwrite it"
        ]
        assert apply_changes(root / "two", changes) == ([], [])
        assert read(root / "two") == edited

    def test_unknown_region(self, root: Path) -> None:
        edit(root, lambda t: t.replace("The end.", render_region("citation", "x")))
        changes, findings = plan_pages(root, [plan("- New")])
        assert changes[0].status == "updated"
        assert findings == [
            Finding(
                "region-unknown",
                Severity.ERROR,
                "region 'citation' is not generated for this page",
                Location(PATH, 11),  # in the new text: "- New" is one line shorter
                "remove its markers, or fix its name (regions of this page: 'cites')",
            )
        ]
        apply_changes(root, changes)
        assert read(root).endswith(render_region("citation", "x"))

    def test_missing_region_is_not_added_back(self, root: Path) -> None:
        generate(root, plan(), plan(path="docs/other.md"))
        edit(root, lambda t: t[: t.index("<!--")] + "The end.")
        changes, findings = plan_pages(root, [plan("- New"), plan(path="docs/other.md")])
        assert findings == [
            Finding(
                "region-missing",
                Severity.INFO,
                "region 'cites' is not in the page, so it was not generated",
                Location(PATH),
                "to have it again, add '<!-- answersite:begin cites -->' and "
                "'<!-- answersite:end cites -->' where it belongs",
            )
        ]
        assert [c.status for c in changes] == ["unchanged", "unchanged", "updated"]
        assert json.loads(changes[-1].new) == {"docs/other.md": {"cites": format_body(OLD)}}


class TestNewlines:
    def test_crlf_page_gets_crlf_bodies(self, tmp_path: Path) -> None:
        crlf = scaffold(newline="\r\n")
        (tmp_path / "docs/q1").mkdir(parents=True)
        (tmp_path / PATH).write_bytes(crlf.encode())
        assert generate(tmp_path, plan()) == ([STATE_PATH], [])  # same sum for CRLF
        generate(tmp_path, plan("- New\n- Two"))
        assert read(tmp_path) == scaffold({"cites": "- New\n- Two"}, "\r\n")

    def test_no_final_newline_is_kept(self, root: Path) -> None:
        assert not read(root).endswith("\n")
        edit(root, lambda t: t[: t.index("The end.")].rstrip("\n"))
        generate(root, plan("- New"))
        assert read(root).endswith("(sum: " + checksum(format_body("- New")) + ") -->")


class TestMerge:
    def test_clean_merge(self, root: Path) -> None:
        edit(root, lambda t: t.replace("- Kim 2022", "- Kim 2022, my favourite"))
        new = OLD + "\n- Park 2024"
        written, findings = generate(root, plan(new), merge=True)
        assert written == [PATH, STATE_PATH]
        assert [str(f) for f in findings] == [
            f"{PATH}:5: info: region 'cites': merged the new content into your edit [region-merged]"
        ]
        assert body(root) == "\n- Kim 2022, my favourite\n- Lee 2023\n- Park 2024\n\n"
        assert f"(sum: {checksum(format_body(new))})" in read(root)
        # The merge stays an edit, protected, and is stable.
        assert generate(root, plan(new)) == ([], [])
        assert generate(root, plan(new), merge=True) == ([], [])

    def test_merge_keeps_crlf(self, tmp_path: Path) -> None:
        (tmp_path / "docs/q1").mkdir(parents=True)
        (tmp_path / PATH).write_bytes(scaffold(newline="\r\n").encode())
        generate(tmp_path, plan())
        edit(tmp_path, lambda t: t.replace("Lee 2023", "Lee 2023 (read)"))
        generate(tmp_path, plan("- Abe 2020\n" + OLD), merge=True)
        assert body(tmp_path) == "\r\n- Abe 2020\r\n- Kim 2022\r\n- Lee 2023 (read)\r\n\r\n"

    def test_conflict(self, root: Path) -> None:
        edit(root, lambda t: t.replace("Lee 2023", "Lee 2023 (read)"))
        written, findings = generate(root, plan("- Kim 2022\n- Lee 2023b"), merge=True)
        assert written == [PATH, STATE_PATH]
        assert [str(f) for f in findings] == [
            f"{PATH}:8: error: region 'cites': your edit conflicts with the new content "
            "[region-conflict]\n  hint: resolve the conflict between '<<<<<<< your edit' and "
            "'>>>>>>> generated' and delete the three conflict-marker lines"
        ]
        assert body(root) == (
            "\n- Kim 2022\n<<<<<<< your edit\n- Lee 2023 (read)\n=======\n- Lee 2023b\n"
            ">>>>>>> generated\n\n"
        )

    @pytest.mark.parametrize("merge", [False, True])
    def test_conflict_reported_until_resolved(self, root: Path, merge: bool) -> None:
        edit(root, lambda t: t.replace("Lee 2023", "Lee 2023 (read)"))
        new = "- Kim 2022\n- Lee 2023b"
        generate(root, plan(new), merge=True)
        conflicted = read(root)
        for content in (new, "- Other"):
            written, findings = generate(root, plan(content), merge=merge)
            assert written == []
            assert [(f.code, f.location, f.message) for f in findings] == [
                (
                    "region-conflict",
                    Location(PATH, 8),
                    "region 'cites' still has conflict markers from an earlier merge",
                )
            ]
            assert read(root) == conflicted
        edit(root, lambda t: t.replace(t[t.index("<<<") : t.index("generated\n") + 10], "- Lee\n"))
        assert generate(root, plan(new), merge=merge) == ([], [])

    def test_no_base(self, root: Path) -> None:
        (root / STATE_PATH).unlink()
        edit(root, lambda t: t.replace("Kim", "Kym"))
        edited = read(root)
        changes, findings = plan_pages(root, [plan("- New")], merge=True)
        assert [c.status for c in changes] == ["kept"]  # no state to record
        sum_ = checksum(format_body(OLD))
        assert [str(f) for f in findings] == [
            f"{PATH}:5: error: region 'cites' was edited by hand, but the text it was "
            f"generated from is not recorded in {STATE_PATH}, so the new content cannot be "
            "merged [region-merge-no-base]\n"
            f"  hint: restore {STATE_PATH} from version control, or save your edit elsewhere, "
            f"delete `(sum: {sum_})` from the end marker, regenerate and redo your edit"
        ]
        assert apply_changes(root, changes) == ([], [])
        assert read(root) == edited

    def test_untrusted_base(self, root: Path) -> None:
        state = json.loads(read(root, STATE_PATH))
        state[PATH]["cites"] = "\nsomething else\n\n"
        (root / STATE_PATH).write_text(json.dumps(state))
        edit(root, lambda t: t.replace("Kim", "Kym"))
        _, findings = plan_pages(root, [plan("- New")], merge=True)
        assert [f.code for f in findings] == ["region-merge-no-base"]

    def test_merge_into_a_kept_page_is_not_written(self, root: Path) -> None:
        page = PagePlan(PATH, scaffold({"a": "1\n2", "b": "x"}), {"a": "1\n2", "b": "x"})
        generate(root / "p", page)
        state = json.loads(read(root / "p", STATE_PATH))
        del state[PATH]["b"]
        (root / "p" / STATE_PATH).write_text(json.dumps(state))
        edit(root / "p", lambda t: t.replace("1\n", "one\n").replace("x\n", "y\n"))
        new = PagePlan(PATH, page.scaffold, {"a": "1\n2\n3", "b": "z"})
        written, findings = generate(root / "p", new, merge=True)
        assert (written, [f.code for f in findings]) == ([], ["region-merge-no-base"])


class TestState:
    def test_entries_of_pages_not_planned_are_dropped(self, root: Path) -> None:
        generate(root, plan(), plan(path="docs/gone.md"))
        changes, _ = plan_pages(root, [plan()])
        assert json.loads(changes[-1].new) == {PATH: {"cites": format_body(OLD)}}

    def test_kept_page_keeps_its_base(self, root: Path) -> None:
        edit(root, lambda t: t.replace("Kim", "Kym"))
        changes, _ = plan_pages(root, [plan("- New")])
        assert changes[-1].status == "unchanged"

    def test_equivalent_state_is_not_rewritten(self, root: Path) -> None:
        crlf = read(root, STATE_PATH).replace("\n", "\r\n")
        (root / STATE_PATH).write_bytes(crlf.encode())
        assert generate(root, plan()) == ([], [])

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            pytest.param(
                '{\n<<<<<<< HEAD\n  "a": {}\n',
                f"{STATE_PATH}:2: cannot read the region state: Expecting property name "
                "enclosed in double quotes",
                id="git-conflict",
            ),
            pytest.param(
                '{"docs/a.md": ["x"]}',
                f"{STATE_PATH}: cannot read the region state: "
                "expected {page path: {region name: text}}",
                id="wrong-shape",
            ),
        ],
    )
    def test_unreadable_state_stops_the_run(self, root: Path, text: str, message: str) -> None:
        (root / STATE_PATH).write_text(text)
        with pytest.raises(RegionError) as raised:
            plan_pages(root, [plan()])
        assert str(raised.value).split("\n")[0] == message


class TestAtomicity:
    def test_damaged_page_stops_the_whole_run(self, root: Path) -> None:
        edit(root, lambda t: t.replace("answersite:begin", "answersite:begn"))
        with pytest.raises(RegionError) as raised:
            generate(root, plan("- New"), plan(path="docs/new.md"))
        assert str(raised.value).startswith(
            f"{PATH}:5: malformed answersite marker '<!-- answersite:begn cites -->'"
        )
        assert not (root / "docs/new.md").exists()

    def test_damaged_page_after_a_good_one(self, root: Path) -> None:
        (root / "docs/bad.md").write_text("<!-- answersite:end x -->\n")
        with pytest.raises(RegionError, match="without a begin marker"):
            generate(root, plan("- New"), plan(path="docs/bad.md"))
        assert read(root) == scaffold()

    def test_file_changed_since_planning_is_left_alone_and_reported(self, root: Path) -> None:
        generate(root, plan())
        state_before = read(root, STATE_PATH)
        changes, _ = plan_pages(root, [plan("- New"), plan(path="docs/new.md")])
        edit(root, lambda t: t + "\nlate edit\n")
        written, findings = apply_changes(root, changes)
        assert findings == [
            Finding(
                "page-changed",
                Severity.ERROR,
                "the page changed while answersite was generating, so it was left as it is now",
                Location(PATH),
                "run `answersite generate` again",
            )
        ]
        assert written == ["docs/new.md", STATE_PATH]
        assert read(root).endswith("late edit\n")
        state = json.loads(read(root, STATE_PATH))
        assert state[PATH] == json.loads(state_before)[PATH]  # its old merge base is kept
        assert "docs/new.md" in state

    def test_every_written_folder_is_flushed_once(
        self, root: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The renames are made durable by flushing their folders: once a folder, after
        # every rename into it (not once a file).
        changes, _ = plan_pages(
            root, [plan(), plan(path="docs/a/one.md"), plan(path="docs/a/two.md")]
        )
        flushed: list[Path] = []
        monkeypatch.setattr(files, "_sync_folder", flushed.append)
        written, _ = apply_changes(root, changes)
        assert sorted(flushed) == sorted({(root / path).parent for path in written})
        assert root / "docs" / "a" in flushed

    def test_a_save_during_the_writes_is_not_overwritten(
        self, root: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The edit lands after answersite began replacing pages, before it reaches this one.
        generate(root, plan(), plan(path="docs/other.md"))
        changes, _ = plan_pages(root, [plan("- New"), plan("- New", path="docs/other.md")])
        real_commit = files.Pending.commit
        saved: list[str] = []

        def commit_then_save(self: files.Pending, *, sync: bool = True) -> None:
            real_commit(self, sync=sync)
            if not saved:
                saved.append(self.path.name)
                other = root / ("docs/other.md" if self.path.name == "task.md" else PATH)
                other.write_text(other.read_text(encoding="utf-8") + "saved meanwhile\n")

        monkeypatch.setattr(files.Pending, "commit", commit_then_save)
        written, findings = apply_changes(root, changes)
        assert [f.code for f in findings] == ["page-changed"]
        assert len(written) == 2  # one page and the state file
        later = "docs/other.md" if saved == ["task.md"] else PATH
        assert read(root, later).endswith("saved meanwhile\n")

    @pytest.mark.parametrize(
        ("errno_", "reason"),
        [(28, "No space left on device"), (30, "Read-only file system"), (13, "Permission denied")],
    )
    def test_a_file_that_cannot_be_written_writes_nothing(
        self, root: Path, monkeypatch: pytest.MonkeyPatch, errno_: int, reason: str
    ) -> None:
        generate(root, plan())
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        changes, _ = plan_pages(root, [plan("- New"), plan(path="docs/new.md")])
        real_prepare = files.prepare

        def fail_on_second(
            path: Path, data: str | bytes, *, folder_exists: bool = False
        ) -> files.Pending:
            if path.name == "new.md":
                raise OSError(errno_, reason)
            return real_prepare(path, data, folder_exists=folder_exists)

        monkeypatch.setattr("generator.write.prepare", fail_on_second)
        with pytest.raises(WriteError) as raised:
            apply_changes(root, changes)
        assert str(raised.value) == (
            f"docs/new.md: cannot write the file: {reason}; nothing was written\n"
            "  hint: make the folder writable and free some disk space, then run "
            "`answersite generate` again"
        )
        assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before

    def test_temporary_files_of_killed_runs_are_removed(self, root: Path) -> None:
        dead = root / "docs" / f".task.md.999999999-0123abcd{files.TEMP_SUFFIX}"
        alive = root / "docs" / f".task.md.{os.getpid()}-0123abcd{files.TEMP_SUFFIX}"
        old = root / "docs" / ".task.md.0123abcd.tmp"  # as earlier versions named them
        for path in (dead, alive, old):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("half a page")
        assert files.remove_stale_temps(root / "docs") == [dead, old]
        assert alive.exists() and not dead.exists() and not old.exists()

    def test_no_temporary_files_left_and_mode_kept(self, root: Path) -> None:
        (root / PATH).chmod(0o640)
        generate(root, plan("- New"))
        assert stat.S_IMODE((root / PATH).stat().st_mode) == 0o640
        assert sorted(p.name for p in (root / "docs/q1").iterdir()) == ["task.md"]

    def test_not_utf8(self, tmp_path: Path) -> None:
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs/x.md").write_bytes(b"caf\xe9\n")
        with pytest.raises(
            RegionError, match=r"^docs/x.md: the file is not valid UTF-8 \(byte 3\)"
        ):
            plan_pages(tmp_path, [PagePlan("docs/x.md", "")])

    @pytest.mark.parametrize("path", ["/abs.md", "../out.md", "docs/../../x.md", STATE_PATH])
    def test_bad_paths(self, tmp_path: Path, path: str) -> None:
        with pytest.raises(ValueError, match="page path must be relative"):
            plan_pages(tmp_path, [PagePlan(path, "")])

    def test_duplicate_paths(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="duplicate page paths"):
            plan_pages(tmp_path, [plan(), plan()])


def test_diff_changes() -> None:
    changes = [
        Change("docs/a.md", "one\ntwo\n", "one\n2\n", "updated"),
        Change("docs/b.md", None, "new", "created"),
        Change("docs/c.md", "same\n", "same\n", "unchanged"),
    ]
    assert diff_changes(changes) == (
        "--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n"
        "--- /dev/null\n+++ b/docs/b.md\n@@ -0,0 +1 @@\n+new\n\\ No newline at end of file\n"
    )
