"""The cell is the field: what a coach types anywhere in a form's cell is that field's value.

LibreOffice shows a content control's placeholder as plain grey text that a click does not
select, so typing lands after the control in its cell, inside it after (or before) the prompt,
over it, or in the cell once the control is deleted; and labels lose their colon or change case.
Each case is built by editing a generated contract's XML as LibreOffice leaves it (its tags and
placeholder flags dropped, see :func:`coach.save_as_libreoffice_does`) or as Word does, then
read with :func:`docgen.records.read.read_record`: the session's values are what was typed, no
prompt text is left in any value, and no date or time comes out of a prompt.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import coach
import docx
import pytest
from conftest import TODAY, small_rows
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen import jobs, schema
from docgen.models import Record, RecordedSession
from docgen.records.forms import strip_prompts, typed_value
from docgen.records.read import read_record
from docgen.schema import Mode

# Every prompt docgen writes or once wrote, and Word's own.
PROMPTS = tuple({*schema.PLACEHOLDERS.values(), *schema.FORMER_PLACEHOLDERS,
                 "Click or tap here to enter text."} - {""})
WHERE = ("after", "inside", "before", "inside-before", "over")

# What a coach types in each field (leading spaces as typed after a prompt), and its reading.
TYPED: dict[str, tuple[str, Callable[[RecordedSession], object], object]] = {
    "coach": (" Sam Coach", lambda s: s.coach, "Sam Coach"),
    "date": (" 10/02/2026", lambda s: s.date, dt.date(2026, 2, 10)),
    "mode": (" by phone", lambda s: s.mode, Mode.TELEPHONE),
    "start_time": (" 10:00", lambda s: s.start, dt.time(10, 0)),
    "finish_time": (" 11:30", lambda s: s.finish, dt.time(11, 30)),
    "topic": (" Run chart of falls", lambda s: s.topic, "Run chart of falls"),
    "issues": (" Data gaps at night", lambda s: s.issues, "Data gaps at night"),
    "action": (" Collect a baseline", lambda s: s.action, "Collect a baseline"),
    "next_meeting": (" 17/03/2026", lambda s: s.next_meeting, dt.date(2026, 3, 17)),
}


@pytest.fixture
def blank(make_cohort, tmp_path: Path) -> Path:
    """Return a copy of the contract whose one form is blank (team T2: no session planned).

    The Teams sheet names neither T2's coach nor its members here, so every field of the form
    shows its prompt (known names are pre-filled; see test_generate).
    """
    rows = small_rows()
    rows["Teams"][1].update(coach="", team_members="")
    out = tmp_path / "out"
    jobs.generate(make_cohort(rows), out, today=TODAY, only="contracts")
    src = next((out / "contracts").glob("*(T2).docx"))
    dest = tmp_path / "record" / "T2.docx"
    dest.parent.mkdir()
    shutil.copyfile(src, dest)
    return dest


def read(path: Path) -> Record:
    return read_record(path, path.parent)


def only_session(record: Record) -> RecordedSession:
    assert len(record.sessions) == 1, [s.where for s in record.sessions]
    return record.sessions[0]


def assert_no_prompt(record: Record) -> None:
    """No value holds a prompt or a piece of one; no member is a prompt."""
    for s in record.sessions:
        for value in (s.coach, s.topic, s.issues, s.action, s.comments, str(s.mode)):
            folded = " ".join(value.casefold().split())
            assert "e.g." not in folded, value
            for prompt in PROMPTS:
                assert " ".join(prompt.casefold().split()) not in folded, value
    for member in record.members:
        assert strip_prompts(member) == member


def set_prompt(path: Path, name: str, prompt: str) -> None:
    """Make a field's control show ``prompt``: a document made by an earlier docgen."""
    coach.replace_text(path, schema.RECORD_FIELD[name].placeholder, prompt)


# --- (a)-(d): typed at the control, for every field kind ------------------------------------


@pytest.mark.parametrize("libreoffice", [True, False], ids=["saved-by-lo", "flags-kept"])
@pytest.mark.parametrize("where", WHERE)
def test_typing_anywhere_at_the_control_is_the_value(blank: Path, where: str,
                                                     libreoffice: bool) -> None:
    for name, (text, _get, _want) in TYPED.items():
        coach.type_at_control(blank, schema.RECORD_FIELD[name].tag, text, where)
    coach.type_at_control(blank, "record.team_members", " Zoë Smith; Élodie Lefèvre", where)
    if libreoffice:
        coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    for name, (_text, get, want) in TYPED.items():
        assert get(session) == want, name
    assert record.members == ("Zoë Smith", "Élodie Lefèvre")
    assert session.hours == 1.5
    assert_no_prompt(record)
    assert not [p for p in record.problems if "form" in (p.sheet or "")]


@pytest.mark.parametrize("libreoffice", [True, False], ids=["saved-by-lo", "flags-kept"])
@pytest.mark.parametrize("where", ("after", "inside", "before", "inside-before"))
def test_old_prompts_with_examples_never_become_data(blank: Path, where: str,
                                                      libreoffice: bool) -> None:
    """Prompts of documents made before ("Type the date, e.g. 03/04/2026", "e.g. 14:00"):
    typed beside, their examples are not read; left alone, they are no value."""
    set_prompt(blank, "date", "Type the date, e.g. 03/04/2026")
    set_prompt(blank, "start_time", "e.g. 14:00")
    set_prompt(blank, "finish_time", "e.g. 15:00")
    set_prompt(blank, "next_meeting", "Type the date of the next meeting")
    set_prompt(blank, "topic", "Type the topic brought to the coach")
    coach.type_at_control(blank, "record.date", "10/02/2026", where)  # no space: "…202610/02"
    coach.type_at_control(blank, "record.topic", "Run chart", where)
    if libreoffice:
        coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    assert session.date == dt.date(2026, 2, 10)
    assert session.topic == "Run chart"
    assert (session.start, session.finish, session.next_meeting) == (None, None, None)
    assert_no_prompt(record)


@pytest.mark.parametrize("name", ["date", "start_time", "next_meeting"])
def test_a_prompt_left_in_a_value_gives_no_date_or_time(blank: Path, name: str) -> None:
    """A word typed into an old prompt that holds an example: the example is not the value."""
    set_prompt(blank, "date", "Type the date, e.g. 03/04/2026")
    set_prompt(blank, "start_time", "e.g. 14:00")
    coach.type_at_control(blank, "record.topic", "Run chart", "over")
    coach.type_at_control(blank, schema.RECORD_FIELD[name].tag, " by phone", "inside")
    coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    assert (session.date, session.start, session.next_meeting) == (None, None, None)
    assert_no_prompt(record)


def test_words_of_a_prompt_with_its_example_deleted_are_stripped(blank: Path) -> None:
    """A coach deletes the start of the old prompt and types after its example."""
    set_prompt(blank, "date", "e.g. 03/04/2026")
    coach.type_at_control(blank, "record.date", " 10/02/2026", "inside")
    coach.save_as_libreoffice_does(blank)
    assert only_session(read(blank)).date == dt.date(2026, 2, 10)


# --- (e): the control deleted, the value typed in the cell ----------------------------------


@pytest.mark.parametrize("libreoffice", [True, False], ids=["saved-by-lo", "word"])
def test_control_deleted_and_value_typed_in_the_cell(blank: Path, libreoffice: bool) -> None:
    for name, (text, _get, _want) in TYPED.items():
        coach.replace_control_with_text(blank, schema.RECORD_FIELD[name].tag, text)
    if libreoffice:
        coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    for name, (_text, get, want) in TYPED.items():
        assert get(session) == want, name
    assert_no_prompt(record)


def test_control_deleted_and_value_typed_on_a_line_of_its_own(blank: Path) -> None:
    coach.type_in_paragraph_of(blank, "record.date", "10/02/2026")
    coach.type_in_paragraph_of(blank, "record.action", "Collect a baseline")
    coach.delete_control(blank, "record.date")
    coach.delete_control(blank, "record.action")
    session = only_session(read(blank))
    assert session.date == dt.date(2026, 2, 10)
    assert session.action == "Collect a baseline"


def test_a_line_typed_under_the_control_in_its_cell_is_part_of_the_value(blank: Path) -> None:
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    coach.type_at_control(blank, "record.action", "Collect a baseline", "over")
    coach.type_in_paragraph_of(blank, "record.action", "Share it with the ward")
    coach.save_as_libreoffice_does(blank)
    session = only_session(read(blank))
    assert session.action == "Collect a baseline\nShare it with the ward"


def test_typing_in_a_control_that_lost_its_tag_but_still_says_prompt_is_read(blank: Path) -> None:
    """LibreOffice saves typing into a rich-text control as an untagged control still flagged as
    showing its placeholder (and later versions may do so for plain-text ones): the typing is
    the value, never dropped with the prompt it replaced."""
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    d = docx.Document(str(blank))
    (topic,) = coach._controls(d, "record.topic")
    pr = topic.find(qn("w:sdtPr"))
    for name in ("w:tag", "w:alias"):
        for el in pr.findall(qn(name)):
            pr.remove(el)
    if pr.find(qn("w:showingPlcHdr")) is None:
        pr.append(pr.makeelement(qn("w:showingPlcHdr"), {}))
    (t, *rest) = list(topic.iter(qn("w:t")))
    t.text = "Waiting lists"
    for extra in rest:
        extra.text = ""
    d.save(str(blank))
    assert only_session(read(blank)).topic == "Waiting lists"


# --- labels without their colon, in another case or spacing ---------------------------------

LABELS = {  # field: (label as printed, as the coach left it)
    "coach": ("Coach/s:", "COACH/S"),
    "date": ("Date:", "Date"),
    "mode": ("Mode:", "mode"),
    "start_time": ("Start time:", "START TIME"),
    "finish_time": ("Finish time:", "Finish  time:"),
    "topic": ("Topic/subject brought", "topic/subject brought"),
    "issues": ("Issues Arising:", "Issues arising"),
    "action": ("Action:", "Action"),
    "next_meeting": ("Date of Next Meeting:", "date of next meeting"),
}


@pytest.mark.parametrize("control", ["deleted", "kept"])
def test_labels_without_colon_or_in_another_case(blank: Path, control: str) -> None:
    for name, (label, typed_label) in LABELS.items():
        coach.replace_text(blank, label, typed_label)
        text = TYPED[name][0]
        if control == "deleted":
            coach.replace_control_with_text(blank, schema.RECORD_FIELD[name].tag, text)
        else:
            coach.type_at_control(blank, schema.RECORD_FIELD[name].tag, text, "after")
    coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    for name, (_text, get, want) in TYPED.items():
        assert get(session) == want, name
    assert_no_prompt(record)


def test_date_label_and_colon_deleted_with_the_control(blank: Path) -> None:
    """The issue's case: "Date 10/02/2026", the colon deleted along with the control."""
    coach.replace_text(blank, "Date:", "Date")
    coach.replace_control_with_text(blank, "record.date", "10/02/2026")
    assert only_session(read(blank)).date == dt.date(2026, 2, 10)


def test_a_sentence_is_not_a_label(blank: Path) -> None:
    """"date to be agreed" in the Action is the action's text, not a Date label."""
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    coach.replace_text(blank, "Action:", "Action")
    coach.replace_control_with_text(blank, "record.action", "Collect a baseline")
    coach.type_in_paragraph_of(blank, "record.date", "")  # an empty line: no effect
    d = docx.Document(str(blank))
    cell = next(c for t in d.tables for r in t.rows for c in r.cells
                if c.text.startswith("Action"))
    cell.add_paragraph("date to be agreed")
    cell.add_paragraph("Start on the ward in March")
    d.save(str(blank))
    record = read(blank)
    session = only_session(record)
    assert session.date == dt.date(2026, 2, 10)
    assert session.start is None
    assert session.action == ("Collect a baseline\ndate to be agreed\n"
                              "Start on the ward in March")
    assert not [p for p in record.problems if "form" in (p.sheet or "")]


def test_a_form_in_paragraphs_with_colonless_labels(tmp_path: Path) -> None:
    """A form typed as paragraphs (no table, no controls): each line is its field."""
    d = docx.Document()
    for line in ("Record of Coaching", "Coach/s Sam Coach", "Date 10/02/2026",
                 "START TIME 14:00  Finish  time: 3pm", "Mode by phone", "Topic",
                 "Run charts", "Action", "Agree the measures", "date to be agreed"):
        d.add_paragraph(line)
    path = tmp_path / "typed.docx"
    d.save(str(path))
    session = only_session(read(path))
    assert (session.coach, session.date) == ("Sam Coach", dt.date(2026, 2, 10))
    assert (session.start, session.finish) == (dt.time(14), dt.time(15))
    assert session.mode == Mode.TELEPHONE
    assert session.topic == "Run charts"
    assert session.action == "Agree the measures\ndate to be agreed"


# --- forms repeated, sessions written twice in one form -------------------------------------


def test_a_form_pasted_twice_counts_once_and_is_named(blank: Path) -> None:
    coach.fill(blank, {"record.date": "10/02/2026", "record.start_time": "10:00",
                       "record.finish_time": "11:00", "record.topic": "Run chart"})
    coach.paste_form_copy(blank)
    record = read(blank)
    session = only_session(record)
    assert session.where == "Record of Coaching form 1"
    named = [p for p in record.problems if p.sheet == "Record of Coaching form 2"]
    assert len(named) == 1
    assert "repeats Record of Coaching form 1 exactly: counted once" in named[0].message
    assert "change its date" in named[0].message


def test_a_copy_redated_is_another_session(blank: Path) -> None:
    coach.fill(blank, {"record.date": "10/02/2026", "record.topic": "Run chart"})
    coach.paste_form_copy(blank)
    coach.fill(blank, {"record.date": "17/02/2026"}, form=1)
    record = read(blank)
    assert [s.date for s in record.sessions] == [dt.date(2026, 2, 10), dt.date(2026, 2, 17)]
    assert not [p for p in record.problems if "repeats" in p.message]


def test_blank_forms_copied_are_not_named(blank: Path) -> None:
    coach.paste_form_copy(blank)
    coach.paste_form_copy(blank)
    record = read(blank)
    assert record.sessions == ()
    assert not [p for p in record.problems if "repeats" in p.message]


def test_a_second_set_of_labels_in_a_form_is_named(blank: Path) -> None:
    """A second session typed into the Action cell of a form: named, not dropped silently."""
    coach.fill(blank, {"record.date": "10/02/2026", "record.start_time": "10:00",
                       "record.action": "Collect a baseline"})
    coach.type_in_paragraph_of(blank, "record.action", "Date: 17/02/2026")
    coach.type_in_paragraph_of(blank, "record.action", "Start time: 14:00")
    record = read(blank)
    session = only_session(record)
    assert session.date == dt.date(2026, 2, 10)
    named = [p.message for p in record.problems if p.sheet == "Record of Coaching form 1"]
    assert any('Date is written twice: "10/02/2026", then "17/02/2026"' in m for m in named)
    assert any("Start time is written twice" in m for m in named)
    assert all("give each its own form" in m for m in named)


# --- typed_value ----------------------------------------------------------------------------


@pytest.mark.parametrize("prompt", PROMPTS)
def test_every_prompt_is_stripped_wherever_it_sits(prompt: str) -> None:
    assert typed_value(prompt) == ""
    assert typed_value(prompt.upper()) == ""
    if not any(c.isalnum() for c in prompt):  # "__": a prompt only as the whole value
        typed = f"a{prompt}_b {prompt}init{prompt}"
        assert typed_value(typed) == typed
        return
    assert typed_value(f"before {prompt} after") == "before after"
    assert typed_value(f"{prompt}\nnext line") == "next line"
    assert typed_value(f"x{prompt}y") == "x y"


# --- typing at random -----------------------------------------------------------------------

_TYPED_TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "Zs", "Po", "Pd"),
                  exclude_characters=":"),
    min_size=1, max_size=30,
).map(lambda t: " ".join(t.split())).filter(lambda t: t.strip(" -–") == t and t != "")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TYPED_TEXT, where=st.sampled_from(WHERE), libreoffice=st.booleans())
def test_random_typing_at_a_control_reads_back_as_typed(
        out: Path, tmp_path_factory: pytest.TempPathFactory, text: str, where: str,
        libreoffice: bool) -> None:
    path = tmp_path_factory.mktemp("typed") / "record.docx"
    shutil.copyfile(next((out / "contracts").glob("*(T2).docx")), path)
    coach.type_at_control(path, "record.date", "10/02/2026", "over")
    coach.type_at_control(path, "record.issues", text, where)
    if libreoffice:
        coach.save_as_libreoffice_does(path)
    record = read(path)
    assert only_session(record).issues == typed_value(text)
    assert_no_prompt(record)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
       where=st.sampled_from(WHERE[:4]), space=st.sampled_from(["", " "]))
def test_random_date_typed_at_an_old_prompt_reads_back(
        out: Path, tmp_path_factory: pytest.TempPathFactory, day: dt.date, where: str,
        space: str) -> None:
    path = tmp_path_factory.mktemp("typed") / "record.docx"
    shutil.copyfile(next((out / "contracts").glob("*(T2).docx")), path)
    set_prompt(path, "date", "Type the date, e.g. 03/04/2026")
    typed = f"{day:%d/%m/%Y}"
    coach.type_at_control(path, "record.date", space + typed if where in ("after", "inside")
                          else typed + space, where)
    coach.save_as_libreoffice_does(path)
    assert only_session(read(path)).date == day


def test_typing_at_the_start_of_the_line_before_the_label(blank: Path) -> None:
    coach.type_at_line_start(blank, "record.date", "10/02/2026 ")
    coach.type_at_line_start(blank, "record.start_time", "10:00 ")
    coach.save_as_libreoffice_does(blank)
    session = only_session(read(blank))
    assert (session.date, session.start) == (dt.date(2026, 2, 10), dt.time(10))


def test_a_control_written_twice_in_its_cell_is_one_value(blank: Path) -> None:
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    coach.type_at_control(blank, "record.topic", "Run chart", "over")
    coach.repeat_control(blank, "record.topic")
    coach.save_as_libreoffice_does(blank)
    record = read(blank)
    assert only_session(record).topic == "Run chart"
    (named,) = [p for p in record.problems if p.sheet == "Record of Coaching form 1"]
    assert named.message.startswith("Topic/subject brought to coach: written with Track")


def test_a_second_form_typed_in_one_cell_is_read_and_named(blank: Path) -> None:
    """A coach types a whole second session under the first's Action, Coach/s: first."""
    coach.fill(blank, {"record.date": "10/02/2026", "record.action": "Collect a baseline"})
    for line in ("Topic: Run chart", "Date: 17/02/2026", "Coach/s: Sam Coach"):  # last first
        coach.type_in_paragraph_of(blank, "record.action", line)
    record = read(blank)
    assert [(s.date, s.coach, s.action, s.topic) for s in record.sessions] == [
        (dt.date(2026, 2, 10), "", "Collect a baseline", ""),
        (dt.date(2026, 2, 17), "Sam Coach", "", "Run chart")]
    named = [p.message for p in record.problems if p.sheet == "Record of Coaching form 1"]
    assert any("holds a second Coach/s" in m and "form 2" in m for m in named), named


def test_a_field_libreoffice_wrote_with_tracked_copies_reads_once(blank: Path) -> None:
    """LibreOffice 7.4 with Track Changes on saves a control typed into as several copies,
    prompt and typing interleaved ("[prompt 10/02][][10/02 prompt 10/02]"): read once."""
    coach.type_at_control(blank, "record.date", "10/02/2026", "inside")
    coach.type_at_control(blank, "record.mode", "Telephone", "inside")
    for tag in ("record.date", "record.mode"):
        coach.repeat_control(blank, tag)
        coach.type_at_control(blank, tag, "10/02/2026" if tag == "record.date" else "Telephone",
                              "inside-before", form=0)
    coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    assert (session.date, session.mode) == (dt.date(2026, 2, 10), Mode.TELEPHONE)


@pytest.mark.parametrize("where", WHERE)
def test_words_that_begin_like_a_label_stay_in_their_field(blank: Path, where: str) -> None:
    """"Date 5 was missed" or "Start 10 minutes early" in the Issues is the issues' text."""
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    coach.type_at_control(blank, "record.start_time", "10:00", "over")
    coach.type_at_control(blank, "record.issues", "Date 5 was missed", where)
    coach.type_in_paragraph_of(blank, "record.issues", "Start 10 minutes early next time")
    coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    assert (session.date, session.start) == (dt.date(2026, 2, 10), dt.time(10))
    assert session.issues == "Date 5 was missed\nStart 10 minutes early next time"
    assert not [p for p in record.problems if "form" in (p.sheet or "")]


def test_first_key_typed_before_the_prompt_of_a_copy_is_joined(blank: Path) -> None:
    """A whole field typed over with Track Changes on: LibreOffice leaves an empty copy, then
    "1", the prompt, "0:00": that is 10:00, and the form is named for checking."""
    for tag, first, rest in (("record.start_time", "1", "0:00"),
                             ("record.finish_time", "1", "1:30"),
                             ("record.topic", "R", "un chart of falls")):
        coach.repeat_control(blank, tag)
        coach.type_at_control(blank, tag, "", "over", form=0)
        coach.type_at_control(blank, tag, first, "inside-before", form=1)
        coach.type_at_control(blank, tag, rest, "after", form=1)
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    coach.save_as_libreoffice_does(blank)
    record = read(blank)
    session = only_session(record)
    assert (session.start, session.finish) == (dt.time(10), dt.time(11, 30))
    assert session.topic == "Run chart of falls"
    assert any("written with Track Changes on" in p.message and "Start time" in p.message
               for p in record.problems)


def test_changes_tracked_and_not_accepted_are_read_as_accepted_and_named(blank: Path) -> None:
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    coach.type_at_control(blank, "record.topic", "Run chart", "over")
    coach.track_change(blank, "record.topic", " of falls", " of pressure ulcers")
    record = read(blank)
    assert only_session(record).topic == "Run chart of pressure ulcers"
    (named,) = [p for p in record.problems if p.sheet == "Record of Coaching form 1"]
    assert named.message.startswith("Topic/subject brought to coach: written with Track")
    assert "accept or reject the changes" in named.message


def _type_over_cell(path: Path, label: str, text: str) -> None:
    """Select the whole cell that starts with ``label`` (label and field) and type ``text``
    over it, as a coach correcting "Date: 10 February 2026" with a triple-click does."""
    d = docx.Document(str(path))
    cell = next(c for t in d.tables for r in t.rows for c in r.cells
                if c.text.startswith(label))
    paragraph = cell.paragraphs[0]
    for child in list(paragraph._p):
        if child.tag != qn("w:pPr"):
            paragraph._p.remove(child)
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    paragraph.add_run(text)
    d.save(str(path))


def test_a_cell_typed_over_with_its_label_is_named_with_what_it_holds(blank: Path) -> None:
    """Label and field typed over: what the cell holds is in no field, and is named, quoted.
    (LibreOffice's Number recognition then shows a time typed there as "14:30:00".)"""
    coach.type_at_control(blank, "record.date", "10/02/2026", "over")
    _type_over_cell(blank, "Start time", "14:30:00")
    _type_over_cell(blank, "Finish time", "3:30 pm")
    record = read(blank)
    assert only_session(record).start is None
    named = [(p.sheet, p.message.split(";")[0]) for p in record.problems
             if "in no field" in p.message]
    assert named == [("Record of Coaching form 1", 'holds text in no field: "14:30:00"'),
                     ("Record of Coaching form 1", 'holds text in no field: "3:30 pm"')]


def test_a_generated_contract_names_no_cell_in_no_field(blank: Path) -> None:
    assert not [p for p in read(blank).problems if "in no field" in p.message]
