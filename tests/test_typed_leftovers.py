"""Words typed beside a value, a year docgen supplied, a weekday against its date: all named.

A date, time, Held or next-meeting field may hold more than docgen reads from it ("12/3/26 by
phone after ward round", "14:00 (late start, fire alarm)", "No – rescheduled to 19/3/2026").
The value read is kept and the rest is named on the Problems sheet (file, form or row, field)
with where to move it. So is a year docgen chose for a date typed without one, when it may be
wrong, and a weekday the date does not fall on. What docgen fully accounts for ("Tues 10 March
2026", "2pm", "Yes", "14:00-15:30") is never named.

The contracts are made on conftest.TODAY (Monday 23 November 2026).
"""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from pathlib import Path

import coach
import pytest
from conftest import TODAY, custom_properties
from hypothesis import example, given
from hypothesis import strategies as st

from docgen import schema
from docgen.models import Record, RecordedSession
from docgen.records.read import read_record
from docgen.records.sessions import _HELD_SAYS, _held, _mode_pattern
from docgen.schema import Mode, Status
from docgen.values import clean_text, format_date, format_date_short, format_time
from docgen.values.dates import DAY_NAMES
from docgen.values.typed import (
    DATE_WORDS,
    read_typed_dates,
    unread_in_times,
    unread_words,
)

FORM = "Record of Coaching form 1"
ROW = "COACHING RECORD row 1"
TABLE_DATE = schema.COACHING_RECORD_HEADER[1]
T = dt.time
D = dt.date
_NAMED_HERE = ("is not read", "are not read", "no year typed", "says \"")


@pytest.fixture
def blank(out: Path, tmp_path: Path) -> Path:
    """Return a copy of the contract whose one form is blank (team T2: no session planned)."""
    src = next((out / "contracts").glob("*(T2).docx"))
    dest = tmp_path / "record" / "T2.docx"
    dest.parent.mkdir()
    shutil.copyfile(src, dest)
    return dest


def typed(path: Path, **fields: str) -> Record:
    """Type ``fields`` (field name -> text) into the first form, then read the record."""
    coach.fill(path, {f"record.{name}": text for name, text in fields.items()})
    return read_record(path, path.parent)


def only(record: Record) -> RecordedSession:
    (session,) = record.sessions
    return session


def named(record: Record, where: str = FORM) -> dict[str, list[str]]:
    """Return the problems at ``where`` by the field (column) they name."""
    found: dict[str, list[str]] = {}
    for p in record.problems:
        assert p.file == "T2.docx"
        if p.sheet == where:
            found.setdefault(p.column or "", []).append(p.message)
    return found


# --- words beside a value, through the record reader -------------------------------------------


def test_words_after_a_date_and_its_mode_are_named(blank: Path) -> None:
    record = typed(blank, date="12/3/26 by phone after ward round", start_time="14:00",
                   finish_time="15:00")
    s = only(record)
    assert (s.date, s.mode, s.hours) == (D(2026, 3, 12), Mode.TELEPHONE, 1.0)
    assert named(record) == {"Date": [
        '"after ward round" is not read (only 12/03/2026 is): move it to Topic, Issues Arising '
        "or Action"]}


def test_a_note_beside_a_start_time_is_named(blank: Path) -> None:
    record = typed(blank, date="12/3/26", start_time="14:00 (late start, fire alarm)",
                   finish_time="15:00")
    assert (only(record).start, only(record).finish) == (T(14), T(15))
    assert named(record) == {"Start time": [
        '"late start, fire alarm" is not read (only 14:00 is): move it to Topic, Issues '
        "Arising or Action"]}


def test_a_third_time_is_named(blank: Path) -> None:
    record = typed(blank, date="12/3/26", start_time="10:00-11:00, 14:00-15:00")
    assert (only(record).start, only(record).finish) == (T(10), T(11))
    (message,) = named(record)["Start time"]
    assert message.startswith('"14:00-15:00" is not read (only 10:00–11:00 is)')


def test_a_place_and_time_beside_the_next_meeting_are_named(blank: Path) -> None:
    record = typed(blank, date="12/3/26", next_meeting="9/4/26 at 2pm in the library")
    assert only(record).next_meeting == D(2026, 4, 9)
    assert named(record) == {"Date of Next Meeting": [
        '"2pm in the library" is not read (only 09/04/2026 is): move it to Topic, Issues '
        "Arising or Action"]}


@pytest.mark.parametrize(("cell", "date", "mode", "words"), [
    ("5/3/26 PDSA review of data", D(2026, 3, 5), "", "PDSA review of data"),
    ("12/3/26 - by phone - discussed run chart", D(2026, 3, 12), Mode.TELEPHONE,
     "discussed run chart"),
])
def test_words_in_a_table_date_cell_are_named(blank: Path, cell: str, date: dt.date,
                                              mode: str, words: str) -> None:
    coach.add_table_row(blank, ("Sam Coach", cell, "", ""))
    record = read_record(blank, blank.parent)
    assert (only(record).date, only(record).mode) == (date, mode)
    assert named(record, ROW) == {TABLE_DATE: [
        f'"{words}" is not read (only {format_date_short(date)} is): move it to Topic or '
        "Comments"]}


@pytest.mark.parametrize(("mode_typed", "mode", "words"), [
    ("Phone – Sam joined late", Mode.TELEPHONE, "Sam joined late"),
    ("Teams (camera off)", Mode.VIDEO, "camera off"),
    ("F2F (ward 7)", Mode.FACE_TO_FACE, "ward 7"),
    ("Telephone call - 20 mins", Mode.TELEPHONE, "20 mins"),
])
def test_words_beside_a_mode_are_named_and_the_mode_kept(blank: Path, mode_typed: str,
                                                         mode: Mode, words: str) -> None:
    record = typed(blank, date="12/3/26", mode=mode_typed, start_time="14:00",
                   finish_time="15:00")
    assert (only(record).mode, only(record).hours) == (mode, 1.0)
    assert named(record) == {"Mode": [
        f'"{words}" is not read (only {mode} is): move it to Topic, Issues Arising or Action']}


@pytest.mark.parametrize(("mode_typed", "words"), [
    ("face to face then phone", '"face to face" and "phone"'),
    ("phone/Teams", '"phone" and "Teams"'),
])
def test_two_modes_in_the_mode_field_are_named_and_none_kept(blank: Path, mode_typed: str,
                                                            words: str) -> None:
    # the date names a mode too: the field's doubt is not settled by it in silence
    record = typed(blank, date="12/3/26 by phone", mode=mode_typed, start_time="14:00",
                   finish_time="15:00")
    assert only(record).mode == ""
    assert named(record) == {"Mode": [
        f'"{mode_typed}" names more than one mode ({words}): the mode is left blank; type the '
        "one the session took, and the rest in Topic, Issues Arising or Action"]}


@pytest.mark.parametrize("mode_typed", ["Video - Near Me", "Teams call as planned",
                                        "by telephone"])
def test_words_that_only_say_the_mode_are_not_named(blank: Path, mode_typed: str) -> None:
    record = typed(blank, date="12/3/26", mode=mode_typed)
    assert only(record).mode in (Mode.VIDEO, Mode.TELEPHONE)
    assert record.problems == ()


@pytest.mark.parametrize(("held", "status", "words"), [
    ("yes (started late)", Status.HELD, "started late"),
    ("Yes, but only 30 mins", Status.HELD, "only 30 mins"),
    ("no, team sick", Status.CANCELLED, "team sick"),
])
def test_words_beside_the_held_answer_are_named(blank: Path, held: str, status: Status,
                                                words: str) -> None:
    record = typed(blank, date="10/02/2026", start_time="14:00", finish_time="15:00",
                   held=held)
    assert only(record).status == status
    answer = "Yes" if status == Status.HELD else "No"
    assert named(record) == {"Held": [
        f'"{words}" is not read (only {answer} is): move it to Topic, Issues Arising or '
        "Action"]}


def test_a_new_date_beside_no_is_named_with_where_it_goes(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", held="No – rescheduled to 19/3/2026")
    assert only(record).status == Status.CANCELLED
    assert named(record) == {"Held": [
        '"rescheduled to 19/3/2026" is not read (only No is): move it to Topic, Issues '
        "Arising or Action; a new date to Date of Next Meeting"]}


@pytest.mark.parametrize("held", ["N/A", "n/a", "Not applicable"])
def test_not_applicable_is_not_no(blank: Path, held: str) -> None:
    record = typed(blank, date="10/02/2026", start_time="14:00", finish_time="15:00",
                   held=held)
    assert only(record).status == Status.HELD  # not cancelled: N/A answers nothing
    assert named(record) == {"Held": [
        f'"{held}" is not Yes or No: type Yes if the session took place, No if not']}


@pytest.mark.parametrize(("fields", "expected"), [
    ({"date": "Tues 10 March 2026"}, D(2026, 3, 10)),
    ({"date": "12th March 2026"}, D(2026, 3, 12)),
    ({"date": "Thursday 12/03/2026 (Teams)"}, D(2026, 3, 12)),
    ({"date": "10/02/2026", "start_time": "2pm", "finish_time": "3.30pm"}, D(2026, 2, 10)),
    ({"date": "10/02/2026", "start_time": "14:00-15:30"}, D(2026, 2, 10)),
    ({"date": "10/02/2026", "start_time": "from 10 to 11am approx"}, D(2026, 2, 10)),
    ({"date": "10/02/2026", "held": "Yes"}, D(2026, 2, 10)),
    ({"date": "10/02/2026", "held": "yes - as planned"}, D(2026, 2, 10)),
    ({"date": "10/02/2026", "next_meeting": "Tuesday 10 March 2026"}, D(2026, 2, 10)),
    ({"date": "10/02/2026", "next_meeting": "TBC"}, D(2026, 2, 10)),
    ({"date": "12/11"}, D(2026, 11, 12)),  # no year, but this year's and 11 days before
])
def test_what_docgen_reads_in_full_is_not_named(blank: Path, fields: dict[str, str],
                                                expected: dt.date) -> None:
    record = typed(blank, **fields)
    assert only(record).date == expected
    assert record.problems == ()


def test_pre_filled_forms_and_rows_left_as_they_were_gain_no_new_problem(out: Path) -> None:
    for path in sorted((out / "contracts").glob("*.docx")):
        record = read_record(path, out)
        assert not [p for p in record.problems
                    if any(words in p.message for words in _NAMED_HERE)], path.name


# --- a year docgen supplied, a weekday against its date ----------------------------------------


def test_a_date_without_a_year_moved_to_next_year_is_named(blank: Path) -> None:
    record = typed(blank, date="12 March", start_time="14:00", finish_time="15:00")
    assert only(record).date == D(2027, 3, 12)
    assert named(record) == {"Date": [
        "no year typed: read as Friday 12/03/2027; type the year if that is wrong"]}


def test_a_weekday_typed_without_a_year_chooses_the_year_and_is_named(blank: Path) -> None:
    record = typed(blank, date="Thursday 12 March", start_time="14:00", finish_time="15:00")
    assert only(record).date == D(2026, 3, 12)  # a Thursday; 12 March 2027 is a Friday
    assert named(record) == {"Date": [
        "no year typed: read as Thursday 12/03/2026 (the year in which it is a Thursday); "
        "type the year if that is wrong"]}


def test_a_weekday_the_date_does_not_fall_on_is_named(blank: Path) -> None:
    record = typed(blank, date="Friday 12/3/2026", start_time="14:00", finish_time="15:00")
    assert only(record).date == D(2026, 3, 12)
    assert named(record) == {"Date": [
        'says "Friday" but 12/03/2026 is a Thursday, not a Friday: the date is kept; correct '
        "the day or the date"]}


def test_a_weekday_no_year_near_has_is_named(blank: Path) -> None:
    record = typed(blank, date="Monday 12 March")  # a Thursday in 2026, a Friday in 2027
    assert only(record).date == D(2027, 3, 12)
    assert named(record) == {"Date": [
        "no year typed: read as Friday 12/03/2027, not a Monday as typed; type the full date"]}


def test_a_session_over_a_year_before_its_contract_was_made_is_named(blank: Path) -> None:
    """03/06/2016 for 03/06/2026: a held session counted a decade before the contract was
    made, and the team's pace measured from it, without a word."""
    made = dt.date.fromisoformat(custom_properties(blank)[schema.PROP_GENERATED][:10])
    long_ago = made - dt.timedelta(days=3653)  # ten years before
    record = typed(blank, date=f"{long_ago:%d/%m/%Y}", start_time="14:00",
                   finish_time="15:00", held="Yes")
    assert only(record).date == long_ago
    assert named(record) == {"Date": [
        f"{long_ago:%d/%m/%Y} is over a year before this contract was made ({made:%d/%m/%Y}): "
        "is the year right? The session is counted on that date"]}


def test_a_session_months_before_its_contract_was_made_is_not_named(blank: Path) -> None:
    made = dt.date.fromisoformat(custom_properties(blank)[schema.PROP_GENERATED][:10])
    earlier = made - dt.timedelta(days=200)  # a session recorded late: no doubt about it
    record = typed(blank, date=f"{earlier:%d/%m/%Y}", start_time="14:00", finish_time="15:00",
                   held="Yes")
    assert only(record).date == earlier and named(record) == {}


def test_a_table_row_without_a_year_is_named_once(blank: Path) -> None:
    coach.add_table_row(blank, ("Sam Coach", "12/3", "Charts", ""))
    record = read_record(blank, blank.parent)
    assert only(record).date == D(2027, 3, 12)
    assert named(record, ROW) == {TABLE_DATE: [
        "no year typed: read as Friday 12/03/2027; type the year if that is wrong"]}


def test_a_next_meeting_without_a_year_in_next_year_is_named(blank: Path) -> None:
    record = typed(blank, date="10/11/2026", next_meeting="9/1")
    assert only(record).next_meeting == D(2027, 1, 9)
    assert named(record) == {"Date of Next Meeting": [
        "no year typed: read as Saturday 09/01/2027; type the year if that is wrong"]}


# --- the readers, on any text ------------------------------------------------------------------

_DATES = st.dates(D(2000, 1, 1), D(2099, 12, 31))
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# Words docgen reads beside a date, or that say nothing of their own.
_BESIDE_DATE = st.lists(st.sampled_from(
    ["by phone", "(email)", "via Teams", "F2F", "held", "on", "-", ",", "session", "coaching",
     "by e-mail", "Near Me", "face to face", "(tbc)", "Teams call", "on the ward", "sent"]),
    max_size=3)


def _date_text(d: dt.date, style: int) -> str:
    return [format_date_short(d), f"{d.day}/{d.month}/{d.year % 100:02d}", format_date(d),
            f"{d.day}{_suffix(d.day)} {_MONTHS[d.month - 1]} {d.year}",
            f"{DAY_NAMES[d.weekday()][:3]} {d.day} {_MONTHS[d.month - 1][:3]} {d.year}",
            f"{DAY_NAMES[d.weekday()]} {format_date_short(d)}"][style]


def _suffix(day: int) -> str:
    return "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@given(_DATES, st.integers(0, 5), _BESIDE_DATE, _BESIDE_DATE, st.booleans())
def test_a_date_among_words_docgen_reads_leaves_nothing_unread(
        d: dt.date, style: int, before: list[str], after: list[str], later: bool) -> None:
    text = " ".join([*before, _date_text(d, style), *after])
    found = read_typed_dates(text, TODAY, later, _mode_pattern())
    assert [t.date for t in found.dates] == [d]
    assert found.unread == () and not found.dates[0].weekday_clash


@given(_DATES, st.integers(0, 5), _BESIDE_DATE,
       st.sampled_from(["after ward round", "PDSA", "Ward 7", "xylophone", "2pm"]))
def test_a_word_docgen_does_not_read_is_unread(d: dt.date, style: int, beside: list[str],
                                              word: str) -> None:
    text = " ".join([_date_text(d, style), *beside, word])
    found = read_typed_dates(text, TODAY, True, _mode_pattern())
    assert found.dates[0].date == d
    assert word in " ".join(found.unread)


@given(st.text(max_size=50), _DATES, st.booleans())
@example("A¼/1", dt.date(2000, 1, 1), False)  # a fraction glued to a word: not AutoCorrect's
def test_what_is_unread_beside_a_date_was_typed(text: str, reference: dt.date, after: bool
                                                ) -> None:
    found = read_typed_dates(text, reference, after, _mode_pattern())
    flat = " ".join(text.split())
    assert all(piece.rstrip("…") in flat and piece.strip() for piece in found.unread)
    if not found.dates:
        assert found.unread == ()  # a field with no date is named as such, not piece by piece


@given(_DATES, st.booleans(), st.booleans())
def test_a_year_docgen_chooses_is_the_reference_s_or_its_neighbour(d: dt.date, after: bool,
                                                                   weekday: bool) -> None:
    reference = D(2026, 11, 23)
    day = f"{DAY_NAMES[d.weekday()]} " if weekday else ""
    text = f"{day}{d.day} {_MONTHS[d.month - 1]}"
    found = read_typed_dates(text, reference, after)
    if not found.dates:  # 29 February, in a year that has none
        assert (d.month, d.day) == (2, 29)
        return
    (read,) = found.dates
    assert not read.year_typed and (read.date.month, read.date.day) == (d.month, d.day)
    assert read.date.year in (2026, 2027 if after else 2025)
    if weekday and read.date.weekday() == d.weekday():
        assert not read.weekday_clash
    if weekday and read.by_weekday:
        assert read.date.weekday() == d.weekday()


_TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))
_BESIDE_TIME = st.lists(st.sampled_from(["approx", "(approx)", "from", "at", "start", "ish",
                                         "c.", "email", "-", ","]), max_size=2)


def _time_text(t: dt.time, style: int) -> str:
    half = "pm" if t.hour >= 12 else "am"
    twelve = f"{t.hour % 12 or 12}{f'.{t.minute:02d}' if t.minute else ''}{half}"
    return [format_time(t), f"{t.hour:02d}{t.minute:02d}", twelve, f"{format_time(t)}hrs"][style]


@given(_TIMES, _TIMES, st.integers(0, 3), st.sampled_from(["-", " to ", " – ", " until "]),
       _BESIDE_TIME, _BESIDE_TIME, st.booleans())
def test_times_among_words_docgen_reads_leave_nothing_unread(
        start: dt.time, finish: dt.time, style: int, dash: str, before: list[str],
        after: list[str], range_: bool) -> None:
    times = _time_text(start, style) + (dash + _time_text(finish, style) if range_ else "")
    text = " ".join([*before, times, *after])
    assert unread_in_times(text) == ()


@given(_TIMES, st.sampled_from(["late start", "fire alarm", "(ran over)", "PDSA", "Ward 7"]))
def test_words_beside_a_time_are_unread(t: dt.time, note: str) -> None:
    unread = unread_in_times(f"{format_time(t)} {note}")
    assert unread == (note.strip("()"),)


@given(st.text(max_size=40))
def test_what_is_unread_beside_a_time_was_typed(text: str) -> None:
    """As typed, or as folded to be read (NFKC, lower case) where the typing cannot be found."""
    typed_text = " ".join(text.split()).casefold()
    folded = " ".join(unicodedata.normalize("NFKC", clean_text(text)).split()).casefold()
    for piece in unread_in_times(text):
        shown = " ".join(piece.rstrip("…").split()).casefold()
        assert shown and (shown in typed_text or shown in folded)


@given(st.sampled_from(["Yes", "yes", "Y", "Held", "No", "no", "Not held", "Cancelled"]),
       st.lists(st.sampled_from(["-", ",", "as planned", "it was", "went ahead", "session",
                                 "took place", "."]), max_size=3))
def test_an_answer_with_words_that_say_nothing_more_leaves_nothing_unread(
        answer: str, more: list[str]) -> None:
    text = " ".join([answer, *more])
    assert _held(text) is not None
    assert unread_words(text, (), _HELD_SAYS) == ()


@given(st.text(max_size=40))
def test_date_words_alone_say_nothing(text: str) -> None:
    """A piece of nothing but punctuation, weekdays and connectives is never named."""
    words = " ".join(w for w in text.split() if DATE_WORDS.fullmatch(w))
    assert unread_words(words, (), DATE_WORDS) == ()


# --- a form without a session value ------------------------------------------------------------


@pytest.mark.parametrize(("field", "column", "text"), [
    ("mode", "Mode", "Teams"),
    ("next_meeting", "Date of Next Meeting", "9/4/26"),
    ("held", "Held", "No"),
])
def test_a_value_typed_in_a_form_with_no_session_value_is_named(
        blank: Path, field: str, column: str, text: str) -> None:
    """A form holding no date, time, topic, issues or action is no session: a mode, a next
    meeting or a Held answer typed in it reaches no session, so it is named, quoted."""
    record = typed(blank, coach="Sam Coach", **{field: text})
    assert record.sessions == ()
    (message,) = named(record)[column]
    assert message.startswith(f'"{text}" is not read: the form holds no date, time, topic')


def test_names_typed_ahead_on_a_blank_form_name_nothing(blank: Path) -> None:
    record = typed(blank, coach="Sam Coach", team_members="Zoë Smith")
    assert (record.sessions, named(record)) == ((), {})
