"""Reading edited coaching records back: content controls, labels, tables, hostile files."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen import ooxml, schema
from docgen.errors import DocgenError
from docgen.records import find_records, read_record, read_records
from docgen.records.cache import RecordCache
from docgen.records.find import How, find_files
from docgen.records.prefill import written_back
from docgen.records.read import open_now

W_NS = ooxml.W_NS
W = ooxml.W
FILES = Path(__file__).parent / "files"
FORM_HEADING = "Record of Coaching (to be retained by team)"
HEADER = schema.COACHING_RECORD_HEADER
PROPS = {
    schema.PROP_KIND: schema.KIND_CONTRACT,
    schema.PROP_KEY: "T01",
    schema.PROP_TEMPLATE: "coaching_contract.docx",
    schema.PROP_GENERATED: "2026-03-01T09:00:00",
    schema.PROP_TEAM_NAME: "Ward 5 Falls",
    schema.PROP_ORGANISATION: "NHS Lothian",
    schema.PROP_COACHES: "Jane Smith; Tom Reid",
    schema.PROP_PROGRAMME: "Lothian Quality Improvement Academy",
    schema.PROP_COHORT: "7",
    schema.PROP_MINIMUM_HOURS: "5",
    schema.PROP_REVIEW_AFTER: "4",
    schema.PROP_SESSION_HOURS: "1",
    schema.PROP_COACHING_PAID: "Yes",
}


# --- building contracts the way docgen writes them and coaches edit them ---------------------


def _w(tag: str) -> str:
    return f"{W}{tag}"


def _run(text: str, *, bold: bool = False, style: str | None = None) -> etree._Element:
    r = etree.Element(_w("r"))
    if bold or style:
        rpr = etree.SubElement(r, _w("rPr"))
        if style:
            etree.SubElement(rpr, _w("rStyle")).set(_w("val"), style)
        if bold:
            etree.SubElement(rpr, _w("b"))
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(r, _w("br"))
        t = etree.SubElement(r, _w("t"))
        t.text = line
        t.set(ooxml.XML_SPACE, "preserve")
    return r


def _control(tag: str, value: str) -> etree._Element:
    """Return an inline plain-text content control: the placeholder when value is ""."""
    sdt = etree.Element(_w("sdt"))
    pr = etree.SubElement(sdt, _w("sdtPr"))
    label = next(f.label for f in schema.RECORD_FIELDS if f.tag == tag)
    etree.SubElement(pr, _w("alias")).set(_w("val"), label.rstrip(":").replace("\n", " "))
    etree.SubElement(pr, _w("tag")).set(_w("val"), tag)
    etree.SubElement(pr, _w("text")).set(_w("multiLine"), "1")
    content = etree.SubElement(sdt, _w("sdtContent"))
    if value:
        content.append(_run(value))
    else:
        etree.SubElement(pr, _w("showingPlcHdr"))
        content.append(_run(schema.PLACEHOLDERS[tag], style=ooxml.PLACEHOLDER_STYLE))
    return sdt


def _label_cell(cell, label: str, tag: str, value: str, *, break_after: bool) -> None:
    p = cell.paragraphs[0]._p
    for i, part in enumerate(label.split("\n")):
        if i:
            p.append(_run("\n"))
        p.append(_run(part, bold=True))
    p.append(_run("\n") if break_after else _run(" "))
    p.append(_control(tag, value))


def add_form(doc, values: dict[str, str]) -> None:
    """Append a Record of Coaching form shaped like the generated one, filled with values."""
    v = {name: values.get(name, "") for name in
         ("coach", "team_members", "date", "start_time", "finish_time", "topic", "issues",
          "action", "next_meeting")}
    doc.add_heading(FORM_HEADING, 1)
    table = doc.add_table(rows=7, cols=2)
    table.style = "Table Grid"
    for r in (0, 1, 2, 5, 6):
        table.cell(r, 0).merge(table.cell(r, 1))
    _label_cell(table.cell(0, 0), "Coach/s:", "record.coach", v["coach"], break_after=False)
    _label_cell(table.cell(1, 0), "Team members:", "record.team_members", v["team_members"],
                break_after=False)
    _label_cell(table.cell(2, 0), "Date:", "record.date", v["date"], break_after=False)
    _label_cell(table.cell(3, 0), "Start time:", "record.start_time", v["start_time"],
                break_after=False)
    _label_cell(table.cell(3, 1), "Finish time:", "record.finish_time", v["finish_time"],
                break_after=False)
    _label_cell(table.cell(4, 0), "Topic/subject brought\nto coach", "record.topic", v["topic"],
                break_after=True)
    _label_cell(table.cell(4, 1), "Issues Arising:", "record.issues", v["issues"],
                break_after=True)
    _label_cell(table.cell(5, 0), "Action:", "record.action", v["action"], break_after=True)
    _label_cell(table.cell(6, 0), "Date of Next Meeting:", "record.next_meeting",
                v["next_meeting"], break_after=False)


def add_record_table(doc, rows: list[tuple[str, str, str, str]], blank: int = 3) -> None:
    """Append the COACHING RECORD heading and table: header, rows, blank rows."""
    doc.add_heading("COACHING RECORD", 1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    table.rows[0].cells[3].paragraphs[0].add_run().add_break()
    table.rows[0].cells[3].paragraphs[0].add_run("e.g.: cancellations rescheduled by whom:")
    for row in [*rows, *[("", "", "", "")] * blank]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def save(doc, path: Path, props: dict[str, str] | None = None, *, written: bool = True
         ) -> Path:
    """Save a python-docx document, with docgen's custom properties when given: of a
    contract, with the lines of its own text recorded as docgen's (``docgen.written``) unless
    not ``written`` (a contract made by an earlier docgen)."""
    buf = io.BytesIO()
    doc.save(buf)
    if props is None:
        path.write_bytes(buf.getvalue())
        return path
    if written and props.get(schema.PROP_KIND) == schema.KIND_CONTRACT:
        props = {schema.PROP_WRITTEN: written_back(buf.getvalue(), contract=True), **props}
    with zipfile.ZipFile(buf) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts[ooxml.CONTENT_TYPES_PART], parts[ooxml.ROOT_RELS_PART] = ooxml.with_custom_part(
        parts[ooxml.CONTENT_TYPES_PART], parts[ooxml.ROOT_RELS_PART])
    parts[ooxml.CUSTOM_PART] = ooxml.custom_properties_xml(props)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def edit_xml(path: Path, change: Callable[[etree._Element], None]) -> None:
    """Change word/document.xml of a saved document in place, as an editor would."""
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    root = etree.fromstring(parts[ooxml.DOCUMENT_PART])
    change(root)
    parts[ooxml.DOCUMENT_PART] = etree.tostring(root, xml_declaration=True,
                                                encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)


def contract(forms: list[dict[str, str]],
             rows: list[tuple[str, str, str, str]] | None = None,
             *, identity: bool = True):
    """Return a python-docx contract: identity table, contract text, forms, record table."""
    doc = Document()
    doc.add_heading("Contract for coaching", 0)
    if identity:
        t = doc.add_table(rows=2, cols=4)
        for cell, text in zip(t.rows[0].cells, ("Team", "Ward 5 Falls (T01)", "Organisation",
                                                "NHS Lothian"), strict=True):
            cell.text = text
        t.rows[1].cells[0].text = "Team members"
        t.rows[1].cells[1].text = "Anna Brown\nBen Cole"
    doc.add_paragraph("Date of coaching agreed with the team. Confidentiality: as agreed.")
    doc.add_paragraph("Involvement in the course involves attendance at 4 full training days.")
    for form in forms or [{}]:
        add_form(doc, form)
    add_record_table(doc, rows or [])
    return doc


FORM_1 = {"coach": "Jane Smith", "team_members": "Anna Brown; Ben Cole", "date": "03/04/2026",
          "start_time": "14:00", "finish_time": "15:30", "topic": "Driver diagram",
          "issues": "No baseline data", "action": "Collect data", "next_meeting": "1 May 2026"}
FORM_2 = {"coach": "Jane Smith", "team_members": "Anna Brown", "date": "1 May 2026",
          "start_time": "2pm", "finish_time": "3pm", "topic": "Run charts"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "records"
    d.mkdir()
    return d


def sessions_of(path: Path, root: Path):
    return read_record(path, root).sessions


# --- generated contracts, filled in Word --------------------------------------------------


def test_reads_identity_forms_and_table_of_a_filled_contract(folder: Path) -> None:
    doc = contract([FORM_1, FORM_2, {}], [("Jane Smith", "3 April 2026", "Driver diagram", ""),
                                          ("Tom Reid", "10 April 2026 (email)", "Data", "")])
    path = save(doc, folder / "T01.docx", PROPS)
    record = read_record(path, folder)
    assert (record.source, record.kind, record.team_id, record.team_name) == (
        "T01.docx", schema.KIND_CONTRACT, "T01", "Ward 5 Falls")
    assert record.organisation == "NHS Lothian"
    assert record.coaches == ("Jane Smith", "Tom Reid")
    assert record.identified_by == "properties"
    assert record.settings.minimum_hours == 5 and record.settings.session_hours == 1
    assert record.problems == ()
    assert record.members == ("Anna Brown", "Ben Cole")
    forms = [s for s in record.sessions if s.origin == "form"]
    rows = [s for s in record.sessions if s.origin == "table"]
    assert len(forms) == 2  # the blank third form is no session
    first = forms[0]
    assert (first.date, first.start, first.finish, first.hours) == (
        dt.date(2026, 4, 3), dt.time(14), dt.time(15, 30), 1.5)
    assert (first.coach, first.topic, first.issues, first.action) == (
        "Jane Smith", "Driver diagram", "No baseline data", "Collect data")
    assert first.next_meeting == dt.date(2026, 5, 1)
    assert first.where == "Record of Coaching form 1" and first.status == "held"
    assert forms[1].where == "Record of Coaching form 2"
    assert (forms[1].start, forms[1].finish, forms[1].hours) == (dt.time(14), dt.time(15), 1.0)
    assert forms[1].issues == ""  # an untouched placeholder is empty, not data
    assert [(r.where, r.date, r.coach, r.mode, r.hours, r.hours_assumed) for r in rows] == [
        ("COACHING RECORD row 1", dt.date(2026, 4, 3), "Jane Smith", "", 1.0, True),
        ("COACHING RECORD row 2", dt.date(2026, 4, 10), "Tom Reid", "Email", 0.0, False),
    ]


def test_placeholder_text_without_its_flag_is_empty(folder: Path) -> None:
    path = save(contract([{"date": "03/04/2026", "topic": "Charts"}]), folder / "a.docx", PROPS)

    def drop_flags(root: etree._Element) -> None:
        for flag in root.iter(_w("showingPlcHdr")):
            flag.getparent().remove(flag)

    edit_xml(path, drop_flags)
    (s,) = sessions_of(path, folder)
    assert (s.coach, s.issues, s.action, s.start, s.next_meeting) == ("", "", "", None, None)
    assert s.hours == 1.0 and s.hours_assumed


def test_a_row_the_coach_added_to_the_table_is_read(folder: Path) -> None:
    path = save(contract([{}], [("Jane Smith", "3 April 2026", "Charts", "")]), folder / "a.docx",
                PROPS)

    def add_row(root: etree._Element) -> None:
        table = [t for t in root.iter(_w("tbl")) if "Comments" in "".join(t.itertext())][-1]
        rows = table.findall(_w("tr"))
        new = copy.deepcopy(rows[1])
        for t, text in zip(new.iter(_w("t")), ("Tom Reid", "24/04/2026", "Measures"),
                           strict=False):
            t.text = text
        rows[-1].addnext(new)

    edit_xml(path, add_row)
    rows = [(s.where, s.coach, s.date, s.topic) for s in sessions_of(path, folder)]
    assert rows == [("COACHING RECORD row 1", "Jane Smith", dt.date(2026, 4, 3), "Charts"),
                    ("COACHING RECORD row 5", "Tom Reid", dt.date(2026, 4, 24), "Measures")]


def _copy_last_form(root: etree._Element, new_date: str, with_heading: bool = True) -> None:
    body = root.find(_w("body"))
    heading = [p for p in body.findall(_w("p")) if "".join(p.itertext()) == FORM_HEADING][-1]
    table = heading.getnext()
    anchor = table
    for element in ([heading, table] if with_heading else [table]):
        clone = copy.deepcopy(element)
        anchor.addnext(clone)
        anchor = clone
    dates = [s for s in anchor.iter(_w("sdt")) if ooxml.sdt_tag(s) == "record.date"]
    dates[0].find(f"{_w('sdtContent')}/{_w('r')}/{_w('t')}").text = new_date


@pytest.mark.parametrize("with_heading", [True, False])
def test_a_form_copied_and_pasted_adds_a_session(folder: Path, with_heading: bool) -> None:
    path = save(contract([FORM_1]), folder / "a.docx", PROPS)
    edit_xml(path, lambda root: _copy_last_form(root, "17/04/2026", with_heading))
    forms = [s for s in sessions_of(path, folder) if s.origin == "form"]
    assert [(s.where, s.date, s.topic) for s in forms] == [
        ("Record of Coaching form 1", dt.date(2026, 4, 3), "Driver diagram"),
        ("Record of Coaching form 2", dt.date(2026, 4, 17), "Driver diagram"),
    ]


def test_a_control_deleted_and_its_value_typed_in_the_cell_is_read(folder: Path) -> None:
    path = save(contract([FORM_1, FORM_2]), folder / "a.docx", PROPS)

    def replace_first_date(root: etree._Element) -> None:
        sdt = next(s for s in root.iter(_w("sdt")) if ooxml.sdt_tag(s) == "record.date")
        sdt.addprevious(_run("5/4/26"))
        sdt.getparent().remove(sdt)

    edit_xml(path, replace_first_date)
    dates = [s.date for s in sessions_of(path, folder) if s.origin == "form"]
    assert dates == [dt.date(2026, 4, 5), dt.date(2026, 5, 1)]  # not shifted by one form


def test_controls_that_lost_their_tags_are_read_by_labels(folder: Path) -> None:
    path = save(contract([FORM_1, FORM_2], [("Jane Smith", "3/4/26", "x", "")]),
                folder / "a.docx", PROPS)
    expected = [(s.date, s.start, s.finish, s.topic, s.issues, s.next_meeting)
                for s in sessions_of(path, folder)]

    def like_libreoffice(root: etree._Element) -> None:
        # LibreOffice 7.4 drops tags, the placeholder flag and style, keeps the alias and text
        for el in [*root.iter(_w("tag")), *root.iter(_w("showingPlcHdr"))]:
            el.getparent().remove(el)
        for style in root.iter(_w("rStyle")):
            style.getparent().remove(style)

    edit_xml(path, like_libreoffice)
    record = read_record(path, folder)
    assert [(s.date, s.start, s.finish, s.topic, s.issues, s.next_meeting)
            for s in record.sessions] == expected
    assert record.identified_by == "properties"

    def drop_aliases_too(root: etree._Element) -> None:
        for el in list(root.iter(_w("alias"))):
            el.getparent().remove(el)

    edit_xml(path, drop_aliases_too)
    assert [(s.date, s.start, s.finish, s.topic, s.issues, s.next_meeting)
            for s in sessions_of(path, folder)] == expected


def test_untagged_controls_are_not_fields_but_their_text_counts(folder: Path) -> None:
    doc = Document()
    doc.add_heading(FORM_HEADING, 1)
    table = doc.add_table(rows=3, cols=1)
    for row, (label, value) in zip(table.rows, (("Coach/s:", "Jane Smith"),
                                                 ("Date:", "3 April 2026"),
                                                 ("Action:", "Plan a PDSA")), strict=True):
        p = row.cells[0].paragraphs[0]._p
        p.append(_run(label + " "))
        sdt = etree.SubElement(p, _w("sdt"))  # Google Docs style: no tag, no alias
        etree.SubElement(sdt, _w("sdtPr"))
        etree.SubElement(sdt, _w("sdtContent")).append(_run(value))
    path = save(doc, folder / "google.docx", PROPS)
    (s,) = sessions_of(path, folder)
    assert (s.coach, s.date, s.action) == ("Jane Smith", dt.date(2026, 4, 3), "Plan a PDSA")


def test_tracked_deletions_and_field_codes_are_not_text(folder: Path) -> None:
    path = save(contract([FORM_1]), folder / "a.docx", PROPS)

    def track(root: etree._Element) -> None:
        sdt = next(s for s in root.iter(_w("sdt")) if ooxml.sdt_tag(s) == "record.topic")
        content = sdt.find(_w("sdtContent"))
        deleted = etree.SubElement(content, _w("del"))
        dr = etree.SubElement(deleted, _w("r"))
        etree.SubElement(dr, _w("delText")).text = " OLD TEXT"
        inserted = etree.SubElement(content, _w("ins"))
        inserted.append(_run(" and PDSA"))
        field = etree.SubElement(content, _w("r"))
        etree.SubElement(field, _w("instrText")).text = " PAGE "

    edit_xml(path, track)
    (s,) = sessions_of(path, folder)
    assert s.topic == "Driver diagram and PDSA"


# --- documents docgen did not make ---------------------------------------------------------


def test_a_record_typed_into_the_original_form_is_read_by_its_labels() -> None:
    path = FILES / "record_typed_in_original_form.docx"
    record = read_record(path, FILES)
    assert (record.kind, record.team_id, record.team_name, record.organisation) == (
        schema.KIND_CONTRACT, "T09", "Falls Prevention Team", "NHS Lothian")
    assert record.identified_by == "text"
    assert record.members == ("Anna Brown", "Ben Cole")
    got = [(s.where, s.date, s.start, s.finish, s.hours, s.mode, s.status, s.topic)
           for s in record.sessions]
    assert got == [
        ("Record of Coaching form 1", dt.date(2026, 4, 3), dt.time(14), dt.time(15, 30), 1.5,
         "", "held", "Driver diagram for falls"),
        ("Record of Coaching form 2", dt.date(2026, 5, 1), dt.time(14), dt.time(15), 1.0,
         "", "held", "Run chart of falls per 1000 bed days"),
        ("COACHING RECORD row 1", dt.date(2026, 4, 3), None, None, 1.0, "", "held",
         "Driver diagram"),
        ("COACHING RECORD row 2", dt.date(2026, 4, 10), None, None, 0.0, "Email", "held",
         "Data collection sheet"),
        ("COACHING RECORD row 3", dt.date(2026, 4, 17), None, None, 0.0, "", "cancelled", ""),
        ("COACHING RECORD row 4", dt.date(2026, 4, 24), None, None, 0.0, "", "rescheduled",
         "Measures"),
    ]
    first = record.sessions[0]
    assert (first.issues, first.action, first.next_meeting) == (
        "No baseline data yet", "Collect 4 weeks of data", dt.date(2026, 5, 1))
    assert record.sessions[1].action == "Share the chart at the safety huddle"
    assert record.sessions[4].comments == "Cancelled by team – ward short staffed"
    assert record.sessions[5].comments == "Rescheduled by coach"
    (problem,) = record.problems  # "TBC" as next meeting is not a problem
    assert "identified from the text" in problem.message and "T09" in problem.message


def test_the_header_row_of_a_record_without_recorded_headings_is_judged_alike_in_any_process(
        tmp_path: Path) -> None:
    # docgen's own headings are not typing, and typing is named, whatever lines the process
    # judged before: the cache of lines judged as headings once shadowed docgen's headings,
    # so a fresh process named the headings and one that had judged "12/03/2026" passed it
    from docgen.records import extras

    path = tmp_path / "typed.docx"
    doc = Document(str(FILES / "record_typed_in_original_form.docx"))
    table = next(t for t in doc.tables if t.cell(0, 0).text.strip() == "Coach")
    table.cell(0, 1).add_paragraph("12/03/2026")
    doc.save(str(path))
    saved = dict(extras._JUDGED)
    try:
        for judged in ([], ["Coach", "Topic", "Comments", "12/03/2026"]):
            extras._JUDGED.clear()
            extras.contract_text(judged)
            for read, named in ((FILES / "record_typed_in_original_form.docx", []),
                                (path, ['"12/03/2026"'])):
                record = read_record(read, read.parent)
                header = [p.message.split(" is typed", 1)[0] for p in record.problems
                          if p.sheet == "COACHING RECORD header row"]
                assert header == named, judged
    finally:
        extras._JUDGED.clear()
        extras._JUDGED.update(saved)


def test_a_record_without_properties_is_identified_by_its_text(folder: Path) -> None:
    path = save(contract([FORM_1]), folder / "renamed.docx")
    record = read_record(path, folder)
    assert (record.team_id, record.team_name, record.organisation, record.identified_by) == (
        "T01", "Ward 5 Falls", "NHS Lothian", "text")
    assert record.coaches == ("Jane Smith",)
    (problem,) = record.problems
    assert problem.file == "renamed.docx" and "from the text" in problem.message


def test_a_record_with_no_identity_lines_is_named_after_its_file(folder: Path) -> None:
    path = save(contract([FORM_1], identity=False), folder / "Theatre team.docx")
    record = read_record(path, folder)
    assert (record.team_id, record.team_name) == ("Theatre team", "Theatre team")
    assert "file name" in record.problems[0].message


def test_a_mentor_agreement_holds_no_sessions_and_no_problems(folder: Path) -> None:
    doc = Document()
    doc.add_heading("QI Practitioner and Mentor agreement", 0)
    path = save(doc, folder / "pair.docx", {schema.PROP_KIND: schema.KIND_AGREEMENT,
                                            schema.PROP_KEY: "Zofia – François"})
    record = read_record(path, folder)
    assert (record.kind, record.sessions) == (schema.KIND_AGREEMENT, ())
    # docgen's properties without what it wrote (docgen.written): what is typed is not known
    (problem,) = record.problems
    assert problem.message.startswith("was made by a docgen that did not record the text")
    no_props = save(doc, folder / "pair2.docx")
    assert read_record(no_props, folder).kind == schema.KIND_AGREEMENT


@pytest.mark.parametrize("build, expected", [
    (lambda doc: None, "is empty"),
    (lambda doc: doc.add_paragraph("Dear Sir, please find our invoice. Date: 3/4/26"),
     "holds no Record of Coaching form"),
])
def test_documents_of_another_kind_are_reported_and_skipped(folder: Path, build,
                                                           expected: str) -> None:
    doc = Document()
    build(doc)
    record = read_record(save(doc, folder / "other.docx"), folder)
    assert record.kind == "" and record.sessions == ()
    (problem,) = record.problems
    assert expected in problem.message and problem.file == "other.docx"


# --- what was typed ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["03/04/2026", "3/4/26", "3 April 2026", "3rd April",
                                   "2026-04-03", "Thursday 3rd April 2026", "3.4.2026",
                                   "03/04/2026 (email)", "email 3/4/26"])
def test_dates_as_people_type_them(folder: Path, typed: str) -> None:
    path = save(contract([{"date": typed, "topic": "x"}]), folder / "a.docx", PROPS)
    (s,) = sessions_of(path, folder)
    assert s.date == dt.date(2026, 4, 3)
    assert s.mode == ("Email" if "email" in typed else "")


@pytest.mark.parametrize("start, finish, hours", [
    ("14:00", "15:00", 1.0), ("2pm", "3.30 pm", 1.5), ("1430", "1600", 1.5),
    ("9.15am", "10:00", 0.75), ("14:00-15:00", "", 1.0), ("noon", "1pm", 1.0),
])
def test_times_as_people_type_them(folder: Path, start: str, finish: str, hours: float) -> None:
    form = {"date": "3/4/26", "start_time": start, "finish_time": finish}
    (s,) = sessions_of(save(contract([form]), folder / "a.docx", PROPS), folder)
    assert (s.hours, s.hours_assumed) == (hours, False)


def test_values_that_do_not_parse_keep_the_session_and_say_why(folder: Path) -> None:
    forms = [{"date": "31/02/2026", "start_time": "after lunch", "finish_time": "3pm",
              "topic": "Charts"},
             {"date": "4/4/26", "start_time": "15:00", "finish_time": "14:00"}]
    record = read_record(save(contract(forms), folder / "a.docx", PROPS), folder)
    first, second = record.sessions
    assert (first.date, first.start, first.topic, first.hours_assumed) == (
        None, None, "Charts", True)
    assert (second.hours, second.hours_assumed) == (1.0, True)
    found = {(p.sheet, p.column): p.message for p in record.problems}
    assert found[("Record of Coaching form 1", "Date")].startswith(
        '"31/02/2026" is not a date')
    assert found[("Record of Coaching form 1", "Start time")].startswith('"after lunch"')
    assert "not after start time" in found[("Record of Coaching form 2", "Finish time")]
    assert all(p.file == "a.docx" for p in record.problems)


def test_email_cancelled_and_rescheduled_contacts(folder: Path) -> None:
    rows = [("Jane Smith", "3 April 2026", "Charts", "by e-mail"),
            ("Jane Smith", "10/04/2026", "", "Cancelled by team"),
            ("Jane Smith", "17/04/2026", "Measures", "Rescheduled by coach"),
            ("Jane Smith", "24/04/2026", "Cancelled", "")]
    props = {**PROPS, schema.PROP_SESSION_HOURS: "1.5"}
    got = [(s.mode, s.status, s.hours, s.hours_assumed, s.comments)
           for s in sessions_of(save(contract([{}], rows), folder / "a.docx", props), folder)]
    assert got == [("Email", "held", 0.0, False, "by e-mail"),
                   ("", "cancelled", 0.0, False, "Cancelled by team"),
                   ("", "rescheduled", 0.0, False, "Rescheduled by coach"),
                   ("", "cancelled", 0.0, False, "")]
    held = sessions_of(save(contract([{}], [("A", "3/4/26", "x", "")]), folder / "b.docx",
                            props), folder)
    assert (held[0].hours, held[0].hours_assumed) == (1.5, True)


def test_a_date_without_a_year_follows_the_day_the_record_was_made(folder: Path) -> None:
    props = {**PROPS, schema.PROP_GENERATED: "2025-12-10T09:00:00"}
    rows = [("A", "3rd April", "x", ""), ("A", "15 December", "y", ""), ("A", "3/4/25", "z", "")]
    dates = [s.date for s in sessions_of(save(contract([{}], rows), folder / "a.docx", props),
                                         folder)]
    assert dates == [dt.date(2026, 4, 3), dt.date(2025, 12, 15), dt.date(2025, 4, 3)]


def test_a_topic_about_moving_is_not_a_rescheduled_session(folder: Path) -> None:
    rows = [("A", "3/4/26", "Moved to the new ward: what to measure", ""),
            ("A", "4/4/26", "Cancelled - staff sick", ""),
            ("A", "5/4/26", "Discussed cancelled clinics", "")]
    got = [s.status for s in sessions_of(save(contract([{}], rows), folder / "a.docx", PROPS),
                                         folder)]
    assert got == ["held", "cancelled", "held"]


def typed_forms(forms: list[list[str]], rows: list[tuple[str, str, str, str]] = ()):
    """Return a record typed as plain lines: one form per list of "Label: value" lines."""
    doc = Document()
    for lines in forms:
        doc.add_heading(FORM_HEADING, 1)
        for line in lines:
            doc.add_paragraph(line)
    add_record_table(doc, list(rows), blank=0)
    return doc


def test_the_mode_field_of_the_schema_is_read_into_the_session(folder: Path,
                                                               monkeypatch) -> None:
    """The Mode field is one FormField in schema.RECORD_FIELDS: no records module knows it."""
    forms = [
        ["Coach/s: Jane Smith", "Date: 03/04/2026", "Mode: Telephone", "Start time: 14:00",
         "Finish time: 15:00"],
        ["Date: 10/04/2026 (email)", "Mode: f2f", "Topic: Charts"],  # typed mode wins
        ["Date: 17/04/2026 (email)", "Topic: Data"],  # no mode typed: e-mail words say
        ["Date: 24/04/2026", "Mode: Email"],  # an e-mail contact without times: 0 hours
        ["Date: 01/05/2026", "Mode: carrier pigeon", "Topic: Measures"],
    ]
    rows = [("Jane Smith", "8/5/26", "Sheet", "by e-mail"), ("Jane Smith", "9/5/26", "x", "")]
    record = read_record(save(typed_forms(forms, rows), folder / "a.docx", PROPS), folder)
    got = [(s.where, s.mode, s.hours, s.hours_assumed) for s in record.sessions]
    assert got == [
        ("Record of Coaching form 1", "Telephone", 1.0, False),
        ("Record of Coaching form 2", "Face to face", 1.0, True),
        ("Record of Coaching form 3", "Email", 0.0, False),
        ("Record of Coaching form 4", "Email", 0.0, False),
        ("Record of Coaching form 5", "", 1.0, True),
        ("COACHING RECORD row 1", "Email", 0.0, False),
        ("COACHING RECORD row 2", "", 1.0, True),
    ]
    assert record.sessions[0].mode is schema.Mode.TELEPHONE
    (problem,) = record.problems
    assert (problem.sheet, problem.column) == ("Record of Coaching form 5", "Mode")
    assert problem.message.startswith('"carrier pigeon" is not a mode')
    without = tuple(f for f in schema.RECORD_FIELDS if f.name != "mode")
    monkeypatch.setattr(schema, "RECORD_FIELDS", without)
    # without the field, "Mode:" is no label: the form reads as it did before Mode existed
    (plain, *_rest) = read_record(folder / "a.docx", folder).sessions
    assert (plain.mode, plain.start, plain.hours) == ("", dt.time(14), 1.0)


def test_problems_name_a_field_by_its_label_in_the_schema(folder: Path, monkeypatch) -> None:
    relabelled = tuple(
        dataclasses.replace(f, label="Date of session:") if f.name == "date" else f
        for f in schema.RECORD_FIELDS)
    monkeypatch.setattr(schema, "RECORD_FIELDS", relabelled)
    doc = typed_forms([["Date: 31/02/2026", "Topic: x"]], [("A", "someday", "y", "")])
    record = read_record(save(doc, folder / "a.docx", PROPS), folder)
    assert [(p.sheet, p.column) for p in record.problems] == [
        ("Record of Coaching form 1", "Date of session"),
        ("COACHING RECORD row 1", schema.COACHING_RECORD_HEADER[1]),
    ]


def test_sessions_say_status_origin_and_mode_by_the_schema_enums(folder: Path) -> None:
    rows = [("A", "3/4/26", "x", "by email"), ("A", "4/4/26", "y", "cancelled by team"),
            ("A", "5/4/26", "z", "rescheduled")]
    record = read_record(save(contract([FORM_1], rows), folder / "a.docx", PROPS), folder)
    got = [(s.origin, s.status, s.mode) for s in record.sessions]
    assert got == [(schema.Origin.FORM, schema.Status.HELD, ""),
                   (schema.Origin.TABLE, schema.Status.HELD, schema.Mode.EMAIL),
                   (schema.Origin.TABLE, schema.Status.CANCELLED, ""),
                   (schema.Origin.TABLE, schema.Status.RESCHEDULED, "")]
    assert all(isinstance(s.status, schema.Status) and isinstance(s.origin, schema.Origin)
               for s in record.sessions)


def test_identity_lines_in_paragraphs(folder: Path) -> None:
    doc = contract([FORM_1], identity=False)
    body = doc.element.body
    for text in reversed(["Team members: Anna Brown, Ben Cole", "Team ID: W5",
                          "Team name: Ward Five", "Organisation: NHS Fife"]):
        p = doc.add_paragraph(text)._p
        body.remove(p)
        body.insert(1, p)
    record = read_record(save(doc, folder / "x.docx"), folder)
    assert (record.team_id, record.team_name, record.organisation) == (
        "W5", "Ward Five", "NHS Fife")


def test_hostile_text_comes_back_as_typed(folder: Path) -> None:
    topic = '=HYPERLINK("http://x","y") & <b> "quoted" Áine 🚀'
    (s,) = sessions_of(save(contract([{"date": "3/4/26", "topic": topic}]), folder / "a.docx",
                            PROPS), folder)
    assert s.topic == topic


_STYLES = {
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "d/m/yy": lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}",
    "d Month yyyy": lambda d: f"{d.day} {d:%B %Y}",
    "iso": lambda d: d.isoformat(),
    "(email)": lambda d: f"{d.day} {d:%B %Y} (email)",
}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       style=st.sampled_from(sorted(_STYLES)),
       start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
       minutes=st.integers(min_value=1, max_value=180), twelve_hour=st.booleans())
def test_typed_dates_and_times_become_the_session(tmp_path: Path, day: dt.date, style: str,
                                                  start: dt.time, minutes: int,
                                                  twelve_hour: bool) -> None:
    finish_dt = dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)
    if finish_dt.date() != day:
        start = dt.time(10, 0)
        finish_dt = dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)
    finish = finish_dt.time()

    def typed(t: dt.time) -> str:
        if twelve_hour:
            return f"{(t.hour - 1) % 12 + 1}.{t.minute:02d} {'pm' if t.hour >= 12 else 'am'}"
        return f"{t.hour:02d}:{t.minute:02d}"

    form = {"date": _STYLES[style](day), "start_time": typed(start),
            "finish_time": typed(finish)}
    path = save(contract([form]), tmp_path / "typed.docx", PROPS)
    (s,) = sessions_of(path, tmp_path)
    assert (s.date, s.start, s.finish) == (day, start, finish)
    assert s.hours == round(minutes / 60, 2)
    assert s.mode == ("Email" if style == "(email)" else "")


# --- files that cannot be read ---------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.write_text("just some notes, not a document"), "not a zip"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
     "password-protected"),
    (lambda p: p.write_bytes(b""), "not a zip"),
    (lambda p: _zip(p, {"[Content_Types].xml": b"<Types/>"}), "no word/document.xml"),
    (lambda p: _zip(p, {"word/document.xml": b"\0" * (3 * 1024 * 1024)}), "zip bomb"),
    (lambda p: _zip(p, {"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a '
                                             b'"aaaa">]><d>&a;</d>'}), "unsafe"),
    (lambda p: _zip(p, {"word/document.xml": b"<w:document"}), "not well-formed"),
])
def test_unreadable_files_raise_a_problem_naming_the_file(folder: Path, make,
                                                          expected: str) -> None:
    path = folder / "sub" / "bad.docx"
    path.parent.mkdir()
    make(path)
    with pytest.raises(DocgenError) as caught:
        read_record(path, folder)
    (problem,) = caught.value.problems
    assert problem.file == "sub/bad.docx"
    assert expected in problem.message


def test_a_zip_bomb_is_small_on_disk(folder: Path) -> None:
    path = _zip(folder / "bomb.docx", {"word/document.xml": b"\0" * (3 * 1024 * 1024)})
    assert path.stat().st_size < 20_000


def test_a_truncated_document_raises_a_problem(folder: Path) -> None:
    good = save(contract([FORM_1]), folder / "good.docx", PROPS)
    data = good.read_bytes()
    (folder / "cut.docx").write_bytes(data[: len(data) // 2])
    with pytest.raises(DocgenError) as caught:
        read_record(folder / "cut.docx", folder)
    assert caught.value.problems[0].file == "cut.docx"


def test_a_damaged_member_raises_a_problem(folder: Path) -> None:
    good = save(contract([FORM_1]), folder / "good.docx", PROPS)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + 200):
        data[i] ^= 0x5A
    (folder / "damaged.docx").write_bytes(bytes(data))
    with pytest.raises(DocgenError) as caught:
        read_record(folder / "damaged.docx", folder)
    assert caught.value.problems[0].file == "damaged.docx"


def test_reading_never_changes_the_file(folder: Path) -> None:
    path = save(contract([FORM_1, FORM_2], [("A", "3/4/26", "x", "")]), folder / "a.docx", PROPS)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime)
    read_record(path, folder)
    assert (path.read_bytes(), path.stat().st_mtime) == before


# --- finding the records ---------------------------------------------------------------------


def test_find_records_lists_docx_recursively_and_skips_owner_and_lock_files(
        tmp_path: Path) -> None:
    root = tmp_path / "records"
    (root / "b" / "deeper").mkdir(parents=True)
    for name in ("z.docx", "a.DOCX", "b/one.docx", "b/deeper/two.docx", "~$z.docx",
                 ".~lock.z.docx#", "notes.txt", "b/._one.docx"):
        (root / name).write_bytes(b"x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.docx").write_bytes(b"x")
    (root / "link.docx").symlink_to(outside / "secret.docx")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    (root / "b" / "inside_link.docx").symlink_to(root / "z.docx")

    found = find_records([root])
    assert [p.relative_to(r).as_posix() for p, r in found] == [
        "a.DOCX", "b/deeper/two.docx", "b/one.docx", "z.docx"]
    assert all(r == root for _p, r in found)
    assert find_records([root, root / "b"]) == found  # overlapping folders: each file once
    assert find_records([root / "z.docx"]) == [(root / "z.docx", root)]
    assert find_records([tmp_path / "missing"]) == []


def test_a_record_open_in_word_or_libreoffice_is_read_and_named(out: Path,
                                                                 tmp_path: Path) -> None:
    """A record on a shared drive that a coach has open: the file holds what was last saved,
    not what is typed now. It is read, and named with the lock file that tells."""
    folder = tmp_path / "records"
    folder.mkdir()
    names = ("Ward 7 Falls (T1).docx", "long name of a record.docx")
    for name in names:
        shutil.copyfile(out / "contracts" / "Ward 7 Falls (T1).docx", folder / name)
    word = folder / "~$rd 7 Falls (T1).docx"  # Word: the name's first two characters replaced
    word.write_bytes(b"\x0bcoach")
    libre = folder / ".~lock.long name of a record.docx#"
    libre.write_text("coach,host,/tmp,07.12.2026 09:00,file:///tmp;")
    cache = RecordCache(tmp_path / "cache.sqlite")
    for run in (1, 2):  # read, then taken from the reading cache: named both times
        records, problems = read_records([folder], jobs=1, cache=cache if run == 1 else
                                         RecordCache(tmp_path / "cache.sqlite"))
        assert problems == []
        named = {r.source: [p.message for p in r.problems if "is open in" in p.message]
                 for r in records}
        assert named == {
            names[0]: [f'is open in Word or LibreOffice (its lock file "{word.name}" is beside '
                       "it): it was read as last saved, so what is typed in it since is not in "
                       "the log; ask whoever has it open to save and close it, then run docgen "
                       "log again (if no one has it open, delete that lock file)"],
            names[1]: [f'is open in Word or LibreOffice (its lock file "{libre.name}" is beside '
                       "it): it was read as last saved, so what is typed in it since is not in "
                       "the log; ask whoever has it open to save and close it, then run docgen "
                       "log again (if no one has it open, delete that lock file)"]}
        assert all(r.sessions for r in records)
    alone, _problems = read_records([folder / names[0]], jobs=1)  # a file given, not a folder
    assert [p.message for p in alone[0].problems if "is open in" in p.message] == named[names[0]]
    word.unlink()
    libre.unlink()
    records, _problems = read_records([folder], jobs=1)
    assert not [p for r in records for p in r.problems if "is open in" in p.message]


def test_the_output_folders_gitkeep_is_no_record_and_not_named(out: Path) -> None:
    """`docgen log output` on a fresh clone: the empty file that keeps output/ in git is not
    a coach's file, so it is not listed among the files not read."""
    (out / ".gitkeep").write_bytes(b"")
    found, problems = find_files([out])
    assert problems == [] and ".gitkeep" not in {f.path.name for f in found}
    assert all(f.how is not How.SKIP for f in found)


# --- the real template, when it is there ------------------------------------------------------


TEMPLATE = Path(__file__).parents[1] / "templates" / "coaching_contract.docx"


@pytest.mark.skipif(not TEMPLATE.exists(), reason="the contract template is not built yet")
def test_a_generated_contract_reads_back(tmp_path: Path) -> None:
    from docgen.context import contract_plan
    from docgen.documents.render import compile_template
    from docgen.models import Cohort, Programme, Session, Team

    settings_ = {c.key: d for c, d in schema.PROGRAMME_SETTINGS}
    team = Team("T01", "Ward 5 & <Falls>", "NHS Lothian", ("Anna Brown", "Ben Cole"),
                ("Jane Smith",), review_after=4)
    sessions = (
        Session("T01", dt.date(2026, 4, 3), dt.time(14), dt.time(15, 30), ("Jane Smith",),
                "Face to face", "Driver diagram", "Data", "Collect", dt.date(2026, 5, 1)),
        Session("T01", dt.date(2026, 5, 1), mode="Email", topic="PDSA"),
    )
    cohort = Cohort(tmp_path / "c.xlsx", Programme(settings_), (team,), sessions)
    plan = contract_plan(cohort, team, dt.date(2026, 3, 1))
    path = tmp_path / "T01.docx"
    path.write_bytes(compile_template(TEMPLATE).render(plan.context, plan.properties))
    record = read_record(path, tmp_path)
    assert (record.team_id, record.team_name, record.identified_by) == (
        "T01", "Ward 5 & <Falls>", "properties")
    got = [(s.origin, s.date, s.start, s.finish, s.mode, s.topic) for s in record.sessions]
    assert got == [
        ("form", dt.date(2026, 4, 3), dt.time(14), dt.time(15, 30), "Face to face",
         "Driver diagram"),
        ("form", dt.date(2026, 5, 1), None, None, "Email", "PDSA"),
        ("table", dt.date(2026, 4, 3), None, None, "", "Driver diagram"),
        ("table", dt.date(2026, 5, 1), None, None, "Email", "PDSA"),
    ]
    assert record.sessions[0].issues == "Data" and record.sessions[1].issues == ""
    assert record.problems == ()


def test_the_one_pass_reader_sees_the_text_python_docx_sees(tmp_path: Path,
                                                            make_cohort) -> None:
    """Flattened in one XSLT pass, every paragraph and table cell holds python-docx's text.

    Compared where python-docx sees everything: outside content controls, whose text its
    ``.text`` leaves out. The record is a generated contract a coach edited.
    """
    from coach import add_table_row, replace_control_with_text
    from docx.table import _Cell

    from docgen import jobs
    from docgen.ooxml.wordtext import read_body
    from docgen.safezip import parse_xml

    report = jobs.generate(make_cohort(), tmp_path / "out", only="contracts", jobs=1,
                           today=dt.date(2026, 3, 1))
    path = tmp_path / "out" / report.files[0][0]
    add_table_row(path, ("Dr Jo", "3/6/26 14:00\n2 hours", "PDSA\ttwo", "added by the coach"))
    replace_control_with_text(path, "record.topic", "typed over the control")
    with zipfile.ZipFile(path) as zf:
        body = read_body(parse_xml(zf.read("word/document.xml"), path, "document"))
    d = Document(str(path))
    sdt = f"{{{ooxml.W_NS}}}sdt"

    theirs_cells = [[[_Cell(tc, t).text for tc in tr.tc_lst if next(tc.iter(sdt), None) is None]
                     for tr in t._tbl.tr_lst] for t in d.tables]
    ours_cells = [[[body.units[i].text for i in row if not body.units[i].controls]
                   for row in grid] for grid in body.tables]
    assert ours_cells == theirs_cells
    texts = [cell for table in ours_cells for row in table for cell in row]
    assert "added by the coach" in texts and "3/6/26 14:00\n2 hours" in texts
    assert any("typed over the control" in text for text in texts)

    theirs = [p.text for p in d.paragraphs if next(p._p.iter(sdt), None) is None]
    ours = [u.text for u in body.units if u.table == -1 and not u.controls]
    assert ours == theirs and len(ours) > 5


def test_a_body_cut_by_its_separator_reads_as_one_read_carefully(tmp_path: Path,
                                                                 make_cohort) -> None:
    """A part holding no private-use character is cut at a separator before each mark
    (str.split), a careful one by a regex: a record reads alike either way, and the separator
    typed in the text (so read carefully, as holds_marks asks) stays text, as it always was."""
    from coach import add_table_row, fill

    from docgen import jobs
    from docgen.ooxml.wordtext import holds_marks, read_body
    from docgen.safezip import parse_xml

    report = jobs.generate(make_cohort(), tmp_path / "out", only="contracts", jobs=1,
                           today=dt.date(2026, 3, 1))
    path = tmp_path / "out" / report.files[0][0]
    fill(path, {"record.date": "3 March 2026", "record.start_time": "10:00"})
    add_table_row(path, ("Dr Jo", "3/6/26", "PDSA", "merged"))
    with zipfile.ZipFile(path) as zf:
        data = zf.read("word/document.xml")

    def read(xml: bytes, careful: bool) -> tuple[list[object], list[object]]:
        body = read_body(parse_xml(xml, path, "document"), careful, False)
        return [(u.text, u.table, u.row, u.col, u.span, u.continued, u.tracked,
                 [(c.start, c.end, c.name) for c in u.controls]) for u in body.units
                ], [body.tables, body.odd]

    assert not holds_marks(data)
    assert read(data, False) == read(data, True)
    typed = data.replace(b">Date:<", b">Da\xee\x84\x87te:<", 1)
    assert typed != data and holds_marks(typed)
    assert any(u[0].startswith("Da\ue107te:") for u in read(typed, True)[0])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_record_saved_again_by_libreoffice_reads_the_same(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    path = save(contract([FORM_1, FORM_2], [("Jane Smith", "3/4/26", "Charts", "")]),
                src / "T01.docx", PROPS)
    before = [(s.origin, s.date, s.start, s.finish, s.topic, s.issues)
              for s in read_record(path, src).sessions]
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180)
    again = read_record(out / "T01.docx", out)
    assert again.team_id == "T01" and again.identified_by == "properties"
    assert [(s.origin, s.date, s.start, s.finish, s.topic, s.issues)
            for s in again.sessions] == before


# --- the whole way: a folder of records to the workbook ------------------------------------


def test_a_folder_with_good_and_bad_files_makes_a_complete_log(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from docgen.log.logbook import write_log
    from docgen.log.summary import summarise
    from docgen.records import read_records

    root = tmp_path / "records"
    (root / "cohort 7").mkdir(parents=True)
    save(contract([FORM_1, FORM_2], [("Jane Smith", "03/04/2026", "Driver diagram", ""),
                                     ("Jane Smith", "10/04/2026 email", "=1+1", "@SUM(1)")]),
         root / "cohort 7" / "T01.docx", PROPS)
    save(contract([{}], identity=False), root / "T02.docx",  # no Team field naming T01
         {**PROPS, schema.PROP_KEY: "T02", schema.PROP_TEAM_NAME: "Theatres"})
    shutil.copy(FILES / "record_typed_in_original_form.docx", root / "typed.docx")
    (root / "notes.docx").write_text("not a document")
    (root / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (root / "~$T02.docx").write_bytes(b"\0owner")
    (root / ".~lock.T02.docx#").write_text("lock")
    save(Document(), root / "empty.docx")
    _zip(root / "bomb.docx", {"word/document.xml": b"\0" * (3 * 1024 * 1024)})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}

    records, problems = read_records([root])
    log = tmp_path / "coaching_log.xlsx"
    write_log(summarise(records, problems, dt.date(2026, 6, 30)), log)

    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    wb = load_workbook(log)
    teams = {r[0]: r for r in wb["Teams"].iter_rows(min_row=2, values_only=True)}
    assert set(teams) == {"T01", "T02", "T09"}
    t01 = dict(zip((c.value for c in wb["Teams"][1]), teams["T01"], strict=True))
    assert (t01["Sessions held"], t01["Email contacts"], t01["Hours"], t01["Met minimum"]) == (
        2, 1, 2.5, "No")
    sessions = [dict(zip((c.value for c in wb["Sessions"][1]), r, strict=True))
                for r in wb["Sessions"].iter_rows(min_row=2, values_only=True)]
    t01_rows = [s for s in sessions if s["Team ID"] == "T01"]
    assert [(s["Date"].date(), s["Hours"], s["Source file"]) for s in t01_rows] == [
        (dt.date(2026, 4, 3), 1.5, "cohort 7/T01.docx"),
        (dt.date(2026, 4, 10), 0, "cohort 7/T01.docx"),
        (dt.date(2026, 5, 1), 1.0, "cohort 7/T01.docx"),
    ]
    assert t01_rows[1]["Topic"] == "=1+1" and t01_rows[1]["Comments"] == "@SUM(1)"
    problem_files = {r[0] for r in wb["Problems"].iter_rows(min_row=2, values_only=True)
                     if r[0]}  # rows without a file: what the log cannot show (no cohort)
    # the owner and lock files are no records; the record they sit beside is open, and said
    assert problem_files == {"notes.docx", "old.docx", "empty.docx", "bomb.docx", "typed.docx",
                             "T02.docx"}
    assert [r[2] for r in wb["Problems"].iter_rows(min_row=2, values_only=True)
            if r[0] == "T02.docx"] == [open_now(root / ".~lock.T02.docx#")]


def test_reading_in_worker_processes_gives_the_same_records(tmp_path: Path) -> None:
    from docgen.records import read_records

    root = tmp_path / "records"
    root.mkdir()
    for i in range(6):
        save(contract([FORM_1, {**FORM_2, "date": f"{i + 1}/5/26"}]), root / f"T{i}.docx",
             {**PROPS, schema.PROP_KEY: f"T{i}"})
    (root / "broken.docx").write_text("no")
    alone = read_records([root], jobs=1)
    shared = read_records([root], jobs=2)
    assert shared == alone
    assert [r.team_id for r in alone[0]] == [f"T{i}" for i in range(6)]
    assert [p.file for p in alone[1]] == ["broken.docx"]


def test_an_unexpected_failure_on_one_file_is_a_problem_not_a_crash(tmp_path: Path,
                                                                    monkeypatch) -> None:
    from docgen.records import read as records
    from docgen.records import read_records

    root = tmp_path / "records"
    root.mkdir()
    save(contract([FORM_1]), root / "a.docx", PROPS)
    save(contract([FORM_1]), root / "b.docx", {**PROPS, schema.PROP_KEY: "T02"})
    real = records._read  # what read_records calls for each file

    def flaky(path: Path, base: Path, *args: object):
        if path.name == "a.docx":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, base, *args)

    monkeypatch.setattr(records, "_read", flaky)
    found, problems = read_records([root], jobs=1)
    assert [r.team_id for r in found] == ["T02"]
    (problem,) = problems
    assert problem.file == "a.docx" and "RecursionError" in problem.message


def test_lines_libreoffice_writes_as_text_after_text_in_a_control_are_lines() -> None:
    """LibreOffice saves a line typed with Shift+Enter inside a field as a second w:t in the
    same run, without a break (Word shows the lines run together): read as two lines. Outside
    a control, two w:t of one run are one text, as python-docx and Word read them."""
    from docgen.ooxml.wordtext import read_body

    run = "<w:r><w:t>act one</w:t><w:t>act two</w:t></w:r>"
    xml = (f'<w:document xmlns:w="{W_NS}"><w:body>'
           f'<w:p><w:r><w:t xml:space="preserve">Action: </w:t></w:r><w:sdt><w:sdtPr>'
           f'<w:alias w:val="Action"/></w:sdtPr><w:sdtContent>{run}</w:sdtContent></w:sdt></w:p>'
           f"<w:p>{run}</w:p></w:body></w:document>")
    body = read_body(etree.fromstring(xml.encode()))
    assert [u.text for u in body.units] == ["Action: act one\nact two", "act oneact two"]


def test_a_form_dated_and_timed_as_another_is_named(folder: Path) -> None:
    """A form copied for a further session and not re-dated counts the hours twice: named."""
    copy = {**FORM_1, "topic": "Run charts", "issues": "", "action": ""}
    doc = contract([FORM_1, FORM_2, copy, {**FORM_1, "start_time": "16:00",
                                            "finish_time": "17:00"}])
    record = read_record(save(doc, folder / "T01.docx", PROPS), folder)
    assert [(s.where, s.hours) for s in record.sessions] == [
        ("Record of Coaching form 1", 1.5), ("Record of Coaching form 2", 1.0),
        ("Record of Coaching form 3", 1.5), ("Record of Coaching form 4", 1.0)]
    assert [(p.sheet, p.message) for p in record.problems] == [(
        "Record of Coaching form 3",
        "is dated and timed as Record of Coaching form 1 (03/04/2026 at 14:00): both are "
        "counted; if it is the same session, delete one of the forms; if it is another, "
        "correct its date or start time")]
