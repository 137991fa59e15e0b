"""The log's figures: sessions merged, teams against the minimum, coaches, the ICF log."""

from __future__ import annotations

import datetime as dt

from docgen import schema
from docgen.errors import Problem
from docgen.log.summary import summarise
from docgen.models import Record, RecordedSession, RecordSettings

TODAY = dt.date(2026, 6, 30)
D = dt.date


def form(day: dt.date | None, start: tuple[int, int] | None = (14, 0),
         finish: tuple[int, int] | None = (15, 0), n: int = 1, **kw) -> RecordedSession:
    s = dt.time(*start) if start else None
    f = dt.time(*finish) if finish else None
    hours = kw.pop("hours", None)
    if hours is None:
        hours = (f.hour - s.hour + (f.minute - s.minute) / 60) if s and f else 1.0
    return RecordedSession(
        source=kw.pop("source", "t01.docx"), team_id=kw.pop("team_id", "T01"), date=day,
        start=s, finish=f, hours=hours, hours_assumed=not (s and f), origin="form",
        where=f"Record of Coaching form {n}", **kw)


def row(day: dt.date | None, n: int = 1, **kw) -> RecordedSession:
    email = kw.get("mode") == "Email"
    status = kw.get("status", "held")
    hours = 0.0 if email or status != "held" else 1.0
    return RecordedSession(
        source=kw.pop("source", "t01.docx"), team_id=kw.pop("team_id", "T01"), date=day,
        hours=hours, hours_assumed=hours > 0, origin="table", where=f"COACHING RECORD row {n}",
        **kw)


def record(*sessions: RecordedSession, team_id: str = "T01", name: str = "Ward 5",
           source: str = "t01.docx", coaches: tuple[str, ...] = ("Jane Smith",),
           members: tuple[str, ...] = ("Anna Brown", "Ben Cole"),
           settings: RecordSettings | None = None, **kw) -> Record:
    return Record(source=source, kind=schema.KIND_CONTRACT, team_id=team_id, team_name=name,
                      organisation="NHS Lothian", coaches=coaches,
                      settings=settings or RecordSettings(), sessions=sessions,
                      members=members, **kw)


def test_a_form_and_a_table_row_of_the_same_date_are_one_session() -> None:
    data = summarise([record(
        form(D(2026, 4, 3), (14, 0), (15, 30), topic="Driver diagram", coach="Jane Smith"),
        row(D(2026, 4, 3), coach="Jane Smith", topic="Driver diagram (DD)",
            comments="Room changed"),
        row(D(2026, 4, 10), n=2, coach="Jane Smith", topic="Charts"),
    )], [], TODAY)
    first, second = data.sessions
    assert (first.date, first.hours, first.topic, first.comments, first.hours_from) == (
        D(2026, 4, 3), 1.5, "Driver diagram", "Room changed", "start and finish times")
    assert first.where == "Record of Coaching form 1; COACHING RECORD row 1"
    assert (second.hours, second.hours_from) == (1.0, "assumed: the contract's session length")
    (team,) = data.teams
    assert (team.sessions_held, team.hours) == (2, 2.5)


def test_a_value_the_form_and_its_row_give_differently_is_named_not_dropped() -> None:
    data = summarise([record(
        form(D(2026, 4, 3), topic="Driver diagram", coach="Jane Smith", comments="ok"),
        row(D(2026, 4, 3), coach="jane  smith", topic="Spread plan", comments="OK"),
    )], [], TODAY)
    (session,) = data.sessions
    assert session.topic == "Driver diagram"
    assert [(p.sheet, p.message) for p in data.problems] == [(
        "COACHING RECORD row 1", 'the Topic of 03/04/2026 is "Driver diagram" in Record of '
        'Coaching form 1 but "Spread plan" in COACHING RECORD row 1: the form\'s is logged; if '
        "the row's is right (or both are), put it in the form")]


def test_a_cancellation_noted_in_the_table_wins_over_a_planned_form() -> None:
    data = summarise([record(form(D(2026, 5, 8), None, None, topic="PDSA"),
                             row(D(2026, 5, 8), comments="Cancelled by team",
                                 status="cancelled"))], [], TODAY)
    (s,) = data.sessions
    assert (s.status, s.hours, s.topic, s.comments) == (
        "cancelled", None, "PDSA", "Cancelled by team")
    (team,) = data.teams
    assert (team.sessions_held, team.sessions_cancelled, team.hours) == (0, 1, 0)


def test_an_email_row_makes_an_untimed_form_an_email_contact() -> None:
    data = summarise([record(form(D(2026, 5, 1), None, None, topic="PDSA"),
                             row(D(2026, 5, 1), mode="Email"))], [], TODAY)
    (s,) = data.sessions
    assert (s.mode, s.hours, s.hours_from) == ("Email", 0.0, "email without times: 0 hours")
    (team,) = data.teams
    assert (team.sessions_held, team.email_contacts, team.hours) == (0, 1, 0)
    assert team.last_session == D(2026, 5, 1)  # an e-mail is still a contact


def test_team_figures_against_the_minimum() -> None:
    sessions = [form(D(2026, 4, 1), (9, 0), (10, 0), n=1, next_meeting=D(2026, 5, 1)),
                form(D(2026, 5, 1), (9, 0), (11, 0), n=2, next_meeting=D(2026, 7, 15)),
                row(D(2026, 5, 20), n=1, comments="Rescheduled by coach", status="rescheduled"),
                row(D(2026, 6, 2), n=2),
                row(D(2026, 6, 10), n=3, mode="Email"),
                row(D(2026, 8, 1), n=4)]  # after today: planned
    data = summarise([record(*sessions)], [], TODAY)
    (t,) = data.teams
    assert (t.team_id, t.team_name, t.organisation, t.coaches) == (
        "T01", "Ward 5", "NHS Lothian", "Jane Smith")
    assert (t.sessions_held, t.email_contacts, t.hours, t.minimum_hours) == (3, 1, 4.0, 5.0)
    assert (t.met, t.hours_needed, t.sessions_cancelled) == (False, 1.0, 1)
    assert (t.first_session, t.last_session) == (D(2026, 4, 1), D(2026, 6, 10))
    assert t.next_meeting == D(2026, 7, 15)
    assert (t.review_after, t.review_due) == (4, False)
    assert t.days_since_contact == 20
    assert t.sources == "t01.docx"
    planned = [s for s in data.sessions if s.status == "planned"]
    assert [(s.date, s.hours) for s in planned] == [(D(2026, 8, 1), None)]

    more = summarise([record(*sessions, form(D(2026, 6, 20), (9, 0), (10, 0), n=3))], [],
                     TODAY)
    (t,) = more.teams
    assert (t.hours, t.met, t.hours_needed, t.review_due) == (5.0, True, 0.0, True)


def test_a_team_without_sessions_is_listed_as_behind() -> None:
    data = summarise([record()], [], TODAY)
    (t,) = data.teams
    assert (t.sessions_held, t.hours, t.met, t.hours_needed, t.days_since_contact) == (
        0, 0, False, 5.0, None)
    assert data.sessions == ()
    (coach,) = data.coaches
    assert (coach.coach, coach.teams, coach.sessions_held, coach.hours) == (
        "Jane Smith", 1, 0, 0)


def test_coaches_are_matched_by_name_and_share_sessions() -> None:
    a = record(form(D(2026, 4, 1), coach="Dr Jane Smith; Tom Reid"),
               form(D(2026, 4, 8), n=2, coach="jane smith"),
               coaches=("Jane Smith", "Tom Reid"))
    b = record(row(D(2026, 4, 2), team_id="T02", source="t02.docx", coach="Sara Khan"),
               team_id="T02", name="Theatres", source="t02.docx", coaches=("Sara Khan",))
    data = summarise([a, b], [], TODAY)
    got = {c.coach: (c.teams, c.team_names, c.sessions_held, c.hours, c.last_contact)
           for c in data.coaches}
    assert got == {
        "Dr Jane Smith": (1, "Ward 5", 2, 2.0, D(2026, 4, 8)),
        "Sara Khan": (1, "Theatres", 1, 1.0, D(2026, 4, 2)),
        "Tom Reid": (1, "Ward 5", 1, 1.0, D(2026, 4, 1)),
    }


def test_a_session_credited_to_two_coaches_is_said_with_the_hours_counted_twice() -> None:
    """Co-coached sessions count in full for each coach, so the coaches' hours add up to more
    than the cohort's: the log says by how much, not leaving a manager to find it."""
    a = record(form(D(2026, 4, 1), (14, 0), (15, 30), coach="Jane Smith; Tom Reid"),
               form(D(2026, 4, 8), n=2, coach="Jane Smith"),
               form(D(2026, 4, 15), n=3, coach=""),  # blank: the team's two coaches
               coaches=("Jane Smith", "Tom Reid"))
    data = summarise([a], [], TODAY)
    hours = {c.coach: c.hours for c in data.coaches}
    assert hours == {"Jane Smith": 3.5, "Tom Reid": 2.5}
    assert sum(t.hours for t in data.teams) == 3.5
    (note,) = [n for n in data.notes if "more than one coach" in n]
    assert note.startswith("2 held sessions (2.5 h) name more than one coach")
    assert "add up to 2.5 h more than the cohort's hours" in note
    one = summarise([record(form(D(2026, 4, 8), coach="Jane Smith"),
                            coaches=("Jane Smith", "Tom Reid"))], [], TODAY)
    assert not [n for n in one.notes if "more than one coach" in n]


def test_every_coach_of_the_cohort_is_on_the_coaches_sheet_returned_or_not() -> None:
    """With the cohort, a coach whose teams returned nothing is still listed, with the
    cohort's teams, as the Summary's By coach lists them."""
    from docgen.models import ExpectedTeam, Frame
    frame = Frame(source="cohort.xlsx", teams=(
        ExpectedTeam("T01", "Ward 5", coaches=("Jane Smith",)),
        ExpectedTeam("T02", "Theatres", coaches=("Sara Khan", "Jane Smith")),
        ExpectedTeam("T03", "Clinic", coaches=("Sara Khan",))))
    data = summarise([record(form(D(2026, 4, 1), coach="Jane Smith"))], [], TODAY, frame)
    got = {c.coach: (c.teams, c.team_names, c.sessions_held, c.hours) for c in data.coaches}
    assert got == {"Jane Smith": (2, "Ward 5; Theatres", 1, 1.0),
                   "Sara Khan": (2, "Theatres; Clinic", 0, 0.0)}


def test_icf_rows_one_per_team_and_coach_paid_or_pro_bono() -> None:
    paid = record(form(D(2026, 4, 1), (9, 0), (10, 30)), form(D(2026, 5, 6), n=2),
                  row(D(2026, 5, 20), comments="cancelled", status="cancelled"))
    unpaid = record(form(D(2026, 4, 2), team_id="T02", source="t02.docx", coach="Tom Reid"),
                    team_id="T02", name="Theatres", source="t02.docx", members=("Dev Patel",),
                    settings=RecordSettings(coaching_paid=False), coaches=("Tom Reid",))
    nobody = record(form(D(2026, 4, 3), team_id="T03", source="t03.docx"), team_id="T03",
                    name="Discharge", source="t03.docx", members=())
    data = summarise([paid, unpaid, nobody], [], TODAY)
    got = [(r.coach, r.client, r.contact, r.individual_or_group, r.number_in_group,
            r.start_date, r.end_date, r.paid_hours, r.pro_bono_hours) for r in data.icf]
    assert got == [
        ("Jane Smith", "Discharge, NHS Lothian", "", "", None, D(2026, 4, 3), D(2026, 4, 3),
         1.0, 0.0),
        ("Jane Smith", "Ward 5, NHS Lothian", "Anna Brown; Ben Cole", "Group", 2,
         D(2026, 4, 1), D(2026, 5, 6), 2.5, 0.0),
        ("Tom Reid", "Theatres, NHS Lothian", "Dev Patel", "Individual", 1, D(2026, 4, 2),
         D(2026, 4, 2), 0.0, 1.0),
    ]


def test_problems_and_other_kinds_of_record() -> None:
    bad = Problem("is not an Office document (not a zip package)", file="broken.docx")
    agreement = Record(source="pair.docx", kind=schema.KIND_AGREEMENT)
    letter = Record(source="letter.docx", kind="",
                    problems=(Problem("holds no Record of Coaching form", file="letter.docx"),))
    data = summarise([record(form(D(2026, 4, 1))), agreement, letter], [bad], TODAY)
    assert [p.file for p in data.problems] == ["broken.docx", "letter.docx"]
    assert [t.team_id for t in data.teams] == ["T01"]
    assert data.files == 3 and data.today == TODAY


def test_two_files_of_one_team_count_a_session_once_and_say_so() -> None:
    a = record(form(D(2026, 4, 1), topic="Charts"), row(D(2026, 4, 1)))
    b = record(form(D(2026, 4, 1), topic="Charts", source="copy.docx"),
               form(D(2026, 4, 15), n=2, source="copy.docx"), source="copy.docx")
    data = summarise([a, b], [], TODAY)
    assert [(s.date, s.source) for s in data.sessions] == [
        (D(2026, 4, 1), "t01.docx; copy.docx"), (D(2026, 4, 15), "copy.docx")]
    (team,) = data.teams
    assert (team.sessions_held, team.hours, team.sources) == (2, 2.0, "copy.docx; t01.docx")
    messages = [p.message for p in data.problems]
    assert any("another record of team T01" in m for m in messages)
    assert any("counted once" in m and p.file == "copy.docx"
               for m, p in zip(messages, data.problems, strict=True))


def test_undated_sessions_are_kept_and_sorted_last() -> None:
    data = summarise([record(form(None, n=2, topic="undated"), form(D(2026, 4, 1)))], [], TODAY)
    assert [s.date for s in data.sessions] == [D(2026, 4, 1), None]
    (team,) = data.teams
    assert team.sessions_held == 2 and team.last_session == D(2026, 4, 1)


def test_statuses_and_modes_are_the_schema_enums_whether_read_or_typed_as_text() -> None:
    enums = record(
        form(D(2026, 4, 3), status=schema.Status.HELD, mode=schema.Mode.VIDEO),
        row(D(2026, 4, 10), n=1, mode=schema.Mode.EMAIL),
        row(D(2026, 4, 17), n=2, status=schema.Status.CANCELLED, comments="cancelled"),
        form(D(2026, 8, 1), n=2),
    )
    texts = record(
        form(D(2026, 4, 3), status="held", mode="Video"),
        row(D(2026, 4, 10), n=1, mode="Email"),
        row(D(2026, 4, 17), n=2, status="cancelled", comments="cancelled"),
        form(D(2026, 8, 1), n=2),
    )
    by_enum, by_text = summarise([enums], [], TODAY), summarise([texts], [], TODAY)
    assert by_enum == by_text
    assert [s.status for s in by_enum.sessions] == [
        schema.Status.HELD, schema.Status.HELD, schema.Status.CANCELLED, schema.Status.PLANNED]
    (t,) = by_enum.teams
    assert (t.sessions_held, t.email_contacts, t.sessions_cancelled) == (1, 1, 1)


def test_a_text_too_long_for_an_excel_cell_is_named() -> None:
    long = "word " * 8_000  # 40,000 characters: Excel holds 32,767 in a cell
    data = summarise([record(form(D(2026, 4, 3), comments=long, topic="Charts"))], [], TODAY)
    assert data.sessions[0].comments == long  # the log's writer cuts it short
    assert [(p.file, p.sheet, p.message) for p in data.problems] == [(
        "t01.docx", "Record of Coaching form 1",
        "the Comments of the session of 03/04/2026 is 40,000 characters long; an Excel cell "
        "holds 32,767, so the log shows its beginning and '…': the whole text is still in the "
        "record; shorten it there, or keep the rest in a document of its own")]


def test_a_text_taller_than_a_row_of_the_sessions_sheet_is_named() -> None:
    fits = "x" * 35 + "\n" + "y" * 900  # 1 + 25 lines of 36 characters: shown whole
    tall = "\n".join(["a line"] * 28)  # 28 lines, 195 characters: a row shows 27
    data = summarise([record(form(D(2026, 4, 3), issues=fits, action=tall))], [], TODAY)
    assert [(p.sheet, p.message) for p in data.problems] == [(
        "Record of Coaching form 1",
        "the Action of the session of 03/04/2026 takes about 28 lines in the Sessions sheet, "
        "more than its tallest row shows (about 27): on screen and in the PDF its end may be "
        "cut; the whole text is in the cell (select it to read it in Excel's formula bar) and "
        "in the record")]


def test_a_line_longer_than_the_tallest_row_holds_is_named_from_its_first_character_over(
        ) -> None:
    at_most = "x" * (36 * 27)  # one line, wrapped at 36: 27 lines, as many as a row shows
    over = "y" * (36 * 27 + 1)  # 28 lines
    data = summarise([record(form(D(2026, 4, 3), topic=at_most, issues=over))], [], TODAY)
    assert [p.message.split(" takes ")[0] for p in data.problems] == [
        "the Issues arising of the session of 03/04/2026"]


def test_a_session_dated_over_a_year_ahead_is_named_not_quietly_planned() -> None:
    """A coach types 03/06/2062 for 03/06/2026 and Held: Yes: the session is after today, so
    it is planned and not counted, and the mistyped year is named. One a few months ahead is
    a planned session, as ever, without a word."""
    data = summarise([record(
        form(D(2062, 6, 3), topic="Run chart"),
        form(D(2026, 9, 1), n=2, topic="Next steps"),
    )], [], TODAY)
    assert [(s.date, s.hours_from) for s in data.sessions] == [
        (D(2026, 9, 1), "planned: not counted yet"), (D(2062, 6, 3), "planned: not counted yet")]
    assert [(p.file, p.sheet, p.message) for p in data.problems] == [(
        "t01.docx", "Record of Coaching form 1",
        "the session dated 03/06/2062 is over a year after today (30/06/2026), so it is listed "
        "as planned and not counted: if it took place, correct its date (is the year right?)")]


# --- a form and the table row of its date that disagree on whether it took place -------------

YES, NO = {"status": "held", "said": "Held field"}, {"status": "cancelled", "said": "Held field"}


def _said(*sessions: RecordedSession) -> tuple[list[tuple[str, float | None]], list[str]]:
    data = summarise([record(*sessions)], [], TODAY)
    return ([(s.status, s.hours) for s in data.sessions],
            [f"{p.sheet}: {p.message}" for p in data.problems])


def test_a_yes_against_a_row_the_coach_marked_cancelled_is_named() -> None:
    sessions, said = _said(form(D(2026, 3, 10), **YES),
                           row(D(2026, 3, 10), comments="Cancelled - staff sick",
                               status="cancelled", said="comments"))
    assert sessions == [("cancelled", None)]
    assert said == [
        "Record of Coaching form 1: Record of Coaching form 1 and COACHING RECORD row 1 "
        "disagree on whether the session of 10/03/2026 took place: the form says Yes in its "
        'Held field, the row says cancelled in its comments ("Cancelled - staff sick"); '
        "counted as cancelled: type Yes in the form's Held field and correct the row if it "
        "took place"]


def test_a_yes_against_the_row_docgen_prefilled_counts_the_form() -> None:
    # the cohort said the session moved; the coach's form says it took place, with times
    sessions, said = _said(form(D(2026, 4, 28), (15, 0), (16, 0), **YES),
                           row(D(2026, 4, 28), comments="Rescheduled by coach to 14/05/2026",
                               status="rescheduled"))
    assert sessions == [("held", 1.0)]
    assert said == [
        "Record of Coaching form 1: Record of Coaching form 1 and COACHING RECORD row 1 "
        "disagree on whether the session of 28/04/2026 took place: the form says Yes in its "
        "Held field, the row says rescheduled, as docgen pre-filled it from the cohort "
        '("Rescheduled by coach to 14/05/2026"); counted as held: type No in the form\'s Held '
        "field if it did not take place, or correct the row"]


def test_a_no_against_a_row_that_says_held_is_named() -> None:
    sessions, said = _said(form(D(2026, 3, 10), **NO),
                           row(D(2026, 3, 10), comments="Held", said="comments"))
    assert sessions == [("cancelled", None)]
    assert len(said) == 1 and "the form says No in its Held field, the row says held in its " \
        'comments ("Held"); counted as cancelled' in said[0]


def test_a_form_typed_without_an_answer_against_a_cancelled_row_is_named() -> None:
    sessions, said = _said(form(D(2026, 3, 10), topic="PDSA"),
                           row(D(2026, 3, 10), comments="Cancelled", status="cancelled",
                               said="comments"))
    assert sessions == [("cancelled", None)]
    assert len(said) == 1 and "the form says held (it has times or notes, and no Held " \
        'answer), the row says cancelled in its comments ("Cancelled")' in said[0]


def test_forms_and_rows_that_agree_name_nothing() -> None:
    # No, and the row says it moved: rescheduled, the more telling of the two
    assert _said(form(D(2026, 3, 10), **NO),
                 row(D(2026, 3, 10), comments="Rescheduled to 17/03", status="rescheduled",
                     said="comments")) == ([("rescheduled", None)], [])
    # No, and a row that says nothing of the status
    assert _said(form(D(2026, 3, 10), **NO), row(D(2026, 3, 10), comments="Ward busy")) == (
        [("cancelled", None)], [])
    assert _said(form(D(2026, 3, 10), **YES), row(D(2026, 3, 10), comments="Held",
                                                   said="comments")) == ([("held", 1.0)], [])


def test_a_yes_on_a_date_still_to_come_is_named() -> None:
    sessions, said = _said(form(D(2026, 7, 20), **YES), form(D(2026, 7, 21), n=2))
    assert sessions == [("planned", None), ("planned", None)]
    assert said == [
        "Record of Coaching form 1: says Yes in its Held field, but its date, 20/07/2026, is "
        "after today (30/06/2026): listed as planned, not counted; if it took place, correct "
        "its date"]


# --- two documents of one team: a contract made again beside the coach's copy ------------------

def _two_documents(newer: RecordedSession, older: RecordedSession
                   ) -> tuple[list[tuple[str, float | None, str]], list[str]]:
    at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    data = summarise([
        record(newer, source="new.docx", document_id="made-again", saved=at),
        record(older, source="coach.docx", document_id="first-made",
               saved=at - dt.timedelta(days=30)),
    ], [], TODAY)
    return ([(s.status, s.hours, s.source) for s in data.sessions],
            [f"{p.file}: {p.message}" for p in data.problems if "is another record" not in
             p.message])


def test_the_coachs_yes_in_another_document_wins_over_docgens_prefill() -> None:
    # the newer contract, made again after the cohort changed, holds the session pre-filled;
    # the coach's copy beside it says it took place, and ended later than planned
    sessions, said = _two_documents(
        form(D(2026, 2, 10), source="new.docx", status="planned, not confirmed"),
        form(D(2026, 2, 10), (14, 0), (15, 30), source="coach.docx", **YES))
    assert sessions == [("held", 1.5, "coach.docx; new.docx")]
    assert said == [
        "new.docx: still holds the session of team T01 on 10/02/2026 as docgen pre-filled it, "
        "which coach.docx confirms or corrects: coach.docx's values kept"]


def test_two_documents_that_disagree_on_a_session_are_named() -> None:
    sessions, said = _two_documents(form(D(2026, 2, 10), source="new.docx", **NO),
                                    form(D(2026, 2, 10), source="coach.docx", **YES))
    assert sessions == [("cancelled", None, "new.docx; coach.docx")]
    assert said == [
        "coach.docx: says the session of team T01 on 10/02/2026 was held, but new.docx says "
        "it was cancelled: counted as cancelled, from new.docx; correct the record that is "
        "wrong"]


def test_a_summary_that_lets_go_of_the_records_sessions_is_the_same() -> None:
    """docgen log lets each record's sessions go once its team's are summarised (consume):
    the summary is the one made from records left whole."""
    def records() -> list[Record]:
        return [record(form(D(2026, 4, 1), topic="Charts"), row(D(2026, 4, 1)),
                       row(D(2026, 4, 8), n=2)),
                record(form(D(2026, 4, 1), topic="Charts", source="copy.docx"),
                       form(D(2026, 4, 15), n=2, source="copy.docx"), source="copy.docx"),
                record(form(D(2026, 5, 1)), team_id="T02", source="t02.docx"),
                record(form(D(2026, 6, 1), status="planned, not confirmed"), team_id="T03",
                       source="t03.docx")]

    kept = summarise(records(), [], TODAY)
    read = records()
    assert summarise(read, [], TODAY, consume=True) == kept
    assert all(r.sessions == () for r in read)


# --- one session typed with a date in its form and another in its table row --------------------

def test_a_form_and_a_row_of_one_topic_dated_apart_are_named_both_counted() -> None:
    data = summarise([record(
        form(D(2026, 2, 10), topic="Agreeing the aim", **YES),
        row(D(2026, 2, 11), topic="agreeing  the aim"),
    )], [], TODAY)
    assert [(s.date, s.hours) for s in data.sessions] == [(D(2026, 2, 10), 1.0),
                                                           (D(2026, 2, 11), 1.0)]
    assert [(p.sheet, p.column, p.message) for p in data.problems] == [(
        "COACHING RECORD row 1", "Date of coaching, includes email coaching",
        'has the topic "agreeing  the aim" of Record of Coaching form 1, but the date '
        "11/02/2026 where the form has 10/02/2026: both are counted as sessions held; if they "
        "are one session, correct the date in the form or in the row, so that both give the "
        "day it took place; if they are two, nothing is wrong")]


def test_a_topic_repeated_by_sessions_each_in_form_and_row_is_not_named() -> None:
    data = summarise([record(
        form(D(2026, 2, 10), topic="Run chart", n=1), row(D(2026, 2, 10), topic="Run chart"),
        form(D(2026, 3, 10), topic="Run chart", n=2),
        row(D(2026, 3, 10), n=2, topic="Run chart"),
        row(D(2026, 4, 10), n=3, topic="Something else"),
        form(D(2026, 5, 10), topic="Spread", n=3),
    )], [], TODAY)
    assert len(data.sessions) == 4
    assert data.problems == []


def test_a_row_dated_apart_from_a_form_not_held_is_not_named() -> None:
    data = summarise([record(
        form(D(2026, 2, 10), topic="Aim", **NO), row(D(2026, 2, 17), topic="Aim"),
    )], [], TODAY)
    assert [p.message for p in data.problems] == []
