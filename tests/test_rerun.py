"""Re-running generate is safe: unchanged files stay, edits are never overwritten."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

import docx
import pytest
from conftest import TODAY, full_text, small_rows
from hypothesis import given
from hypothesis import strategies as st

import docgen
from docgen import jobs
from docgen.documents.outputs import MANIFEST, Entries
from docgen.errors import DocgenError
from docgen.models import Outcome

T1 = "contracts/Ward 7 Falls (T1).docx"


@pytest.fixture
def first(tmp_path: Path, make_cohort) -> tuple[Path, Path]:
    data, out = make_cohort(), tmp_path / "out"
    jobs.generate(data, out, today=TODAY)
    return data, out


def outcomes(report: jobs.GenerateReport) -> dict[str, Outcome]:
    return dict(report.files)


def edit(path: Path, text: str) -> None:
    """Edit a document as a coach would in Word: add a paragraph and save."""
    d = docx.Document(str(path))
    d.add_paragraph(text)
    d.save(str(path))


def test_rerun_with_the_same_data_leaves_every_file_unchanged(first) -> None:
    data, out = first
    before = (out / T1).stat().st_mtime_ns
    report = jobs.generate(data, out, today=TODAY + dt.timedelta(days=3))
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}
    assert (out / T1).stat().st_mtime_ns == before


def test_changed_data_regenerates_untouched_documents(first, make_cohort) -> None:
    _data, out = first
    rows = small_rows()
    rows["Sessions"][0]["topic"] = "Run chart"
    report = jobs.generate(make_cohort(rows, "cohort2.xlsx"), out, today=TODAY)
    assert outcomes(report)[T1] == Outcome.UPDATED
    assert "Run chart" in full_text(out / T1)


def test_an_edited_document_is_kept_and_reported(first, make_cohort) -> None:
    _data, out = first
    edit(out / T1, "Coach's own note")
    rows = small_rows()
    rows["Sessions"][0]["topic"] = "Run chart"
    report = jobs.generate(make_cohort(rows, "cohort2.xlsx"), out, today=TODAY)
    # kept, and said to be without the change: the new topic is not in it
    assert outcomes(report)[T1] == Outcome.KEPT_EDITED_OUTDATED
    text = full_text(out / T1)
    assert "Coach's own note" in text and "Run chart" not in text


def test_the_command_tells_an_edited_document_kept_without_a_change_from_one_kept_as_is(
        first, make_cohort) -> None:
    """Month 2: T1's coach has typed into its contract, and the admin adds a session to T1 on
    the cohort; T2's coach has typed into T2's, which nothing changed. Both are kept; the run
    says which one lacks the cohort's change."""
    from click.testing import CliRunner

    from docgen.cli import main

    _data, out = first
    t2 = "contracts/A & B -Ltd- -quoted- 🚀 (T2).docx"
    assert (out / t2).is_file()
    edit(out / T1, "Coach's own note")
    edit(out / t2, "Coach's own note")
    rows = small_rows()
    rows["Sessions"].append({"team_id": "T1", "date": dt.date(2026, 6, 5), "topic": "Spread"})
    result = CliRunner().invoke(main, ["generate", str(make_cohort(rows, "month2.xlsx")),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"Kept because edited, without what changed since: {T1}" in lines
    assert f"Kept because edited: {t2}" in lines
    assert "2 kept because edited (1 without what changed since)" in result.output


def test_force_writes_the_new_version_and_keeps_the_edit_as_a_dated_backup(first) -> None:
    data, out = first
    edit(out / T1, "Coach's own note")
    report = jobs.generate(data, out, force=True, today=TODAY)
    assert outcomes(report)[T1] == Outcome.REPLACED_EDITED
    assert "Coach's own note" not in full_text(out / T1)
    (backup,) = (out / "contracts").glob("Ward 7 Falls (T1) (edited *).docx")
    assert "Coach's own note" in full_text(backup)


def test_a_document_open_in_libreoffice_is_not_overwritten(first) -> None:
    data, out = first
    edit(out / T1, "typed while open")
    (out / "contracts" / ".~lock.Ward 7 Falls (T1).docx#").write_text("x")
    report = jobs.generate(data, out, force=True, today=TODAY)
    assert outcomes(report)[T1] == Outcome.KEPT_OPEN
    assert "typed while open" in full_text(out / T1)


def test_no_temporary_files_are_left_and_the_manifest_knows_every_file(first) -> None:
    _data, out = first
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert [f for f in files if f.endswith(".tmp")] == []
    manifest = (out / MANIFEST).read_text()
    for f in files:
        if f.endswith(".docx"):
            assert f'"{f}"' in manifest


def test_a_manifest_line_cut_short_by_a_kill_is_ignored(first) -> None:
    data, out = first
    with open(out / MANIFEST, "a") as fh:
        fh.write('{"path": "contracts/Ward 7')
    report = jobs.generate(data, out, today=TODAY)
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}


_DIGEST = st.text("0123456789abcdef", min_size=64, max_size=64)
_ANY = st.one_of(_DIGEST, st.text(max_size=70), _DIGEST.map(str.upper))


@given(st.lists(st.tuples(st.lists(_ANY, max_size=4).map(tuple), st.none() | _ANY),
                max_size=5))
def test_the_manifest_entries_read_back_exactly_as_recorded(entries: list) -> None:
    """Held as raw digests where they are SHA-256 hex, else as read: never altered."""
    held = Entries()
    for n, entry in enumerate(entries):
        held[f"contracts/T{n}.docx"] = entry
    assert [held[f"contracts/T{n}.docx"] for n in range(len(entries))] == entries
    assert len(held) == len(entries) and "contracts/T.docx" not in held


def test_a_deleted_document_is_written_again(first) -> None:
    data, out = first
    (out / T1).unlink()
    report = jobs.generate(data, out, today=TODAY)
    assert outcomes(report)[T1] == Outcome.WRITTEN
    assert (out / T1).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="flock is the POSIX lock")
def test_a_folder_whose_file_system_has_no_locks_is_written_unlocked(
        tmp_path: Path, make_cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    """A network share that refuses locks (ENOLCK) must not stop a run; only a lock held by
    another process does."""
    import errno
    import fcntl

    def refused(fd: int, how: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", refused)
    report = jobs.generate(make_cohort(), tmp_path / "out", today=TODAY)
    assert outcomes(report)[T1] == Outcome.WRITTEN


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_writes(
        tmp_path: Path, make_cohort) -> None:
    from docgen.documents.outputs import folder_lock
    from docgen.errors import DocgenError

    out = tmp_path / "out"
    with folder_lock(out), pytest.raises(DocgenError, match="another docgen run"):
        jobs.generate(make_cohort(), out, today=TODAY)
    report = jobs.generate(make_cohort(), out, today=TODAY)  # the lock went with the first
    assert outcomes(report)[T1] == Outcome.WRITTEN


# A re-run costs what changed: a document whose inputs (data, template, docgen's version) and
# file are unchanged since the manifest recorded them is not rendered at all.

@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Count the documents rendered (the file each render was for is not known: its team's
    values are; the count is what matters)."""
    from docgen.documents.render import CompiledTemplate

    made: list[str] = []
    real = CompiledTemplate.render

    def counted(self, context, properties):  # noqa: ANN001, ANN202
        made.append(str(self.path.name))
        return real(self, context, properties)

    monkeypatch.setattr(CompiledTemplate, "render", counted)
    return made


def parts(path: Path) -> dict[str, bytes]:
    """Return a document's parts, the time it was made blanked out."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        found = {name: zf.read(name) for name in zf.namelist()}
    return {name: re.sub(rb'(name="docgen\.generated"[^>]*>\s*<vt:lpwstr>)[^<]*', rb"\1",
                         data) for name, data in found.items()}


def test_a_rerun_with_nothing_changed_renders_nothing(first, renders) -> None:
    data, out = first
    report = jobs.generate(data, out, jobs=1, today=TODAY + dt.timedelta(days=3))
    assert renders == [] and report.rendered == 0
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}
    assert len(report.files) == 3


def test_a_changed_row_renders_only_its_document_as_a_fresh_run_would(
        first, make_cohort, renders, tmp_path: Path) -> None:
    _data, out = first
    rows = small_rows()
    rows["Sessions"][0]["topic"] = "Run chart"
    changed = make_cohort(rows, "cohort2.xlsx")
    report = jobs.generate(changed, out, jobs=1, today=TODAY)
    assert report.rendered == 1
    # the document, and one sample checking how the template shows pre-filled values
    assert renders == ["coaching_contract.docx"] * 2
    assert outcomes(report)[T1] == Outcome.UPDATED
    assert [o for rel, o in report.files if rel != T1] == [Outcome.UNCHANGED] * 2
    fresh = tmp_path / "fresh"
    jobs.generate(changed, fresh, jobs=1, today=TODAY)
    assert parts(out / T1) == parts(fresh / T1)  # byte for byte, but the time it was made


def test_a_changed_template_renders_all_its_documents(
        tmp_path: Path, make_cohort, renders) -> None:
    from docgen.jobs.templates import default_templates

    folder = tmp_path / "templates"
    shutil.copytree(default_templates(), folder)
    data, out = make_cohort(), tmp_path / "out"
    jobs.generate(data, out, templates=folder, jobs=1, today=TODAY)
    contract = folder / "coaching_contract.docx"
    d = docx.Document(str(contract))
    d.add_paragraph("Revised by the programme team")
    d.save(str(contract))
    renders.clear()
    report = jobs.generate(data, out, templates=folder, jobs=1, today=TODAY)
    contracts = [o for rel, o in report.files if rel.startswith("contracts/")]
    assert contracts == [Outcome.UPDATED] * 2
    assert [o for rel, o in report.files if not rel.startswith("contracts/")] == [
        Outcome.UNCHANGED]
    assert report.rendered == 2
    assert "Revised by the programme team" in full_text(out / T1)


def test_an_edited_document_is_still_kept_when_nothing_else_changed(first, renders) -> None:
    data, out = first
    edit(out / T1, "Coach's own note")
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert outcomes(report)[T1] == Outcome.KEPT_EDITED
    assert "Coach's own note" in full_text(out / T1)
    assert report.rendered == 1  # only the edited one: the others are unchanged


def test_an_edit_keeping_size_and_time_is_still_seen(first) -> None:
    data, out = first
    path = out / T1
    before = path.stat()
    blob = bytearray(path.read_bytes())
    blob[-30] ^= 1  # one byte of the zip's directory: same size
    path.write_bytes(bytes(blob))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert outcomes(report)[T1] == Outcome.KEPT_EDITED
    assert path.read_bytes() == bytes(blob)


def test_a_document_open_in_word_is_reported_open_not_unchanged(first) -> None:
    data, out = first
    (out / "contracts" / "~$rd 7 Falls (T1).docx").write_text("x")
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert outcomes(report)[T1] == Outcome.KEPT_OPEN


def test_documents_made_by_another_docgen_version_are_rendered_again(
        tmp_path: Path, make_cohort, renders, monkeypatch) -> None:
    gen = sys.modules["docgen.jobs.generate"]
    data, out = make_cohort(), tmp_path / "out"
    monkeypatch.setattr(gen, "__version__", "0.0.1")  # as an older docgen recorded them
    jobs.generate(data, out, jobs=1, today=TODAY)
    monkeypatch.setattr(gen, "__version__", docgen.__version__)
    renders.clear()
    before = (out / T1).stat().st_mtime_ns
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert report.rendered == 3
    # and a sample of each: how the contract shows pre-filled values, what the agreement says
    assert len(renders) == 5
    # they came out the same, so the files stay as they are and are called unchanged
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}
    assert (out / T1).stat().st_mtime_ns == before
    again = jobs.generate(data, out, jobs=1, today=TODAY)
    assert again.rendered == 0


def test_a_manifest_without_sources_or_versions_renders_again(first) -> None:
    data, out = first
    lines = (out / MANIFEST).read_text().splitlines()
    old = [json.dumps({"path": e["path"], "sha256": e["sha256"]}) for e in map(json.loads, lines)]
    (out / MANIFEST).write_text("\n".join(old) + "\n")
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert report.rendered == 3
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}
    assert jobs.generate(data, out, jobs=1, today=TODAY).rendered == 0


def test_a_lost_manifest_is_rebuilt_from_the_documents_then_skips_them(first) -> None:
    data, out = first
    (out / MANIFEST).unlink()
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert report.rendered == 3
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}
    assert jobs.generate(data, out, jobs=1, today=TODAY).rendered == 0


def test_a_version_recorded_but_never_renamed_into_place_is_not_taken_as_made(
        first, make_cohort, tmp_path: Path) -> None:
    """A run killed between recording a document's new hash and renaming it into place
    leaves the older file: a re-run with the new data must still write the new one."""
    _data, out = first
    rows = small_rows()
    rows["Sessions"][0]["topic"] = "Run chart"
    changed = make_cohort(rows, "cohort2.xlsx")
    elsewhere = tmp_path / "elsewhere"
    jobs.generate(changed, elsewhere, jobs=1, today=TODAY)
    source = next(e["source"] for e in map(json.loads, (elsewhere / MANIFEST).read_text()
                                           .splitlines()) if e["path"] == T1)
    with open(out / MANIFEST, "a") as fh:  # recorded, then killed before the rename
        fh.write(json.dumps({"path": T1, "sha256": "0" * 64, "source": source}) + "\n")
    report = jobs.generate(changed, out, jobs=1, today=TODAY)
    assert outcomes(report)[T1] == Outcome.UPDATED
    assert "Run chart" in full_text(out / T1)


def test_a_dry_run_after_a_change_says_what_would_change_and_writes_nothing(
        first, make_cohort) -> None:
    _data, out = first
    rows = small_rows()
    rows["Sessions"][0]["topic"] = "Run chart"
    before = (out / MANIFEST).read_bytes(), (out / T1).read_bytes()
    report = jobs.generate(make_cohort(rows, "cohort2.xlsx"), out, dry_run=True, jobs=1,
                           today=TODAY)
    assert outcomes(report)[T1] == Outcome.UPDATED and report.rendered == 1
    assert ((out / MANIFEST).read_bytes(), (out / T1).read_bytes()) == before


def test_force_renders_nothing_unchanged(first) -> None:
    data, out = first
    report = jobs.generate(data, out, force=True, jobs=1, today=TODAY)
    assert report.rendered == 0
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}


def test_a_rerun_with_nothing_changed_does_not_even_read_the_cohort(
        first, monkeypatch) -> None:
    data, out = first
    gen = sys.modules["docgen.jobs.generate"]

    def unread(*_args, **_kw):  # noqa: ANN202
        raise AssertionError("the cohort was read")

    monkeypatch.setattr(gen, "check", unread)
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED} and len(report.files) == 3


def test_without_the_record_of_the_last_run_nothing_is_rendered_either(first, renders) -> None:
    data, out = first
    (out / ".docgen-lastrun.json").unlink()
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert renders == [] and report.rendered == 0
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}


def test_rows_skipped_are_reported_again_on_a_rerun(tmp_path: Path, make_cohort,
                                                    monkeypatch) -> None:
    rows = small_rows()
    rows["Teams"][1]["first_session"] = "yesterday-ish"
    data, out = make_cohort(rows), tmp_path / "out"
    before = jobs.generate(data, out, skip_invalid=True, jobs=1, today=TODAY)
    assert before.skipped
    monkeypatch.setattr(sys.modules["docgen.jobs.generate"], "check", None)  # not read again
    again = jobs.generate(data, out, skip_invalid=True, jobs=1, today=TODAY)
    assert again.skipped == before.skipped
    assert again.files == [(rel, Outcome.UNCHANGED) for rel, _o in before.files]
    monkeypatch.undo()
    with pytest.raises(DocgenError):  # without --skip-invalid, refused as before
        jobs.generate(data, out, jobs=1, today=TODAY)


def test_a_run_of_other_data_in_between_is_noticed(first, make_cohort) -> None:
    data, out = first
    rows = small_rows()
    rows["Sessions"][0]["topic"] = "Run chart"
    jobs.generate(make_cohort(rows, "cohort2.xlsx"), out, jobs=1, today=TODAY)
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert outcomes(report)[T1] == Outcome.UPDATED
    assert "Run chart" not in full_text(out / T1)


def test_a_record_of_the_last_run_naming_files_outside_the_folder_is_not_followed(
        first) -> None:
    data, out = first
    saved = json.loads((out / ".docgen-lastrun.json").read_text())
    (out.parent / "elsewhere.docx").write_bytes(b"not docgen's")
    saved["files"] = ["../elsewhere.docx"]
    (out / ".docgen-lastrun.json").write_text(json.dumps(saved))
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert sorted(outcomes(report)) == sorted(p.relative_to(out).as_posix()
                                              for p in out.rglob("*.docx"))
    assert set(outcomes(report).values()) == {Outcome.UNCHANGED}


def test_a_document_the_cohort_no_longer_makes_is_named_on_every_run(first, make_cohort
                                                                      ) -> None:
    """Month 2: the admin removes team T2 and corrects T1's Team ID. The documents made in
    month 1 stay where coaches may be filling them in, and each run names them, until they
    are deleted."""
    _data, out = first
    edit(out / T1, "Held 03/04 as planned")  # a coach is filling in T1's month-1 contract
    rows = small_rows()
    del rows["Teams"][1]
    rows["Teams"][0]["team_id"] = "T01"
    for session in rows["Sessions"]:
        session["team_id"] = "T01"
    data = make_cohort(rows, "month2.xlsx")
    old = sorted(rel for rel in manifest_paths(out) if rel.startswith("contracts/"))
    assert len(old) == 2 and T1 in old
    for _run in range(2):  # the second run: nothing else changed, and still named
        report = jobs.generate(data, out, jobs=1, today=TODAY)
        named = {n.file for n in report.notes if "no longer makes it" in n.message}
        assert named == set(old)
        assert all((out / rel).is_file() for rel in old)  # nothing is deleted
        assert "contracts/Ward 7 Falls (T01).docx" in outcomes(report)
    for rel in old:
        (out / rel).unlink()
    report = jobs.generate(data, out, jobs=1, today=TODAY)
    assert not [n for n in report.notes if "no longer makes it" in n.message]
    # --only agreements names no contract
    assert not [n for n in jobs.generate(data, out, only="agreements", today=TODAY).notes
                if "no longer makes it" in n.message]


def manifest_paths(out: Path) -> list[str]:
    return [json.loads(line)["path"] for line in (out / MANIFEST).read_text().splitlines()]


def test_the_journal_keeps_what_the_last_run_left_behind_through_compaction(
        tmp_path: Path) -> None:
    """The last left-behind line stands; compaction keeps it for files still there; and it
    is a path no file has, so a journal entry is never made of it."""
    from docgen.documents.outputs import LEFT_BEHIND, Manifest

    (tmp_path / "contracts").mkdir()
    for name in ("a.docx", "b.docx"):
        (tmp_path / "contracts" / name).write_bytes(b"x")
    digest = "0" * 64
    lines = [{"path": "contracts/a.docx", "sha256": digest, "source": None},
             {"path": "contracts/b.docx", "sha256": digest, "source": None},
             {"path": LEFT_BEHIND, "left": ["contracts/a.docx"]},
             {"path": LEFT_BEHIND, "left": ["contracts/a.docx", "contracts/b.docx",
                                            "contracts/gone.docx"]}]
    (tmp_path / MANIFEST).write_text("".join(json.dumps(line) + "\n" for line in lines))
    manifest = Manifest.load(tmp_path)
    assert manifest.left == ("contracts/a.docx", "contracts/b.docx", "contracts/gone.docx")
    assert set(manifest.files) == {"contracts/a.docx", "contracts/b.docx"}
    assert manifest.notes == []
    manifest.compact()
    assert Manifest.load(tmp_path).left == ("contracts/a.docx", "contracts/b.docx")
    manifest = Manifest.load(tmp_path)
    manifest.mark_left([])  # a later run left nothing behind
    manifest.close()
    assert Manifest.load(tmp_path).left == ()
