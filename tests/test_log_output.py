"""`docgen log` never writes over what is not a log, and refuses a workbook given as records."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import jobs
from docgen.cli import main
from docgen.errors import DocgenError
from tests.conftest import TODAY


def _log(*args: str):
    return CliRunner().invoke(main, ["log", *args])


def test_a_cohort_workbook_given_as_records_is_refused_and_nothing_written(
        tmp_path: Path, make_cohort) -> None:
    cohort = make_cohort()
    output = tmp_path / "coaching_log.xlsx"
    result = _log(str(cohort), "-o", str(output))
    assert result.exit_code == 2  # a usage error: the argument is not what was expected
    assert "is a spreadsheet, not a folder of records" in result.output
    with pytest.raises(DocgenError, match="is a spreadsheet"):  # the library says it too
        jobs.log([cohort], output, today=TODAY)
    assert not output.exists()


def test_o_never_replaces_a_file_that_is_not_a_docgen_log(out: Path, make_cohort) -> None:
    cohort = make_cohort()
    before = cohort.read_bytes()
    result = _log(str(out), "-o", str(cohort))  # the cohort workbook, by mistake
    assert result.exit_code == 1
    assert "is not a coaching log docgen wrote" in result.output
    assert cohort.read_bytes() == before

    record = next((out / "contracts").glob("*.docx"))
    before = record.read_bytes()
    result = _log(str(out), "-o", str(record))  # a record being read
    assert result.exit_code == 1 and "ending in .xlsx" in result.output
    assert record.read_bytes() == before

    result = _log(str(out), "-o", str(out))  # a folder
    assert result.exit_code != 0


def test_a_log_docgen_wrote_is_replaced_as_before(tmp_path: Path, out: Path) -> None:
    output = tmp_path / "coaching_log.xlsx"
    jobs.log([out], output, today=TODAY, jobs=1)
    output.write_bytes(output.read_bytes())  # a log of its own is replaced, however old
    result = _log(str(out), "-o", str(output))
    assert result.exit_code == 0, result.output
    other = tmp_path / "budget.xlsx"
    other.write_bytes(b"PK\x03\x04 not docgen's")
    result = _log(str(out), "-o", str(other))
    assert result.exit_code == 1 and other.read_bytes() == b"PK\x03\x04 not docgen's"


def _edited_copies(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("coaching_log (edited *).xlsx"))


def test_a_log_saved_by_someone_is_set_aside_before_it_is_replaced(tmp_path: Path,
                                                                    out: Path) -> None:
    """A manager types a note into the log and saves it: the next run writes the log whole,
    from the records, so the saved one is kept beside it, by name, and the run says so; a
    log as docgen wrote it is replaced (or kept) without a copy. A log openpyxl saved (its
    properties written with other markup) is still docgen's log."""
    import openpyxl

    output = tmp_path / "coaching_log.xlsx"
    for _ in range(2):
        jobs.log([out], output, today=TODAY, jobs=1)
        jobs.log([out], output, cache=False, today=TODAY, jobs=1)
    assert _edited_copies(tmp_path) == []
    wb = openpyxl.load_workbook(output)
    wb["Teams"]["Z2"] = "chased on 3 December"
    wb.save(output)
    report = jobs.log([out], output, today=TODAY, jobs=1)
    (copy,) = _edited_copies(tmp_path)
    assert any(f'kept as "{copy}"' in note and "saved since docgen wrote it" in note
               for note in report.notes)
    assert openpyxl.load_workbook(tmp_path / copy)["Teams"]["Z2"].value == "chased on 3 December"
    assert openpyxl.load_workbook(output)["Teams"]["Z2"].value is None
    jobs.log([out], output, today=TODAY, jobs=1)  # not saved since: no second copy
    assert len(_edited_copies(tmp_path)) == 1
    again = jobs.log([tmp_path], tmp_path / "other.xlsx", today=TODAY, jobs=1)
    assert not [p for p in again.problems if "coaching_log" in (p.file or "")]  # logs, passed
    # over as such, not named as files that are not records


def test_a_log_saved_again_by_libreoffice_is_set_aside_too(tmp_path: Path, out: Path) -> None:
    """The same for a log LibreOffice saved (Calc keeps docgen's properties: the digest
    docgen recorded tells)."""
    from conftest import saved_by_libreoffice

    output = tmp_path / "coaching_log.xlsx"
    jobs.log([out], output, today=TODAY, jobs=1)
    saved = saved_by_libreoffice(output, "xlsx")
    output.write_bytes(saved.read_bytes())
    report = jobs.log([out], output, today=TODAY, jobs=1)
    assert len(_edited_copies(tmp_path)) == 1
    assert any("saved since docgen wrote it" in note for note in report.notes)


def test_a_log_open_in_excel_or_libreoffice_is_not_replaced(tmp_path: Path, out: Path) -> None:
    """Replaced while open, the log would be put back as it was when the program next saves
    it: refused, naming the lock file, until it is closed."""
    output = tmp_path / "coaching_log.xlsx"
    jobs.log([out], output, today=TODAY, jobs=1)
    before = output.read_bytes()
    for lock in (".~lock.coaching_log.xlsx#", "~$coaching_log.xlsx"):
        (tmp_path / lock).write_text("someone,host,1234;")
        result = _log(str(out), "-o", str(output), "--no-cache")
        assert result.exit_code == 1, result.output
        assert f'is open in Excel or LibreOffice (its lock file "{lock}"' in result.output
        assert output.read_bytes() == before
        (tmp_path / lock).unlink()
    assert _log(str(out), "-o", str(output)).exit_code == 0
