"""A log written from the same inputs and untouched since is kept, not written again.

Each test tells a kept log from a written one by the report's ``unchanged`` and by the
workbook's file (its modification time and inode), and checks that every change to what the
log is made from writes it again, with the same content as a log written without the cache.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from coach import fill
from conftest import TODAY
from test_log_cache import T1, _age, cached_sources, run, workbook

import docgen
from docgen import jobs
from docgen.cli import main
from docgen.records import cache as reading


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_ino


@pytest.fixture
def records(out: Path) -> Path:
    _age(out)
    return out


def test_an_unchanged_rerun_keeps_the_log_and_says_what_it_said(
        records: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.xlsx"
    first = run(records, log)
    assert not first.unchanged
    before, content = _stamp(log), workbook(log)
    second = run(records, log)
    assert second.unchanged
    assert _stamp(log) == before and workbook(log) == content
    for name in ("files", "records", "sessions", "teams", "unreadable", "statuses",
                 "no_record", "notes"):
        assert getattr(second, name) == getattr(first, name), name
    assert second.problems == first.problems and first.problems  # a problem kept as it was


@pytest.mark.parametrize("change", ["edited record", "touched record", "new record",
                                    "removed record", "record opened", "record closed",
                                    "another day", "another version", "another code",
                                    "log replaced", "log removed", "no cache"])
def test_every_change_writes_the_log_again(records: Path, tmp_path: Path, change: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log.xlsx"
    lock = (records / T1).with_name("~$" + (records / T1).name[2:])  # as Word names it
    if change == "record closed":  # open in Word at the first run, closed since
        lock.write_bytes(b"owner" * 30)
    run(records, log)
    options: dict[str, object] = {}
    if change == "record opened":  # in Word since: the log must say so, not be kept
        lock.write_bytes(b"owner" * 30)
    elif change == "record closed":
        lock.unlink()
    elif change == "edited record":
        path = records / T1
        before = path.stat()
        fill(path, {"record.held": "Yes", "record.topic": "Run chart of falls"})
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the bytes alone
    elif change == "touched record":  # the same bytes saved again: its time counts
        then = (records / T1).stat().st_mtime - 600
        os.utime(records / T1, (then, then))
    elif change == "new record":
        shutil.copyfile(records / T1, records / "contracts" / "copy of T1.docx")
        _age(records)
    elif change == "removed record":
        (records / T1).unlink()
    elif change == "another day":
        options["today"] = TODAY + dt.timedelta(days=1)
    elif change == "another version":
        monkeypatch.setattr(docgen, "__version__", "99.0.0")
    elif change == "another code":
        monkeypatch.setattr(reading, "code_digest", lambda: "another build of docgen")
    elif change == "log replaced":  # by another log docgen wrote (of another day)
        other = tmp_path / "other.xlsx"
        jobs.log([records], other, jobs=1, cache=False, today=TODAY + dt.timedelta(days=40))
        shutil.copyfile(other, log)
    elif change == "log removed":
        log.unlink()
    elif change == "no cache":
        options["cache"] = False
    stamp = _stamp(log) if log.exists() else None
    report = jobs.log([records], log, jobs=1, **{"today": TODAY, **options})  # type: ignore
    assert not report.unchanged
    assert _stamp(log) != stamp
    plain = tmp_path / "plain.xlsx"
    jobs.log([records], plain, jobs=1, **{"today": TODAY, **options, "cache": False})  # type: ignore
    assert workbook(log) == workbook(plain)
    if change == "edited record":
        assert "Run chart of falls" in {c for row in workbook(log)["Sessions"] for c in row}
    opened = [p for p in report.problems if p.message.startswith("is open in Word")]
    assert len(opened) == (change == "record opened")


def test_a_changed_cohort_writes_the_log_again(records: Path, tmp_path: Path,
                                              make_cohort) -> None:  # type: ignore[no-untyped-def]
    cohort = make_cohort()
    log = tmp_path / "log.xlsx"
    jobs.log([records], log, cohort=cohort, today=TODAY, jobs=1)
    assert jobs.log([records], log, cohort=cohort, today=TODAY, jobs=1).unchanged
    before = workbook(log)
    book = openpyxl.load_workbook(cohort)
    teams = book["Teams"]
    teams.append(["T9", "A team added"])  # a team issued whose record is not back
    book.save(cohort)
    report = jobs.log([records], log, cohort=cohort, today=TODAY, jobs=1)
    assert not report.unchanged
    assert "T9" in report.no_record
    plain = tmp_path / "plain.xlsx"
    jobs.log([records], plain, cohort=cohort, today=TODAY, jobs=1, cache=False)
    assert workbook(log) == workbook(plain) != before


@pytest.mark.parametrize("damage", ["report", "table", "file"])
def test_damaged_kept_state_writes_the_log(records: Path, tmp_path: Path, damage: str) -> None:
    log = tmp_path / "log.xlsx"
    first = run(records, log)
    cache = reading.cache_path(log)
    if damage == "file":
        cache.write_bytes(b"not a database " * 100)
    else:
        with sqlite3.connect(cache) as db:
            if damage == "report":
                db.execute("UPDATE written_logs SET report = '{\"files\": [1'")
            else:
                db.execute("DROP TABLE written_logs")
        db.close()
    report = run(records, log)
    assert not report.unchanged
    assert report.problems == first.problems
    assert run(records, log).unchanged  # the state is kept again


def test_the_command_says_the_log_was_kept(records: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.xlsx"
    runner = CliRunner()
    first = runner.invoke(main, ["log", str(records), "-o", str(log), "--jobs", "1"])
    assert first.exit_code == 0, first.output
    assert f"Wrote {log}" in first.output
    second = runner.invoke(main, ["log", str(records), "-o", str(log), "--jobs", "1"])
    assert second.exit_code == 0, second.output
    assert f"Kept {log}" in second.output and "Wrote" not in second.output
    # everything else the command says is the same
    assert [line for line in first.output.splitlines() if not line.startswith("Wrote")] == \
        [line for line in second.output.splitlines() if not line.startswith("Kept")]
    assert len(cached_sources(log)) == 3
