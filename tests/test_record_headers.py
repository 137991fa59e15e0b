"""What is typed in the COACHING RECORD table's header row, and the names on a blank form.

The header row holds docgen's headings (Coach, Date of coaching…, Topic, Comments), which the
log does not read as a session: text typed there is named with its column, quoting what was
typed, whether docgen recorded the headings it wrote (``docgen.written``'s "headers": a
heading reworded in the template is no alarm) or not (an earlier docgen: compared with its
own headings). A header row typed into still heads the table, so its rows are read.

A form that holds no session value (T2's, which docgen pre-filled with the team's coaches and
members) names nothing while its names are the record's own; a name it holds that the record
names nowhere else is named: was a session left out?
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import coach
import docx
import pytest
from conftest import TODAY, W, edited_contract_template
from lxml import etree

from docgen import jobs, ooxml, schema, written
from docgen.models import Record
from docgen.records.read import read_record

HEADER = "COACHING RECORD header row"
DATE = schema.COACHING_RECORD_HEADER[1]
WAY_OUT = ("docgen reads sessions only from the rows below the headings: type it into a row "
           "below (one session a row), then delete it from the heading")
NOT_RECORDED = (" (this document does not record the headings it was made with, so they are "
                "compared with docgen's own: if the heading was worded so, nothing was lost)")


def _copy(out: Path, tmp_path: Path, team: str) -> Path:
    src = next((out / "contracts").glob(f"*({team}).docx"))
    dest = tmp_path / "record" / f"{team}.docx"
    dest.parent.mkdir(exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def _header_said(record: Record) -> list[tuple[str | None, str]]:
    return [(p.column, p.message) for p in record.problems if p.sheet == HEADER]


def _typed(text: str, column: str) -> str:
    return (f'"{text}" is typed in the heading of the COACHING RECORD table\'s '
            f"{column} column, which is not read: {WAY_OUT}")


def _type_in_heading(path: Path, column: int, text: str, where: str = "end") -> None:
    """Type ``text`` into the COACHING RECORD table's heading ``column`` (0: Coach): at the
    "end" or "start" of its first paragraph, or "over" it (its text replaced)."""
    d = docx.Document(str(path))
    table = coach._record_table(d)
    paragraph = table.rows[0].cells[column].paragraphs[0]
    if where == "over":
        for run in paragraph.runs:
            run._r.getparent().remove(run._r)
        paragraph.add_run(text)
    elif where == "start":
        paragraph.runs[0].text = text + paragraph.runs[0].text
    else:
        paragraph.add_run(text)
    d.save(str(path))


# --- the header row -----------------------------------------------------------------------------


def test_a_contract_as_generated_names_nothing_in_its_header_row(out: Path) -> None:
    for team in ("T1", "T2"):
        path = next((out / "contracts").glob(f"*({team}).docx"))
        assert _header_said(read_record(path, out)) == []


def test_docgen_records_the_headings_it_wrote(out: Path) -> None:
    path = next((out / "contracts").glob("*(T1).docx"))
    with zipfile.ZipFile(path) as zf:
        props = ooxml.read_custom_properties(etree.fromstring(zf.read(ooxml.CUSTOM_PART)))
    headers = written.decode_headers(props[schema.PROP_WRITTEN])
    assert headers == written.digests(
        [*schema.COACHING_RECORD_HEADER, "e.g.: cancellations rescheduled by whom:"])
    assert len(json.loads(props[schema.PROP_WRITTEN])["headers"]) == 5


@pytest.mark.parametrize(("column", "where", "typed", "heading"), [
    (0, "end", " Sam Jones", "Coach"),
    (1, "start", "12/03/2026 ", "Date of coaching"),
    (2, "end", " PDSA review (see row 1)", "Topic"),
    (3, "end", " late start", "Comments"),
])
def test_words_typed_beside_a_heading_are_named_alone(out: Path, tmp_path: Path, column: int,
                                                     where: str, typed: str,
                                                     heading: str) -> None:
    path = _copy(out, tmp_path, "T1")
    _type_in_heading(path, column, typed, where)
    record = read_record(path, path.parent)
    assert _header_said(record) == [(schema.COACHING_RECORD_HEADER[column],
                                     _typed(typed.strip(), heading))]
    # the table is still the COACHING RECORD table: its rows are read
    assert [s.where for s in record.sessions if s.where.startswith("COACHING")] == [
        "COACHING RECORD row 1", "COACHING RECORD row 2"]


def test_a_heading_typed_over_is_named_and_the_rows_still_read(out: Path,
                                                              tmp_path: Path) -> None:
    """Before, a heading typed over made the table no COACHING RECORD table: the sessions
    typed in its rows were dropped without a word."""
    path = _copy(out, tmp_path, "T2")
    coach.type_table_rows(path, [("Sam Coach", "12/03/2026", "PDSA review", "")])
    _type_in_heading(path, 1, "19/03/2026 Sam, by phone", "over")
    record = read_record(path, path.parent)
    assert [(s.where, s.date, s.topic) for s in record.sessions] == [
        ("COACHING RECORD row 1", dt.date(2026, 3, 12), "PDSA review")]
    assert _header_said(record) == [(DATE, _typed("19/03/2026 Sam, by phone",
                                                  "Date of coaching"))]


def test_a_line_typed_under_a_heading_is_named(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path, "T2")
    d = docx.Document(str(path))
    coach._record_table(d).rows[0].cells[2].add_paragraph("Cancelled 5/3 – snow")
    d.save(str(path))
    assert _header_said(read_record(path, path.parent)) == [
        ("Topic", _typed("Cancelled 5/3 – snow", "Topic"))]


def test_a_header_row_repeated_below_with_typing_in_it_is_named(out: Path,
                                                                tmp_path: Path) -> None:
    """A row of the headings again (the table pasted twice) is no session; what is typed
    beside its headings was passed over in silence."""
    path = _copy(out, tmp_path, "T2")
    coach.type_table_rows(path, [
        ("Sam Coach", "12/03/2026", "PDSA review", ""),
        (*schema.COACHING_RECORD_HEADER[:3], "Comments: team short staffed")])
    record = read_record(path, path.parent)
    assert [(s.where, s.date) for s in record.sessions] == [
        ("COACHING RECORD row 1", dt.date(2026, 3, 12))]
    assert _header_said(record) == [("Comments", _typed("team short staffed", "Comments"))]


def test_a_first_row_of_labelled_values_is_named_not_dropped(out: Path,
                                                            tmp_path: Path) -> None:
    """A table whose first row reads as the headings with values typed after them was taken
    as the COACHING RECORD table and its first row passed over without a word."""
    path = _copy(out, tmp_path, "T2")
    d = docx.Document(str(path))
    table = d.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ("Coach: Sam Coach", "Date: 12/03/2026",
                                                "Topic: PDSA", "Comments: fine"), strict=True):
        cell.text = text
    d.save(str(path))
    said = _header_said(read_record(path, path.parent))
    assert [(column, message.split(" is typed")[0]) for column, message in said] == [
        ("Coach", '"Sam Coach"'), (DATE, '"Date: 12/03/2026"'), ("Topic", '"PDSA"'),
        ("Comments", '"fine"')]


def _without_headers(path: Path) -> None:
    """Make ``path`` as an earlier docgen made it: docgen.written without "headers"."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    custom = etree.fromstring(parts[ooxml.CUSTOM_PART])
    for prop in custom:
        if prop.get("name") == schema.PROP_WRITTEN:
            value = prop[0]
            value.text = json.dumps({"lines": json.loads(value.text)["lines"]},
                                    separators=(",", ":"))
    parts[ooxml.CUSTOM_PART] = etree.tostring(custom, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_without_the_headings_recorded_docgen_s_own_are_compared(out: Path,
                                                                tmp_path: Path) -> None:
    path = _copy(out, tmp_path, "T1")
    _without_headers(path)
    assert _header_said(read_record(path, path.parent)) == []
    _type_in_heading(path, 0, " Sam Jones")
    assert _header_said(read_record(path, path.parent)) == [
        ("Coach", _typed("Sam Jones", "Coach") + NOT_RECORDED)]


def test_a_record_typed_in_the_original_form_names_nothing_in_its_header() -> None:
    path = Path(__file__).parent / "files" / "record_typed_in_original_form.docx"
    assert _header_said(read_record(path, path.parent)) == []


def _reworded(tmp_path: Path) -> Path:
    """Return a templates folder whose COACHING RECORD table heads its dates "Date of
    session" and its topics with the team's ID (a heading made from a value)."""
    def edit(xml: bytes) -> bytes:
        assert xml.count(b"Date of coaching, includes email coaching") == 1
        xml = xml.replace(b"Date of coaching, includes email coaching", b"Date of session")
        root = etree.fromstring(xml)
        table = next(t for t in root.iter(f"{W}tbl")
                     if "".join(t.find(f"{W}tr").itertext()).startswith("CoachDate of session"))
        topic = [t for t in table.find(f"{W}tr").iter(f"{W}t") if t.text == "Topic"]
        topic[0].text = "Topic of {{ team_id }}"
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return edited_contract_template(tmp_path, edit)


def test_headings_reworded_in_the_template_are_no_alarm(make_cohort, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = jobs.generate(make_cohort(), out, templates=_reworded(tmp_path), today=TODAY,
                           only="contracts")
    assert not any("read back" in n.message for n in report.notes)  # made from its text
    for team in ("T1", "T2"):
        path = next((out / "contracts").glob(f"*({team}).docx"))
        record = read_record(path, out)
        assert _header_said(record) == []
    path = _copy(out, tmp_path, "T1")
    _type_in_heading(path, 1, " (incl. email)")
    _type_in_heading(path, 2, " and PDSA")
    assert _header_said(read_record(path, path.parent)) == [
        (DATE, _typed("(incl. email)", "Date of coaching")),
        ("Topic", _typed("and PDSA", "Topic"))]


# --- names on a form that holds no session -------------------------------------------------------


def _form_said(record: Record) -> list[tuple[str | None, str]]:
    return [(p.column, p.message) for p in record.problems
            if (p.sheet or "").startswith("Record of Coaching form")]


def _names(value: str, names: str) -> str:
    return (f'"{value}" names {names}, whom the record names nowhere else, but the form holds '
            "no date, time, topic, issues or action, so it is no session: was a session left "
            "out? If one took place, type its date and what happened into the form; if the "
            "names are typed ahead for a session to come, date the form once it is held; if "
            "the team's coaches or members changed, change the cohort's Teams sheet too")


def test_the_names_docgen_pre_filled_on_a_blank_form_name_nothing(out: Path) -> None:
    path = next((out / "contracts").glob("*(T2).docx"))
    record = read_record(path, out)
    assert record.sessions == ()
    assert record.problems == ()


def test_the_team_s_names_typed_again_on_a_blank_form_name_nothing(out: Path,
                                                                  tmp_path: Path) -> None:
    path = _copy(out, tmp_path, "T2")
    coach.fill(path, {"record.coach": "Alex Second, Sam Coach",
                      "record.team_members": "zoe smith and Elodie Lefevre"})
    assert read_record(path, path.parent).problems == ()


def test_a_new_name_on_a_blank_form_is_named(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path, "T2")
    coach.fill(path, {"record.coach": "Sam Coach; Pat New",
                      "record.team_members": "Élodie Lefèvre; Zoë Smith; Kim Lee; Ola Nowak"})
    record = read_record(path, path.parent)
    assert record.sessions == ()
    assert _form_said(record) == [
        ("Coach/s", _names("Sam Coach; Pat New", '"Pat New"')),
        ("Team members", _names("Élodie Lefèvre; Zoë Smith; Kim Lee; Ola Nowak",
                                '"Kim Lee" and "Ola Nowak"'))]


def test_a_name_the_record_s_sessions_hold_names_nothing_on_a_blank_form(
        out: Path, tmp_path: Path) -> None:
    """A form copied ahead for the next session, the names of a session left on it."""
    path = _copy(out, tmp_path, "T1")
    coach.fill(path, {"record.coach": "Dr Jo Bloggs; Pat New"}, form=0)
    coach.copy_form(path, "", "", "")
    coach.fill(path, {"record.coach": "Pat New", "record.topic": "", "record.mode": "",
                      "record.issues": "", "record.action": "", "record.next_meeting": "",
                      "record.held": ""}, form=2)
    record = read_record(path, path.parent)
    assert [s.where for s in record.sessions if s.where.startswith("Record")] == [
        "Record of Coaching form 1", "Record of Coaching form 2"]
    assert [p for p in record.problems if p.sheet == "Record of Coaching form 3"] == []
    coach.fill(path, {"record.coach": "Pat Old"}, form=2)
    assert [(p.column, p.message) for p in read_record(path, path.parent).problems
            if p.sheet == "Record of Coaching form 3"] == [
        ("Coach/s", _names("Pat Old", '"Pat Old"'))]


@pytest.mark.parametrize("columns", [(1, 2), (0, 1, 2), (0, 1, 2, 3)])
def test_headings_typed_over_together_still_leave_the_rows_read(
        out: Path, tmp_path: Path, columns: tuple[int, ...]) -> None:
    path = _copy(out, tmp_path, "T2")
    coach.type_table_rows(path, [("Sam Coach", "12/03/2026", "PDSA review", "")])
    for column in columns:
        _type_in_heading(path, column, f"typed {column}", "over")
    record = read_record(path, path.parent)
    assert [(s.where, s.date, s.topic) for s in record.sessions] == [
        ("COACHING RECORD row 1", dt.date(2026, 3, 12), "PDSA review")]
    assert [column for column, _said in _header_said(record)] == [
        schema.COACHING_RECORD_HEADER[c] for c in columns]
