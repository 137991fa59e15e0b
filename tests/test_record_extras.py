"""What a coach typed where docgen does not read it is named: comments, text outside the forms
and the table, a Team field typed over with another team."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from coach import add_table_row, copy_form, fill, replace_text
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen import ooxml, schema, written
from docgen.models import Record
from docgen.records.prefill import written_back
from docgen.records.read import read_record

T1 = "contracts/Ward 7 Falls (T1).docx"
T2 = "contracts/A & B -Ltd- -quoted- 🚀 (T2).docx"
NEW = ("comment", "outside the forms", "Team field")


def _new(record: Record) -> list[str]:
    """Return the problems of the kinds this file tests, as "where: message"."""
    return [f"{p.sheet or ''}: {p.message}" for p in record.problems
            if any(word in p.message for word in NEW)]


def _copy(out: Path, tmp_path: Path, name: str = T1) -> Path:
    path = tmp_path / "records" / Path(name).name
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(out / name, path)
    return path


def _record_table(d):  # noqa: ANN001, ANN202 - python-docx objects
    return next(t for t in d.tables
                if t.rows[0].cells[0].text.strip() == schema.COACHING_RECORD_HEADER[0])


# --- what must stay quiet ---------------------------------------------------------------------


def test_generated_contracts_and_ones_filled_in_forms_and_table_name_nothing(
        out: Path, tmp_path: Path) -> None:
    for name in (T1, T2):
        assert _new(read_record(out / name, out)) == []
    path = _copy(out, tmp_path)
    fill(path, {"record.date": "12/3/2026", "record.start_time": "14:00",
                "record.finish_time": "15:00", "record.topic": "Run chart"})
    copy_form(path, "19/3/2026", "10:00", "11:00")
    add_table_row(path, ("Dr Jo Bloggs", "26/3/2026", "Measures", "by phone"))
    assert _new(read_record(path, path.parent)) == []


# --- text outside the forms and the table ---------------------------------------------------


def test_a_paragraph_after_the_table_is_named_with_its_text(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    para = d.add_paragraph("Also met 2/4/2026 by phone 14:00-15:00, topic: data collection plan")
    _record_table(d)._tbl.addnext(para._p)
    d.save(str(path))
    (problem,) = _new(read_record(path, path.parent))
    assert problem.startswith("after the COACHING RECORD table: holds text outside the forms")
    assert '"Also met 2/4/2026 by phone 14:00-15:00, topic: data collection plan"' in problem
    assert "type it into a Record of Coaching form" in problem


def test_paragraphs_between_forms_and_before_the_table_are_named(out: Path,
                                                                 tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    tables = d.element.body.findall(qn("w:tbl"))
    form_table = tables[-2]  # the last form's table, before the COACHING RECORD heading
    for text in ("Second note: staff sick", "Extra session 9/4/2026 14:00-15:00 by Teams"):
        para = d.add_paragraph(text)
        form_table.addnext(para._p)
    d.save(str(path))
    problems = _new(read_record(path, path.parent))
    assert len(problems) == 2
    assert all(p.startswith("after Record of Coaching form ") for p in problems)
    assert '"Extra session 9/4/2026 14:00-15:00 by Teams"' in problems[0]
    assert '"Second note: staff sick"' in problems[1]


def test_a_long_passage_is_shortened_and_many_are_gathered(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    for n in range(12):
        d.add_paragraph(f"Note {n} " + "word " * (60 if n == 0 else 1))
    d.save(str(path))
    problems = _new(read_record(path, path.parent))
    assert len(problems) == 11  # ten named, the rest in one
    assert "… (" in problems[0] and "characters)" in problems[0]
    assert problems[-1].startswith(": holds 2 more passages") and '"Note 11 word"' in problems[-1]


def test_a_paragraph_a_template_repeats_with_every_form_is_not_named(out: Path,
                                                                     tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    for heading in [p for p in d.paragraphs if p.text.startswith("Record of Coaching")]:
        note = d.add_paragraph("Complete one form per session.")
        heading._p.addnext(note._p)
    d.save(str(path))
    assert len([p for p in docx.Document(str(path)).paragraphs
                if p.text.startswith("Record of Coaching")]) > 1
    assert _new(read_record(path, path.parent)) == []


def test_a_labelled_line_typed_after_the_table_is_named(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    d.add_paragraph("Date: 2/4/2026 Start time: 14:00")
    d.save(str(path))
    (problem,) = _new(read_record(path, path.parent))
    assert '"Date: 2/4/2026 Start time: 14:00"' in problem


# --- comments ---------------------------------------------------------------------------------


def test_a_comment_on_a_table_row_is_named_with_its_text_and_row(out: Path,
                                                                 tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    cell = _record_table(d).rows[1].cells[1]
    cell.text = "19/3/2026"
    d.add_comment(cell.paragraphs[0].runs[0], text="Actually 2-3.30pm by Teams, topic: spread plan",
                  author="Coach", initials="C")
    d.save(str(path))
    record = read_record(path, path.parent)
    (problem,) = _new(record)
    assert problem.startswith('COACHING RECORD row 1: holds a comment on "19/3/2026": '
                              '"Actually 2-3.30pm by Teams, topic: spread plan"')
    assert "docgen does not read comments" in problem and "delete the comment" in problem


def test_many_comments_are_named_ten_then_counted(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    run = d.paragraphs[0].runs[0]
    for n in range(13):
        d.add_comment(run, text=f"remark {n}", author="Coach", initials="C")
    d.save(str(path))
    problems = _new(read_record(path, path.parent))
    assert len(problems) == 11
    assert problems[-1].startswith(': holds 3 more comments: "remark 10"; "remark 11"')


def _odt(path: Path, body: str) -> None:
    """Write a small .odt whose office:text is ``body``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)


def _cells(*texts: str) -> str:
    return "".join(f"<table:table-cell><text:p>{t}</text:p></table:table-cell>" for t in texts)


def test_an_odt_comment_and_loose_text_are_named(tmp_path: Path) -> None:
    note = ("<office:annotation><dc:creator>Coach</dc:creator><text:p>Held by phone, "
            "not face to face</text:p></office:annotation>")
    header = _cells(*schema.COACHING_RECORD_HEADER)
    body = (
        "<text:p>Team: Ward 7 (T7)</text:p>"
        "<text:h>Record of Coaching (to be retained by team)</text:h>"
        "<table:table><table:table-row>" + _cells("Coach/s: Jo", "Date: 03/04/2026")
        + "</table:table-row></table:table>"
        "<text:p>COACHING RECORD</text:p>"
        "<table:table><table:table-row>" + header + "</table:table-row><table:table-row>"
        + _cells("Jo", f"10/04/2026{note}", "Run chart", "") + "</table:table-row></table:table>"
        "<text:p>Also met 17/4/2026</text:p>")
    path = tmp_path / "T7.odt"
    _odt(path, body)
    record = read_record(path, tmp_path)
    assert [s.date.isoformat() for s in record.sessions] == ["2026-04-03", "2026-04-10"]
    comment, loose = _new(record)
    assert comment.startswith('COACHING RECORD row 1: holds a comment on "10/04/2026": '
                              '"Held by phone, not face to face"')
    assert loose.startswith('after the COACHING RECORD table: holds text outside the forms and '
                            'the table: "Also met 17/4/2026"')


# --- the Team field ---------------------------------------------------------------------------


def _team_cell(path: Path, text: str) -> None:
    d = docx.Document(str(path))
    d.tables[0].rows[1].cells[1].text = text
    d.save(str(path))


@pytest.mark.parametrize(("typed", "named"), [
    ("Ward 9 Stroke (T9)", "another team"),  # another team: named, logged as T1's
    ("T9", "another team"),
    ("Ward 7 Falls and more (T1)", "rename"),  # the same team, renamed: named
    ("Ward 7 falls  (T1)", ""),  # spelt alike
    ("T1 – Ward 7 Falls", ""),  # in other words, the same team
    ("Ward 7 Falls team", ""),
])
def test_a_team_field_typed_over_is_named(out: Path, tmp_path: Path, typed: str,
                                          named: str) -> None:
    path = _copy(out, tmp_path)
    fill(path, {"record.date": "12/3/2026", "record.topic": "Run chart"})
    _team_cell(path, typed)
    record = read_record(path, path.parent)
    assert record.team_id == "T1" and [s.team_id for s in record.sessions] != []
    problems = _new(record)
    if not named:
        assert problems == []
        return
    (problem,) = problems
    assert problem.startswith(f'Team field: the Team field says "{typed}"')
    if named == "another team":
        assert "this record is T1's" in problem and "copy them into that team's record" in problem
    else:
        assert "to rename the team" in problem


def test_an_odt_text_box_is_read_in_its_field_or_named_outside(tmp_path: Path) -> None:
    def frame(text: str) -> str:
        return ('<draw:frame text:anchor-type="paragraph"><draw:text-box>'
                f"<text:p>{text}</text:p></draw:text-box></draw:frame>")

    header = _cells(*schema.COACHING_RECORD_HEADER)
    body = (
        "<text:h>Record of Coaching (to be retained by team)</text:h>"
        "<table:table><table:table-row>" + _cells("Coach/s: Jo", "Date: 03/04/2026")
        + "</table:table-row><table:table-row>"
        # LibreOffice writes a box anchored to a paragraph first in it, before the label
        + _cells(f"{frame('Box: staff shortages')}Issues Arising:", "")
        + "</table:table-row></table:table>"
        f"<text:p>{frame('Also met 17/4/2026')}COACHING RECORD</text:p>"
        "<table:table><table:table-row>" + header + "</table:table-row></table:table>")
    path = tmp_path / "T7.odt"
    _odt(path, body)
    record = read_record(path, tmp_path)
    assert [s.issues for s in record.sessions] == ["Box: staff shortages"]
    (loose,) = _new(record)
    assert '"Also met 17/4/2026"' in loose


# --- a mentor agreement -------------------------------------------------------------------------

AGREEMENT = "agreements/Zofia Dąbrowska and François Béranger.docx"
_AGREED = ("docgen reads only that a mentor agreement came back: if it changes what the pair "
           "agreed, change it on the cohort's Mentoring sheet too")


def _said(record: Record) -> list[tuple[str | None, str]]:
    assert record.kind == schema.KIND_AGREEMENT
    return [(p.sheet, p.message) for p in record.problems]


def test_an_agreement_as_generated_or_saved_again_names_nothing(out: Path,
                                                                tmp_path: Path) -> None:
    assert _said(read_record(out / AGREEMENT, out)) == []
    path = _copy(out, tmp_path, AGREEMENT)
    docx.Document(str(path)).save(str(path))  # saved again, nothing typed: other bytes
    assert _said(read_record(path, path.parent)) == []


def test_an_agreement_signed_and_dated_names_nothing(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path, AGREEMENT)
    d = docx.Document(str(path))
    signatures = d.tables[-1]
    for row in (1, 2):
        signatures.rows[row].cells[2].text = "signed"
        signatures.rows[row].cells[3].text = "12/03/2026"
    d.save(str(path))
    assert _said(read_record(path, path.parent)) == []


def test_text_typed_on_an_agreement_is_named(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path, AGREEMENT)
    d = docx.Document(str(path))
    d.add_paragraph("We will also meet at the hub in May")
    d.save(str(path))
    replace_text(path, "Tuesdays 12:30", "Wednesdays 10:00")  # a field changed
    record = read_record(path, path.parent)
    assert record.team_id == "Zofia Dąbrowska – François Béranger"
    assert _said(record) == [
        ('after "Every 2 week/s"', f'"Time Wednesdays 10:00" is not read ({_AGREED})'),
        ('after "Finally, this is about closing the sess…"',
         f'"We will also meet at the hub in May" is not read ({_AGREED})'),
    ]


def _typed_in(path: Path, starts: str, typed: str, at: str, tracked: bool = False) -> None:
    """Type ``typed`` into the body paragraph whose text starts with ``starts``: at its
    "start", in the "middle" (after its first run) or at its "end", joined to the word
    before it (no space) at its "end-joined"; with Track Changes on when ``tracked``."""
    d = docx.Document(str(path))
    para = next(docx.text.paragraph.Paragraph(p, None) for p in d.element.body.iter(qn("w:p"))
                if docx.text.paragraph.Paragraph(p, None).text.startswith(starts))
    text = typed if at == "end-joined" else f" {typed} "
    run = para._p.makeelement(qn("w:r"), {})
    t = etree.SubElement(run, qn("w:t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    if tracked:
        ins = para._p.makeelement(qn("w:ins"), {qn("w:id"): "901", qn("w:author"): "Coach",
                                                qn("w:date"): "2026-11-20T10:00:00Z"})
        ins.append(run)
        run = ins
    runs = para._p.findall(qn("w:r"))
    if at == "start":
        runs[0].addprevious(run)
    elif at == "middle":
        runs[0].addnext(run)
    else:
        runs[-1].addnext(run)
    d.save(str(path))


_HERE = "Here you are not only helping your QI Practitioner establish what outcomes"


@pytest.mark.parametrize(("at", "tracked"), [
    ("end", True), ("end", False), ("start", False), ("end-joined", False)])
def test_words_typed_into_a_long_line_of_an_agreement_are_quoted(
        out: Path, tmp_path: Path, at: str, tracked: bool) -> None:
    """A line too long to be quoted whole (its quote would show only docgen's opening words,
    cut short) with words typed into it quotes the words typed."""
    path = _copy(out, tmp_path, AGREEMENT)
    _typed_in(path, _HERE, "Sam to send the charter", at, tracked)
    assert _said(read_record(path, path.parent)) == [(
        'after "Contracting"', '"Sam to send the charter", typed into the line "Here you are '
        f'not only helping your QI P…", is not read ({_AGREED})')]


def test_words_typed_into_a_long_line_of_a_contract_are_quoted(out: Path,
                                                               tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    _typed_in(path, "Provide ideas and advice", "(not Fridays)", "middle")
    (said,) = _in_contract(read_record(path, path.parent))
    assert said[1].startswith(
        '"(not Fridays)", typed into the line "Provide ideas and advice about applicat…", is '
        "not read (")


def test_a_comment_on_an_agreement_is_named(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path, AGREEMENT)
    d = docx.Document(str(path))
    d.add_comment(d.paragraphs[0].runs, text="Can we meet on Weds?", author="Zofia")
    d.save(str(path))
    assert _said(read_record(path, path.parent)) == [(None, (
        'holds a comment on "QI Practitioner and Mentor agreement": "Can we meet on Weds?": '
        "docgen does not read comments (only that a mentor agreement came back): if it "
        "changes what the pair agreed, change it on the cohort's Mentoring sheet too"))]


def test_an_agreement_made_before_docgen_recorded_its_text(out: Path, tmp_path: Path) -> None:
    """Without docgen.written, an agreement saved since is named once; one untouched, not."""
    path = _copy(out, tmp_path, AGREEMENT)
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    root = etree.fromstring(parts[ooxml.CUSTOM_PART])
    for prop in list(root):
        if prop.get("name") == schema.PROP_WRITTEN:
            root.remove(prop)
    parts[ooxml.CUSTOM_PART] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert _said(read_record(path, path.parent)) == []  # its other parts as docgen wrote them
    docx.Document(str(path)).save(str(path))
    assert _said(read_record(path, path.parent)) == [(None, (
        "was made by a docgen that did not record the text it wrote, and saved since: what was "
        "typed on it besides comments is not checked; look it over (docgen reads only that a "
        "mentor agreement came back)"))]


# --- a contract's own text, before its forms --------------------------------------------------

_CONTRACT = ("docgen reads from a contract only its Record of Coaching forms and the COACHING "
             "RECORD table: type a session's notes into a form or a row of the table; if it "
             "changes what the contract says (a name, a date, a term), change it in the cohort "
             "workbook too")


def _in_contract(record: Record) -> list[tuple[str | None, str]]:
    """Return the problems naming what was typed in the contract's own text."""
    assert record.kind == schema.KIND_CONTRACT
    return [(p.sheet, p.message) for p in record.problems
            if (p.sheet or "").startswith("the contract") or "Team field" in (p.sheet or "")
            or "did not record the text" in p.message]


def test_a_contract_as_generated_saved_again_or_signed_names_nothing(out: Path,
                                                                     tmp_path: Path) -> None:
    for name in (T1, T2):
        assert _in_contract(read_record(out / name, out)) == []
    path = _copy(out, tmp_path)
    docx.Document(str(path)).save(str(path))  # saved again: other bytes, the same text
    assert _in_contract(read_record(path, path.parent)) == []
    d = docx.Document(str(path))
    signatures = next(t for t in d.tables
                      if [c.text for c in t.rows[0].cells][2:3] == ["Signature"])
    for row in signatures.rows[1:]:
        row.cells[2].text = "J. Bloggs"
        row.cells[3].text = "12/03/2026"
    d.save(str(path))
    assert _in_contract(read_record(path, path.parent)) == []


def test_text_typed_in_a_contract_is_named_where_it_sits(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    d.paragraphs[0].insert_paragraph_before("Draft v2 – agreed by phone")
    heading = d.paragraphs[1]
    note = d.add_paragraph("Sam will cover coaching in May")
    heading._p.addnext(note._p)  # a new paragraph under the contract's heading
    d.tables[0].rows[0].cells[3].text = "Cohort 8"  # a blank of the contract filled in
    terms = d.tables[1]
    notes = next(r for r in terms.rows if r.cells[0].text == "Note-taking").cells[1]
    notes.paragraphs[0].add_run(" and share them with the team")  # beside the text
    d.save(str(path))
    replace_text(path, "3 April 2026", "10 April 2026")  # a field of the contract changed
    record = read_record(path, path.parent)
    assert record.team_id == "T1"
    assert _in_contract(record) == [
        ("the contract, at the start", f'"Draft v2 – agreed by phone" is not read ({_CONTRACT})'),
        ('the contract, after "Contract for coaching"',
         f'"Sam will cover coaching in May" is not read ({_CONTRACT})'),
        ('the contract, after "Cohort"', f'"Cohort 8" is not read ({_CONTRACT})'),
        ('the contract, after "First session"', f'"10 April 2026" is not read ({_CONTRACT})'),
        ('the contract, after "Note-taking"', (
            '"The Coach will keep brief notes for the sole purpose of the coaching sessions and '
            f'share them with the team" is not read ({_CONTRACT})')),
    ]


def test_a_team_field_typed_over_is_named_once(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    _team_cell(path, "Ward 9 Stroke (T9)")
    (problem,) = _in_contract(read_record(path, path.parent))
    assert problem[0] == "Team field"


def test_a_contract_made_before_docgen_recorded_its_text(out: Path, tmp_path: Path) -> None:
    """Without docgen.written, a contract saved since is named once; one untouched, not."""
    path = _copy(out, tmp_path)
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    root = etree.fromstring(parts[ooxml.CUSTOM_PART])
    for prop in list(root):
        if prop.get("name") == schema.PROP_WRITTEN:
            root.remove(prop)
    parts[ooxml.CUSTOM_PART] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert _in_contract(read_record(path, path.parent)) == []  # as docgen wrote it
    fill(path, {"record.date": "12/3/2026", "record.topic": "Run chart"})
    record = read_record(path, path.parent)
    assert any(s.topic == "Run chart" for s in record.sessions)
    assert _in_contract(record) == [(None, (
        "was made by a docgen that did not record the text it wrote, and saved since: what was "
        "typed in the contract before its first Record of Coaching form is not checked; look "
        "it over (docgen reads from a contract only its forms and the COACHING RECORD table)"))]


def test_words_typed_beside_a_form_heading_are_named(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    d = docx.Document(str(path))
    headings = [p for p in d.paragraphs if p.text.startswith("Record of Coaching")]
    headings[0].add_run(" – wk 1 at the hub")
    d.save(str(path))
    (problem,) = _new(read_record(path, path.parent))
    assert problem.startswith(
        'heading of Record of Coaching form 1: holds text outside the forms and the table: '
        '"Record of Coaching (to be retained by team) – wk 1 at the hub"; ')


def test_the_lines_recorded_of_a_contract_are_those_read_back(out: Path) -> None:
    """docgen makes them from the template's text; they are what the log reads of it."""
    for name in (T1, T2):
        data = (out / name).read_bytes()
        with zipfile.ZipFile(out / name) as zf:
            props = ooxml.read_custom_properties(etree.fromstring(zf.read(ooxml.CUSTOM_PART)))
        assert props[schema.PROP_WRITTEN] == written_back(data, contract=True)
        assert len(json.loads(props[schema.PROP_WRITTEN])["lines"]) > 40


# any text, and text made of what JSON escapes, joins on ('","') or sets apart (a tab)
_JSON_ITEMS = st.lists(st.text() | st.text(alphabet='ab",\\\t\u00e9'))


@settings(max_examples=300, deadline=None)
@given(_JSON_ITEMS, _JSON_ITEMS)
def test_the_lines_docgen_wrote_are_recorded_as_json_writes_them(found: list[str],
                                                                  parts: list[str]) -> None:
    """docgen.written and docgen.margins are written without the json module (a third of
    its time a document): the same text, whatever the items hold."""
    assert written.json_lines(found, parts=parts) == json.dumps(
        {"lines": sorted(found), "parts": sorted(parts)}, separators=(",", ":"))
    assert written.json_lines(found) == json.dumps({"lines": sorted(found)},
                                                    separators=(",", ":"))
