"""Telling that the log on disk already shows what this run would write, so it is kept.

A re-run with nothing changed reads every record from the reading cache in a fraction of the
time; what remains is summarising and writing the workbook, most of a fresh run's time. Both
are skipped when the log was written by docgen from exactly the same inputs and has not been
touched since. The inputs are everything the workbook is made from: each record as read, each
problem, the day (pace and "days since contact" depend on it), the cohort's frame, what the
manifests say was issued, where the cohort was read, and docgen's version and code. Their
digest is kept, with the digest of the workbook written and the run's report, in the reading
cache's SQLite file (table ``written_logs``), keyed by the log's path.

The log is kept only when both digests match now: a workbook opened and saved in Excel, or
replaced, or removed, is written again, and so is one whose inputs differ in anything. Any
trouble with the kept state (damaged, locked, missing) means writing the log as usual: the
worst this module can cost is the time it was meant to save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import docgen
from docgen.errors import Problem
from docgen.filed import FiledRecords, piece_digest
from docgen.models import Record
from docgen.records import cache as reading
from docgen.records.cache import FORMAT, decode, dumps, encode, file_key
from docgen.records.read import OPEN_NOW
from docgen.values import escaped_name

__all__ = ["Kept", "inputs_digest", "kept_report", "remember", "written_digest"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS written_logs (
    output TEXT PRIMARY KEY,
    inputs TEXT NOT NULL,
    workbook TEXT NOT NULL,
    report TEXT NOT NULL
) WITHOUT ROWID
"""
_TIMEOUT = 2.0  # seconds to wait for another docgen run holding the file


@dataclass(frozen=True)
class Kept:
    """What the log's report said when it was written (restored when it is kept)."""

    files: int
    records: int
    sessions: int
    teams: int
    problems: Sequence[Problem]
    unreadable: int
    notes: list[str]
    statuses: dict[str, int]
    no_record: list[str]


def inputs_digest(records: Iterable[Record], problems: Iterable[Problem], today: dt.date,
                  frame: object, issued: object, source: str,
                  checks: Mapping[str, str] | None = None) -> str:
    """Return the digest of everything a log is made from (see the module's docstring).

    ``frame`` and ``issued`` are docgen's frozen dataclasses of tuples, text and dates, whose
    ``repr`` names every value in a fixed order. ``checks`` gives, by source, the check of a
    record's reading as the reading cache keeps it (:attr:`RecordCache.checks`): such a
    record counts by that check and its file's modification time (the one value of a kept
    reading that is taken afresh), not by being encoded again (~40 ms at 1,000 records).
    """
    checks = checks or {}
    h = hashlib.sha256()
    for part in (str(docgen.__version__), reading.code_digest(), today.isoformat(), repr(frame),
                 repr(issued), source):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    for digest in _pieces(records, checks):
        h.update(digest)
        h.update(b"\1")
    for problem in problems:
        h.update(json.dumps(encode(problem), ensure_ascii=False).encode("utf-8", "surrogatepass"))
        h.update(b"\2")
    return h.hexdigest()


def _pieces(records: Iterable[Record], checks: Mapping[str, str]) -> Iterator[bytes]:
    """Return the digest of what each record counts by: a record whose reading the cache
    keeps, by that reading's check, its file's time and what is said of it on this run alone
    (open in Word: its lock file); any other by its JSON. Records held in a file say theirs
    (made as they were kept, see :func:`docgen.records.read.read_records`), not decoded."""
    if isinstance(records, FiledRecords) and all(
            records.piece(i) is not None for i in range(len(records))):
        yield from (records.piece(i) or b"" for i in range(len(records)))
        return
    for record in records:
        check = checks.get(record.source)
        if check is not None:
            said = [p.message for p in record.problems if p.message.startswith(OPEN_NOW)]
            yield piece_digest(f"kept {check} {record.modified!r} {said!r}")
        else:
            yield piece_digest(dumps(record))


def _connect(cache: Path) -> sqlite3.Connection | None:
    """Open the reading cache's file when it is one of this docgen's format; else None."""
    if not cache.is_file():
        return None
    db = sqlite3.connect(cache, timeout=_TIMEOUT, isolation_level=None)
    try:
        ours = db.execute("PRAGMA user_version").fetchone()[0] == FORMAT
    except BaseException:  # damaged or locked: closed here, not left to the collector
        db.close()
        raise
    if not ours:
        db.close()
        return None
    return db


def _kept(cache: Path, output: Path, columns: str = "inputs, workbook, report"
          ) -> tuple[str | bytes, ...] | None:
    """Return ``columns`` of what :func:`remember` kept of the log at ``output`` (by default
    the inputs it was written from, the workbook's digest and its report, as deflated JSON);
    None when nothing is kept or the cache cannot be read (no log kept yet: no table)."""
    with contextlib.suppress(sqlite3.Error, OSError):
        db = _connect(cache)
        if db is None:
            return None
        try:
            row = db.execute(f"SELECT {columns} FROM written_logs WHERE output = ?",
                             (_name(output),)).fetchone()
        finally:
            db.close()
        return tuple(value if isinstance(value, bytes) else str(value)
                     for value in row) if row else None
    return None


def kept_report(cache: Path, output: Path, inputs: str,
                hold: Callable[[Iterable[Problem]], Sequence[Problem]] = list) -> Kept | None:
    """Return the report of the log at ``output`` if it was written from ``inputs`` and is
    still the workbook docgen wrote; else None (the log must be written).

    Its problems are decoded one at a time, as the report is inflated, and given to ``hold``
    (``docgen log`` keeps them in a temporary file): read whole, the report of 10,000
    records (its JSON, then 20,000 problems) took ~17 MiB at the end of a re-run."""
    kept = _kept(cache, output)
    if kept is None or kept[0] != inputs:
        return None
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, zlib.error):
        now = file_key(output)
        if now is None or now.digest != kept[1]:
            return None
        report = kept[2]
        if isinstance(report, bytes):
            data, problems = _inflated(report)
        else:  # a report kept by a docgen before it was deflated: the JSON text itself
            data = json.loads(report)
            problems = iter(data.pop("problems"))
        held = hold(_problem(p) for p in problems)
        return Kept(problems=held, **data)
    return None


_PROBLEMS = b', "problems": ['  # where the report's head ends (see _deflated)
_INFLATE = 1 << 16  # inflated this much at a time


def _inflated(report: bytes) -> tuple[dict[str, object], Iterator[object]]:
    """Return a report :func:`_deflated` made: its head, and its problems' data one at a
    time as it is inflated (never the whole JSON at once)."""
    unpacker = zlib.decompressobj()
    text = b""
    while _PROBLEMS not in text:  # escaped JSON: the head's texts never hold it
        if unpacker.eof or not (more := unpacker.decompress(unpacker.unconsumed_tail or report,
                                                            _INFLATE)):
            raise ValueError("a kept report without its problems")
        report = b""
        text += more
    at = text.index(_PROBLEMS)
    head = json.loads(text[:at] + b"}")
    if not isinstance(head, dict):
        raise ValueError("a kept report that is not an object")
    return head, _problem_data(unpacker, text[at + len(_PROBLEMS):].decode("ascii"))


def _problem_data(unpacker: zlib._Decompress, text: str) -> Iterator[object]:
    """Return the problems' data after a report's head, decoding each as it is whole."""
    decoder = json.JSONDecoder()
    at = 0
    while True:
        while at < len(text) and text[at] in ", ":
            at += 1
        if text.startswith("]}", at):
            return
        try:
            value, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            more = b"" if unpacker.eof else unpacker.decompress(unpacker.unconsumed_tail,
                                                                _INFLATE)
            if not more:
                raise ValueError("a kept report cut short") from None
            text = text[at:] + more.decode("ascii")
            at = 0
            continue
        yield value
        at = end


def _problem(data: object) -> Problem:
    problem = decode(data)
    if type(problem) is not Problem:
        raise ValueError("a kept report's problem that is not one")
    return problem


def written_digest(cache: Path, output: Path) -> str | None:
    """Return the digest of the workbook docgen last wrote at ``output`` (as :func:`remember`
    kept it), whatever it was made from; None when none is kept or it cannot be read.

    Only the digest is read: the report beside it (every problem of the log, as JSON: ~7 MB
    at 10,000 records) was read too, while the log's records and rows were all held."""
    kept = _kept(cache, output, "workbook")
    return str(kept[0]) if kept else None


def remember(cache: Path, output: Path, inputs: str, report: Kept) -> None:
    """Keep ``inputs`` and the digest of the workbook just written at ``output``, with its
    ``report``; never raises (the next run then writes the log again)."""
    now = file_key(output)
    if now is None:
        return
    with contextlib.suppress(sqlite3.Error, OSError, TypeError, ValueError):
        db = _connect(cache)
        if db is None:
            return
        try:
            db.execute(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO written_logs VALUES (?, ?, ?, ?)",
                       (_name(output), inputs, now.digest, _deflated(report)))
        finally:
            db.close()


def _deflated(report: Kept) -> bytes:
    """Return ``report`` as deflated JSON, each problem encoded and deflated in turn.

    Made whole (every problem's data, then its JSON text: ~7 MB at 10,000 records), the
    report took ~14 MiB of the log's peak memory, at the very end of the run.
    """
    head = {"files": report.files, "records": report.records, "sessions": report.sessions,
            "teams": report.teams, "unreadable": report.unreadable, "notes": report.notes,
            "statuses": report.statuses, "no_record": report.no_record}
    packer = zlib.compressobj(1)
    # escaped (json's ensure_ascii): a file name may not be UTF-8
    parts = [packer.compress(f'{json.dumps(head)[:-1]}, "problems": ['.encode("ascii"))]
    for i, problem in enumerate(report.problems):
        text = json.dumps(encode(problem))
        parts.append(packer.compress(f"{', ' if i else ''}{text}".encode("ascii")))
    parts.append(packer.compress(b"]}"))
    parts.append(packer.flush())
    return b"".join(parts)


def _name(output: Path) -> str:
    """Return the key of a log: its absolute path (two logs may share one folder's cache).

    A path whose bytes are not UTF-8 (a folder named on an older system, on Linux) holds
    characters SQLite cannot store: their bytes are written as escapes.
    """
    try:
        name = str(output.resolve())
    except OSError:
        name = str(output.absolute())
    return escaped_name(name)
