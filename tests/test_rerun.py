"""Re-running generate is safe: unchanged files stay, edits are never overwritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from conftest import TODAY, full_text, small_rows

from docgen import jobs
from docgen.documents.outputs import MANIFEST
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
    assert outcomes(report)[T1] == Outcome.KEPT_EDITED
    text = full_text(out / T1)
    assert "Coach's own note" in text and "Run chart" not in text


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


def test_a_deleted_document_is_written_again(first) -> None:
    data, out = first
    (out / T1).unlink()
    report = jobs.generate(data, out, today=TODAY)
    assert outcomes(report)[T1] == Outcome.WRITTEN
    assert (out / T1).exists()


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_writes(
        tmp_path: Path, make_cohort) -> None:
    from docgen.documents.outputs import folder_lock
    from docgen.errors import DocgenError

    out = tmp_path / "out"
    with folder_lock(out), pytest.raises(DocgenError, match="another docgen run"):
        jobs.generate(make_cohort(), out, today=TODAY)
    report = jobs.generate(make_cohort(), out, today=TODAY)  # the lock went with the first
    assert outcomes(report)[T1] == Outcome.WRITTEN
