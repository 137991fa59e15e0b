"""The log's reading cache: an unchanged re-run reads nothing again, and every change is seen.

Each test counts the calls of the record reader (docgen.records.read._read) rather than
timing anything, and compares the log workbook cell by cell with one written without the
cache.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from coach import fill
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

import docgen
from docgen import jobs
from docgen.cli import main
from docgen.models import Record
from docgen.records import cache as reading
from docgen.records import read as read_module
from docgen.records import read_records
from docgen.records.convert import Converted
from docgen.records.find import find_files

T1 = "contracts/Ward 7 Falls (T1).docx"
HOUR = 3600


def _age(folder: Path, seconds: int = HOUR) -> None:
    """Date every file under ``folder`` back: files modified within the last two seconds
    are never kept (a change in the same clock tick could go unseen), as in real use."""
    then = time.time() - seconds
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the names of the files the reader reads from now on (jobs=1: in this process)."""
    seen: list[str] = []
    real = read_module._read

    def counting(path: Path, root: Path, *args: object) -> object:
        seen.append(Path(path).name)
        return real(path, root, *args)

    monkeypatch.setattr(read_module, "_read", counting)
    return seen


@pytest.fixture
def records(out: Path) -> Path:
    _age(out)
    return out


def workbook(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Return every sheet's cell values."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def run(records: Path, log: Path, **options: object) -> jobs.LogReport:
    return jobs.log([records], log, today=TODAY, jobs=1, **options)  # type: ignore[arg-type]


def cached_sources(log: Path) -> list[str]:
    with sqlite3.connect(reading.cache_path(log)) as db:
        rows = db.execute("SELECT source FROM readings ORDER BY source").fetchall()
    db.close()
    return [r[0] for r in rows]


def test_an_unchanged_rerun_reads_nothing_and_writes_the_same_log(
        records: Path, tmp_path: Path, calls: list[str]) -> None:
    plain = tmp_path / "plain.xlsx"
    run(records, plain, cache=False)
    everything = sorted(calls)
    assert len(everything) == 3  # two contracts and the agreement
    assert not reading.cache_path(plain).exists()  # --no-cache leaves no cache
    log = tmp_path / "log.xlsx"
    calls.clear()
    first = run(records, log)
    assert sorted(calls) == everything
    assert reading.cache_path(log).is_file()
    assert len(cached_sources(log)) == 3
    calls.clear()
    second = run(records, log)
    assert calls == []  # nothing read again
    assert workbook(log) == workbook(plain)
    assert (second.records, second.sessions, second.notes) == (first.records, first.sessions,
                                                                first.notes)
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]


def test_a_kept_reading_is_the_reading(records: Path) -> None:
    fresh, problems = read_records([records], jobs=1)
    assert problems == []
    for record in fresh:
        assert reading.loads(reading.dumps(record)) == record
    cache = reading.RecordCache(records.parent / ".log.cache.sqlite")
    read_records([records], jobs=1, cache=cache)
    again = reading.RecordCache(records.parent / ".log.cache.sqlite")
    kept, _problems = read_records([records], jobs=1, cache=again)
    assert again.hits == 3
    assert kept == fresh  # modification times included: taken from the file each time


def test_an_edited_file_is_read_again_even_with_its_old_time(
        records: Path, tmp_path: Path, calls: list[str]) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    path = records / T1
    before = path.stat()
    fill(path, {"record.held": "Yes", "record.topic": "Run chart of falls"})
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the bytes alone changed
    calls.clear()
    run(records, log)
    assert calls == [path.name]
    assert "Run chart of falls" in {c for row in workbook(log)["Sessions"] for c in row}
    plain = tmp_path / "plain.xlsx"
    run(records, plain, cache=False)
    assert workbook(log) == workbook(plain)


def test_a_new_file_alone_is_read_and_a_removed_one_is_forgotten(
        records: Path, tmp_path: Path, calls: list[str]) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    copy = records / "contracts" / "copy of T1.docx"
    shutil.copyfile(records / T1, copy)
    _age(records)
    calls.clear()
    run(records, log)
    assert calls == ["copy of T1.docx"]
    assert "contracts/copy of T1.docx" in cached_sources(log)
    copy.unlink()
    calls.clear()
    report = run(records, log)
    assert calls == []
    assert "contracts/copy of T1.docx" not in cached_sources(log)  # pruned
    assert len(cached_sources(log)) == 3
    assert not [p for p in report.problems if "copy of" in str(p.file)]


def test_a_moved_or_renamed_file_is_read_under_its_new_name(
        records: Path, tmp_path: Path, calls: list[str]) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    (records / T1).rename(records / "contracts" / "renamed.docx")
    calls.clear()
    run(records, log)
    assert calls == ["renamed.docx"]  # problems and the log name the file: read afresh
    assert "contracts/renamed.docx" in {c for row in workbook(log)["Sessions"] for c in row}


def test_another_docgen_version_reads_everything_again(
        records: Path, tmp_path: Path, calls: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    monkeypatch.setattr(docgen, "__version__", "99.0.0")
    calls.clear()
    run(records, log)
    assert len(calls) == 3
    calls.clear()
    run(records, log)
    assert calls == []  # kept again under the new version


def test_changed_reader_code_reads_everything_again(
        records: Path, tmp_path: Path, calls: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    monkeypatch.setattr(reading, "code_digest", lambda: "another build of docgen")
    calls.clear()
    run(records, log)
    assert len(calls) == 3


@pytest.mark.parametrize("damage", [b"", b"not a database at all " * 100])
def test_a_damaged_cache_is_noted_once_and_every_record_read(
        records: Path, tmp_path: Path, calls: list[str], damage: bytes) -> None:
    plain = tmp_path / "plain.xlsx"
    run(records, plain, cache=False)
    log = tmp_path / "log.xlsx"
    run(records, log)
    cache = reading.cache_path(log)
    cache.write_bytes(damage + b"\x00" * 4096 if damage else b"SQLite format 3\x00" + b"\xff" * 200)
    calls.clear()
    report = run(records, log)
    assert len(calls) == 3
    said = [n for n in report.notes if cache.name in n]
    assert len(said) == 1
    assert "read from their files" in said[0] and "a new cache was written" in said[0]
    assert workbook(log) == workbook(plain)
    calls.clear()
    report = run(records, log)  # written anew: used again
    assert calls == []
    assert not [n for n in report.notes if cache.name in n]


def test_a_cache_of_another_format_is_replaced(records: Path, tmp_path: Path,
                                               calls: list[str]) -> None:
    log = tmp_path / "log.xlsx"
    with sqlite3.connect(reading.cache_path(log)) as db:
        db.execute("CREATE TABLE other (x)")
    db.close()
    report = run(records, log)
    assert len(calls) == 3
    assert [n for n in report.notes if "could not be used" in n]
    assert len(cached_sources(log)) == 3


@pytest.mark.parametrize("checked", [True, False])
def test_a_damaged_entry_is_read_again(records: Path, tmp_path: Path, calls: list[str],
                                       checked: bool) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    with sqlite3.connect(reading.cache_path(log)) as db:
        if checked:  # a value naming something other than docgen's records is never built
            value = json.dumps(["c", "system", "rm -rf /"])
            db.execute("UPDATE readings SET value = ?, value_check = ? WHERE source = ?",
                       (value, reading.value_check(value), T1))
        else:  # a value that still reads, changed on disk: its check tells
            db.execute("UPDATE readings SET value = replace(value, '\"T1\"', '\"T9\"') "
                       "WHERE source = ?", (T1,))
            assert reading.loads(db.execute("SELECT value FROM readings WHERE source = ?",
                                            (T1,)).fetchone()[0]).team_id == "T9"
    db.close()
    calls.clear()
    report = run(records, log)
    assert calls == [Path(T1).name]
    assert [n for n in report.notes if "1 entry of" in n and "was damaged" in n]
    plain = tmp_path / "plain.xlsx"
    run(records, plain, cache=False)
    assert workbook(log) == workbook(plain)


@contextmanager
def _held(path: Path) -> Iterator[None]:
    """Hold ``path`` locked as another docgen run writing it would."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


def test_a_locked_cache_is_left_alone_and_noted(records: Path, tmp_path: Path, calls: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "_TIMEOUT", 0.05)
    log = tmp_path / "log.xlsx"
    run(records, log)
    cache = reading.cache_path(log)
    kept = cache.read_bytes()
    calls.clear()
    with _held(cache):
        report = run(records, log)
    assert len(calls) == 3
    said = [n for n in report.notes if cache.name in n]
    assert len(said) == 1 and "locked" in said[0] and "left as it is" in said[0]
    assert "another docgen log may be running" in said[0]
    assert cache.read_bytes() == kept
    plain = tmp_path / "plain.xlsx"
    run(records, plain, cache=False)
    assert workbook(log) == workbook(plain)


def test_a_cache_that_cannot_be_written_is_noted(records: Path, tmp_path: Path,
                                                 calls: list[str]) -> None:
    log = tmp_path / "log.xlsx"
    reading.cache_path(log).mkdir()  # something in the way docgen cannot write over
    report = run(records, log)
    assert len(calls) == 3
    said = [n for n in report.notes if "reading cache" in n]
    assert len(said) == 1 and "read from their files" in said[0]
    assert "left as it is" in said[0] and "can be written" in said[0]
    assert log.is_file()


def test_a_reading_against_the_saved_day_is_kept_for_that_day_only(
        records: Path, tmp_path: Path) -> None:
    path = records / T1
    cache = reading.RecordCache(tmp_path / ".log.cache.sqlite")
    record = read_module.read_record(path, records)
    key = reading.file_key(path)
    assert key is not None and not key.racy
    day = reading.saved_day_of(path)
    entry = reading.make_entry(T1, key, record, day)
    assert entry is not None
    cache.put(entry)
    cache.close()
    assert _kept_reading(cache.path, path) == record
    then = path.stat().st_mtime - 3 * 24 * HOUR  # saved on another day, bytes the same
    os.utime(path, (then, then))
    assert _kept_reading(cache.path, path) is None


def test_a_reading_kept_deflated_comes_back_as_read(records: Path, tmp_path: Path) -> None:
    # many records read at once: their entries wait deflated, and are kept as JSON
    path = records / T1
    cache = reading.RecordCache(tmp_path / ".log.cache.sqlite")
    record = read_module.read_record(path, records)
    key = reading.file_key(path)
    assert key is not None and not key.racy
    plain = reading.make_entry(T1, key, record, "")
    packed = reading.make_entry(T1, key, record, "", deflate=True)
    assert plain is not None and packed is not None
    assert isinstance(packed.value, bytes) and len(packed.value) < len(plain.value)
    assert packed.check == plain.check
    cache.put(packed)
    cache.close()
    assert _kept_reading(cache.path, path) == record


def _kept_reading(cache: Path, path: Path) -> object:
    """Return the cache's reading of ``path`` (T1), closing the cache after."""
    kept = reading.RecordCache(cache)
    try:
        return kept.get(path, T1)[0]
    finally:
        kept.close()


def test_a_file_modified_just_now_is_not_kept(out: Path, tmp_path: Path,
                                              calls: list[str]) -> None:
    log = tmp_path / "log.xlsx"
    (out / T1).touch()  # being saved as the log runs: a change in this tick could go unseen
    run(out, log)
    assert T1 not in cached_sources(log)


def test_a_converted_file_is_keyed_on_its_own_bytes_and_not_converted_again(
        records: Path, tmp_path: Path, calls: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    old = folder / "record.doc"
    shutil.copyfile(records / T1, old)  # a .docx under a .doc name stands in for Word 97
    _age(folder)
    asked: list[list[Path]] = []

    @contextmanager
    def fake_converted(files: list[Path], timeout: float | None = None) -> Iterator[Converted]:
        asked.append(list(files))
        made = tmp_path / "converted"
        made.mkdir(exist_ok=True)
        result = Converted()
        for n, f in enumerate(files):
            result.made[f] = made / f"{n}.docx"
            shutil.copyfile(f, result.made[f])
        yield result

    monkeypatch.setattr(read_module, "converted", fake_converted)
    monkeypatch.setattr(reading, "converter_key", lambda exe: "soffice:7.4")
    log = tmp_path / "log.xlsx"
    run(folder, log)
    assert asked == [[old]] and calls == ["record.doc"]
    asked.clear()
    calls.clear()
    run(folder, log)
    assert asked == [[]] and calls == []  # neither converted nor read
    monkeypatch.setattr(reading, "converter_key", lambda exe: "soffice:24.2")
    asked.clear()
    run(folder, log)
    assert asked == [[old]] and calls == ["record.doc"]  # another LibreOffice: anew


def test_the_cache_beside_a_log_among_the_records_is_passed_over(
        records: Path, calls: list[str]) -> None:
    log = records / "coaching_log.xlsx"
    run(records, log)
    assert reading.cache_path(log).is_file()
    calls.clear()
    report = run(records, log)
    assert calls == []
    assert not [p for p in report.problems if p.file and "cache" in p.file]
    names = {f.path.name for f in find_files([records])[0]}
    assert reading.cache_path(log).name not in names
    for name in (".coaching_log.cache.sqlite-journal", ".coaching_log.cache.sqlite.77.tmp",
                 ".coaching_log.cache.sqlite.77.tmp-journal"):
        (records / name).write_bytes(b"x")
    assert {f.path.name for f in find_files([records])[0]} == names


def test_no_cache_on_the_command_line_reads_everything(
        records: Path, tmp_path: Path, calls: list[str]) -> None:
    log = tmp_path / "log.xlsx"
    invoke: Callable[..., object] = CliRunner().invoke
    result = invoke(main, ["log", str(records), "-o", str(log), "--jobs", "1"])
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    calls.clear()
    result = invoke(main, ["log", str(records), "-o", str(log), "--jobs", "1", "--no-cache"])
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert len(calls) == 3
    calls.clear()
    invoke(main, ["log", str(records), "-o", str(log), "--jobs", "1"])
    assert calls == []


def test_only_docgen_records_come_out_of_a_cached_value() -> None:
    for hostile in (["c", "Path", "/etc/passwd"], ["e", "Mode", "nonsense"], ["x"], [],
                    {"a": 1}, ["c", "Record"]):
        with pytest.raises(ValueError):
            reading.loads(json.dumps(hostile))
    with pytest.raises(ValueError):
        reading.loads(json.dumps(["c", "Problem", "a problem", None, None, None, None]))
    assert isinstance(reading.loads(reading.dumps(Record(source="a.docx", kind=""))), Record)


def test_a_file_changed_while_it_is_read_is_not_kept(
        records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = read_module._read

    def saved_meanwhile(path: Path, root: Path, *args: object) -> object:
        got = real(path, root, *args)
        if Path(path).name == Path(T1).name:  # the coach saves again as docgen reads
            fill(Path(path), {"record.topic": "Typed while the log ran"})
            _age(records)
        return got

    monkeypatch.setattr(read_module, "_read", saved_meanwhile)
    log = tmp_path / "log.xlsx"
    run(records, log)
    assert T1 not in cached_sources(log)  # the reading may be of the bytes before: not kept
    assert len(cached_sources(log)) == 2


@given(st.lists(st.sampled_from(["a", "&#", "&#xE100;", "&#57600;", "&#xe114;", "&amp;",
                                 "\ue100", "\ue114", "\ue115", "\ue0ff", "é", "&#xE115;"]),
                max_size=8))
def test_the_quick_test_for_marks_is_the_exact_one(parts: list[str]) -> None:
    from docgen.ooxml.wordtext import MARK_IN_XML, holds_marks

    data = "".join(parts).encode()
    assert holds_marks(data) == bool(MARK_IN_XML.search(data))


def test_a_log_in_a_folder_still_to_be_made_keeps_its_cache_without_a_word(
        records: Path, tmp_path: Path, calls: list[str]) -> None:
    log = tmp_path / "new" / "folder" / "log.xlsx"
    report = run(records, log)
    assert log.is_file() and not [n for n in report.notes if "cache" in n]
    calls.clear()
    run(records, log)
    assert calls == []


def test_readings_that_cannot_be_kept_are_noted(records: Path, tmp_path: Path,
                                                calls: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    (records / T1).touch()
    _age(records, 2 * HOUR)  # a new time, the same bytes: read again, so kept again

    def full(self: object, db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(reading.RecordCache, "_update", full)
    calls.clear()
    report = run(records, log)
    said = [n for n in report.notes if "reading cache" in n]
    assert len(said) == 1 and "could not be kept" in said[0] and "disk is full" in said[0]
    assert "the log is complete" in said[0]
    plain = tmp_path / "plain.xlsx"
    run(records, plain, cache=False)
    assert workbook(log) == workbook(plain)


def test_a_damaged_cache_that_cannot_be_replaced_is_noted_once(
        records: Path, tmp_path: Path, calls: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log.xlsx"
    reading.cache_path(log).write_bytes(b"\x00" * 2048)

    def full(self: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reading.RecordCache, "_write_anew", full)
    report = run(records, log)
    assert len(calls) == 3
    said = [n for n in report.notes if "reading cache" in n]
    assert len(said) == 1 and "could not be written either" in said[0]
    assert "No space left" in said[0] and "the log is complete" in said[0]


_PART = st.text(alphabet=st.characters(blacklist_characters="/\x00",
                                       blacklist_categories=("Cs",)), min_size=1, max_size=6)


@given(st.lists(_PART, min_size=0, max_size=3), st.lists(_PART, min_size=0, max_size=3),
       st.booleans())
def test_a_files_name_under_its_folder_is_pathlibs(root: list[str], rest: list[str],
                                                   absolute: bool) -> None:
    from docgen.records.find import posix_under

    base = Path("/" if absolute else ".", *root)
    path = Path(base, *rest)
    try:
        expected: str | None = path.relative_to(base).as_posix()
    except ValueError:
        expected = None
    try:
        got: str | None = posix_under(path, base)
    except ValueError:
        got = None
    assert got == expected
    other = Path("/elsewhere", *rest)
    if not other.is_relative_to(base):
        with pytest.raises(ValueError):
            posix_under(other, base)


def test_other_size_limits_read_everything_again(records: Path, tmp_path: Path,
                                                 calls: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log.xlsx"
    run(records, log)
    monkeypatch.setenv("DOCGEN_MAX_PART_MB", "1")  # a record refused now must not come back
    calls.clear()
    run(records, log)
    assert len(calls) == 3
