"""A list that keeps its items in a temporary file as they come: the log's problems.

A log of 10,000 records generated and returned untouched has 20,000 problems (each session
still as docgen pre-filled it), each with its own ~250-character message: ~7 MiB held
while the sessions are summarised, on top of the records and the rows, at the log's peak
memory. Held here, they are pickled in batches into an unnamed temporary file as they are
added, and read back a batch at a time each time they are gone through (the workbook's
Problems sheet, its Summary, the run's report), in the order they were added.
"""

from __future__ import annotations

import itertools
import os
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Generic, TypeVar, overload

__all__ = ["Parcels", "Spilled"]

T = TypeVar("T")

BATCH = 1_000  # items pickled together: ~300 KB of problems


class Spilled(Sequence[T], Generic[T]):
    """Items added with :meth:`append`, :meth:`extend` or ``+=``, kept in a temporary
    file a batch at a time; gone through in the order added, as often as needed.

    Indexing reads them back (from the start, up to the item); the log goes through them.
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._file: IO[bytes] | None = None
        self._spilled = 0  # items in the file
        self._batch: list[T] = []
        self._held = False  # the file could not be written: the rest is held here
        self.extend(items)

    def append(self, item: T) -> None:
        self._batch.append(item)
        if len(self._batch) >= BATCH and not self._held:
            self._spill()

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items: Iterable[T]) -> Spilled[T]:
        self.extend(items)
        return self

    def _spill(self) -> None:
        """Write the batch to the file; when it cannot be (a full disk), hold the rest in
        memory, as before: the log is still made, with every item."""
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="docgen-")  # noqa: SIM115
            self._file.seek(0, 2)
            pickle.dump(self._batch, self._file, pickle.HIGHEST_PROTOCOL)
            self._file.flush()
        except OSError:  # what was written of this batch is never read: only whole batches
            self._held = True
            return
        self._spilled += len(self._batch)
        self._batch = []

    def __len__(self) -> int:
        return self._spilled + len(self._batch)

    def __iter__(self) -> Iterator[T]:
        if self._file is not None:
            at, read = 0, 0
            while read < self._spilled:
                self._file.seek(at)  # another pass may have moved it meanwhile
                batch: list[T] = pickle.load(self._file)
                at = self._file.tell()
                read += len(batch)
                yield from batch
        yield from list(self._batch)

    def __del__(self) -> None:
        if self._file is not None:  # an unnamed file: gone once closed
            self._file.close()

    def __eq__(self, other: object) -> bool:
        """Equal to another such list, a list or a tuple of the same items in order."""
        if not isinstance(other, Spilled | list | tuple):
            return NotImplemented
        return len(self) == len(other) and all(
            a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment] - it changes as items are added

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        """Return an item or a slice; from the start (the first ten problems a report
        shows), reading back only the batches up to it."""
        if isinstance(index, slice):
            if (index.start or 0) >= 0 and index.stop is not None and index.stop >= 0 and (
                    index.step or 1) > 0:
                return list(itertools.islice(self, index.start, index.stop, index.step))
            return list(self)[index]
        if 0 <= index < len(self):
            return next(itertools.islice(self, index, None))
        return list(self)[index]


class Parcels(Generic[T]):
    """Lists of items kept whole, each added once and read back by its number: in a temporary
    file when ``spill`` (each pickled), else held as they are (a small log: no time spent).

    The log's session rows, a team's to a parcel: written once in the sheet's order, which
    is known only when every team is summarised (see :mod:`docgen.log.summary`).
    """

    def __init__(self, spill: bool = True) -> None:
        self._file: IO[bytes] | None = None
        self._end = 0
        self._spill = spill
        self._at = array("q")  # by parcel: its offset in the file, or -1: held here
        self._size = array("q")  # its length in the file
        self._held: dict[int, list[T]] = {}

    def add(self, items: list[T]) -> int:
        """Keep ``items``; return the parcel's number."""
        number = len(self._at)
        if self._spill:
            data = pickle.dumps(items, pickle.HIGHEST_PROTOCOL)
            try:
                if self._file is None:
                    self._file = tempfile.TemporaryFile(prefix="docgen-")  # noqa: SIM115
                os.pwrite(self._file.fileno(), data, self._end)
            except OSError:  # a full disk: this parcel and the rest held here
                self._spill = False
            else:
                self._at.append(self._end)
                self._size.append(len(data))
                self._end += len(data)
                return number
        self._at.append(-1)
        self._size.append(0)
        self._held[number] = items
        return number

    def get(self, number: int) -> list[T]:
        """Return the items of parcel ``number`` (read back afresh from the file)."""
        at = self._at[number]
        if at < 0:
            return self._held[number]
        assert self._file is not None
        items: list[T] = pickle.loads(os.pread(self._file.fileno(), self._size[number], at))
        return items

    def __len__(self) -> int:
        return len(self._at)

    def __del__(self) -> None:
        if self._file is not None:  # an unnamed file: gone once closed
            self._file.close()
