"""A re-run's kept report, inflated a problem at a time (docgen.records.kept_log)."""

from __future__ import annotations

import pytest

from docgen.errors import Problem
from docgen.log.spilled import Spilled
from docgen.records import kept_log
from docgen.records.cache import RecordCache
from docgen.records.kept_log import Kept


@pytest.fixture
def report() -> Kept:
    problems = [Problem(f'message {i} é "quoted", "problems": [', file=f"f{i}.docx",
                        sheet="Form 1") for i in range(300)]
    return Kept(files=3, records=2, sessions=5, teams=2, problems=problems, unreadable=1,
                notes=['a note, "problems": [ in it'], statuses={"on track": 2},
                no_record=["T09"])


@pytest.mark.parametrize("chunk", [7, 100, 1 << 16])
def test_the_report_comes_back_whole_however_it_is_inflated(report, monkeypatch, chunk):
    monkeypatch.setattr(kept_log, "_INFLATE", chunk)
    head, problems = kept_log._inflated(kept_log._deflated(report))
    assert head == {"files": 3, "records": 2, "sessions": 5, "teams": 2, "unreadable": 1,
                    "notes": ['a note, "problems": [ in it'], "statuses": {"on track": 2},
                    "no_record": ["T09"]}
    assert [kept_log._problem(p) for p in problems] == report.problems


def test_a_report_without_problems(report):
    empty = Kept(**{**report.__dict__, "problems": []})
    head, problems = kept_log._inflated(kept_log._deflated(empty))
    assert head["files"] == 3 and list(problems) == []


def test_a_report_cut_short_is_refused(report):
    deflated = kept_log._deflated(report)
    head, problems = kept_log._inflated(deflated[:len(deflated) // 2])
    with pytest.raises(ValueError):
        list(problems)


def test_the_kept_report_is_read_into_what_holds_it(report, tmp_path):
    output = tmp_path / "log.xlsx"
    output.write_bytes(b"a workbook")
    cache = tmp_path / ".log.cache.sqlite"
    RecordCache(cache).close()  # the reading cache's file, which the report is kept in
    kept_log.remember(cache, output, "inputs", report)
    kept = kept_log.kept_report(cache, output, "inputs", hold=Spilled)
    assert kept is not None and isinstance(kept.problems, Spilled)
    assert kept.problems == report.problems and kept.no_record == ["T09"]
    assert kept_log.kept_report(cache, output, "other inputs") is None
