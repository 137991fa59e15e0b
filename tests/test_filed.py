"""Records held in a temporary file (docgen.filed), the session rows in parcels
(docgen.log.spilled.Parcels) and in the Sessions sheet's order (docgen.log.summary)."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest

from docgen import filed, schema
from docgen.errors import Problem
from docgen.filed import FiledRecords, head_of, heads_of, pickled, piece_digest
from docgen.log import spilled, summary
from docgen.log.spilled import Parcels
from docgen.log.summary import SessionRows
from docgen.models import Record, RecordedSession, SessionRow, Signature
from docgen.records import cache as reading
from docgen.schema import Status


@pytest.fixture
def records() -> list[Record]:
    """Three records: two of one team (one with a problem), one mentor agreement."""
    def contract(name: str, team: str, day: int) -> Record:
        session = RecordedSession(source=name, team_id=team, team_name="Ward é",
                                  date=dt.date(2026, 3, day), hours=1.0, topic=f"Topic {day}")
        return Record(source=name, kind=schema.KIND_CONTRACT, team_id=team, team_name="Ward é",
                      sessions=(session,), cohort="2026",
                      modified=dt.datetime(2026, 3, day, tzinfo=dt.UTC),
                      signatures=(Signature("Coach", "Sam", "Sam"),))

    return [contract("a.docx", "T01", 1),
            Record(source="b.docx", kind=schema.KIND_AGREEMENT, team_id="Ann – Bo",
                   problems=(Problem("a problem", file="b.docx"),)),
            contract("c.docx", "t01", 2)]


def test_records_come_back_equal_in_the_order_arranged(records):
    store = FiledRecords()
    items = [store.add(r) for r in reversed(records)]
    store.arrange(items[::-1])
    assert len(store) == 3
    assert list(store) == records and store == records and store == tuple(records)
    assert store[0] == records[0] and store[-1] == records[-1] and store[1:] == records[1:]
    assert list(store) == records  # gone through again: read again
    assert store.heads == [head_of(r) for r in records] == heads_of(store) == heads_of(records)
    head = store.heads[0]
    assert (head.kind, head.cohort, head.team, head.sessions) == (
        schema.KIND_CONTRACT, "2026", "t01", True)
    assert store.heads[1].problems == records[1].problems and not store.heads[1].sessions
    with pytest.raises(IndexError):
        store[3]
    store.close()


def test_a_record_pickled_where_read_or_kept_as_json(records):
    store = FiledRecords(reading.loads)
    a = store.add_pickled(pickled(records[0]), head_of(records[0]))
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    b = store.add_json(reading.dumps(records[2]), now, head_of(records[2]))
    store.arrange([b, a])
    assert store[1] == records[0]
    assert store[0] == records[2].__class__(**{
        name: getattr(records[2], name) for name in Record.__slots__} | {"modified": now})


def test_a_record_replaced_and_the_pieces_of_the_digest(records):
    store = FiledRecords()
    items = [store.add(r) for r in records]
    changed = Record(source="a.docx", kind=schema.KIND_CONTRACT, team_id="T09")
    store.replace(items[0], changed)
    store.set_piece(items[1], piece_digest("kept 1"))
    store.arrange(items[::-1])
    assert list(store) == [records[2], records[1], changed]
    assert store.heads[2].team == "t09"
    assert store.piece(1) == piece_digest("kept 1") and store.piece(0) is None


def test_records_are_held_in_memory_when_the_file_cannot_be_written(records, monkeypatch):
    store = FiledRecords()
    first = store.add(records[0])  # in the file

    def full(*_args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(filed.os, "pwrite", full)
    rest = [store.add(r) for r in records[1:]]
    monkeypatch.setattr(filed.os, "pwrite", os.pwrite)
    store.arrange([first, *rest])
    assert list(store) == records


@pytest.mark.parametrize("spill", [True, False])
def test_parcels_come_back_whole_by_number(spill):
    parcels: Parcels[Problem] = Parcels(spill)
    lists = [[Problem(f"m{i}-{j}") for j in range(i)] for i in range(5)]
    numbers = [parcels.add(items) for items in lists]
    assert numbers == list(range(5)) and len(parcels) == 5
    assert [parcels.get(n) for n in reversed(numbers)] == lists[::-1]


def test_parcels_are_held_in_memory_when_the_file_cannot_be_written(monkeypatch):
    parcels: Parcels[str] = Parcels()
    parcels.add(["a"])
    monkeypatch.setattr(spilled.os, "pwrite", lambda *_a: (_ for _ in ()).throw(OSError(28, "")))
    parcels.add(["b", "c"])
    monkeypatch.setattr(spilled.os, "pwrite", os.pwrite)
    parcels.add(["d"])
    assert [parcels.get(n) for n in range(3)] == [["a"], ["b", "c"], ["d"]]


def _row(team: str, cohort: str, day: int | None, where: str, n: int) -> SessionRow:
    return SessionRow(team_id=team, team_name=f"n{n}", coach="", date=None if day is None
                      else dt.date(2026, 1, day), start=None, finish=None, hours=None,
                      hours_from="", mode="", status=Status.HELD, topic=f"row {n}",
                      issues="", action="", next_meeting=None, comments="", source="",
                      where=where, cohort=cohort)


@pytest.mark.parametrize("spill", [True, False])
def test_session_rows_go_in_the_order_of_one_stable_sort(spill):
    """Teams alike once folded (T1, t1; cohorts A, a), rows alike in every sorted value, a
    team whose rows name other teams: the order is that of sorting every row at once."""
    rng = random.Random(7)
    teams = [[_row(rng.choice(["T1", "t1", "T2", "", "T10"]), rng.choice(["", "A", "a"]),
                   rng.choice([None, 1, 2, 3]), rng.choice(["form 1", "row 1"]), n * 10 + k)
              for k in range(rng.randint(0, 4))] for n in range(60)]
    rows = SessionRows(spill)
    for team in teams:
        rows.add(team)
    every = [row for team in teams for row in team]
    every.sort(key=summary._row_order)
    assert len(rows) == len(every)
    assert list(rows) == every and rows == every and rows[2] == every[2]
    assert list(rows) == every  # gone through again
