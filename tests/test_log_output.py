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
