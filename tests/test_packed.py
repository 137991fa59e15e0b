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
    monkeypatch.setattr(models, "_key_digest", lambda key: 7)
    rows = [session(team_id=t, row=n) for n, t in enumerate(["T1", "T2", "T1", "T3"])]
    cohort = Cohort(Path("c.xlsx"), Programme({}), sessions=Packed(Session, rows))
    assert [s.row for s in cohort.sessions_of("t1")] == [0, 2]
    assert [s.row for s in cohort.sessions_of("T2")] == [1]
    assert cohort.sessions_of("T9") == []
