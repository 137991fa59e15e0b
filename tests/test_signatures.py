"""Who signed a contract or a mentor agreement reaches the log: what is typed in a signature
table (a signature, a date) arrives on the Signatures sheet, each document says how many of
its people signed and who has not, and a date that cannot be read is named, kept as typed."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import TODAY
from test_template_fidelity import _png
from test_typing_in_libreoffice import generated_for_typing, run_job

from docgen import jobs
from docgen.records.read import read_record


def _contract(out: Path) -> Path:
    return next((out / "contracts").glob("*(T1).docx"))


def _agreement(out: Path) -> Path:
    return next((out / "agreements").glob("*.docx"))


def _sign(path: Path, table: int, rows: dict[int, tuple[str, str]]) -> None:
    """Type (signature, date) into rows of a document's ``table`` (-1: the last), as Word
    saves a cell typed into."""
    d = docx.Document(str(path))
    t = d.tables[table]
    for row, (signature, date) in rows.items():
        t.cell(row, 2).text = signature
        t.cell(row, 3).text = date
    d.save(str(path))


def _sheet(log: Path, name: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(log)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def _log(out: Path, cohort: Path | None = None) -> tuple[Path, object]:
    log = out.parent / "log.xlsx"
    report = jobs.log([out], log, cohort=cohort, today=TODAY)
    return log, report


def test_a_signed_contract_is_counted_and_each_signature_arrives(out: Path) -> None:
    contract = _contract(out)
    # the signature table: Coach, then each team member (Áine Ní Bhriain, Łukasz Wójcik);
    # a date without its year is the first such day after the contract was made (TODAY)
    _sign(contract, 2, {1: ("Jo Bloggs", "12/03/2026"), 2: ("Á. Ní Bhriain", "1st December")})
    record = read_record(contract, out)
    signed = [(s.role, s.name, s.signature, s.date) for s in record.signatures if s.signed]
    assert signed == [("Coach", "Dr Jo Bloggs", "Jo Bloggs", dt.date(2026, 3, 12)),
                      ("Team member", "Áine Ní Bhriain", "Á. Ní Bhriain", dt.date(2026, 12, 1))]
    log, _report = _log(out)
    team = next(r for r in _sheet(log, "Teams") if r["Team ID"] == "T1")
    assert team["Contract signed"] == "2 of 3"
    assert team["Still to sign"] == "Łukasz Wójcik (Team member)"
    rows = [(r["Name"], r["Signature"], r["Date"]) for r in _sheet(log, "Signatures")]
    assert rows == [("Dr Jo Bloggs", "Jo Bloggs", dt.datetime(2026, 3, 12)),
                    ("Áine Ní Bhriain", "Á. Ní Bhriain", dt.datetime(2026, 12, 1))]
    # nothing typed in a signature table is named as text docgen does not read
    problems = _sheet(log, "Problems")
    assert not any("Bloggs" in str(p["Problem"]) or "December" in str(p["Problem"])
                   for p in problems if "T1" in str(p["File"]))


def test_a_date_that_is_no_date_is_named_and_kept_as_typed(out: Path) -> None:
    contract = _contract(out)
    _sign(contract, 2, {1: ("Jo Bloggs", "after the training day")})
    log, _report = _log(out)
    rows = _sheet(log, "Signatures")
    assert [(r["Name"], r["Date"], r["Date as typed"]) for r in rows] == [
        ("Dr Jo Bloggs", None, "after the training day")]
    named = [p for p in _sheet(log, "Problems") if "signature table" in str(p["Where"])]
    assert len(named) == 1
    assert "row 2" in str(named[0]["Where"]) and "Date" in str(named[0]["Where"])
    assert "after the training day" in str(named[0]["Problem"])
    assert "Signatures sheet" in str(named[0]["Problem"])


def test_a_date_alone_counts_as_signed(out: Path) -> None:
    """A signature pasted as a picture has no text: the date typed beside it still counts."""
    contract = _contract(out)
    _sign(contract, 2, {1: ("", "12/03/2026")})
    log, _report = _log(out)
    team = next(r for r in _sheet(log, "Teams") if r["Team ID"] == "T1")
    assert team["Contract signed"] == "1 of 3"


def test_a_signature_pasted_as_a_picture_counts_as_signed(out: Path) -> None:
    """Insert > Image into the Signature cell, with no date beside it (the coach), and with
    one (a team member): both signed; the Signatures sheet shows each as a picture."""
    png = out.parent / "signature.png"
    png.write_bytes(_png())
    contract = _contract(out)
    d = docx.Document(str(contract))
    for row in (1, 2):
        d.tables[2].cell(row, 2).paragraphs[0].add_run().add_picture(str(png))
    d.tables[2].cell(2, 3).text = "12/03/2026"
    d.save(str(contract))
    log, _report = _log(out)
    team = next(r for r in _sheet(log, "Teams") if r["Team ID"] == "T1")
    assert team["Contract signed"] == "2 of 3"
    assert team["Still to sign"] == "Łukasz Wójcik (Team member)"
    rows = [(r["Name"], r["Signature"], r["Date"]) for r in _sheet(log, "Signatures")]
    assert rows == [("Dr Jo Bloggs", "(a picture)", None),
                    ("Áine Ní Bhriain", "(a picture)", dt.datetime(2026, 3, 12))]


def test_the_mentoring_sheet_says_who_has_not_signed_the_agreement(out: Path,
                                                                     make_cohort) -> None:
    agreement = _agreement(out)
    _sign(agreement, -1, {1: ("Zofia Dąbrowska", "3 April 2026")})
    log, _report = _log(out, make_cohort())
    pair = _sheet(log, "Mentoring")[0]
    assert pair["Agreement returned"] == "Yes"
    assert pair["Agreement signed"] == "1 of 2"
    assert pair["Still to sign"] == "François Béranger (Mentor)"
    row = next(r for r in _sheet(log, "Signatures") if r["Document"] == "Mentor agreement")
    assert (row["Role"], row["Name"], row["Date"]) == (
        "QI Practitioner", "Zofia Dąbrowska", dt.datetime(2026, 4, 3))
    assert _totals(log)["Mentor agreements signed by both"] == 0
    _sign(agreement, -1, {2: ("F. Béranger", "4 April 2026")})
    _sign(_contract(out), 2, {1: ("Jo", "1/12/2026"), 2: ("Áine", "1/12/2026"),
                              3: ("Łukasz", "2/12/2026")})
    log, _report = _log(out, make_cohort())
    totals = _totals(log)
    assert (totals["Mentor agreements returned"], totals["Mentor agreements signed by both"],
            totals["Contracts signed by everyone"]) == (1, 1, 1)


def _totals(log: Path) -> dict[str, object]:
    """Return the Summary sheet's totals, by label."""
    totals: dict[str, object] = {}
    for row in openpyxl.load_workbook(log)["Summary"].iter_rows(values_only=True):
        cells = [v for v in row if v is not None]  # a label, then its value (label cells merge)
        for label, value in zip(cells, cells[1:], strict=False):
            if isinstance(label, str) and isinstance(value, int | float):
                totals.setdefault(label, value)
    return totals


def test_signatures_are_kept_by_the_reading_cache(out: Path) -> None:
    _sign(_contract(out), 2, {1: ("Jo Bloggs", "12/03/2026")})
    log, _report = _log(out)
    first = _sheet(log, "Signatures")
    log.unlink()  # the workbook made again, the records' readings taken from the cache
    log, _report = _log(out)
    assert _sheet(log, "Signatures") == first != []


def test_signatures_typed_in_libreoffice_reach_the_log(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """The mentor and the practitioner sign the agreement in LibreOffice, saved as .docx and
    as .odt: both signatures and dates are on the log."""
    work = generated_for_typing(tmp_path_factory, "signed")
    source = _agreement(work / "out")
    saved = {fmt: work / "back" / f"agreement{fmt}" for fmt in (".docx", ".odt")}
    run_job(work, {"documents": [{
        "source": str(source),
        "table": {"index": -1, "type": {"C2": "Zofia D", "D2": "03/04/2026",
                                        "C3": "F Béranger", "D3": "04/04/2026"}},
        "saves": [{"path": str(saved[".docx"]), "filter": "MS Word 2007 XML"},
                  {"path": str(saved[".odt"]), "filter": "writer8"}]}]})
    for fmt, path in saved.items():
        record = read_record(path, path.parent)
        got = [(s.role, s.signature, s.date) for s in record.signatures if s.signed]
        assert got == [("QI Practitioner", "Zofia D", dt.date(2026, 4, 3)),
                       ("Mentor", "F Béranger", dt.date(2026, 4, 4))], fmt


def test_a_reworded_header_still_reads_the_table(out: Path) -> None:
    """Headers reworded as people do ("Print name", "Signed", "Date signed"): every name,
    signature and date still arrives. Reworded in the record (not in the template, whose words
    docgen records), each header is named, as anything typed in the header row is: a header
    cell may hold typing, which must not pass in silence."""
    contract = _contract(out)
    d = docx.Document(str(contract))
    table = d.tables[2]
    for col, header in ((1, "Print name"), (2, "Signed"), (3, "Date signed")):
        table.cell(0, col).text = header
    d.save(str(contract))
    _sign(contract, 2, {1: ("Jo Bloggs", "12/03/2026")})
    log, _report = _log(out)
    rows = [(r["Name"], r["Signature"], r["Date"]) for r in _sheet(log, "Signatures")]
    assert rows == [("Dr Jo Bloggs", "Jo Bloggs", dt.datetime(2026, 3, 12))]
    team = next(r for r in _sheet(log, "Teams") if r["Team ID"] == "T1")
    assert team["Contract signed"] == "1 of 3"
    named = [str(p["Problem"]) for p in _sheet(log, "Problems")
             if "T1" in str(p["File"]) and "not read" in str(p["Problem"])]
    assert len(named) == 1  # one passage: the header row's typed words, quoted
    assert all(h in named[0] for h in ("Print name", "Signed", "Date signed"))


def test_signatures_pasted_as_pictures_in_libreoffice_count(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each signs the agreement by Insert > Image into their Signature cell in LibreOffice,
    Track Changes on, one dating it: saved as .docx and .odt, both count as signed."""
    work = generated_for_typing(tmp_path_factory, "pictures")
    png = work / "signature.png"
    png.write_bytes(_png())
    saved = {fmt: work / "back" / f"agreement{fmt}" for fmt in (".docx", ".odt")}
    run_job(work, {"documents": [{
        "source": str(_agreement(work / "out")), "track": True,
        "table": {"index": -1, "type": {"D2": "03/04/2026"}},
        "pictures": [{"table": -1, "cell": cell, "path": str(png)} for cell in ("C2", "C3")],
        "saves": [{"path": str(saved[".docx"]), "filter": "MS Word 2007 XML"},
                  {"path": str(saved[".odt"]), "filter": "writer8"}]}]})
    for fmt, path in saved.items():
        record = read_record(path, path.parent)
        got = [(s.role, s.picture, s.date) for s in record.signatures if s.signed]
        assert got == [("QI Practitioner", True, dt.date(2026, 4, 3)),
                       ("Mentor", True, None)], fmt


def test_a_deleted_signature_row_is_not_counted_as_signed(out: Path) -> None:
    """The last team member's row deleted, the others signed: "2 of 3", not "2 of 2", and the
    missing row is named; a name corrected in its row is not taken for a row deleted."""
    contract = _contract(out)
    d = docx.Document(str(contract))
    table = d.tables[2]
    table._tbl.remove(table.rows[3]._tr)
    table.cell(2, 1).text = "Aine Ni Bhriain-Smith"  # her name corrected in its row
    d.save(str(contract))
    _sign(contract, 2, {1: ("Jo Bloggs", "12/03/2026"), 2: ("A N B-S", "12/03/2026")})
    log, _report = _log(out)
    team = next(r for r in _sheet(log, "Teams") if r["Team ID"] == "T1")
    assert team["Contract signed"] == "2 of 3"
    assert team["Still to sign"] == "Łukasz Wójcik (Team member)"
    named = [str(p["Problem"]) for p in _sheet(log, "Problems")
             if p["Where"] == "signature table"]
    assert len(named) == 1 and named[0].startswith("has no row for Łukasz Wójcik (Team member)")


def test_a_signature_in_two_copies_is_one_row(out: Path) -> None:
    """The signed agreement sent back twice (a copy beside it): each signature is one row of
    the Signatures sheet, both copies named as its source; a date differing between the
    copies stays a row of its own."""
    agreement = _agreement(out)
    _sign(agreement, -1, {1: ("Zofia D", "03/04/2026"), 2: ("F B", "04/04/2026")})
    copy = agreement.with_name("agreement copy.docx")
    copy.write_bytes(agreement.read_bytes())
    _sign(copy, -1, {2: ("F B", "05/04/2026")})
    log, _report = _log(out)
    rows = sorted((r["Role"], r["Date"], r["Source file"]) for r in _sheet(log, "Signatures"))
    both = "; ".join(sorted([_source(out, agreement), _source(out, copy)]))
    assert rows == sorted([
        ("QI Practitioner", dt.datetime(2026, 4, 3), both),
        ("Mentor", dt.datetime(2026, 4, 4), _source(out, agreement)),
        ("Mentor", dt.datetime(2026, 4, 5), _source(out, copy))]), rows


def _source(out: Path, path: Path) -> str:
    return path.relative_to(out).as_posix()


def test_a_signature_cell_split_in_libreoffice_keeps_both_halves(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """The coach's Signature cell split in two (Table > Split Cells), signed in one half and
    dated in the other: both reach the Signatures sheet, and neither is named as text."""
    work = generated_for_typing(tmp_path_factory, "split")
    saved = {fmt: work / "back" / f"contract{fmt}" for fmt in (".docx", ".odt")}
    run_job(work, {"documents": [{
        "source": str(_contract(work / "out")),
        "table": {"index": 2, "split": [["C2", 1, False]],
                  "then": {"C2": "Jo Bloggs", "D2": "12/03/2026"}},
        "saves": [{"path": str(saved[".docx"]), "filter": "MS Word 2007 XML"},
                  {"path": str(saved[".odt"]), "filter": "writer8"}]}]})
    for fmt, path in saved.items():
        record = read_record(path, path.parent)
        got = [(s.role, s.signature) for s in record.signatures if s.signed]
        assert got == [("Coach", "Jo Bloggs\n12/03/2026")], fmt
        assert not [p for p in record.problems if "12/03/2026" in p.message], fmt


def test_a_name_typed_in_the_signature_table_is_named_as_read(out: Path) -> None:
    """A row added for another signatory, signed: the name typed is named as who signs in
    that row (it is read and counted), not as text docgen passes over."""
    contract = _contract(out)
    d = docx.Document(str(contract))
    table = d.tables[2]
    table._tbl.append(copy.deepcopy(table.rows[3]._tr))
    table.cell(4, 1).text = "New Person"
    d.save(str(contract))
    _sign(contract, 2, {4: ("NP", "12/03/2026")})
    log, _report = _log(out)
    team = next(r for r in _sheet(log, "Teams") if r["Team ID"] == "T1")
    assert team["Contract signed"] == "1 of 4"
    named = [p for p in _sheet(log, "Problems") if "New Person" in str(p["Problem"])]
    assert len(named) == 1
    assert named[0]["Where"] == "signature table (table 3) › row 5 › Name"
    assert "is not read" not in str(named[0]["Problem"])
    assert "Signatures sheet" in str(named[0]["Problem"])


def test_an_agreement_whose_mentor_row_is_deleted_is_not_all_signed(out: Path,
                                                                     make_cohort) -> None:
    agreement = _agreement(out)
    d = docx.Document(str(agreement))
    table = d.tables[-1]
    table._tbl.remove(table.rows[2]._tr)
    d.save(str(agreement))
    _sign(agreement, -1, {1: ("Zofia D", "03/04/2026")})
    log, _report = _log(out, make_cohort())
    pair = _sheet(log, "Mentoring")[0]
    assert (pair["Agreement signed"], pair["Still to sign"]) == (
        "1 of 2", "François Béranger (Mentor)")
    assert [p for p in _sheet(log, "Problems") if p["Where"] == "signature table"
            and "has no row for François Béranger (Mentor)" in str(p["Problem"])]
