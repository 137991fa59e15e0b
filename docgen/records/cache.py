"""The log's reading cache: each record's reading kept beside the log, so a re-run reads only
what changed.

A reading depends on the file's bytes; on the name the log gives the file (problems, and a
team read from a file name, carry it); on docgen (its version, its code: a reader that changed
reads anew, and the size limits a package is read within, which settings may change); for a
file LibreOffice converts, on LibreOffice itself; and, for a record that does not say when
docgen made it, on the day the file was last saved (year-less dates are read against it). An
entry is used only when all of those are as they were; its file's modification time is then
taken afresh. Anything else is read anew and its entry replaced; entries of files no longer
found are dropped. A file saved within two seconds of being read is not kept (a change in the
same tick of the file system's clock could go unseen).

The cache is a SQLite file beside the log (``.coaching_log.cache.sqlite`` for
``coaching_log.xlsx``). Values are stored as JSON naming only docgen's own record types, each
with a check, so a cache file damaged or written by someone else can at worst make a record
read anew, never run code. A cache that is damaged, locked by another run or cannot be written
never loses a value or stops the log: the records are then read from their files, and one note
says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import marshal
import os
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import docgen
from docgen import safezip
from docgen.errors import DocgenError, Problem
from docgen.models import Record, RecordedSession, RecordSettings, Signature
from docgen.schema import Mode, Origin, Said, Status

__all__ = ["CACHE_SUFFIX", "Entry", "Key", "RecordCache", "cache_path", "decode", "encode",
           "file_key", "make_entry", "unchanged_since"]

CACHE_SUFFIX = ".cache.sqlite"
FORMAT = 2  # the table's layout and the values' encoding; another number: the cache is rebuilt
RACY_NS = 2_000_000_000  # a file modified this close to when it was read may change unseen
_TIMEOUT = 2.0  # seconds to wait for another docgen run holding the cache

_CLASSES: dict[str, type] = {c.__name__: c for c in (Record, RecordSettings, RecordedSession,
                                                      Signature, Problem)}
_ENUMS: dict[str, type] = {e.__name__: e for e in (Mode, Status, Origin, Said)}
_CLASS_FIELDS = {name: tuple(f.name for f in fields(c)) for name, c in _CLASSES.items()}
_PLAIN = frozenset({str, int, float, bool, type(None)})
_ENUM_MEMBERS = {(name, m.value): m for name, e in _ENUMS.items() for m in e}  # type: ignore


def cache_path(output: Path) -> Path:
    """Return where the reading cache of the log ``output`` is kept: beside it, hidden."""
    return output.with_name(f".{output.stem}{CACHE_SUFFIX}")


# --- values as JSON ---------------------------------------------------------------------------


def encode(value: object) -> object:
    """Return ``value`` (a record and what it holds) as JSON data that :func:`decode` restores.

    Raises TypeError for a value of a type docgen's records do not hold.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return ["t", *[v if type(v) in _PLAIN else encode(v) for v in value]]  # type: ignore
    if kind is dt.datetime:
        return ["dt", value.isoformat()]  # type: ignore[attr-defined]
    if kind is dt.date:
        return ["d", value.isoformat()]  # type: ignore[attr-defined]
    if kind is dt.time:
        return ["tm", value.isoformat()]  # type: ignore[attr-defined]
    name = kind.__name__
    if _ENUMS.get(name) is kind:
        return ["e", name, value.value]  # type: ignore[attr-defined]
    if _CLASSES.get(name) is kind:
        values = [getattr(value, f) for f in _CLASS_FIELDS[name]]
        return ["c", name, *[v if type(v) in _PLAIN else encode(v) for v in values]]
    raise TypeError(f"a {name} is not kept in the reading cache")


def decode(data: object, memo: dict[str, str] | None = None) -> object:
    """Return the value :func:`encode` made ``data`` from; ValueError if it is not such data.

    ``memo`` shares equal texts (a record's file name is in each of its sessions and
    problems) as one string, as the reader's own records do: a kept record takes no more
    memory than a fresh one.
    """
    if memo is None:
        memo = {}
    if type(data) is not list:
        if data is None or type(data) in _PLAIN:
            return memo.setdefault(data, data) if type(data) is str else data
        raise ValueError(f"unexpected {type(data).__name__} in a cached value")
    if not data:
        raise ValueError("an empty list in a cached value")
    tag = data[0]
    share = memo.setdefault
    try:
        if tag == "c":
            name = data[1]
            cls, names = _CLASSES[name], _CLASS_FIELDS[name]
            # most fields are plain (text, numbers): decoded in line, not by a call each
            values = [share(v, v) if type(v) is str else v if type(v) in _PLAIN
                      else decode(v, memo) for v in data[2:]]
            if len(values) != len(names):
                raise ValueError(f"a cached {name} has {len(values)} fields")
            return cls(*values)
        if tag == "t":
            return tuple([share(v, v) if type(v) is str else v if type(v) in _PLAIN
                          else decode(v, memo) for v in data[1:]])
        if tag == "e":
            return _ENUM_MEMBERS[(data[1], data[2])]
        if tag == "d":
            return dt.date.fromisoformat(data[1])
        if tag == "tm":
            return dt.time.fromisoformat(data[1])
        if tag == "dt":
            return dt.datetime.fromisoformat(data[1])
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"a damaged cached value ({exc})") from None
    raise ValueError(f"unknown tag {tag!r} in a cached value")


def dumps(record: Record) -> str:
    """Return ``record`` as the JSON text the cache keeps."""
    return json.dumps(encode(record), ensure_ascii=False, separators=(",", ":"))


_MODIFIED = 2 + _CLASS_FIELDS["Record"].index("modified")  # its place in a kept record


def loads(text: str, modified: dt.datetime | None = None) -> Record:
    """Return the record kept as ``text``; ValueError if it is not one.

    ``modified``, the file's modification time now, replaces the one kept (where the reading
    gave one: a record read from its properties alone has none).
    """
    try:
        data = json.loads(text)
        if modified is not None and type(data) is list and len(data) > _MODIFIED and (
                data[_MODIFIED] is not None):
            data[_MODIFIED] = encode(modified)
        value = decode(data)
    except RecursionError:
        raise ValueError("a cached value nested too deep") from None
    if type(value) is not Record:
        raise ValueError("a cached value that is not a record")
    return value


# --- what a reading depends on ----------------------------------------------------------------


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Return a digest of docgen's own code: a reader changed without a new version reads anew."""
    root = Path(docgen.__file__).parent
    h = hashlib.sha256()
    try:
        for path in sorted(root.rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    except OSError:
        return ""  # unreadable sources: the version alone keys the cache
    return h.hexdigest()


def _limits_key() -> str:
    """Return the size limits records are read with (settings may change them): a file
    refused under a lower limit must not come back from the cache."""
    try:
        lim = safezip.limits("document")
    except DocgenError:
        return "limits: not set right"  # every file is refused and named, none kept
    return f"limits: {lim.part} {lim.ratio} {lim.members}"


def converter_key(exe: str | None) -> str:
    """Return what a reading through LibreOffice depends on: which soffice, as installed."""
    if exe is None:
        return "soffice:none"
    try:
        real = Path(exe).resolve()
        st = real.stat()
    except OSError:
        return f"soffice:{exe}"
    return f"soffice:{real}:{st.st_size}:{st.st_mtime_ns}"


@dataclass(frozen=True, slots=True)
class Key:
    """A file as it was when it was hashed: its bytes' digest and what its stat said."""

    digest: str
    stat: tuple[int, int, int]  # size, modification time (ns), inode
    racy: bool  # modified so recently that a change in the same clock tick could go unseen


def _stat_tuple(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino


def file_key(path: Path, held: list[bytes] | None = None) -> Key | None:
    """Return the key of the bytes at ``path`` now; None when it cannot be read.

    ``held``: a file of at most :data:`~docgen.safezip.HELD_MOST` bytes is read whole and
    its bytes appended to it, so that the reader reads the very bytes hashed, and reads the
    file once.
    """
    now = time.time_ns()
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if held is not None and st.st_size <= safezip.HELD_MOST:
                data = fh.read()
                digest = hashlib.sha256(data).hexdigest()
                held.append(data)
            else:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()  # in blocks
    except OSError:
        return None
    return Key(digest, _stat_tuple(st), st.st_mtime_ns > now - RACY_NS)


def unchanged_since(path: Path, key: Key) -> bool:
    """Tell whether ``path`` is still as it was when ``key`` was taken (so the reading made
    since is the reading of the bytes hashed)."""
    try:
        return not key.racy and _stat_tuple(path.stat()) == key.stat
    except OSError:
        return False


def saved_day_of(path: Path) -> str:
    """Return the local day ``path`` was last modified (ISO), as the reader takes it; ""."""
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except (OSError, ValueError, OverflowError):
        return ""


def _modified(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (OSError, OverflowError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Entry:
    """A reading to keep: the record, as JSON, under what it was read from."""

    source: str
    digest: str
    extra: str  # what else the reading depended on (LibreOffice's identity), or ""
    saved_day: str  # the day of the file's last save the reading used (ISO), or ""
    value: str | bytes  # the record as JSON; bytes: the JSON deflated (see make_entry)
    check: str  # the value's check (:func:`value_check`), made where the value was


def _way_out(reason: str) -> str:
    """Return what to do about a cache that failed for ``reason``."""
    if "locked" in reason:
        return "another docgen log may be running on the same log; run it again once that ends"
    return "check that the log's folder can be written (and is not full)"


def value_check(value: str) -> str:
    """Return the check kept with a value: a value damaged on disk is read afresh."""
    return hashlib.blake2b(value.encode(), digest_size=16).hexdigest()


def make_entry(source: str, key: Key, record: Record, saved_day: str, extra: str = "",
               deflate: bool = False, value: str | None = None) -> Entry | None:
    """Return the entry keeping ``record`` (named ``source``) read from a file of ``key``; None
    if it cannot be kept (a value the cache does not hold).

    ``deflate``: hold its value deflated. The entries of a run wait for the end of the
    reading, sent back from the workers with their records: the JSON of a generated
    contract is ~2.3 KB, ~0.65 KB deflated (zlib at its fastest, ~26 µs, then ~8 µs to
    inflate: worth it where thousands of records are read at once, not on a few).
    """
    try:
        value = dumps(record) if value is None else value  # given: the record's, made before
        check = value_check(value)  # UnicodeEncodeError: a file name that is not UTF-8
    except (TypeError, ValueError, RecursionError):
        return None
    return Entry(source, key.digest, extra, saved_day,
                 zlib.compress(value.encode(), 1) if deflate else value, check)


class _Spilled:
    """The readings made this run, held in a temporary file until the cache is written.

    Held in memory, the JSON of every record read stayed beside the records themselves
    until the cache was written (~2.3 KB a generated contract: ~23 MB at 10,000 records).
    Where no temporary file can be made they are held in memory; where one fails (a full
    disk), the readings of the run are not kept, as when the cache cannot be written.
    """

    def __init__(self) -> None:
        self.sources: list[str] = []
        self._fh: IO[bytes] | None = None
        self._held: list[tuple[str | bytes, ...]] = []  # where no temporary file could be made
        self._failed: OSError | None = None

    def add(self, entry: Entry) -> None:
        self.sources.append(entry.source)
        row = (entry.source, entry.digest, entry.extra, entry.saved_day, entry.value,
               entry.check)
        if self._fh is None and not self._held and self._failed is None:
            with contextlib.suppress(OSError):  # none: held in memory
                self._fh = tempfile.TemporaryFile()  # noqa: SIM115 - closed by clear()
        if self._fh is None:
            self._held.append(row)
            return
        if self._failed is None:
            try:
                marshal.dump(row, self._fh)
            except OSError as exc:
                self._failed = exc

    def rows(self) -> Iterator[tuple[str, ...]]:
        """Yield each entry's (source, digest, extra, saved day, value, check), in order;
        raise the OSError that stopped one being written."""
        if self._failed is not None:
            raise self._failed
        for source, digest, extra, saved_day, value, check in self._stored():
            if isinstance(value, bytes):
                value = zlib.decompress(value).decode()
            yield source, digest, extra, saved_day, value, check

    def _stored(self) -> Iterator[tuple[Any, ...]]:
        yield from self._held
        if self._fh is not None:
            self._fh.flush()
            self._fh.seek(0)
            while True:
                try:
                    yield marshal.load(self._fh)
                except EOFError:
                    return

    def clear(self) -> None:
        self.sources.clear()
        self._held.clear()
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
            self._fh = None
        self._failed = None


# --- the cache --------------------------------------------------------------------------------


_SCHEMA = """
CREATE TABLE IF NOT EXISTS readings (
    source TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    version TEXT NOT NULL,
    code TEXT NOT NULL,
    extra TEXT NOT NULL,
    saved_day TEXT NOT NULL,
    value TEXT NOT NULL,
    value_check TEXT NOT NULL
) WITHOUT ROWID
"""


class RecordCache:
    """The readings kept beside one log: look each file up, then keep what was read anew.

    Use :meth:`get` for each file, :meth:`put` for each reading made, then :meth:`close` once;
    :attr:`notes` then says what the log's reader should know (a cache that could not be used).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notes: list[str] = []
        self.hits = 0
        self._db: sqlite3.Connection | None = None
        self._unusable = False  # found damaged, locked or unwritable: no more use this run
        self._trouble: str | None = None  # why, as the first failure said
        self._rebuild = False  # damaged: written anew at the end
        self._damaged_entries = 0
        self._keep: set[str] = set()
        self._new = _Spilled()
        # source -> the check of the reading kept for it, as this run found or made it: what
        # the log's inputs digest takes for that record instead of encoding it again
        self.checks: dict[str, str] = {}
        self._version = str(docgen.__version__)
        self._code = f"{code_digest()} {_limits_key()}"
        self._open()

    def _give_up(self, exc: BaseException, *, rebuild: bool = False) -> None:
        """Use the cache no more this run (its first failure is noted at :meth:`close`)."""
        if self._unusable:
            return
        self._unusable = True
        self._rebuild = rebuild
        self._trouble = str(exc) or type(exc).__name__
        self._drop_connection()

    def _note(self, kept: str | None) -> None:
        """Say once what went wrong with the cache: ``kept`` is why this run's readings could
        not be written (None: they were, or there was no need)."""
        name = self.path.name
        if self._trouble is None:
            if kept is not None:
                self.notes.append(
                    f"the readings of this run could not be kept in the log's reading cache "
                    f"{name} ({kept}): the log is complete, but the next run reads these records "
                    f"again; {_way_out(kept)}")
            return
        if self._rebuild and kept is None:
            then = "a new cache was written in its place"
        elif self._rebuild:
            then = f"a new one could not be written either ({kept}): {_way_out(kept)}"
        else:
            then = f"it was left as it is: {_way_out(self._trouble)}"
        self.notes.append(
            f"the log's reading cache {name} could not be used ({self._trouble}): records "
            f"were read from their files instead, so the log is complete; {then}")

    def _drop_connection(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _open(self) -> None:
        try:
            if not self.path.exists():
                return  # made when the readings are kept
            db = sqlite3.connect(self.path, timeout=_TIMEOUT, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            self._give_up(exc)
            return
        self._db = db
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version != FORMAT or "readings" not in tables:
                raise sqlite3.DatabaseError(f"not a docgen reading cache of format {FORMAT}")
        except sqlite3.OperationalError as exc:
            self._give_up(exc, rebuild="locked" not in str(exc))
        except sqlite3.DatabaseError as exc:  # not a database, or not ours: damaged
            self._give_up(exc, rebuild=True)

    def get(self, path: Path, source: str, extra: str = "") -> tuple[Record | None, Key | None]:
        """Return the kept reading of ``path`` (named ``source``) if nothing it depends on
        changed, else None; and the file's key when it was hashed to tell (None: no entry to
        compare with, so the file is hashed where it is read, or it cannot be read now)."""
        record, _text, key = self.kept(path, source, extra)
        return record, key

    def kept(self, path: Path, source: str, extra: str = ""
             ) -> tuple[Record | None, str | None, Key | None]:
        """Return what :meth:`get` does, with the record's JSON as kept (None with no
        record): the log keeps that text, not the record, until it is summarised (see
        :class:`docgen.filed.FiledRecords`)."""
        if self._db is None or self._unusable:
            return None, None, None
        try:
            row = self._db.execute(
                "SELECT digest, version, code, extra, saved_day, value, value_check FROM readings "
                "WHERE source = ?", (source,)).fetchone()
        except sqlite3.OperationalError as exc:
            self._give_up(exc, rebuild="locked" not in str(exc))
            return None, None, None
        except sqlite3.DatabaseError as exc:
            self._give_up(exc, rebuild=True)
            return None, None, None
        except UnicodeEncodeError:  # a file name whose bytes are not UTF-8 (on Linux):
            return None, None, None  # never kept (make_entry cannot encode it): read each time
        if row is None or tuple(row[1:4]) != (self._version, self._code, extra):
            return None, None, None
        key = file_key(path)
        if key is None or row[0] != key.digest:
            return None, None, key
        if row[4] and row[4] != saved_day_of(path):
            return None, None, key
        try:
            if row[6] != value_check(row[5]):  # a damaged disk or copy: never trusted
                raise ValueError("the value does not match its check")
            now = _modified(path)
            if now is None:  # vanished since it was hashed: the reader says what became of it
                return None, None, key
            record = loads(row[5], modified=now)
        except (ValueError, TypeError):
            self._damaged_entries += 1
            return None, None, key
        self._keep.add(source)
        self.checks[source] = row[6]
        self.hits += 1
        return record, row[5], key

    def put(self, entry: Entry) -> None:
        """Keep ``entry`` (written at :meth:`close`)."""
        self._new.add(entry)
        self.checks[entry.source] = entry.check

    def close(self) -> None:
        """Write the new readings and drop every entry not used this run (a file gone, or one
        read anew whose reading could not be kept); never raises."""
        if self._damaged_entries:
            n = self._damaged_entries
            self.notes.append(
                f"{n} {'entry' if n == 1 else 'entries'} of the log's reading cache "
                f"{self.path.name} {'was' if n == 1 else 'were'} damaged: "
                f"{'that record was' if n == 1 else 'those records were'} read afresh")
        kept = None
        try:
            if self._unusable and not self._rebuild:
                pass  # locked by another run, or not ours to replace: left as it is
            elif self._rebuild or self._db is None:
                self._write_anew()
            else:
                self._update(self._db)
        except (sqlite3.Error, OSError) as exc:
            kept = str(exc) or type(exc).__name__
        finally:
            self._drop_connection()
            self._new.clear()
            self._keep.clear()  # written: the names of 10,000 records not held to the end
        self._note(kept)

    def _rows(self) -> Iterator[tuple[str, ...]]:
        for source, digest, extra, saved_day, value, check in self._new.rows():
            yield source, digest, self._version, self._code, extra, saved_day, value, check

    def _update(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TEMP TABLE keep (source TEXT PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO keep VALUES (?)",
                           ((s,) for s in {*self._keep, *self._new.sources}))
            db.execute("DELETE FROM readings WHERE source NOT IN (SELECT source FROM keep)")
            db.executemany("INSERT OR REPLACE INTO readings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           self._rows())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _write_anew(self) -> None:
        """Write the cache as a new file, then put it in place of any old one at once."""
        self._drop_connection()
        self.path.parent.mkdir(parents=True, exist_ok=True)  # as the log's own folder is made
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        try:
            db = sqlite3.connect(temporary, isolation_level=None)
            try:
                db.execute(f"PRAGMA user_version = {FORMAT}")
                db.execute(_SCHEMA)
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO readings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               self._rows())
                db.execute("COMMIT")
            finally:
                db.close()
            # a journal left by the damaged file must not be played back into the new one
            for suffix in ("-journal", "-wal", "-shm"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
