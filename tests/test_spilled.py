"""The log's problems held in a temporary file as they come (docgen.log.spilled)."""

from __future__ import annotations

import pytest

from docgen.errors import Problem
from docgen.log import spilled
from docgen.log.spilled import Spilled


@pytest.mark.parametrize("batch", [1, 3, 1000])
def test_every_item_comes_back_in_order_as_often_as_gone_through(monkeypatch, batch):
    monkeypatch.setattr(spilled, "BATCH", batch)
    items = [Problem(f"message {i} é", file=f"f{i % 4}.docx", sheet="Form 1") for i in range(10)]
    held: Spilled[Problem] = Spilled(items[:2])
    held.append(items[2])
    held.extend(items[3:6])
    held += items[6:]
    assert len(held) == 10 and bool(held)
    assert list(held) == items
    assert list(held) == items  # a second pass reads the file again
    first = iter(held)
    assert [next(first), next(first)] == items[:2]
    assert list(held) == items  # another pass meanwhile does not disturb the first
    assert list(first) == items[2:]
    assert held[3] == items[3] and held[-1] == items[-1] and held[1:3] == items[1:3]
    assert held == items and held == tuple(items) and held == Spilled(items)
    assert held != items[:-1] and held != Spilled(items[::-1])


def test_empty():
    held: Spilled[Problem] = Spilled()
    assert not held and list(held) == [] and held == ()


def test_items_are_held_in_memory_when_the_file_cannot_be_written(monkeypatch):
    monkeypatch.setattr(spilled, "BATCH", 2)
    items = [Problem(f"message {i}") for i in range(7)]
    held: Spilled[Problem] = Spilled(items[:3])  # one batch in the file
    real_dump = spilled.pickle.dump

    def full_disk(value, fh, protocol):
        fh.write(b"half a batch")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spilled.pickle, "dump", full_disk)
    held += items[3:]
    monkeypatch.setattr(spilled.pickle, "dump", real_dump)
    assert list(held) == items and len(held) == 7
