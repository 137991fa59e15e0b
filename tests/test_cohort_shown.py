"""Cells a spreadsheet shows otherwise than calamine reads them arrive as shown, or are named.

A number in a format padding it with zeros (000 shows 1 as 001, "T"00 as T01) is read as
shown in a text column, in .xlsx, .xls and .ods alike; a number in another format (1,234.50,
25%) is read as shown from an .ods (whose file holds the text shown) and named in .xlsx and
.xls (whose shown text depends on the computer's settings). An .ods cell's tabs, runs of
spaces and line breaks are kept. The .xls and .ods files are made by LibreOffice (skipped
without it); the raw .ods by hand, as its XML is.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import saved_by_libreoffice, small_rows

from docgen.cohort import read_cohort, xlsx
from docgen.cohort.cells import shown_format
from docgen.cohort.starter import write_cohort_workbook
from docgen.cohort.xlsx import XlsxPackage

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")

Notes = list[tuple[str | None, int | None, str | None, str]]


def read(path: Path) -> tuple[object, Notes]:
    warnings: list = []
    cohort, problems = read_cohort(path, warnings)
    return cohort, [(p.sheet, p.row, p.column, p.message) for p in problems + warnings]


def formatted(path: Path) -> Path:
    """The small cohort with numbers in formatted cells, as an admin's workbook has them."""
    rows = small_rows()
    rows["Teams"][0].update(team_id=1, organisation=7700900123, venue=1234.5,
                            review_after_sessions=4, ward=7)
    rows["Teams"][1].update(team_id=2, team_name=0.25, ward=1.5)
    for session in rows["Sessions"]:
        session["team_id"] = 2
    rows["Programme"] = [{"cohort": 7, "training_days": 4}]
    write_cohort_workbook(path, rows)
    wb = openpyxl.load_workbook(path)
    for sheet, cells in {
        "Teams": {(2, "Team ID"): "000", (3, "Team ID"): '"T"00',
                  (2, "Organisation"): "00000 000000", (2, "Venue"): "#,##0.00",
                  (3, "Team name"): "0%", (2, "Review after sessions"): "0.00",
                  (2, "ward"): '"Ward "0', (3, "ward"): "0.0"},
        "Sessions": {(2, "Team ID"): '"T"00', (3, "Team ID"): '"T"00'},
        "Programme": {(3, "Value"): "000", (4, "Value"): "0.0"},
    }.items():
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        for (row, header), number_format in cells.items():
            ws.cell(row, headers.index(header) + 1).number_format = number_format
    wb.save(path)
    return path


def as_read(cohort) -> tuple[object, ...]:
    t1, t2 = cohort.teams
    return ((t1.team_id, t1.organisation, t1.review_after, t1.extra["ward"]),
            (t2.team_id, t2.extra["ward"]), [s.team_id for s in cohort.sessions],
            cohort.programme.get("cohort"), cohort.programme.get("training_days"))


READ = (("001", "07700 900123", 4, "Ward 7"), ("T02", "1.5"), ["T02", "T02"], "007", "4")
TYPE_IT = "to keep what Excel shows, type it as text, starting with an apostrophe (')"


def test_a_number_formatted_with_zeros_reads_as_excel_shows_it(tmp_path: Path) -> None:
    cohort, notes = read(formatted(tmp_path / "cohort.xlsx"))
    assert as_read(cohort) == READ
    assert (cohort.teams[0].venue, cohort.teams[1].team_name) == ("1234.5", "0.25")
    assert notes == [
        ("Teams", 2, "Venue", 'is a number that Excel shows by its number format "#,##0.00", '
                              f'otherwise than docgen reads it ("1234.5"): {TYPE_IT}'),
        ("Teams", 3, "Team name", 'is a number that Excel shows by its number format "0%", '
                                  f'otherwise than docgen reads it ("0.25"): {TYPE_IT}'),
        ("Teams", 3, "ward", 'is a number that Excel shows by its number format "0.0", '
                             f'otherwise than docgen reads it ("1.5"): {TYPE_IT}')]


def test_a_sheet_read_in_chunks_shows_its_numbers_alike(tmp_path: Path, monkeypatch) -> None:
    path = formatted(tmp_path / "cohort.xlsx")
    whole = read(path)
    monkeypatch.setattr(xlsx, "LARGE_SHEET", 0)
    monkeypatch.setattr(xlsx, "CHUNK_BYTES", 300)  # a row or two a chunk
    monkeypatch.setattr(xlsx, "STRINGS_TIMES", 0)
    assert read(path) == whole


def test_a_workbook_without_such_formats_streams_nothing_more(tmp_path: Path,
                                                               make_cohort) -> None:
    """Dates and times have formats of their own; no number is shown otherwise."""
    package = XlsxPackage(make_cohort())
    try:
        assert package.scan("Teams").shown == ()
    finally:
        package.close()



@needs_soffice
def test_an_xls_shows_its_numbers_as_the_xlsx_does(tmp_path: Path) -> None:
    cohort, notes = read(formatted(tmp_path / "cohort.xlsx"))
    xls, xls_notes = read(saved_by_libreoffice(tmp_path / "cohort.xlsx", "xls"))
    assert (list(xls.teams), list(xls.sessions), xls.programme, xls_notes) == (
        list(cohort.teams), list(cohort.sessions), cohort.programme, notes)


@needs_soffice
def test_an_ods_gives_every_number_as_it_shows_it(tmp_path: Path) -> None:
    """The .ods holds the text each number shows: no format is left to name."""
    cohort, notes = read(saved_by_libreoffice(formatted(tmp_path / "cohort.xlsx"), "ods"))
    assert as_read(cohort) == READ
    assert (cohort.teams[0].venue, cohort.teams[1].team_name) == ("1,234.50", "25%")
    assert notes == []


# --- an .ods as its XML is ---------------------------------------------------------------

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def text_cell(xml: str, repeated: int = 1) -> str:
    columns = f' table:number-columns-repeated="{repeated}"' if repeated > 1 else ""
    return (f'<table:table-cell office:value-type="string"{columns}>'
            f"<text:p>{xml}</text:p></table:table-cell>")


def number_cell(value: str, shown: str) -> str:
    return (f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{shown}</text:p></table:table-cell>")


def write_ods(path: Path, sheets: dict[str, list[tuple[int, list[str]]]]) -> Path:
    """Write an .ods of ``sheets``: each a list of (rows repeated, cells as XML)."""
    def row(n: int, cells: list[str]) -> str:
        repeated = f' table:number-rows-repeated="{n}"' if n > 1 else ""
        return f"<table:table-row{repeated}>{''.join(cells)}</table:table-row>"

    body = "".join(f'<table:table table:name="{name}">'
                   + "".join(row(n, cells) for n, cells in rows) + "</table:table>"
                   for name, rows in sheets.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} '
               f'office:version="1.2"><office:body><office:spreadsheet>{body}'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml",
                    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application'
                    '/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-'
                    'path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        zf.writestr("content.xml", content)
    return path


def test_an_ods_cells_tabs_spaces_and_line_breaks_are_kept(tmp_path: Path) -> None:
    """calamine drops <text:tab/> and <text:line-break/>: the file's text is read instead.
    A comment on a cell is not its text (it is named); a repeated cell is each cell it stands
    for."""
    header = [text_cell(h) for h in ("Team ID", "Team name", "Team members", "Coach",
                                     "Venue", "Frequency")]
    team = [number_cell("1", "001"), text_cell("Falls<text:tab/>Ward 7"),
            text_cell("Ann One<text:line-break/>Bob Two"),
            '<table:table-cell office:value-type="string"><office:annotation><text:p>agreed'
            "<text:tab/>in May</text:p></office:annotation><text:p>Dr<text:s/> "
            "Jo</text:p></table:table-cell>",
            text_cell('Room<text:s text:c="3"/>1<text:tab/>(<text:span>east'
                      "<text:tab/>wing</text:span>)", repeated=2)]
    sessions = [text_cell("Team ID"), text_cell("Date"), text_cell("Topic")]
    session = [number_cell("1", "001"), text_cell("03/04/2026"),
               text_cell("PDSA<text:tab/>cycle &amp; data")]
    path = write_ods(tmp_path / "cohort.ods", {"Teams": [(1, header), (1, team)],
                                               "Sessions": [(1, sessions), (2, session)]})
    cohort, notes = read(path)
    assert [(sheet, row, column) for sheet, row, column, _m in notes] == [
        ("Teams", 2, "Coach"), ("Sessions", 3, "Date")]
    assert notes[0][3].startswith('cell D2 has a comment, "agreed in May", which docgen does '
                                  "not read")
    # the row repeated by the file is read twice, so it is the same session twice
    assert notes[1][3].startswith("team 001 already has a session on 03/04/2026, on row 2")
    (team_read,) = cohort.teams
    assert (team_read.team_id, team_read.team_name, team_read.members, team_read.coaches,
            team_read.venue, team_read.frequency) == (
        "001", "Falls\tWard 7", ("Ann One", "Bob Two"), ("Dr Jo",),
        "Room   1\t(east\twing)", "Room   1\t(east\twing)")
    assert [(s.team_id, s.topic, s.row) for s in cohort.sessions] == [
        ("001", "PDSA\tcycle & data", 2), ("001", "PDSA\tcycle & data", 3)]


# --- numbers of no format: as Excel's General format shows them ------------------------------

def stored_as_excel_stores(path: Path, values: dict[int, str]) -> Path:
    """Replace each placeholder number written in the workbook's sheets by the text Excel
    stores for a number (17 significant digits, or its exponent form), which openpyxl does
    not write: ``values`` maps the placeholder to that text."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            for placeholder, text in values.items():
                data = data.replace(f"<v>{placeholder}</v>".encode(), f"<v>{text}</v>".encode())
            parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def general(path: Path) -> Path:
    """The small cohort with numbers of no format in its text columns, as Excel stores them:
    =0.1+0.2 in Team name, phone numbers, an ID of 19 digits, a third."""
    rows = small_rows()
    rows["Teams"][0].update(team_name=900001, organisation=447712345678, venue=900002,
                            ward=12345678901, room=900003)
    rows["Teams"][1].update(team_name=900004, organisation=1234.5, team_members=900005)
    rows["Programme"] = [{"cohort": 900006}]
    write_cohort_workbook(path, rows)
    return stored_as_excel_stores(path, {
        900001: "0.30000000000000004", 900002: "1.2345678901234568E+18",
        900003: "0.33333333333333331", 900004: "1.0000000000000001E-5",
        900005: "447712345678", 900006: "3.1415926535897931"})


def general_read(cohort) -> tuple[object, ...]:
    t1, t2 = cohort.teams
    return (t1.team_name, t1.organisation, t1.venue, t1.extra["ward"], t1.extra["room"],
            t2.team_name, t2.organisation, t2.members, cohort.programme.get("cohort"))


KEEP_IT = ("format the column as Text and type it again, or type it starting with an "
           "apostrophe (')")


def too_long(shown: str, held: str) -> str:
    return (f"is a number too long for Excel's General format, so the cell shows {shown}: "
            f'docgen read the number it holds, "{held}"; if it is a phone number or an ID, '
            f"check it (a leading 0 is lost once it is a number), and to keep it as typed, "
            f"{KEEP_IT}")


def rounded(shown: str, held: str) -> str:
    return (f'is a number that Excel\'s General format shows rounded, as "{shown}", though '
            f"the cell holds {held}: docgen read what Excel shows; to keep every digit, type "
            "it as text, starting with an apostrophe (')")


FIFTEEN = ('is a number of 19 digits, but a spreadsheet keeps only 15: the digits after the '
           f'15th read as 0 ("1234567890123460000"), whatever was typed; to keep every digit, '
           f"{KEEP_IT}")


def as_number(header: str, listed: str) -> str:
    """The warning of a text column's cells held as numbers shown plainly: their zeros may
    have been lost as they were typed."""
    count = listed.count("row ")
    return (f"{count} {header} cell{'s hold' if count > 1 else ' holds'} a number, not text: "
            f'{listed}; a spreadsheet makes a number of what is typed as digits, dropping '
            'leading zeros ("007" becomes 7, a phone number "07700900123" 7700900123) and the '
            'last zeros of a decimal ("2.10" becomes 2.1), and reads "(12)" as -12, so the '
            "documents show the number; if it was typed otherwise, format the column as Text "
            "(Format › Cells › Text) and type it again, or start it with an apostrophe ('007)")


GENERAL = (("0.3", "447712345678", "1234567890123460000", "12345678901", "0.333333333",
            "0.00001", "1234.5", ("447712345678",), "3.141592654"), [
    ("Programme", 3, "Value", rounded("3.141592654", "3.14159265358979")),
    ("Teams", 2, "Organisation", too_long("4.47712E+11", "447712345678")),
    ("Teams", 2, "Venue", FIFTEEN),
    ("Teams", 2, "room", rounded("0.333333333", "0.333333333333333")),
    ("Teams", 2, "Team name", as_number("Team name", 'row 2 "0.3"')),
    ("Teams", 2, "ward", as_number("ward", 'row 2 "12345678901"')),  # a phone number's digits
    ("Teams", 3, "Team name", too_long("1E-05", "0.00001")),
    ("Teams", 3, "Team members", too_long("4.47712E+11", "447712345678")),
    ("Teams", 3, "Organisation", as_number("Organisation", 'row 3 "1234.5"'))])


def test_a_number_of_no_format_reads_as_excel_shows_it_or_is_named(tmp_path: Path) -> None:
    """0.1+0.2 is stored as 0.30000000000000004 and shown as 0.3; a phone number of 12
    digits shows as 4.47712E+11, so its digits are read and it is named; 19 digits are
    stored as 15; a third shows as 0.333333333."""
    cohort, notes = read(general(tmp_path / "cohort.xlsx"))
    assert (general_read(cohort), notes) == GENERAL


@needs_soffice
def test_an_xls_reads_numbers_of_no_format_as_the_xlsx_does(tmp_path: Path) -> None:
    xls, notes = read(saved_by_libreoffice(general(tmp_path / "cohort.xlsx"), "xls"))
    assert (general_read(xls), notes) == GENERAL


@needs_soffice
def test_an_ods_reads_numbers_as_libreoffice_shows_them(tmp_path: Path) -> None:
    """LibreOffice shows a number of no format with its 15 digits, never rounded to 11: the
    text its file holds is read, and only the digits past the 15th are named."""
    cohort, notes = read(saved_by_libreoffice(general(tmp_path / "cohort.xlsx"), "ods"))
    assert general_read(cohort) == (
        "0.3", "447712345678", "1234567890123460000", "12345678901", "0.333333333333333",
        "0.00001", "1234.5", ("447712345678",), "3.14159265358979")
    assert notes == [
        ("Teams", 2, "Venue", FIFTEEN),
        ("Teams", 2, "Team name", as_number("Team name", 'row 2 "0.3", row 3 "0.00001"')),
        ("Teams", 2, "Organisation",
         as_number("Organisation", 'row 2 "447712345678", row 3 "1234.5"')),
        ("Teams", 2, "ward", as_number("ward", 'row 2 "12345678901"')),
        ("Teams", 3, "Team members", as_number("Team members", 'row 3 "447712345678"'))]


# --- a workbook as its XML is -----------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def write_xlsx(path: Path, sheets: dict[str, str], styles: str = "") -> Path:
    """Write an .xlsx of ``sheets``, each the XML inside its ``sheetData``, and a styles part
    of ``styles`` (what ``styleSheet`` holds), as a generator may write it."""
    related = "".join(f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    if styles:
        related += f'<Relationship Id="rIdS" Type="{RELS}/styles" Target="styles.xml"/>'
    listed = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, name in enumerate(sheets, start=1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                    f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    f'<Relationships xmlns="{PACKAGE}">{related}</Relationships>')
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                    f"{listed}</sheets></workbook>")
        for i, data in enumerate(sheets.values(), start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml",
                        f'<worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>')
        if styles:
            zf.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
    return path


def text(ref: str | None, value: str) -> str:
    at = f' r="{ref}"' if ref else ""
    return f'<c{at} t="inlineStr"><is><t>{value}</t></is></c>'


def number(ref: str | None, value: str, style: int = 0) -> str:
    at = f' r="{ref}"' if ref else ""
    return f'<c{at} s="{style}"><v>{value}</v></c>'


def row(n: int | None, *cells: str) -> str:
    at = f' r="{n}"' if n else ""
    return f"<row{at}>{''.join(cells)}</row>"


TEAMS = ("Team ID", "Team name", "Organisation", "Venue", "Coach", "Team members")
SESSIONS = row(1, text("A1", "Team ID"), text("B1", "Date"))


def test_a_number_formatted_0_shows_every_digit_and_rounds_any_other(tmp_path: Path) -> None:
    """Built-in format 1 and a format of code 0 show 447712345678 in full (General would show
    4.47712E+11) and 1234.5 as 1235; a number in a Thai date format, which calamine does not
    read as a date, is named."""
    styles = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="0"/></numFmts>'
              '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="1"/><xf numFmtId="164"/>'
              '<xf numFmtId="75"/></cellXfs>')
    header = row(1, *(text(f"{c}1", h) for c, h in zip("ABCDEF", TEAMS, strict=True)))
    teams = [row(n, text(f"A{n}", f"T{n}"), number(f"B{n}", name, style),
                 number(f"C{n}", "447712345678", style), number(f"D{n}", venue, style),
                 text(f"E{n}", "Jo"), text(f"F{n}", "Ann"))
             for n, style, name, venue in ((2, 1, "1234.5", "1.2345678901234568E+18"),
                                           (3, 2, "12", "0.5"), (4, 3, "46000", "2"))]
    path = write_xlsx(tmp_path / "cohort.xlsx", {"Teams": header + "".join(teams),
                                                 "Sessions": SESSIONS}, styles)
    cohort, notes = read(path)
    assert [(t.team_name, t.organisation, t.venue) for t in cohort.teams] == [
        ("1234.5", "447712345678", "1234567890123460000"), ("12", "447712345678", "0.5"),
        ("46000", "447712345678", "2")]

    def shown_by(format_shown: str, read_as: str) -> str:
        return (f"is a number that Excel shows by {format_shown}, otherwise than docgen reads it "
                f'("{read_as}"): {TYPE_IT}')

    thai = "one of its own number formats (currency, accounting, or another language's)"
    assert notes == [("Teams", 2, "Team name", shown_by('its number format "0"', "1234.5")),
                     ("Teams", 2, "Venue", FIFTEEN),
                     ("Teams", 2, "Organisation", as_number(
                         "Organisation", 'row 2 "447712345678", row 3 "447712345678"')),
                     ("Teams", 3, "Venue", shown_by('its number format "0"', "0.5")),
                     ("Teams", 3, "Team name", as_number("Team name", 'row 3 "12"')),
                     ("Teams", 4, "Team name", shown_by(thai, "46000")),
                     ("Teams", 4, "Organisation", shown_by(thai, "447712345678")),
                     ("Teams", 4, "Venue", shown_by(thai, "2"))]


def test_the_built_in_formats_read_as_dates_are_calamines(tmp_path: Path) -> None:
    """A built-in format docgen takes for a date must be one calamine reads as a date: a
    number in any other is a number, shown otherwise than General or not."""
    from python_calamine import CalamineWorkbook

    ids = range(164)
    styles = (f'<cellXfs count="{len(ids)}">'
              + "".join(f'<xf numFmtId="{i}"/>' for i in ids) + "</cellXfs>")
    path = write_xlsx(tmp_path / "ids.xlsx", {"S": "".join(
        row(i + 1, number(f"A{i + 1}", "46000.5", i)) for i in ids)}, styles)
    book = CalamineWorkbook.from_path(str(path))
    dates = {i for i, (value,) in enumerate(book.get_sheet_by_name("S").to_python())
             if not isinstance(value, float)}
    book.close()
    assert {i for i in ids if shown_format(i, None) is None} == dates | {0, 49}


# --- cells without a reference, rows out of order ----------------------------------------------

PADDED = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="000"/></numFmts>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>')
HEADER = row(1, *(text(f"{c}1", h) for c, h in zip("ABCDEF", TEAMS, strict=True)))


def team(n: int, name: str, *, refs: bool = True, spelt: str = "") -> str:
    """A row of the Teams sheet: Team ID Tn, a Team name cell (a number formatted 000, or an
    error where ``name`` is #N/A), then Organisation, Venue, Coach and Team members; with
    ``refs``, each cell says where it is; ``spelt`` puts attributes before the row's r."""
    def at(column: str) -> str | None:
        return f"{column}{n}" if refs else None

    where = f' r="B{n}"' if refs else ""
    named = (f'<c{where} t="e"><v>{name}</v></c>' if name.startswith("#") else
             number(at("B"), name, 1))
    cells = (text(at("A"), f"T{n}"), named, text(at("C"), f"Org {n}"), text(at("D"), "Room"),
             text(at("E"), "Jo"), text(at("F"), "Ann"))
    if spelt:
        return f'<row {spelt} r="{n}">{"".join(cells)}</row>'
    return row(n if refs else None, *cells)


def teams_read(path: Path) -> tuple[list[tuple[object, ...]], Notes]:
    cohort, notes = read(path)
    return [(t.row, t.team_id, t.team_name, t.organisation) for t in cohort.teams], notes


def test_cells_without_a_reference_are_placed_as_calamine_places_them(tmp_path: Path) -> None:
    """A generator may leave out a cell's r (the standard allows it): each cell is then the
    one after the cell before it, and its number format and its error are its own, as
    calamine reads its value; before, the number read as 1 and the error as blank."""
    mixed = ('<row r="4">' + text("A4", "T4") + number(None, "4", 1)
             + text("C4", "Org 4") + text(None, "Room") + text(None, "Jo")
             + text(None, "Ann") + "</row>")  # B4 after A4, D4 after C4
    path = write_xlsx(tmp_path / "cohort.xlsx", {
        "Teams": HEADER + team(2, "1", refs=False) + team(3, "#N/A", refs=False) + mixed,
        "Sessions": SESSIONS}, PADDED)
    assert teams_read(path) == ([(2, "T2", "001", "Org 2"), (4, "T4", "004", "Org 4")], [
        ("Teams", 3, "Team name", "the cell shows the error #N/A (its formula failed): "
                                  "correct the formula or type the value")])


@pytest.mark.parametrize("spelt", ["", 'spans="1:6"'])
def test_rows_out_of_order_read_each_its_own_cells(tmp_path: Path, monkeypatch,
                                                    spelt: str) -> None:
    """Rows written out of order (row 3 before row 2) are read in order, each number shown
    as its own format shows it, whole or in chunks; before, row 2's number read as 2."""
    rows = "".join(team(n, str(n), spelt=spelt) for n in (3, 2, 5, 4))
    path = write_xlsx(tmp_path / "cohort.xlsx", {"Teams": HEADER + rows,
                                                 "Sessions": SESSIONS}, PADDED)
    expected = ([(n, f"T{n}", f"00{n}", f"Org {n}") for n in (2, 3, 4, 5)], [])
    assert teams_read(path) == expected
    monkeypatch.setattr(xlsx, "LARGE_SHEET", 0)
    monkeypatch.setattr(xlsx, "CHUNK_BYTES", 300)  # a row or two a chunk
    monkeypatch.setattr(xlsx, "STRINGS_TIMES", 0)
    assert teams_read(path) == expected


def test_a_cell_written_twice_is_refused_naming_it(tmp_path: Path) -> None:
    """calamine keeps the last of two cells at one place: the first team would vanish."""
    twice = team(2, "2") + team(3, "3") + team(2, "7").replace("T2", "T9")
    path = write_xlsx(tmp_path / "cohort.xlsx", {"Teams": HEADER + twice,
                                                 "Sessions": SESSIONS}, PADDED)
    cohort, notes = read(path)
    assert list(cohort.teams) == []
    assert notes == [("Teams", None, None,
                      "the sheet's file holds cell A2 twice (the program that wrote the workbook "
                      "wrote its rows or cells out of order), and only one of its values would "
                      "be read: open the workbook in Excel or LibreOffice, check that row, and "
                      "save it")]
