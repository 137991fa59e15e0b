"""Failures of the file system, as users meet them: each is a message with the way out.

Runs as root in CI, where a read-only folder is still writable, so refusals are made by
standing in for the one function that writes (the rest of the run is real).
"""

from __future__ import annotations

import errno
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import jobs
from docgen.atomic import clear_abandoned
from docgen.cli import main
from docgen.documents import outputs
from docgen.models import Outcome
from tests.conftest import TODAY, dead_pid


def test_an_output_folder_under_a_file_is_a_message(tmp_path: Path, make_cohort) -> None:
    (tmp_path / "afile").write_text("not a folder")
    result = CliRunner().invoke(main, ["generate", str(make_cohort()), "-o",
                                       str(tmp_path / "afile" / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "part of that path is a file, not a folder" in result.output
    assert str(tmp_path / "afile" / "out") in result.output


def test_a_full_disk_names_what_was_not_written_and_keeps_the_rest_whole(
        tmp_path: Path, make_cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = outputs.atomic_write
    written: list[Path] = []

    def fill_up(path: Path, data: bytes, **kw: object) -> None:
        if written:  # the first document fits, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real_write(path, data, **kw)
        written.append(path)

    monkeypatch.setattr(outputs, "atomic_write", fill_up)
    outdir = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", str(make_cohort()), "-o", str(outdir),
                                       "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Could not write:" in result.output and "the disk is full" in result.output
    assert "1 written" in result.output and "2 could not be written" in result.output
    docs = sorted(outdir.rglob("*.docx"))
    assert docs == written  # nothing half-written: the one document there is whole
    with zipfile.ZipFile(docs[0]) as zf:
        assert zf.testzip() is None
    assert not [p for p in outdir.rglob("*") if p.name.endswith(".tmp")]

    monkeypatch.setattr(outputs, "atomic_write", real_write)  # space freed: run again
    report = jobs.generate(make_cohort(), outdir, today=TODAY)
    assert report.counts[Outcome.UNCHANGED] == 1 and report.counts[Outcome.WRITTEN] == 2
    assert not report.failed


def test_a_damaged_manifest_is_named_and_rebuilt_from_the_documents(out: Path,
                                                                    make_cohort) -> None:
    manifest = out / outputs.MANIFEST
    manifest.write_bytes(b"\x00\xff not json {\n" + manifest.read_bytes()[:40] + b"\n")
    report = jobs.generate(make_cohort(), out, today=TODAY)
    assert [n for n in report.notes if "could not be read" in n.message]
    assert report.counts[Outcome.UNCHANGED] == 3  # recognised by their content, not "edited"
    files, damaged = outputs._read_journal(manifest)
    assert damaged == 0 and len(files) == 3  # and the journal is whole again


def test_a_journal_line_cut_short_by_a_kill_is_not_damage_elsewhere_it_is(
        tmp_path: Path) -> None:
    """The journal is read a line at a time: only its last line, with no line end, may be
    one a killed run cut short; the same text followed by more lines is damage, and said."""
    whole = [json.dumps({"path": f"contracts/T{n}.docx", "sha256": f"{n:064x}",
                         "source": "s"}) for n in range(3)]
    cut = whole[2][:30]
    journal = tmp_path / outputs.MANIFEST
    journal.write_text("\n".join(whole[:2]) + "\n" + cut)
    files, damaged = outputs._read_journal(journal)
    assert damaged == 0 and sorted(files) == ["contracts/T0.docx", "contracts/T1.docx"]
    journal.write_text("\n".join([whole[0], cut, whole[1]]) + "\n")
    files, damaged = outputs._read_journal(journal)
    assert damaged == 1 and sorted(files) == ["contracts/T0.docx", "contracts/T1.docx"]
    assert files["contracts/T1.docx"] == ((f"{1:064x}",), "s")


def test_a_lost_manifest_still_tells_untouched_documents_from_edited_ones(
        out: Path, make_cohort) -> None:
    (out / outputs.MANIFEST).unlink()
    edited = next((out / "contracts").glob("*T1*.docx"))
    with zipfile.ZipFile(edited) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"Ward 7", b"Ward 8", 1)
    with zipfile.ZipFile(edited, "w") as zf:  # as Word saves it: the parts written again
        for name, data in parts.items():
            zf.writestr(name, data)
    report = jobs.generate(make_cohort(), out, today=TODAY)
    outcomes = dict(report.files)
    assert outcomes[f"contracts/{edited.name}"] is Outcome.KEPT_EDITED
    assert report.counts[Outcome.UNCHANGED] == 2


def test_a_damaged_manifest_is_said_by_the_command(out: Path, make_cohort) -> None:
    (out / outputs.MANIFEST).write_text("{not json}\n{\"path\": 3}\n")
    result = CliRunner().invoke(main, ["generate", str(make_cohort()), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 lines of docgen's record of what it wrote could not be read" in result.output
    # made on another day than the fixture's (the contracts show it), so some are rewritten:
    # docgen's own documents all the same, never "edited"
    assert "0 kept because edited" in result.output and "Kept because" not in result.output


def test_what_killed_runs_left_is_cleared_by_the_next(tmp_path: Path, out: Path,
                                                      make_cohort) -> None:
    dead = dead_pid()
    pdf_leftover = out / "contracts" / f"docgen-pdf-{dead}-abc"
    pdf_leftover.mkdir()
    (pdf_leftover / "half.pdf").write_bytes(b"%PDF-")
    log = tmp_path / "logs" / "coaching_log.xlsx"
    log.parent.mkdir()
    stray_log = log.parent / f".coaching_log.xlsx.{dead}.tmp"
    stray_log.write_bytes(b"PK")
    mine = log.parent / f".coaching_log.xlsx.{os.getppid()}.tmp"  # a run still going
    mine.write_bytes(b"PK")

    jobs.generate(make_cohort(), out, today=TODAY)
    assert not pdf_leftover.exists()
    jobs.log([out], log, today=TODAY, jobs=1)
    assert not stray_log.exists() and mine.exists() and log.exists()


def test_clear_abandoned_keeps_what_is_not_docgens(tmp_path: Path) -> None:
    dead = dead_pid()
    ours = [tmp_path / f"docgen-log-{dead}-x1", tmp_path / f".a.docx.{dead}.tmp"]
    ours[0].mkdir()
    ours[1].write_bytes(b"")
    theirs = [tmp_path / "docgen-notes", tmp_path / f"report.{dead}.tmp",
              tmp_path / f"docgen-log-{os.getpid()}-x2"]
    theirs[0].mkdir()
    theirs[1].write_bytes(b"")
    theirs[2].mkdir()
    assert clear_abandoned(tmp_path) == 2
    assert not any(p.exists() for p in ours) and all(p.exists() for p in theirs)


@pytest.mark.parametrize(("code", "way_out"), [
    (errno.EACCES, "docgen may not write there"),
    (errno.EROFS, "that disk is read-only"),
    (errno.ENAMETOOLONG, "the path is too long"),
])
def test_a_folder_that_refuses_writing_is_named_with_the_way_out(
        tmp_path: Path, make_cohort, monkeypatch: pytest.MonkeyPatch, code: int,
        way_out: str) -> None:
    """As a read-only or network folder refuses (root ignores permission bits, so the refusal
    is made where docgen writes)."""
    def refuse(path: Path, data: bytes, **kw: object) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(outputs, "atomic_write", refuse)
    result = CliRunner().invoke(main, ["generate", str(make_cohort()), "-o",
                                       str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert way_out in result.output and "3 could not be written" in result.output
    assert not list((tmp_path / "out").rglob("*.docx"))
