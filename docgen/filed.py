"""Records held in a temporary file, each read back when used: the log's records.

``docgen log`` needs every record before its Summary and Teams sheets, and held as objects
they took ~23 MiB at 10,000 generated contracts, most of the log's peak memory. Here each
record is kept as it came back from its worker, pickled (or as the reading cache keeps it,
JSON), in an unnamed temporary file; this process holds a few numbers and a small
:class:`Head` a record (what the log groups records by, before it reads them team by team)
and decodes a record each time it is used. The file is the system's to cache (where the
temporary folder is itself in memory, tmpfs, the records still take that memory, outside
the process). When the file cannot be written (a full disk) the rest is held in memory.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

from docgen.compact import Indexed
from docgen.errors import Problem
from docgen.models import Record
from docgen.values import team_key

__all__ = ["FiledRecords", "Head", "head_of", "heads_of", "pickled", "piece_digest",
           "unpickled"]

_PICKLED, _JSON = 0, 1  # how an item is kept: pickled by a worker, or the cache's JSON
_DIGEST = 32  # the length of a piece's digest (SHA-256)


@dataclass(frozen=True, slots=True)
class Head:
    """What the log needs of a record before it reads it whole: its kind, its cohort, its
    team's key (as :func:`docgen.values.team_key` makes it), whether it holds sessions, and
    the problems met reading it (on the Problems sheet before everything else)."""

    kind: str
    cohort: str
    team: str
    sessions: bool
    problems: tuple[Problem, ...]


def head_of(record: Record) -> Head:
    """Return the :class:`Head` of ``record``."""
    return Head(record.kind, record.cohort,
                team_key(record.team_id or record.team_name or record.source),
                bool(record.sessions), record.problems)


def heads_of(records: Sequence[Record]) -> list[Head]:
    """Return the heads of ``records``, without decoding those held in a file."""
    if isinstance(records, FiledRecords):
        return records.heads
    return [head_of(r) for r in records]


def piece_digest(piece: str) -> bytes:
    """Return the digest of what the log's inputs digest counts a record by."""
    return hashlib.sha256(piece.encode("utf-8", "surrogatepass")).digest()


def pickled(record: Record) -> bytes:
    """Return ``record`` as :class:`FiledRecords` keeps it (made where it is read)."""
    return pickle.dumps(record, pickle.HIGHEST_PROTOCOL)


def unpickled(data: bytes) -> Record:
    """Return the record :func:`pickled` made ``data`` from."""
    record: Record = pickle.loads(data)
    return record


class FiledRecords(Indexed[Record]):
    """Records kept encoded in a temporary file, in the order :meth:`arrange` gives.

    Items are added in any order (:meth:`add`, :meth:`add_pickled`, :meth:`add_json`), each
    returning its number; :meth:`arrange` then says which items, in which order, are the
    sequence, indexed and equal as the list of the records (:class:`~docgen.compact.Indexed`).
    Indexing and iterating decode each record afresh: use each once where
    possible. ``pieces`` (bytes, given with an item) are what the log's inputs digest
    counts a record by.
    """

    def __init__(self, json_loads: Callable[[str, object], Record] | None = None) -> None:
        self._file: IO[bytes] | None = None
        self._held: list[bytes] | None = None  # the file could not be written: kept here
        self._at = array("q")  # by item: offset in the file (or place in _held)
        self._size = array("q")  # its length
        self._how = array("b")  # _PICKLED or _JSON
        self._modified: dict[int, object] = {}  # a JSON item's file time now
        self._heads: list[Head] = []
        self._pieces = bytearray()  # by item: the digest of its piece (32 bytes), or zeros
        self._pieced = bytearray()  # by item: 1 when it has one
        self._order: array[int] | None = None  # the items the sequence is, in order
        self._json_loads = json_loads
        self._end = 0

    # --- adding ---------------------------------------------------------------------------

    def _put(self, data: bytes, how: int, head: Head) -> int:
        if self._held is None:
            try:
                if self._file is None:
                    self._file = tempfile.TemporaryFile(prefix="docgen-")  # noqa: SIM115
                os.pwrite(self._file.fileno(), data, self._end)
            except OSError:
                self._held = []
        if self._held is not None:
            self._at.append(-1 - len(self._held))
            self._held.append(data)
        else:
            self._at.append(self._end)
            self._end += len(data)
        self._size.append(len(data))
        self._how.append(how)
        self._heads.append(head)
        self._pieces += bytes(_DIGEST)
        self._pieced.append(0)
        return len(self._heads) - 1

    def add(self, record: Record) -> int:
        """Keep ``record``; return its item number."""
        return self._put(pickled(record), _PICKLED, head_of(record))

    def add_pickled(self, data: bytes, head: Head) -> int:
        """Keep a record pickled by :func:`pickled` where it was read, with its head."""
        return self._put(data, _PICKLED, head)

    def add_json(self, text: str, modified: object, head: Head) -> int:
        """Keep a record as the reading cache's JSON ``text`` (decoded with its file's
        ``modified`` time now, by the ``json_loads`` given)."""
        item = self._put(text.encode("utf-8", "surrogatepass"), _JSON, head)
        self._modified[item] = modified
        return item

    def replace(self, item: int, record: Record) -> None:
        """Put ``record`` in place of item ``item`` (its problems added to after reading)."""
        new = self.add(record)
        for name in ("_at", "_size", "_how"):
            values = getattr(self, name)
            values[item] = values[new]
            values.pop()
        self._heads[item] = self._heads.pop()
        self._modified.pop(item, None)
        del self._pieces[-_DIGEST:], self._pieced[-1:]
        self._pieced[item] = 0  # said of the record replaced

    def set_piece(self, item: int, digest: bytes) -> None:
        """Say what the log's inputs digest counts item ``item`` by: the
        :func:`piece_digest` of its piece."""
        self._pieces[item * _DIGEST:(item + 1) * _DIGEST] = digest
        self._pieced[item] = 1

    def arrange(self, items: Sequence[int]) -> None:
        """Make the sequence the items ``items``, in that order."""
        self._order = array("q", items)
        self._heads = [self._heads[i] for i in items]
        self._pieces = bytearray().join(
            self._pieces[i * _DIGEST:(i + 1) * _DIGEST] for i in items)
        self._pieced = bytearray(self._pieced[i] for i in items)

    # --- reading ---------------------------------------------------------------------------

    def _entry(self, index: int) -> int:
        return self._order[index] if self._order is not None else index

    def _item(self, index: int) -> Record:
        return self._decode(self._entry(index))

    @property
    def heads(self) -> list[Head]:
        """The records' heads, in order."""
        return self._heads

    def piece(self, index: int) -> bytes | None:
        """Return what the inputs digest counts record ``index`` by (None: not said)."""
        if not self._pieced[index]:
            return None
        return bytes(self._pieces[index * _DIGEST:(index + 1) * _DIGEST])

    def __len__(self) -> int:
        return len(self._heads)

    def _decode(self, item: int) -> Record:
        at, size = self._at[item], self._size[item]
        if at < 0:
            assert self._held is not None
            data = self._held[-1 - at]
        else:
            assert self._file is not None
            data = os.pread(self._file.fileno(), size, at)
        if self._how[item] == _JSON:
            assert self._json_loads is not None
            return self._json_loads(data.decode("utf-8", "surrogatepass"),
                                    self._modified.get(item))
        return unpickled(data)

    def close(self) -> None:
        """Let go of the file (unnamed: gone once closed) and everything held."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._held = []

    def __del__(self) -> None:
        if self._file is not None:
            self._file.close()
