"""Values as people type them, read through the record reader: right, or named.

Each case types into a generated contract (team T2: no session planned, so nothing is
pre-filled) as Word does (:func:`coach.fill`, :func:`coach.add_table_row`) and reads it with
:func:`docgen.records.read.read_record`. Every typed value is in the session, right; where
docgen had to decide (a time without am/pm, two dates in one field, a status word that is
not plainly the comments' point, words that disagree with the Mode field) the Problems sheet
names the file, the form or row, and the field, with what to do. Nothing is guessed silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import coach
import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen import schema
from docgen.models import Record, RecordedSession
from docgen.records.read import read_record
from docgen.records.sessions import _mode, _modes_in, _status_reading, _time_example
from docgen.schema import Mode, Status
from docgen.values import format_hours, parse_date

FORM = "Record of Coaching form 1"
ROW = "COACHING RECORD row 1"
T = dt.time
D = dt.date


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
    """Return the problems at ``where`` by the field (column) they name; all name the file."""
    assert all(p.file == "T2.docx" for p in record.problems), record.problems
    found: dict[str, list[str]] = {}
    for p in record.problems:
        if p.sheet == where:
            found.setdefault(p.column or "", []).append(p.message)
    return found


# --- times -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "finish", "expected", "hours"), [
    ("10-11am", "", (T(10), T(11)), 1.0),  # the am applies to both ends
    ("10:00–11:30", "", (T(10), T(11, 30)), 1.5),
    ("10:00 to 11:30", "", (T(10), T(11, 30)), 1.5),
    ("2-3.30pm", "", (T(14), T(15, 30)), 1.5),
    ("", "10:00-11:00", (T(10), T(11)), 1.0),  # a range typed in Finish
    ("", "2-3.30pm", (T(14), T(15, 30)), 1.5),
    ("10:00", "10:00 to 11:30", (T(10), T(11, 30)), 1.5),
    ("13:30", "14:45", (T(13, 30), T(14, 45)), 1.25),  # 24-hour times as typed
    ("09:00", "10:00", (T(9), T(10)), 1.0),
    ("2pm", "3.30", (T(14), T(15, 30)), 1.5),  # the start's pm decides the finish's
    ("11:00", "1:00", (T(11), T(13)), 2.0),  # a finish follows its start
    ("10 \u2192 11am", "", (T(10), T(11)), 1.0),  # "->" as AutoCorrect makes it an arrow
    ("10->11am", "", (T(10), T(11)), 1.0),
    ("2pm\u21d23.30", "", (T(14), T(15, 30)), 1.5),
])
def test_times_and_ranges_are_read_without_a_problem(blank: Path, start: str, finish: str,
                                                    expected: tuple[dt.time, dt.time],
                                                    hours: float) -> None:
    record = typed(blank, date="10/02/2026", start_time=start, finish_time=finish)
    s = only(record)
    assert (s.start, s.finish) == expected
    assert (s.hours, s.hours_assumed) == (hours, False)
    assert record.problems == ()


@pytest.mark.parametrize(("start", "finish", "hours"), [
    ("9am", "5pm", 8.0),  # a finish of 5pm typed for 3pm, or a day's workshop
    ("08:30", "16:45", 8.25),
])
def test_a_session_far_longer_than_the_contract_s_is_counted_and_named(
        blank: Path, start: str, finish: str, hours: float) -> None:
    record = typed(blank, date="10/02/2026", start_time=start, finish_time=finish)
    assert (only(record).hours, only(record).hours_assumed) == (hours, False)
    (message,) = named(record)["Finish time"]
    assert message.startswith(f"the session lasts {hours:g} hours (")
    assert message.endswith("against the contract's 1 hour: counted as "
                            f"{hours:g}; if a time is mistyped (a finish of 5pm for 3pm, pm for "
                            "am), correct it")


def test_a_session_of_up_to_four_hours_is_not_named(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", start_time="9am", finish_time="1pm")
    assert only(record).hours == 4.0
    assert record.problems == ()


@pytest.mark.parametrize("typed", ["Sam", "S Coach", "Sam Coch", "sam; Alex Second", "SC",
                                   "S.C."])
def test_a_coach_written_otherwise_than_the_contract_has_them_is_named(blank: Path,
                                                                       typed: str) -> None:
    # T2's coaches are "Sam Coach; Alex Second": "Sam" would be credited apart from them
    record = typed_in(blank, typed)
    name = typed.split(";")[0].strip()
    assert only(record).hours == 1.0
    assert named(record)["Coach/s"] == [
        f'names the coach "{name}" (Record of Coaching form 1), whom the contract names "Sam '
        f'Coach": the hours of that session are credited to "{name}", apart from Sam '
        "Coach's, on the Coaches sheet and the ICF log; if that is Sam Coach, type the name as "
        "the contract has it; if it is another coach of team T2, add them to its Coach cell on "
        "the cohort's Teams sheet"]


@pytest.mark.parametrize("typed", ["Sam Coach", "sam  coach; ALEX SECOND", "Dr Jo Reid",
                                   "Sam Coach; Dr Jo Reid"])
def test_the_contract_s_coaches_and_a_coach_added_are_not_named(blank: Path,
                                                               typed: str) -> None:
    record = typed_in(blank, typed)
    assert only(record).coach == typed
    assert record.problems == ()


@pytest.mark.parametrize(("typed", "said"), [
    ("Sam Coach / Alex Second", 'separate two coaches with ";"'),
    ("Sam Coach and Dr Jo Reid", 'separate two coaches with ";"'),
    ("Jo Reid (covering)", "its words in brackets too"),
    ("Sam Coach (cover: Jo Reid)", "its words in brackets too"),
])
def test_a_coach_written_as_two_or_with_a_note_is_named(blank: Path, typed: str,
                                                        said: str) -> None:
    """Names joined otherwise than by ";", or a note in brackets, are credited as one coach of
    the whole text, apart from the people they name: named, with the way to type them."""
    record = typed_in(blank, typed)
    assert only(record).coach == typed
    (message,) = named(record)["Coach/s"]
    assert message.startswith(f'names the coach "{typed}", which is credited as one coach')
    assert said in message


def typed_in(path: Path, coach: str) -> Record:
    return typed(path, coach=coach, date="10/02/2026", start_time="10:00",
                 finish_time="11:00", topic="Aim")


def test_two_o_clock_to_half_three_without_am_or_pm_is_afternoon_and_named(blank: Path
                                                                           ) -> None:
    record = typed(blank, date="10/02/2026", start_time="2.00", finish_time="3.30")
    s = only(record)
    assert (s.start, s.finish, s.hours) == (T(14), T(15, 30), 1.5)  # never 02:00-03:30
    found = named(record)
    assert found["Start time"] == ['read "2.00" as 14:00; type 14:00 or 2pm to say so']
    assert found["Finish time"] == ['read "3.30" as 15:30; type 15:30 or 3:30pm to say so']


def test_a_range_without_am_or_pm_is_afternoon_and_named(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", start_time="2-3.30")
    assert (only(record).start, only(record).finish) == (T(14), T(15, 30))
    assert named(record) == {"Start time": [
        'read "2" as 14:00 and "3.30" as 15:30; type 14:00 or 2pm to say so']}


def test_a_range_in_finish_that_disagrees_with_start_is_named(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", start_time="09:00", finish_time="10:00-11:00")
    s = only(record)
    assert (s.start, s.finish, s.hours) == (T(9), T(11), 2.0)
    (message,) = named(record)["Finish time"]
    assert message.startswith('"10:00-11:00" is a range that does not start at the start time '
                              "09:00") and "check the times" in message


def test_a_range_in_start_that_disagrees_with_finish_is_named(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", start_time="14:00-15:00", finish_time="15:30")
    s = only(record)
    assert (s.start, s.finish) == (T(14), T(15, 30))
    (message,) = named(record)["Finish time"]
    assert 'Start time holds the range "14:00-15:00" but Finish time says 15:30' in message


@pytest.mark.parametrize(("start", "finish"), [("14,3", ""), ("14,30", "16,00"),
                                               ("2,30pm", "4pm")])
def test_digits_joined_by_a_comma_are_no_time_and_named(blank: Path, start: str,
                                                        finish: str) -> None:
    # "14,3" (a typo, or 14.30 made a number by LibreOffice in a decimal-comma locale) was
    # read as the range 14:00-15:00, silently; "16,00" as 16:00 to 00:00
    record = typed(blank, date="10/02/2026", start_time=start, finish_time=finish)
    assert only(record).start is None
    said = named(record)
    assert said["Start time"] == [f'"{start}" is not a time (e.g. 14:00 or 2pm)']
    if "," in finish:
        assert only(record).finish is None
        assert said["Finish time"] == [f'"{finish}" is not a time (e.g. 14:00 or 2pm)']


def test_a_time_that_is_no_time_gives_a_time_example_without_the_placeholder(
        blank: Path) -> None:
    record = typed(blank, date="10/02/2026", start_time="after lunch")
    assert named(record)["Start time"] == ['"after lunch" is not a time (e.g. 14:00 or 2pm)']


@pytest.mark.parametrize(("placeholder", "example"), [
    ("hh:mm", "e.g. 14:00 or 2pm"), ("", "e.g. 14:00 or 2pm"), ("e.g. 14:00", "e.g. 14:00 or 2pm"),
    ("e.g. 15:30", "e.g. 15:30 or 3:30pm"), ("e.g. 9:00", "e.g. 14:00 or 2pm"),
    ("Type the start time", "e.g. 14:00 or 2pm"),
])
def test_the_time_example_survives_any_placeholder(placeholder: str, example: str) -> None:
    field = dataclasses.replace(schema.RECORD_FIELD["start_time"], placeholder=placeholder)
    assert _time_example(field) == example


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["10/02/2026 and 17/02/2026", "10/02/2026\n17/02/2026",
                                  "10 February 2026, 17 February 2026"])
def test_two_dates_in_one_date_field_are_named_and_the_first_counted(blank: Path, text: str
                                                                     ) -> None:
    record = typed(blank, date=text, start_time="10:00", finish_time="11:00")
    assert only(record).date == D(2026, 2, 10)
    (message,) = named(record)["Date"]
    assert message == ("holds two dates: 10/02/2026 and 17/02/2026; the first, 10/02/2026, is "
                       "counted; one form per session: copy the form for the second")


def test_a_month_and_year_typed_in_a_date_field_is_no_day_of_it(blank: Path) -> None:
    # "March 2026" is not 20 March (the first digits of the year read as a day)
    record = typed(blank, date="March 2026", start_time="10:00", finish_time="11:00")
    assert only(record).date is None
    (message,) = named(record)["Date"]
    assert message.startswith('"March 2026" is not a date (day/month/year)')


@pytest.mark.parametrize(("typed_as", "day_month"), [("\u00be", (3, 4)), ("\u00bd", (1, 2)),
                                                  ("\u00bc by phone", (1, 4))])
def test_a_day_and_month_autocorrect_made_a_fraction_is_read_as_typed(
        blank: Path, typed_as: str, day_month: tuple[int, int]) -> None:
    # "3/4" typed, then a space: AutoCorrect makes it "¾", which was "not a date"
    record = typed(blank, date="10/02/2026", next_meeting=typed_as)
    meeting = only(record).next_meeting
    assert meeting is not None and (meeting.day, meeting.month) == day_month
    assert not any("is not a date" in m for m in named(record).get("Date of Next Meeting", []))


def test_two_dates_in_the_next_meeting_field_are_named(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", next_meeting="17/02/2026 or 24/02/2026")
    assert only(record).next_meeting == D(2026, 2, 17)
    (message,) = named(record)["Date of Next Meeting"]
    assert message.startswith("holds two dates: 17/02/2026 and 24/02/2026")


# The contract was made on conftest.TODAY (23 November 2026): a date typed without a year that
# would be over two months before it is next year's.
@pytest.mark.parametrize(("text", "date", "mode"), [
    ("held 03/04/2026", D(2026, 4, 3), ""),
    ("Tues 3rd March 2026", D(2026, 3, 3), ""),
    ("by phone 03/04/2026", D(2026, 4, 3), Mode.TELEPHONE),
    ("03/04/2026 Teams", D(2026, 4, 3), Mode.VIDEO),
    ("03/04/2026 F2F", D(2026, 4, 3), Mode.FACE_TO_FACE),
    ("03/04/2026 (email)", D(2026, 4, 3), Mode.EMAIL),
])
def test_words_around_a_date_read_the_date_and_the_mode(blank: Path, text: str, date: dt.date,
                                                        mode: str) -> None:
    record = typed(blank, date=text, topic="Run chart")
    s = only(record)
    assert (s.date, s.mode) == (date, mode)
    assert record.problems == ()


# A year docgen supplies is named when it may be wrong: another year than the contract's, or
# one the weekday typed chose (3 March 2027 is a Wednesday; 3 March 2026 was a Tuesday).
@pytest.mark.parametrize(("text", "date", "mode", "note"), [
    ("Tues 3rd March", D(2026, 3, 3), "", "no year typed: read as Tuesday 03/03/2026 (the year "
     "in which it is a Tuesday); type the year if that is wrong"),
    ("by phone 03/04", D(2027, 4, 3), Mode.TELEPHONE, "no year typed: read as Saturday "
     "03/04/2027; type the year if that is wrong"),
])
def test_a_year_docgen_chose_is_named(blank: Path, text: str, date: dt.date, mode: str,
                                      note: str) -> None:
    record = typed(blank, date=text, topic="Run chart")
    s = only(record)
    assert (s.date, s.mode) == (date, mode)
    assert named(record) == {"Date": [note]}


# --- status ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("comments", "status", "hours"), [
    ("Held – rearranged from 10/03", Status.HELD, 1.0),  # "held" is the point
    ("Rearranged from 10/03", Status.HELD, 1.0),  # this is the session moved here
    ("Nearly cancelled (snow) but went ahead", Status.HELD, 1.0),
    ("Cancelled – staff sick", Status.CANCELLED, 0.0),
    ("Rescheduled to 17/03", Status.RESCHEDULED, 0.0),
    ("Staff sick so the coach cancelled", Status.CANCELLED, 0.0),
    ("Not held - ward closed", Status.CANCELLED, 0.0),
    ("Good discussion of the run chart", Status.HELD, 1.0),
    # the team did not attend, as the NHS writes it: not a session held
    ("DNA", Status.CANCELLED, 0.0),
    ("DNA - rebooked for 17/03", Status.CANCELLED, 0.0),
    ("Team DNA'd again", Status.CANCELLED, 0.0),
    ("Team did not attend", Status.CANCELLED, 0.0),
    ("DNA rates reviewed", Status.HELD, 1.0),  # what was discussed
    ("Rebooked for 17/03", Status.RESCHEDULED, 0.0),
    ("Rebooked from 03/02", Status.HELD, 1.0),  # this is the session moved here
    # a Held answer typed in the comments
    ("No", Status.CANCELLED, 0.0),
    ("n.", Status.CANCELLED, 0.0),
    ("Yes", Status.HELD, 1.0),
    ("No issues, good session", Status.HELD, 1.0),
])
def test_a_plain_status_word_in_the_comments_decides(blank: Path, comments: str,
                                                     status: Status, hours: float) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    record = read_record(blank, blank.parent)
    s = only(record)
    assert (s.status, s.hours) == (status, hours)
    assert record.problems == ()


@pytest.mark.parametrize(("comments", "word", "first"), [
    ("Team may cancel if the ward is busy", "cancel", "Cancelled"),
    ("Wasn't cancelled after all", "cancelled", "Cancelled"),
    ("Next one might be rescheduled", "rescheduled", "Rescheduled"),
    # another word of the verb is what was discussed as often as not: never decides
    ("Cancellation rate down 20%", "Cancellation", "Cancelled"),
    ("Cancellation - staff sick", "Cancellation", "Cancelled"),
    ("Rearranging the clinic template: PDSA 2", "Rearranging", "Rescheduled"),
    ("Postponement letters audit discussed", "Postponement", "Rescheduled"),
])
def test_a_status_word_that_is_not_the_point_is_held_and_named(blank: Path, comments: str,
                                                               word: str, first: str) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    record = read_record(blank, blank.parent)
    assert only(record).status == Status.HELD
    (message,) = named(record, ROW)["Comments"]
    kind = first.lower()
    assert message == (f'comments mention "{word}" but do not plainly say the session was '
                       f'{kind}: counted as held; write "{first}" first if it was')


@pytest.mark.parametrize("topic", ["Cancellations and DNAs: run chart", "Cancellations audit",
                                   "Rescheduling outpatient clinics", "Postponements",
                                   "DNA rates in outpatients", "Did not attend letters"])
def test_a_topic_about_cancellations_is_what_was_discussed(blank: Path, topic: str) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", topic, ""))
    record = read_record(blank, blank.parent)
    assert (only(record).status, only(record).hours) == (Status.HELD, 1.0)
    assert record.problems == ()


@pytest.mark.parametrize(("topic", "status"), [("Cancelled - staff sick", Status.CANCELLED),
                                               ("Postponed (snow)", Status.RESCHEDULED),
                                               ("Re-scheduled", Status.RESCHEDULED),
                                               ("DNA", Status.CANCELLED),
                                               ("Did not attend - rebooked", Status.CANCELLED),
                                               ("Rebooked", Status.RESCHEDULED)])
def test_a_topic_that_says_what_became_of_the_session_decides(blank: Path, topic: str,
                                                              status: Status) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", topic, ""))
    record = read_record(blank, blank.parent)
    assert only(record).status == status and record.problems == ()


@pytest.mark.parametrize(("topic", "word", "kind"), [
    ("Cancelled clinics audit", "Cancelled", "cancelled"),  # a QI topic, about cancellations
    ("Cancelled appointments: DNA rates", "Cancelled", "cancelled"),
    ("Rescheduled outpatient slots", "Rescheduled", "rescheduled"),
    ("Postponed operations data", "Postponed", "rescheduled")])
def test_a_topic_starting_with_a_status_word_then_a_subject_counts_held_and_is_named(
        blank: Path, topic: str, word: str, kind: str) -> None:
    # before, a held session about cancelled clinics counted as cancelled, 0 hours, unnamed
    record = typed(blank, date="10/02/2026", start_time="10:00", finish_time="11:00",
                   topic=topic)
    assert (only(record).status, only(record).hours) == (Status.HELD, 1.0)
    assert named(record) == {"Topic/subject brought to coach": [
        f'the topic "{topic}" starts with "{word}", read as what was discussed, as the session '
        f"has times: counted as held; if the session was {kind}, type No in its Held field"]}
    answered = typed(blank, held="Yes")  # Held: Yes says it took place: nothing to name
    assert only(answered).status == Status.HELD and answered.problems == ()


@pytest.mark.parametrize(("topic", "status"), [("Cancelled clinics audit", Status.CANCELLED),
                                               ("Postponed operations data",
                                                Status.RESCHEDULED)])
def test_such_a_topic_without_times_says_what_became_of_the_session_and_is_named(
        blank: Path, topic: str, status: Status) -> None:
    # a table row has no times: "Cancelled staff sick" is likelier there than a QI topic
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", topic, ""))
    record = read_record(blank, blank.parent)
    assert (only(record).status, only(record).hours) == (status, 0.0)
    (message,) = named(record, ROW)["Topic"]
    assert message.endswith(f"read as what became of the session: counted as {status}; if it "
                            "is what was discussed and the session took place, write \"Held\" "
                            "in its Comments")
    answered = typed(blank, date="11/02/2026", topic=topic)  # a form without times either
    (form,) = [s for s in answered.sessions if s.where == FORM]
    assert form.status == status
    assert named(answered)["Topic/subject brought to coach"][0].endswith(
        "type Yes in its Held field")


@pytest.mark.parametrize("topic", ["Cancelled", "Cancelled by the team", "Cancelled due to snow",
                                   "Cancelled, rebooked for 3/4", "Rescheduled to 17/03",
                                   "Postponed until May", "CANCELLED"])
def test_a_topic_that_is_a_status_note_decides_without_a_word(blank: Path, topic: str) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", topic, ""))
    record = read_record(blank, blank.parent)
    assert only(record).status in (Status.CANCELLED, Status.RESCHEDULED)
    assert record.problems == ()


@pytest.mark.parametrize(("typed_next", "when", "doubt"), [
    ("10/02/2026", "before", "is the day, month or year right?"),
    ("10/03/2026", "the same day as", "is the day, month or year right?"),
    ("10/03/2062", "over a year after", "is the year right?")])
def test_a_next_meeting_not_after_its_session_or_a_year_on_is_named(
        blank: Path, typed_next: str, when: str, doubt: str) -> None:
    record = typed(blank, date="10/03/2026", start_time="10:00", finish_time="11:00",
                   next_meeting=typed_next)
    assert only(record).next_meeting == parse_date(typed_next)
    assert named(record)["Date of Next Meeting"] == [
        f"the next meeting ({typed_next}) is {when} the session's own date (10/03/2026): kept "
        f"as typed; {doubt}"]


def test_a_next_meeting_weeks_after_its_session_is_not_named(blank: Path) -> None:
    record = typed(blank, date="10/03/2026", next_meeting="07/04/2026")
    assert record.problems == ()


# --- mode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "mode"), [
    ("F2F", Mode.FACE_TO_FACE), ("in person", Mode.FACE_TO_FACE),
    ("On the ward", Mode.FACE_TO_FACE), ("Face-to-face", Mode.FACE_TO_FACE),
    ("telephone", Mode.TELEPHONE), ("Phone", Mode.TELEPHONE), ("by phone", Mode.TELEPHONE),
    ("Phone call", Mode.TELEPHONE), ("Call", Mode.TELEPHONE),
    ("Video", Mode.VIDEO), ("Teams", Mode.VIDEO), ("MS Teams", Mode.VIDEO),
    ("Teams call", Mode.VIDEO), ("Zoom", Mode.VIDEO), ("Near Me", Mode.VIDEO),
    ("Attend Anywhere", Mode.VIDEO), ("video call", Mode.VIDEO),
    ("e-mail", Mode.EMAIL), ("Email", Mode.EMAIL), ("by email", Mode.EMAIL),
])
def test_modes_as_people_type_them(blank: Path, text: str, mode: Mode) -> None:
    record = typed(blank, date="10/02/2026", mode=text, start_time="10:00", finish_time="11:00")
    assert only(record).mode == mode
    assert record.problems == ()


def test_a_topic_about_the_phone_is_no_mode(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", topic="Phone etiquette on the ward")
    assert only(record).mode == ""
    assert record.problems == ()


@pytest.mark.parametrize(("comments", "mode"), [
    ("Spoke by phone", Mode.TELEPHONE), ("Teams call with the ward", Mode.VIDEO),
    ("Met face to face", Mode.FACE_TO_FACE), ("via Near Me", Mode.VIDEO),
    ("Discussed phone etiquette", ""), ("Teams were keen", ""), ("by e-mail", Mode.EMAIL),
])
def test_mode_from_the_comments_only_where_plain(blank: Path, comments: str, mode: str
                                                 ) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    record = read_record(blank, blank.parent)
    assert only(record).mode == mode
    assert record.problems == ()


def test_comments_that_speak_of_two_modes_leave_it_blank_and_say_so(blank: Path) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts",
                                "Teams call failed, finished by phone"))
    record = read_record(blank, blank.parent)
    assert only(record).mode == ""
    (message,) = named(record, ROW)["Comments"]
    assert message == ('comments speak of more than one mode ("Teams call" and "by phone"): the '
                       "mode is left blank; type it in Mode")


def test_date_words_against_the_mode_field_are_named(blank: Path) -> None:
    record = typed(blank, date="by phone 10/02/2026", mode="Teams")
    assert only(record).mode == Mode.VIDEO
    (message,) = named(record)["Mode"]
    assert message == ('the date field says "by phone" but Mode says Video: Video is kept; '
                       "correct whichever is wrong")


def test_a_mode_not_recognised_is_named(blank: Path) -> None:
    record = typed(blank, date="10/02/2026", mode="carrier pigeon")
    assert only(record).mode == ""
    (message,) = named(record)["Mode"]
    assert message.startswith('"carrier pigeon" is not a mode')


# --- never silent, never a crash: the readers of status and mode on any text -----------------

_STATUS_TEXT = st.lists(st.sampled_from(
    ["cancelled", "Cancelled", "rescheduled", "held", "went ahead", "nearly", "not", "may",
     "DNA", "did not attend", "rebooked",
     "staff sick", "snow", "but", "-", "–", ",", "moved to 17/03", "the", "team", "phone"]),
    max_size=8).map(" ".join)


@given(st.one_of(st.text(max_size=60), _STATUS_TEXT), st.text(max_size=20))
def test_a_status_is_plain_or_its_doubt_is_named(comments: str, topic: str) -> None:
    status, doubt, _said = _status_reading(comments, topic)
    assert status in set(Status)
    if doubt:  # a doubt leaves the session held, and tells the coach what to write
        assert status == Status.HELD and "counted as held" in doubt
    if re.fullmatch(r"\W*(?:yes|y|no|n)\W*", comments, re.IGNORECASE):
        assert doubt == ""  # a Held answer typed in the comments: it decides
    elif not re.search(r"cancel|re-?schedul|re-?arrang|re-?book|postpon|moved|called off"
                     r"|no.show|did|attend|dna|off\s+sick|unwell|leave|snow|strike|industrial"
                     r"|holiday|closed|no\s*one|nobody"
                     r"|(?:not|never|wasn.t)\s+(?:held|happened)",
                     comments + topic, re.IGNORECASE):
        assert (status, doubt) == (Status.HELD, "")  # no status word: held, nothing to say


@given(st.text(max_size=60), st.booleans())
def test_modes_in_any_text_are_modes(text: str, prose: bool) -> None:
    assert all(mode in set(Mode) and word for mode, word in _modes_in(text, prose))
    assert _mode(text) in {*Mode, None}


@pytest.mark.parametrize(("comments", "hours"), [("1.5 hrs", 1.5), ("90 mins by phone", 1.5),
                                                 ("Ran over: 1h30", 1.5), ("2 hours", 2.0)])
def test_a_length_typed_in_a_table_rows_comments_is_named(blank: Path, comments: str,
                                                          hours: float) -> None:
    """A table row counts the contract's session length: a length in its comments that is
    not that would be shown there and counted otherwise, without a word."""
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    record = read_record(blank, blank.parent)
    assert only(record).hours == 1.0
    (message,) = named(record, ROW)["Comments"]
    assert message.startswith("the comments say \"")
    assert message.endswith(f"if the session took {format_hours(hours)} hours, record it in "
                            "a Record of Coaching form with its start and finish times")


@pytest.mark.parametrize("comments", ["1 hour", "60 mins", "Rebooked with 24 hours' notice",
                                      "Within 48 hours of admission"])
def test_the_session_length_or_no_session_s_length_in_comments_is_not_named(
        blank: Path, comments: str) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    record = read_record(blank, blank.parent)
    assert "Comments" not in named(record, ROW)


@pytest.mark.parametrize(("field", "text", "day"), [
    ("issues", "Also met on 24/02/2026 by phone for 30 mins", D(2026, 2, 24)),
    ("action", "Phoned Priya 17/02 re data. Priya to pull 12 months", D(2026, 2, 17)),
])
def test_a_contact_told_in_a_forms_notes_is_named(blank: Path, field: str, text: str,
                                                  day: dt.date) -> None:
    """Another day's meeting or call written into a session's notes is counted as no session:
    named, with where to record it (a date without a year takes the session's year)."""
    record = typed(blank, date="10/02/2026", topic="Charts", **{field: text})
    assert only(record).date == D(2026, 2, 10)
    label = {"issues": "Issues Arising", "action": "Action"}[field]
    (message,) = named(record)[label]
    assert message.startswith(f"tells of a contact on {day:%d/%m/%Y} (\"")
    assert message.endswith("if it took place, record it in a Record of Coaching form of its "
                            "own (copy a form), with its date and times")


@pytest.mark.parametrize("comments", ["Met 10/02 as planned", "Spoke to the ward manager; data "
                                      "due by 24/02", "Next call booked for 17/02",
                                      "Will meet 03/03", "Called the team"])
def test_the_sessions_own_day_plans_and_deadlines_in_notes_are_not_named(
        blank: Path, comments: str) -> None:
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    assert "Comments" not in named(read_record(blank, blank.parent), ROW)


@pytest.mark.parametrize(("comments", "said"), [("Email", False), ("By e-mail", False),
                                                ("email coaching", False),
                                                ("Discussed aims; emailed slides after", True)])
def test_a_row_made_an_email_contact_by_its_comments_is_named_unless_plain(
        blank: Path, comments: str, said: bool) -> None:
    """A table row's comments that speak of e-mail make it an e-mail contact, with no hours:
    plain ("Email", "By e-mail") nothing is said; beside other words it is named, as a
    meeting followed by an e-mail would otherwise count no hours without a word."""
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    record = read_record(blank, blank.parent)
    assert (only(record).mode, only(record).hours) == (Mode.EMAIL, 0.0)
    notes = named(record, ROW).get("Comments", [])
    assert bool(notes) is said
    if said:
        assert "counted as an e-mail contact, with no hours" in notes[0]


def test_times_typed_in_a_table_rows_date_are_named_with_the_way_to_count_them(
        blank: Path) -> None:
    """A row has no times: "14:00-15:30" beside its date is not read, and the row counts the
    contract's session length; the way out is a form, not moving the times to Comments."""
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026 14:00-15:30", "Charts", ""))
    record = read_record(blank, blank.parent)
    assert (only(record).date, only(record).hours) == (D(2026, 2, 10), 1.0)
    (message,) = named(record, ROW)[schema.COACHING_RECORD_HEADER[1]]
    assert message == ('"14:00-15:30" is not read: a table row has no times and counts the '
                       "contract's session length, 1 hour; to count the session's own times, "
                       "record it in a Record of Coaching form, with its start and finish "
                       "times")


@pytest.mark.parametrize(("comments", "word"), [("Team off sick", "off sick"), ("Snow", "Snow"),
                                                ("Ward closed (norovirus)", "Ward closed"),
                                                ("Strike day", "Strike"),
                                                ("Nobody came", "Nobody came")])
def test_a_reason_a_session_does_not_take_place_is_named(blank: Path, comments: str,
                                                         word: str) -> None:
    """Comments that give a reason a session does not take place, without saying it did not,
    leave it held, and are named: "Team off sick" counted an hour without a word."""
    coach.add_table_row(blank, ("Sam Coach", "10/02/2026", "Charts", comments))
    record = read_record(blank, blank.parent)
    assert (only(record).status, only(record).hours) == (Status.HELD, 1.0)
    assert named(record, ROW)["Comments"] == [
        f'comments mention "{word}", which may mean the session did not take place: counted '
        'as held; write "Cancelled" first if it did not']


@pytest.mark.parametrize(("field", "text", "label"), [
    ("issues", "Cancelled - staff sick", "Issues Arising"),
    ("action", "Session cancelled, rebook", "Action"),
    ("issues", "DNA", "Issues Arising"),
    ("issues", "Team off sick", "Issues Arising"),
    ("mode", "Cancelled", "Mode"),
    ("topic", "N/A - cancelled", "Topic/subject brought to coach"),
    ("team_members", "None - cancelled", "Team members"),
])
def test_a_form_whose_notes_say_it_did_not_take_place_is_named_until_held_answers(
        blank: Path, field: str, text: str, label: str) -> None:
    """A form has no Comments: "Cancelled - staff sick" written in Issues Arising, with Held
    unanswered, counted an hour held without a word. Named; Held: No then decides."""
    record = typed(blank, date="10/02/2026", start_time="14:00", finish_time="15:00",
                   **{field: text})
    assert only(record).status == Status.HELD
    message = named(record)[label][-1]  # "Cancelled" in Mode is also no mode
    assert message.startswith(f'says "{text}", which may mean the session ')
    assert message.endswith("type No in Held if it did not take place, Yes if it did")
    answered = typed(blank, held="No", **{field: text})
    assert only(answered).status == Status.CANCELLED
    assert not [m for m in named(answered).get(label, []) if m.startswith("says")]


@pytest.mark.parametrize(("day", "next_typed", "expected", "said"), [
    ("10/02/2026", "10/03", D(2026, 3, 10), False),
    ("10/11/2026", "08/01", D(2027, 1, 8), True),  # the new year: its year named
])
def test_a_next_meeting_without_a_year_follows_its_session(blank: Path, day: str,
                                                           next_typed: str,
                                                           expected: dt.date, said: bool) -> None:
    """A next meeting typed without a year takes the year that puts it after its session,
    whenever the contract was made (it took the year after the day it was made, and was
    then named as over a year after its session)."""
    record = typed(blank, date=day, topic="Charts", next_meeting=next_typed)
    assert only(record).next_meeting == expected
    notes = named(record).get("Date of Next Meeting", [])
    assert [n.startswith("no year typed") for n in notes] == ([True] if said else [])
