"""Packed rows: what goes in comes out, equal, for every kind of field value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen import models
from docgen.cohort.packed import Packed
from docgen.models import Cohort, Pair, Programme, Session, Team
from docgen.values import team_key


def session(**changes: object) -> Session:
    values: dict[str, object] = {
        "team_id": "T1", "date": dt.date(2026, 3, 1), "start": dt.time(14),
        "finish": dt.time(15, 30, 5, 7), "coaches": ("Dr Jo", "Áine Ní Bhriain"),
        "mode": "Video", "topic": "PDSA < run chart & 🚀", "issues": "", "action": "a\nb",
        "next_meeting": None, "comments": "", "extra": {"room": "4B"}, "row": 7}
    values.update(changes)
    return Session(**values)  # type: ignore[arg-type]


def test_rows_come_back_equal_in_order_by_index_slice_and_iteration() -> None:
    rows = [session(row=n, date=dt.date(2026, 3, n)) for n in range(1, 6)]
    packed = Packed(Session, rows)
    assert len(packed) == 5
    assert list(packed) == rows
    assert packed[0] == rows[0] and packed[-1] == rows[-1]
    assert packed[1:4] == rows[1:4] and packed[::-2] == rows[::-2]
    assert packed == rows and packed == tuple(rows) and packed != rows[:4]
    with pytest.raises(IndexError):
        packed[5]
    with pytest.raises(IndexError):
        packed[-6]


def test_every_model_of_the_cohort_packs() -> None:
    team = Team("T1", "Ward 7", members=("A", "B"), review_after=None,
                first_session=dt.date(2026, 1, 5), extra={})
    pair = Pair("Ann", "Bob", meet_every_weeks=2, time="Tuesdays 12:30")
    assert list(Packed(Team, [team])) == [team]
    assert list(Packed(Pair, [pair])) == [pair]


def test_packing_is_smaller_than_the_objects() -> None:
    import sys

    rows = [session(row=n, topic=f"Topic {n}") for n in range(1000)]
    packed = Packed(Session, rows)
    objects = sum(sys.getsizeof(r) + sum(sys.getsizeof(getattr(r, f)) for f in r.__slots__)
                  for r in rows)
    assert packed.nbytes < objects / 3


def test_a_value_of_an_unexpected_type_is_refused() -> None:
    with pytest.raises(TypeError):
        Packed(Session, [session(date=dt.datetime(2026, 3, 1, 10, 0))])
    with pytest.raises(TypeError):
        Packed(Session, [session(start=dt.time(14, tzinfo=dt.UTC))])


@given(date=st.one_of(st.none(), st.dates()), start=st.one_of(st.none(), st.times()),
       text=st.text(), names=st.lists(st.text(), max_size=3))
def test_any_date_time_and_text_round_trips(date: dt.date | None, start: dt.time | None,
                                            text: str, names: list[str]) -> None:
    row = session(date=date, start=start, next_meeting=date, topic=text, coaches=tuple(names),
                  extra={text: text})
    assert Packed(Session, [row])[0] == row


@given(st.lists(st.tuples(st.sampled_from(["T1", "t1 ", "T2", "Ｔ２", "T3", ""]),
                          st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
                max_size=12))
def test_each_team_gets_exactly_its_own_sessions_in_date_order(rows: list) -> None:
    sessions = Packed(Session, [session(team_id=t, date=d, row=n + 2)
                                for n, (t, d) in enumerate(rows)])
    cohort = Cohort(Path("c.xlsx"), Programme({}), sessions=sessions)
    for team in ("T1", "T2", "T3", "T4", ""):
        expected = sorted((s for s in sessions if team_key(s.team_id) == team_key(team)),
                          key=lambda s: (s.date is None, s.date or dt.date.min, s.row))
        assert cohort.sessions_of(team) == expected


def test_teams_whose_keys_share_a_digest_still_get_only_their_own(monkeypatch) -> None:
    """The index narrows by a 64-bit digest; were two keys ever to share one, the keys
    themselves still decide."""
    monkeypatch.setattr(models, "digest64", lambda key: 7)
    rows = [session(team_id=t, row=n) for n, t in enumerate(["T1", "T2", "T1", "T3"])]
    cohort = Cohort(Path("c.xlsx"), Programme({}), sessions=Packed(Session, rows))
    assert [s.row for s in cohort.sessions_of("t1")] == [0, 2]
    assert [s.row for s in cohort.sessions_of("T2")] == [1]
    assert cohort.sessions_of("T9") == []


@pytest.fixture
def spilling(monkeypatch):
    """Rows spill to their file after a few hundred bytes, as a large cohort's do."""
    from docgen.cohort import packed

    monkeypatch.setattr(packed, "SPILL_BYTES", 300)
    monkeypatch.setattr(packed, "_BLOCK", 500)
    return packed


def test_rows_spilled_to_the_file_come_back_equal_however_read(spilling) -> None:
    rows = [session(row=n, topic=f"Topic {n} " * (n % 7), date=dt.date(2026, 3, n % 28 + 1))
            for n in range(200)]
    packed = Packed(Session, rows)
    assert packed._filed and packed.held < packed.nbytes / 4  # most are in the file
    assert list(packed) == rows  # read a block at a time, then the rows still in memory
    assert [packed[i] for i in range(-200, 200)] == rows + rows
    assert packed[150:20:-3] == rows[150:20:-3]


def test_spilled_rows_pickle_with_their_values(spilling) -> None:
    """Pickled (to a spawned worker), a spilled Packed carries its rows."""
    import pickle

    rows = [session(row=n) for n in range(100)]
    again = pickle.loads(pickle.dumps(Packed(Session, rows)))
    assert again == rows and not again._filed


def test_rows_handed_over_are_read_from_the_file_after_its_folder_is_gone(
        spilling, tmp_path) -> None:
    """The process reading the cohort beside generate spills into a folder of the run's and
    pickles only the file's name: the loading process opens it at once, and reads it still
    once the folder is removed."""
    import pickle
    import shutil

    folder = tmp_path / "handed"
    folder.mkdir()
    rows = [session(row=n, topic="x" * n) for n in range(100)]
    spilling.hand_over(str(folder))
    try:
        packed = Packed(Session, rows)
    finally:
        spilling.hand_over(None)
    blob = pickle.dumps(packed)
    assert len(blob) < packed.nbytes / 4  # the rows are not in it
    del packed
    again = pickle.loads(blob)
    shutil.rmtree(folder)
    assert again == rows and again[-1] == rows[-1]


def test_a_forked_process_reads_the_spilled_rows(spilling) -> None:
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork here")
    rows = [session(row=n) for n in range(100)]
    packed = Packed(Session, rows)
    with mp.get_context("fork").Pool(1) as pool:
        assert pool.apply(_rows_of, (packed, [99, 0, 50])) == [99, 0, 50]


def _rows_of(packed: Packed, picks: list[int]) -> list[int]:
    return [packed[i].row for i in picks]


def test_rows_stay_in_memory_where_the_file_cannot_be_written(spilling, monkeypatch) -> None:
    import os

    rows = [session(row=n) for n in range(100)]
    writes = iter([None, OSError(28, "No space left on device")])

    def pwrite(fd: int, data: object, at: int) -> int:
        failure = next(writes, None)
        if failure is not None:
            raise failure
        return real(fd, data, at)

    real = os.pwrite
    monkeypatch.setattr(os, "pwrite", pwrite)
    packed = Packed(Session, rows)
    assert 0 < packed._filed < packed.nbytes / 2  # one spill written, then none
    assert list(packed) == rows and packed[3] == rows[3] and packed[-1] == rows[-1]


@given(st.lists(st.sampled_from(["T1", "t1 ", "T2", "Ｔ２", "T3", "T10", ""]), max_size=40),
       st.integers(1, 7))
def test_the_session_index_sorted_in_runs_is_the_index_sorted_whole(teams: list[str],
                                                                     run: int) -> None:
    """Sorted a run at a time and merged (memory), the index is what one sort makes."""
    from unittest import mock

    from docgen import compact

    sessions = [session(team_id=t, row=n) for n, t in enumerate(teams)]
    whole = models.SessionIndex(sessions)
    with mock.patch.object(compact, "_SORT_RUN", run):
        runs = models.SessionIndex(sessions)
    assert (runs._order, runs._digests) == (whole._order, whole._digests)


@given(st.lists(st.integers(-3, 3), max_size=60), st.integers(1, 7))
def test_repeats_pairs_each_later_value_with_its_first(values: list[int], run: int) -> None:
    """What the cohort's checks of a team or session typed twice rely on: every position
    whose value an earlier one has, with the earliest, sorted in runs or whole alike."""
    from array import array
    from unittest import mock

    from docgen import compact

    first: dict[int, int] = {}
    expected = sorted((first.setdefault(v, i), i) for i, v in enumerate(values)
                      if first.setdefault(v, i) != i)
    with mock.patch.object(compact, "_SORT_RUN", run):
        assert sorted(compact.repeats(array("q", values))) == expected


def test_repeated_checks_the_texts_where_digests_are_alike(monkeypatch) -> None:
    """Two texts sharing a digest are no repeat; items saying None are never compared."""
    from docgen import compact

    monkeypatch.setattr(compact, "digest64", lambda text: 7)
    items = ["a", "b", None, "a", None, "b"]
    assert list(compact.repeated(items, lambda x: x)) == [("a", "a"), ("b", "b")]
