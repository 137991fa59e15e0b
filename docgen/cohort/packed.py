"""Hold many frozen records compactly: marshalled rows, kept in a temporary file once many,
each decoded on access.

A cohort held as dataclass instances costs an object for every value: ~8 MB for 5,000 teams
and 10,000 sessions, so a bulk run's memory grew with the cohort. Packed, each row is its
values marshalled into one buffer (dates as day numbers, times as microseconds), ~80 %
smaller; a row is rebuilt when it is used (~2 µs). Beyond :data:`SPILL_BYTES` the rows go to
a temporary file, read a row at a time (``os.pread``: one system call, ~1 µs, and safe in
forked workers, which share the file): 50,000 teams and their 100,000 sessions are ~28 MB
packed, which every process of a run (the one reading the cohort, the main one, each worker)
held before. The file is the system's to cache, not the processes'.
"""

from __future__ import annotations

import datetime as dt
import marshal
import operator
import os
import tempfile
import typing
import weakref
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Generic, TypeVar

from docgen.compact import Indexed

T = TypeVar("T")

_PLAIN, _DATE, _TIME = 0, 1, 2

# Rows beyond this many bytes are written to a temporary file (a cohort of ~2,000 teams and
# their sessions); below it they stay in memory, where a file would save nothing worth its
# system calls.
SPILL_BYTES = 1 << 20
_BLOCK = 1 << 18  # iterating a spilled Packed reads the file this much at a time
_CAN_SPILL = hasattr(os, "pread")  # not on Windows: there the rows stay in memory

# Where rows are spilled to named files handed over to another process (see hand_over);
# None: to anonymous temporary files.
_HANDOVER: str | None = None


def hand_over(folder: str | None) -> None:
    """Spill rows from now on into named files in ``folder``, and pickle a spilled Packed as
    its file's name and the offsets of its rows, not its rows.

    For a process whose result another loads while ``folder`` exists (``generate`` reads the
    cohort in a process beside it): the rows are then written once, to the file, instead of
    pickled and unpickled, and neither process holds them. The loading process opens each
    file at once; removing ``folder`` afterwards leaves the open files readable (POSIX).
    None spills to anonymous temporary files again.
    """
    global _HANDOVER
    _HANDOVER = folder


def _kinds(cls: type) -> tuple[int, ...]:
    """Return how each field of dataclass ``cls`` is stored: plain, a date, or a time."""
    hints = typing.get_type_hints(cls)
    kinds = []
    for f in fields(cls):
        args = set(typing.get_args(hints[f.name])) or {hints[f.name]}
        kinds.append(_DATE if dt.date in args else _TIME if dt.time in args else _PLAIN)
    return tuple(kinds)


def _encode(value: object, kind: int) -> object:
    if value is None or kind == _PLAIN:
        return value
    if kind == _DATE and type(value) is dt.date:
        return value.toordinal()
    if kind == _TIME and type(value) is dt.time and value.tzinfo is None:
        return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + (
            value.microsecond)
    raise TypeError(f"cannot pack {value!r}")  # a parser returned an unexpected type


def _decode(value: object, kind: int) -> object:
    if value is None or kind == _PLAIN:
        return value
    if kind == _DATE:
        return dt.date.fromordinal(value)  # type: ignore[arg-type]
    seconds, micro = divmod(value, 1_000_000)  # type: ignore[operator]
    minutes, second = divmod(seconds, 60)
    return dt.time(minutes // 60, minutes % 60, second, micro)


class Packed(Indexed[T], Generic[T]):
    """An append-only sequence of instances of one frozen dataclass, stored marshalled.

    Field values must be what marshal stores (str, int, float, bool, None, and tuples and
    dicts of them) or, where the field is declared a date or a time, a date or a time. The
    first rows are in the file once spilled (``_filed`` bytes of it), the rest in memory.
    """

    def __init__(self, cls: type[T], items: Iterable[T] = ()) -> None:
        self._cls = cls
        self._names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
        self._values = operator.attrgetter(*self._names)  # one C call for the whole row
        self._kinds = _kinds(cls)
        self._dated = [(i, kind) for i, kind in enumerate(self._kinds) if kind != _PLAIN]
        self._buffer = bytearray()  # the rows after the file's
        self._ends = array("Q")
        self._fd = -1  # the file's descriptor (closed with the Packed), once spilled
        self._path: str | None = None  # the file's name, when it is handed over
        self._filed = 0  # bytes of rows in the file
        self._spill = _CAN_SPILL  # False once the file could not be written
        for item in items:
            self.append(item)

    def append(self, item: T) -> None:
        self.append_values(self._values(item))

    def append_values(self, values: tuple[object, ...]) -> None:
        """Append the row whose field values, in field order, are ``values``.

        Saves building an instance only to take it apart again (readers of thousands of rows).
        """
        if self._dated:
            values = list(values)
            for j, kind in self._dated:
                values[j] = _encode(values[j], kind)
            values = tuple(values)
        self._buffer += marshal.dumps(values)
        self._ends.append(self._filed + len(self._buffer))
        if self._spill and len(self._buffer) >= SPILL_BYTES:
            self._to_file()

    def _to_file(self) -> None:
        """Move the rows held in memory to the end of the file (made now if need be). Where
        it cannot be written (no temporary folder, a full disk), the rows stay in memory."""
        try:
            if self._fd < 0:
                if _HANDOVER is not None:
                    fd, self._path = tempfile.mkstemp(prefix="rows-", dir=_HANDOVER)
                else:
                    fd, name = tempfile.mkstemp(prefix="docgen-rows-")
                    os.unlink(name)  # nobody else reads it: gone with the descriptor
                self._hold(fd)
            with memoryview(self._buffer) as data:
                at = 0
                while at < len(data):
                    at += os.pwrite(self._fd, data[at:], self._filed + at)
        except OSError:
            self._spill = False  # what the file holds so far is whole rows, still read
            self._buffer = bytearray(self._buffer)  # no view of the error's left on it
            return
        self._filed += len(self._buffer)
        self._buffer = bytearray()

    def _hold(self, fd: int) -> None:
        """Keep the descriptor ``fd`` of the rows' file, closed when the Packed goes."""
        self._fd = fd
        weakref.finalize(self, os.close, fd)

    def _bytes(self, start: int, end: int) -> bytes | memoryview:
        """Return the packed bytes from ``start`` to ``end``, all in the file or in memory."""
        if end <= self._filed:
            data = os.pread(self._fd, end - start, start)
            if len(data) != end - start:
                raise OSError("the temporary file of the cohort's rows lost some of them")
            return data
        return memoryview(self._buffer)[start - self._filed:end - self._filed]

    def _make(self, values: tuple[object, ...]) -> T:
        if self._dated:
            values = list(values)  # type: ignore[assignment]
            for j, kind in self._dated:
                values[j] = _decode(values[j], kind)  # type: ignore[index]
        return self._cls(*values)

    def _item(self, i: int) -> T:
        start = self._ends[i - 1] if i else 0
        return self._make(marshal.loads(self._bytes(start, self._ends[i])))

    def __len__(self) -> int:
        return len(self._ends)


    def __iter__(self) -> Iterator[T]:
        """Yield the rows in order; those in the file read a block at a time, not a call each."""
        ends, count, i, start = self._ends, len(self._ends), 0, 0
        while i < count:
            if start >= self._filed:  # in memory from here on
                yield self._item(i)
                start = ends[i]
                i += 1
                continue
            last = i  # the rows wholly within the next block (at least one)
            while last + 1 < count and ends[last + 1] <= min(start + _BLOCK, self._filed):
                last += 1
            block = self._bytes(start, ends[last])
            for j in range(i, last + 1):
                yield self._make(marshal.loads(block[(ends[j - 1] if j else 0) - start:
                                                     ends[j] - start]))
            i, start = last + 1, ends[last]

    def __repr__(self) -> str:
        return f"Packed({self._cls.__name__}, {len(self)} rows)"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle the rows (to a spawned worker), or the name of a file handed over."""
        if self._path is not None:
            return _opened, (self._cls, self._path, self._filed, self._ends,
                             bytes(self._buffer))
        rows = self._bytes(0, self._filed) if self._filed else b""
        return _loaded, (self._cls, bytes(rows) + bytes(self._buffer), self._ends)

    @property
    def nbytes(self) -> int:
        """The bytes the rows take (buffer, file and offsets), for measuring."""
        return self._filed + len(self._buffer) + self._ends.itemsize * len(self._ends)

    @property
    def held(self) -> int:
        """The bytes held in memory (the rows not in the file, and the offsets)."""
        return len(self._buffer) + self._ends.itemsize * len(self._ends)


def _loaded(cls: type[T], rows: bytes, ends: array[int]) -> Packed[T]:
    """Return the Packed of ``rows`` (marshalled, ending at ``ends``), held in memory."""
    packed = Packed(cls)
    packed._buffer, packed._ends = bytearray(rows), ends
    return packed


def _opened(cls: type[T], path: str, filed: int, ends: array[int],
            rest: bytes) -> Packed[T]:
    """Return the Packed whose first ``filed`` bytes of rows are in the file at ``path``
    (handed over: opened now, so that removing it leaves it readable) and the rest ``rest``."""
    packed = Packed(cls)
    packed._hold(os.open(path, os.O_RDONLY))
    packed._filed, packed._ends, packed._buffer = filed, ends, bytearray(rest)
    return packed
