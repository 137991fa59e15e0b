"""Text struck through, or hidden, in a Record of Coaching field or a COACHING RECORD cell is
read as typed and named: docgen cannot tell what striking means (a time struck out and typed
again, a topic struck through, a whole form for a session that did not happen)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import docx
import pytest
from coach import _controls, add_table_row, fill
from conftest import TODAY
from docx.oxml.ns import qn
from test_typing_in_libreoffice import generated_for_typing, run_job

from docgen import jobs
from docgen.models import Record
from docgen.records.read import read_record, read_records

T1 = "contracts/Ward 7 Falls (T1).docx"
FORM = "Record of Coaching form 1"
STRUCK_WAY = ("docgen cannot tell what striking through means, so it reads struck text as "
              "typed: delete the struck text (and the strikethrough)")
NOT_HELD = "; if the session did not happen, type No in Held"


def _marked(record: Record) -> list[tuple[str | None, str | None, str]]:
    return [(p.sheet, p.column, p.message) for p in record.problems
            if "struck through" in p.message or "hidden" in p.message]


def _copy(out: Path, tmp_path: Path) -> Path:
    path = tmp_path / "records" / "T1.docx"
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(out / T1, path)
    return path


def _format(run, *names: str, val: str | None = None) -> None:  # noqa: ANN001
    props = run.find(qn("w:rPr"))
    if props is None:
        props = run.makeelement(qn("w:rPr"), {})
        run.insert(0, props)
    for name in names:
        el = props.makeelement(qn(f"w:{name}"), {} if val is None else {qn("w:val"): val})
        props.append(el)


def _strike_field(path: Path, tag: str, then: str = "", *names: str, val: str | None = None
                  ) -> None:
    """Strike the typing of a field's control (or set ``names``), then type ``then`` after
    it, not struck, as a coach correcting a value does."""
    d = docx.Document(str(path))
    run = next(_controls(d, tag)[0].iter(qn("w:r")))
    _format(run, *(names or ("strike",)), val=val)
    if then:
        new = run.makeelement(qn("w:r"), {})
        t = new.makeelement(qn("w:t"), {})
        t.text = then
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        new.append(t)
        run.addnext(new)
    d.save(str(path))


def _filled(out: Path, tmp_path: Path) -> Path:
    path = _copy(out, tmp_path)
    fill(path, {"record.date": "12/3/2026", "record.start_time": "14:00",
                "record.finish_time": "16:00", "record.topic": "Run chart"})
    return path


def test_a_time_struck_out_and_typed_again_is_named(out: Path, tmp_path: Path) -> None:
    path = _filled(out, tmp_path)
    add_table_row(path, ("Dr Jo Bloggs", "26/3/2026", "Measures", "by phone"))
    assert _marked(read_record(out / T1, out)) == []  # as generated, and filled in: nothing
    assert _marked(read_record(path, path.parent)) == []
    _strike_field(path, "record.start_time", " 15:00")
    record = read_record(path, path.parent)
    assert _marked(record) == [(FORM, "Start time",
                                f'holds text struck through: "14:00": {STRUCK_WAY}{NOT_HELD}')]
    (form,) = [s for s in record.sessions if s.where == FORM]
    assert form.start == dt.time(14)  # read as typed: the struck time first


def test_a_double_strike_and_a_struck_character_style_are_named(out: Path,
                                                                tmp_path: Path) -> None:
    path = _filled(out, tmp_path)
    _strike_field(path, "record.topic", "", "dstrike")
    assert [m[:2] for m in _marked(read_record(path, path.parent))] == [
        (FORM, "Topic/subject brought to coach")]
    path = _filled(out, tmp_path)
    d = docx.Document(str(path))
    style = d.styles.add_style("Gone", 2)  # WD_STYLE_TYPE.CHARACTER
    style.font.strike = True
    run = next(_controls(d, "record.action")[0].iter(qn("w:r")))
    _format(run, "rStyle", val="Gone")
    d.save(str(path))
    assert [m[:2] for m in _marked(read_record(path, path.parent))] == [(FORM, "Action")]


@pytest.mark.parametrize("val", [None, "1", "true", "0", "false", "off"])
def test_a_strike_is_named_unless_turned_off(out: Path, tmp_path: Path, val: str | None
                                             ) -> None:
    path = _filled(out, tmp_path)
    _strike_field(path, "record.topic", "", "strike", "dstrike", val=val)
    named = [] if val in ("0", "false", "off") else [(FORM, "Topic/subject brought to coach")]
    assert [m[:2] for m in _marked(read_record(path, path.parent))] == named


def test_a_whole_form_struck_through_is_one_problem(out: Path, tmp_path: Path) -> None:
    path = _filled(out, tmp_path)
    d = docx.Document(str(path))
    heading = next(p for p in d.paragraphs if p.text.startswith("Record of Coaching"))
    table = heading._p.getnext()
    for run in [*heading._p.iter(qn("w:r")), *table.iter(qn("w:r"))]:
        _format(run, "strike")
    d.save(str(path))
    record = read_record(path, path.parent)
    ((where, column, message),) = _marked(record)
    assert (where, column) == (FORM, None)
    assert message.startswith("holds text struck through in the whole form (Coach/s, Team "
                              "members, Date, Mode, Start time, Finish time, Topic/subject")
    assert message.endswith(f"read as typed, as a session held; {STRUCK_WAY}{NOT_HELD}")
    assert [s.status.value for s in record.sessions if s.where == FORM] == ["held"]


def test_struck_text_deleted_with_track_changes_stays_left_out(out: Path,
                                                               tmp_path: Path) -> None:
    path = _filled(out, tmp_path)
    _strike_field(path, "record.date", " 13/3/2026")  # struck and kept: named
    d = docx.Document(str(path))
    run = next(_controls(d, "record.topic")[0].iter(qn("w:r")))
    _format(run, "strike")
    deleted = run.makeelement(qn("w:del"), {qn("w:id"): "90", qn("w:author"): "Coach"})
    run.addprevious(deleted)
    deleted.append(run)
    for t in run.iter(qn("w:t")):
        t.tag = qn("w:delText")
    d.save(str(path))
    record = read_record(path, path.parent)
    assert [m[:2] for m in _marked(record)] == [(FORM, "Date")]
    assert [s.topic for s in record.sessions if s.where == FORM] == [""]


def test_hidden_text_in_a_field_is_named(out: Path, tmp_path: Path) -> None:
    path = _filled(out, tmp_path)
    _strike_field(path, "record.topic", "", "vanish")
    record = read_record(path, path.parent)
    assert _marked(record) == [(FORM, "Topic/subject brought to coach", (
        'holds text hidden: "Run chart": Word and LibreOffice do not show or print hidden '
        "text, but docgen reads it as typed: show it (Format › Character, untick Hidden) and "
        "keep it, or delete it"))]
    assert [s.topic for s in record.sessions if s.where == FORM] == ["Run chart"]


def test_a_struck_table_row_cell_is_named_with_its_column(out: Path, tmp_path: Path) -> None:
    path = _copy(out, tmp_path)
    add_table_row(path, ("Dr Jo Bloggs", "26/3/2026", "Measures", "by phone"))
    d = docx.Document(str(path))
    cell = next(c for t in d.tables for r in t.rows for c in r.cells if c.text == "Measures")
    for run in cell._tc.iter(qn("w:r")):
        _format(run, "strike")
    d.save(str(path))
    (problem,) = _marked(read_record(path, path.parent))
    assert problem[1:] == ("Topic", (
        f'holds text struck through: "Measures": {STRUCK_WAY}; if the session did not '
        'happen, write "Cancelled" in its Comments'))
    assert problem[0].startswith("COACHING RECORD row ")


# --- through LibreOffice: .docx, .odt and .doc ---------------------------------------------

FORMATS = (".docx", ".odt", ".doc")


@pytest.fixture(scope="module")
def struck_in_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return, by "struck" or "plain", a folder of team T2's contract saved by LibreOffice
    in the three formats: with "14:00" struck out before "15:00" in Start time, the topic
    typed as hidden and a COACHING RECORD Topic struck through; or only opened and saved."""
    work = generated_for_typing(tmp_path_factory, "struck")
    source = next((work / "out" / "contracts").glob("*(T2).docx"))
    folders = {name: work / name for name in ("struck", "plain")}
    documents = []
    for name, folder in folders.items():
        folder.mkdir()
        item: dict[str, object] = {
            "source": str(source),
            "saves": [{"path": str(folder / f"T2{fmt}")} for fmt in FORMATS]}
        if name == "struck":
            item["edits"] = [
                {"label": "Date:", "how": "after", "text": " 10/02/2026"},
                {"label": "Start time:", "how": "after", "text": " 14:00 15:00",
                 "strike": [1, 6]},
                {"label": "Finish time:", "how": "after", "text": " 16:00"},
                {"placeholder": "Type the topic brought to the coach", "how": "after",
                 "text": " Secret topic", "hidden": [1, 13]}]
            item["table"] = {"type": {"A2": "Sam Coach", "B2": "12/03/2026",
                                      "C2": "PDSA review"}, "strike": ["C2"]}
        documents.append(item)
    run_job(work, {"documents": documents})
    return folders


def test_struck_and_hidden_text_typed_in_libreoffice_is_named_and_only_that(
        struck_in_libreoffice: dict[str, Path]) -> None:
    records, _problems = read_records([struck_in_libreoffice["struck"]], jobs=1)
    assert sorted(r.source for r in records) == ["T2.doc", "T2.docx", "T2.odt"]
    for record in records:
        assert [m[:2] for m in _marked(record)] == [
            (FORM, "Start time"), (FORM, "Topic/subject brought to coach"),
            ("COACHING RECORD row 1", "Topic")], record.source
        messages = [m[2] for m in _marked(record)]
        assert messages[0].startswith('holds text struck through: "14:00":')
        assert messages[1].startswith('holds text hidden: "Secret topic":')
        assert messages[2].startswith('holds text struck through: "PDSA review":')
    records, _problems = read_records([struck_in_libreoffice["plain"]], jobs=1)
    assert len(records) == 3  # only opened and saved again: nothing named
    assert [_marked(r) for r in records] == [[], [], []]


# --- the document's own text: a contract's terms, a mentor agreement ------------------------

OWN_WAY = ("striking text through neither removes it nor changes anything the log shows: "
           "if the {what} changed, change them in the cohort workbook{sheet} too; if not, "
           "remove the strikethrough")


def _strike_paragraph_text(path: Path, find: str, *names: str) -> None:
    """Strike through (or set ``names`` on) every run of the first paragraph holding
    ``find``, wherever it is (the body or a table cell), as python-docx saves it."""
    d = docx.Document(str(path))
    paragraphs = [*d.paragraphs, *(p for t in d.tables for row in t.rows for c in row.cells
                                   for p in c.paragraphs)]
    paragraph = next(p for p in paragraphs if find in p.text)
    for run in paragraph._p.iter(qn("w:r")):
        _format(run, *(names or ("strike",)))
    d.save(str(path))


def _own(record: Record) -> list[tuple[str | None, str]]:
    return [(p.sheet, p.message) for p in record.problems
            if p.sheet in ("the contract's own text", "the agreement")
            and p.message.startswith("holds text")]


def test_a_term_of_the_contract_struck_through_is_named(out: Path, tmp_path: Path) -> None:
    """The log reads only a contract's forms and table: a term struck through (a coach
    voiding it) changed nothing it shows, in silence."""
    path = _copy(out, tmp_path)
    _strike_paragraph_text(path, "We agree to the aims, terms and ground rules")
    (sheet, message), = _own(read_record(path, path.parent))
    assert sheet == "the contract's own text"
    assert message == ('holds text struck through: "We agree to the aims, terms and ground '
                       'rules of this contract.": '
                       + OWN_WAY.format(what="contract's terms", sheet=""))


def test_a_mentor_agreement_struck_through_or_hidden_is_named(tmp_path: Path,
                                                             make_cohort) -> None:  # noqa: ANN001
    """A returned agreement is read only as come back: a line of it struck through or hidden
    is named, each once; lines typed (struck or not) are named as typed, not twice."""
    jobs.generate(make_cohort(), tmp_path / "out", today=TODAY)
    source = next((tmp_path / "out" / "agreements").glob("*.docx"))
    path = tmp_path / "records" / "agreement.docx"
    path.parent.mkdir()
    shutil.copyfile(source, path)
    _strike_paragraph_text(path, "This stage comprises two elements")
    _strike_paragraph_text(path, "Finally, this is about closing the session", "vanish")
    d = docx.Document(str(path))
    typed = d.add_paragraph("We also agree to meet weekly")
    _format(typed.runs[0]._r, "strike")
    d.save(str(path))
    record = read_record(path, path.parent)
    own = _own(record)
    assert [(s, m.split(":")[0]) for s, m in own] == [
        ("the agreement", "holds text struck through"), ("the agreement", "holds text hidden")]
    assert own[0][1] == ('holds text struck through: "This stage comprises two elements:": '
                         + OWN_WAY.format(what="agreement's terms",
                                          sheet="'s Mentoring sheet"))
    assert "show it again (Format › Character, untick Hidden)" in own[1][1]
    typed_named = [p for p in record.problems if "We also agree to meet weekly" in p.message]
    assert len(typed_named) == 1 and "is not read" in typed_named[0].message


def test_generated_documents_name_no_own_text(out: Path) -> None:
    records, _problems = read_records([out], jobs=1)
    assert records and all(_own(r) == [] for r in records)


@pytest.fixture(scope="module")
def own_text_in_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder of team T1's contract, with a term struck through, and a mentor
    agreement, with a line struck through and one hidden, each selected and formatted in
    LibreOffice (Format › Character) and saved in the three formats."""
    work = generated_for_typing(tmp_path_factory, "own")
    folder = work / "edited"
    folder.mkdir()
    contract = next((work / "out" / "contracts").glob("*(T1).docx"))
    agreement = next((work / "out" / "agreements").glob("*.docx"))
    job = {"documents": [
        {"source": str(contract),
         "format_text": [{"find": "We agree to the aims, terms", "how": "strike"}],
         "saves": [{"path": str(folder / f"contract{fmt}")} for fmt in FORMATS]},
        {"source": str(agreement),
         "format_text": [{"find": "This stage comprises two elements", "how": "strike"},
                         {"find": "Finally, this is about closing", "how": "hidden"}],
         "saves": [{"path": str(folder / f"agreement{fmt}")} for fmt in FORMATS]}]}
    run_job(work, job)
    return folder


def test_terms_struck_or_hidden_in_libreoffice_are_named(own_text_in_libreoffice: Path
                                                         ) -> None:
    records, _problems = read_records([own_text_in_libreoffice], jobs=1)
    assert len(records) == 6
    for record in records:
        own = _own(record)
        if record.source.startswith("contract"):
            assert [m.split('":')[0] for _s, m in own] == [
                'holds text struck through: "We agree to the aims, terms'], record.source
        else:
            assert [m.split('":')[0] for _s, m in own] == [
                'holds text struck through: "This stage comprises two elements',
                'holds text hidden: "Finally, this is about closing'], record.source
