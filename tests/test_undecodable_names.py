"""Folders and files whose names are not UTF-8: read, written and logged like any other.

On Linux a name is bytes, and one made on an older system (a Latin-1 "é", from an old zip or
a shared drive) is not UTF-8; Python holds it as text with "surrogate" characters, which
cannot be encoded as UTF-8 and which SQLite, JSON-as-UTF-8 and LibreOffice refuse. Each
command must still work there, and a re-run (the log's reading cache, the run's memory) must
not stop with a traceback. Windows and macOS cannot make such names, so these tests run where
the file system can.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, TODAY

from docgen import jobs, libreoffice
from docgen.cli import main
from docgen.records import cache as reading
from docgen.records import read_records
from docgen.values import escaped_name

ODD = os.fsdecode(b"caf\xe9")  # "café" as Latin-1 bytes: not UTF-8


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    """Return a folder whose name is not UTF-8 (skip where the file system refuses one)."""
    folder = tmp_path / ODD
    try:
        folder.mkdir()
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    return folder


def test_the_name_is_not_utf8(odd: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        str(odd).encode("utf-8")


def test_generate_check_and_a_rerun_from_and_into_such_folders(odd: Path) -> None:
    cohort = odd / f"cohort {ODD}.xlsx"
    shutil.copyfile(SAMPLE, cohort)
    assert jobs.check(cohort).problems == []
    out = odd / "out"
    first = jobs.generate(cohort, out, today=TODAY, jobs=1)
    assert not first.failed and len(first.files) == 16
    again = CliRunner().invoke(main, ["generate", str(cohort), "-o", str(out), "-j1"])
    assert again.exit_code == 0, again.output
    assert "0 written, 16 unchanged" in again.output
    assert "caf\\xe9" in again.output  # the byte that is not UTF-8, shown as its escape


def test_a_record_named_so_is_logged_and_a_rerun_keeps_the_log(out: Path, odd: Path) -> None:
    """The record is read, named with its byte escaped, and its reading kept like any
    other; an unchanged re-run keeps the log (before, the re-run stopped with a traceback
    looking the name up in the cache)."""
    records = odd / "records"
    shutil.copytree(out, records)
    named = next((records / "contracts").glob("*.docx"))
    renamed = named.with_name(f"{ODD} {named.name}")
    named.rename(renamed)
    old = renamed.stat().st_mtime - 3600  # not "saved just now": its reading may be kept
    for path in records.rglob("*.docx"):
        os.utime(path, (old, old))
    log = odd / "log.xlsx"
    first = jobs.log([records], log, today=TODAY, jobs=1)
    second = jobs.log([records], log, today=TODAY, jobs=1)
    assert first.records == len(list((records / "contracts").glob("*.docx")))
    assert (second.records, second.sessions, second.teams) == (
        first.records, first.sessions, first.teams)
    assert second.unchanged
    # named with the byte's escape: in the log, in its problems, and as the cache's key
    shown = f"contracts/caf\\xe9 {named.name}"
    fresh, _problems = read_records([records], jobs=1)
    assert shown in {r.source for r in fresh}
    assert shown in {str(p.file) for p in first.problems}
    assert _kept(log, shown)


def test_a_reading_whose_name_is_not_utf8_is_not_kept(out: Path) -> None:
    """A record named with a lone surrogate (the reader escapes them; this is the guard
    behind it): its entry cannot be encoded, so none is made, where before the worker
    stopped the log."""
    records, _problems = read_records([out], jobs=1)
    key = reading.file_key(next((out / "contracts").glob("*.docx")))
    assert key is not None
    assert reading.make_entry(records[0].source, key, records[0], "") is not None
    odd = replace(records[0], source=f"contracts/{ODD}.docx")
    assert reading.make_entry(odd.source, key, odd, "") is None


@pytest.mark.skipif(libreoffice.soffice() is None, reason="LibreOffice is not installed")
def test_pdfs_of_documents_in_such_a_folder(odd: Path) -> None:
    """LibreOffice, given such a path, writes nothing and says nothing: docgen gives it
    copies with plain names, and every PDF is made."""
    report = jobs.generate(SAMPLE, odd / "out", today=TODAY, only="agreements", pdf=True)
    assert report.pdf_missing == []
    made = sorted(p.stem for p in (odd / "out" / "agreements").glob("*.pdf"))
    assert made == sorted(p.stem for p in (odd / "out" / "agreements").glob("*.docx"))
    assert len(made) == 7


def _kept(log: Path, source: str) -> bool:
    """Tell whether the log's reading cache keeps a reading of ``source``."""
    import sqlite3

    with sqlite3.connect(reading.cache_path(log)) as db:
        found = db.execute("SELECT 1 FROM readings WHERE source = ?", (source,)).fetchone()
    db.close()
    return found is not None


def test_escaped_name() -> None:
    assert escaped_name("café.docx") == "café.docx"
    assert escaped_name(ODD + ".docx") == "caf\\xe9.docx"
    assert escaped_name("a\ud800b") == "a\\xed\\xa0\\x80b"  # a lone surrogate of Windows


def test_the_summary_names_a_cohort_so_named(odd: Path, tmp_path: Path) -> None:
    import openpyxl

    cohort = odd / f"{ODD}.xlsx"
    shutil.copyfile(SAMPLE, cohort)
    jobs.generate(cohort, tmp_path / "out", today=TODAY, jobs=1)
    log = tmp_path / "log.xlsx"
    jobs.log([tmp_path / "out"], log, cohort=cohort, today=TODAY, jobs=1)
    said = " ".join(str(c) for row in openpyxl.load_workbook(log)["Summary"].iter_rows(
        max_row=4, values_only=True) for c in row if c)
    assert f"caf\\xe9{os.sep}caf\\xe9.xlsx" in said
