"""Many texts held compactly: as one buffer of UTF-8 (:class:`Names`), and as a set of
them with a number each (:class:`TextTable`), where a list or a dict of strings costs an object
of ~50 bytes or more a text, and a dict entry more again.

A bulk run holds a text or two for each of tens of thousands of rows (a document's name, a
Team ID's key): so held, its memory hardly grows with the cohort.
"""

from __future__ import annotations

import hashlib
import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class Indexed(Sequence[T]):
    """A sequence that makes each item when asked for (:meth:`_item`), indexed as a list is
    (from the end with a negative index, a list of items by a slice, IndexError outside) and
    equal to the list it stands for."""

    __slots__ = ()

    def _item(self, index: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        length = len(self)
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._item(index)

    def __eq__(self, other: object) -> bool:  # equal to the list it stands for
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list's


class Names(Indexed[str]):
    """Texts held as one buffer of UTF-8 (surrogates kept), each made when asked for.

    50,000 document names are ~2 MB so, ~5 MB as strings in a list: the main process of
    ``generate`` holds them from the start of the run to its end.
    """

    __slots__ = ("_buffer", "_ends")

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._buffer = bytearray()
        self._ends = array("I")  # 4 bytes each: a run's names are far from 4 GB
        for text in texts:
            self.append(text)

    def append(self, text: str) -> None:
        self._buffer += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._buffer))

    def __len__(self) -> int:
        return len(self._ends)

    def _item(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._buffer[start:self._ends[index]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        """Yield each text in order, from the buffer's ends directly: a generate run walks
        its documents' names several times, and Sequence's own iteration indexes each one
        (bounds checked, its start looked up) at about four times the cost."""
        buffer, start = self._buffer, 0
        for end in self._ends:
            yield buffer[start:end].decode("utf-8", "surrogatepass")
            start = end


class TextTable:
    """A set of texts, each with a number (a row): ``setdefault`` and ``in`` as a dict's,
    the texts held in :class:`Names` and found through a table of their numbers by hash
    (~1.3 MB for 50,000 Team IDs' keys, where a dict of them took ~4.6 MB)."""

    __slots__ = ("_texts", "_values", "_slots")

    def __init__(self) -> None:
        self._texts = Names()
        self._values = array("q")
        self._slots = array("i", [-1]) * 64  # a text's number, by its hash; -1: free

    def _find(self, text: str) -> tuple[int, int]:
        """Return (the text's number or -1, the slot it is in or would go in)."""
        slots, texts = self._slots, self._texts
        mask = len(slots) - 1
        at = hash(text) & mask
        while (held := slots[at]) >= 0:
            if texts[held] == text:
                return held, at
            at = (at + 1) & mask
        return -1, at

    def setdefault(self, text: str, value: int) -> int:
        """Return the number of ``text``, given ``value`` first if it is not held yet."""
        held, at = self._find(text)
        if held >= 0:
            return self._values[held]
        self._texts.append(text)
        self._values.append(value)
        if len(self._texts) * 2 > len(self._slots):  # at most half full: probes stay short
            self._slots = array("i", [-1]) * (len(self._slots) * 4)
            for i, held_text in enumerate(self._texts):
                self._slots[self._find(held_text)[1]] = i
        else:
            self._slots[at] = len(self._texts) - 1
        return value

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self._find(text)[0] >= 0

    def __len__(self) -> int:
        return len(self._texts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)


_SORT_RUN = 1 << 13


def digest64(text: str) -> int:
    """Return a 64-bit digest of ``text``, the same in every process (blake2b, not
    ``hash()``, which each process salts)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little", signed=True)


def sorted_order(digests: array[int]) -> array[int]:
    """Return the positions of ``digests`` in the order of their values, equal ones in
    position order.

    Sorted a run at a time, the runs merged: sorting all at once held a Python int and a
    list entry for each (~9 MB at 100,000), the highest point of a run's memory then.
    """
    runs = [array("q", sorted(range(first, min(first + _SORT_RUN, len(digests))),
                              key=digests.__getitem__))  # stable: position order
            for first in range(0, len(digests), _SORT_RUN)]
    if len(runs) <= 1:
        return runs[0] if runs else array("q")
    return array("q", heapq.merge(*runs, key=digests.__getitem__))  # stable: earlier first


def repeats(digests: array[int]) -> Iterator[tuple[int, int]]:
    """Yield (first, later) for each position whose digest an earlier one has, ``first``
    the earliest such position: where to look for a value given twice, in 16 bytes an
    item (~1.6 MB at 100,000) where a set or dict of the values took several times that.
    Equal digests are candidates only: the caller compares the values themselves."""
    order = sorted_order(digests)
    first, last = -1, None
    for i in order:
        digest = digests[i]
        if digest == last:
            yield first, i
        else:
            first, last = i, digest


def repeated(items: Sequence[T], said: Callable[[T], str | None]) -> Iterator[tuple[T, T]]:
    """Yield (first, later) for each item that says what an earlier one says (``said``: a
    text, or None for an item never compared), ``first`` the earliest: the items are read
    twice, their texts held only as digests (:func:`repeats`), and the items of one digest
    are told apart by their texts themselves."""
    digests = array("q", (digest64(text) if (text := said(item)) is not None else i
                          for i, item in enumerate(items)))  # never compared: its own
    firsts: dict[str, T] = {}  # the texts of one digest, each with its first item
    group = None
    for i, later in repeats(digests):
        if digests[i] != group:
            group, firsts = digests[i], {}
            if (text := said(items[i])) is not None:
                firsts[text] = items[i]
        item = items[later]
        if (text := said(item)) is None:
            continue
        if text in firsts:
            yield firsts[text], item
        else:
            firsts[text] = item  # a digest two texts share: this one's first
