"""A programme's largest cohort is read; a zip bomb is still refused, naming itself.

The cohort of 100,000 teams and 300,000 sessions is built once, as a folder of CSV files and
as an .xlsx whose Sessions sheet inflates to ~130 MB (twice the 64 MiB a part could once
hold), written as raw XML into a zip rather than cell by cell. These tests run in CI as any
other: building both files takes ~8 s and reading each ~15-25 s on a 2-core machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.cohort import read_cohort, xlsx
from docgen.cohort.cells import CELLS_SETTING, Extent, check_extent
from docgen.cohort.starter import write_cohort_workbook
from docgen.cohort.xlsx import count_cells, pieces
from docgen.errors import DocgenError
from docgen.safezip import MIB, PART_SETTING, RATIO_SETTING, limits, open_package

TEAMS, SESSIONS_PER_TEAM = 100_000, 3
ORGS = ("NHS Lothian", "NHS Borders", "Edinburgh H&SCP")
TEAM_HEAD = ["Team ID", "Team name", "Organisation", "Team members", "Coach", "Coach email",
             "First session"]
SESSION_HEAD = ["Team ID", "Date", "Start time", "Finish time", "Coach", "Mode", "Topic",
                "Issues arising", "Action"]
EPOCH = dt.date(1899, 12, 30)  # day 0 of an Excel date


def team(i: int) -> list[object]:
    return [f"T{i:06d}", f"Improvement team {i} & partners", ORGS[i % 3],
            f"Áine Member{i}; Łukasz Member{i}", f"Dr Coach {i % 40}", "coach@nhs.scot",
            dt.date(2026, 3, 1 + i % 28)]


def session(i: int, k: int) -> list[object]:
    return [f"T{i:06d}", dt.date(2026, 3 + k, 1 + i % 28), dt.time(14), dt.time(15, 30),
            f"Dr Coach {i % 40}", "Video", f"Process map {k + 1} < PDSA {i}",
            f"Data collection on ward {i}", f"Baseline run chart by {k + 2} March (T{i:06d})"]


def rows(sheet: str) -> list[list[object]]:
    if sheet == "Teams":
        return [team(i) for i in range(TEAMS)]
    return [session(i, k) for i in range(TEAMS) for k in range(SESSIONS_PER_TEAM)]


def write_csv(folder: Path) -> Path:
    """Write the cohort as teams.csv and sessions.csv, dates and times as people type them."""
    folder.mkdir()
    for name, head in (("teams", TEAM_HEAD), ("sessions", SESSION_HEAD)):
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(head)
            out.writerows([v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else
                           v.strftime("%H:%M") if isinstance(v, dt.time) else v for v in row]
                          for row in rows(name.title()))
    return folder


def _column(n: int) -> str:
    return chr(65 + n)


def _cell(ref: str, value: object) -> str:
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, dt.time):
        return f'<c r="{ref}" s="2"><v>{(value.hour * 60 + value.minute) / 1440!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _sheet(head: list[str], body: list[list[object]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
             'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    columns = [_column(c) for c in range(len(head))]
    for n, row in enumerate([head, *body], start=1):
        cells = "".join(_cell(f"{letter}{n}", v) for letter, v in zip(columns, row, strict=True))
        lines.append(f'<row r="{n}">{cells}</row>')
    lines.append("</sheetData></worksheet>")
    return "".join(lines).encode()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def write_xlsx(path: Path, sheets: dict[str, bytes]) -> Path:
    """Write a minimal .xlsx holding ``sheets`` (name -> the sheet part's XML), as Excel
    would lay it out: a date style (built-in format 14) and a time style (20)."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                            f'ContentType="{_SHEET_TYPE}"/>' for i in range(1, len(names) + 1))
        zf.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+'
            f'xml"/>{overrides}</Types>'))
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
                    f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        listed = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(names, start=1))
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
                    f"{listed}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_DOC}/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
        zf.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{_RELS}">{rels}'
                    f'<Relationship Id="rId{len(names) + 1}" Type="{_DOC}/styles" '
                    'Target="styles.xml"/></Relationships>')
        zf.writestr("xl/styles.xml", (
            f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font/></fonts><fills count="1">'
            '<fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
            '</cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" '
            'applyNumberFormat="1"/><xf numFmtId="20" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>"))
        for i, name in enumerate(names, start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
    return path


@pytest.fixture(scope="module")
def largest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The cohort of 100,000 teams and 300,000 sessions, as CSV files and as an .xlsx."""
    tmp = tmp_path_factory.mktemp("scale")
    xlsx = write_xlsx(tmp / "cohort.xlsx", {
        "Teams": _sheet(TEAM_HEAD, rows("Teams")),
        "Sessions": _sheet(SESSION_HEAD, rows("Sessions"))})
    return {"csv": write_csv(tmp / "csv"), "xlsx": xlsx}


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_cohort_of_100000_teams_and_300000_sessions_is_read(largest: dict[str, Path],
                                                               form: str) -> None:
    if form == "xlsx":  # what once stopped it: the sheet is over the old 64 MiB part limit
        with zipfile.ZipFile(largest["xlsx"]) as zf:
            assert zf.getinfo("xl/worksheets/sheet2.xml").file_size > 64 * MIB
    warnings: list = []
    cohort, problems = read_cohort(largest[form], warnings)
    assert problems == [] and warnings == []
    assert (len(cohort.teams), len(cohort.sessions)) == (TEAMS, TEAMS * SESSIONS_PER_TEAM)
    first, last = cohort.teams[0], cohort.teams[-1]
    assert (first.team_id, first.team_name, first.organisation, first.coaches) == (
        "T000000", "Improvement team 0 & partners", "NHS Lothian", ("Dr Coach 0",))
    assert first.members == ("Áine Member0", "Łukasz Member0")
    assert (last.team_id, last.first_session, last.row) == ("T099999", dt.date(2026, 3, 12),
                                                             TEAMS + 1)
    middle = cohort.sessions[150_002]  # team 50,000's third session, on row 150,004
    assert (middle.team_id, middle.date, middle.start, middle.finish, middle.mode) == (
        "T050000", dt.date(2026, 5, 21), dt.time(14), dt.time(15, 30), "Video")
    assert (middle.topic, middle.action, middle.row) == (
        "Process map 3 < PDSA 50000", "Baseline run chart by 4 March (T050000)", 150_004)
    assert cohort.sessions[-1].team_id == "T099999"


# --- bombs and limits -------------------------------------------------------------------------


def bomb(path: Path, mib: int = 120) -> Path:
    """Write a workbook whose Sessions sheet is ``mib`` MiB of one repeated row (~1,000 to 1)."""
    head = _sheet(SESSION_HEAD, [])[:-len(b"</sheetData></worksheet>")]
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 4000 + b"</t></is></c></row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("xl/workbook.xml", b"<workbook/>"), ("[Content_Types].xml",
                                                                  b"<Types/>")):
            zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            block = row * (MIB // len(row))
            for _ in range(mib):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def test_a_bomb_beyond_the_ratio_is_refused_naming_the_part_its_ratio_and_the_setting(
        tmp_path: Path) -> None:
    path = bomb(tmp_path / "cohort.xlsx")
    with pytest.raises(DocgenError) as caught:
        read_cohort(path)
    message = str(caught.value)
    assert message.startswith("cohort.xlsx: part xl/worksheets/sheet2.xml is compressed ")
    ratio = int(message.split("is compressed ")[1].split(" to 1")[0].replace(",", ""))
    assert ratio > 200
    assert "more than docgen's limit of 200 to 1" in message
    assert "zip bomb" in message and RATIO_SETTING in message


def test_a_bomb_that_lies_about_its_size_is_refused_as_it_inflates(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/worksheets/sheet2.xml", b"<row/>" * (8 * MIB))  # the last part
    data = bytearray(path.read_bytes())
    local = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet2.xml").header_offset
    central = data.rfind(b"PK\x01\x02")
    for at in (local + 22, central + 24):  # where each header keeps the inflated size
        data[at:at + 4] = (1000).to_bytes(4, "little")  # says 1,000 bytes: no ratio to see
    path.write_bytes(bytes(data))
    with pytest.raises(DocgenError, match=r"^cohort\.xlsx: part xl/worksheets/sheet2\.xml is "
                                          r"damaged"):
        read_cohort(path)  # zipfile inflates no more than declared, then finds the CRC wrong


def test_the_part_limit_names_part_size_and_setting_and_the_setting_raises_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    teams = _sheet(TEAM_HEAD, [team(i) for i in range(4000)])  # ~1.7 MB, compressed ~10 to 1
    path = write_xlsx(tmp_path / "cohort.xlsx", {
        "Teams": teams, "Sessions": _sheet(SESSION_HEAD, [session(i, 0) for i in range(4000)])})
    monkeypatch.setenv(PART_SETTING, "1")
    with pytest.raises(DocgenError) as caught:
        read_cohort(path)
    assert str(caught.value) == (
        f"cohort.xlsx: part xl/worksheets/sheet1.xml would inflate to {len(teams):,} bytes "
        f"({len(teams) / MIB:.1f} MB), more than docgen's limit of 1.0 MB a part of a workbook: "
        f"refused as a possible zip bomb; if the file is genuine, set the environment variable "
        f"{PART_SETTING} to more megabytes (e.g. {PART_SETTING}=3) and run again")
    monkeypatch.setenv(PART_SETTING, "3")
    cohort, problems = read_cohort(path)
    assert (len(cohort.teams), len(cohort.sessions), problems) == (4000, 4000, [])


@pytest.mark.parametrize("value", ["0", "lots", "-5"])
def test_a_setting_that_is_no_number_is_named(monkeypatch: pytest.MonkeyPatch,
                                              value: str) -> None:
    monkeypatch.setenv(RATIO_SETTING, value)
    with pytest.raises(DocgenError, match=f"the environment variable {RATIO_SETTING} is "
                                          f"'{value}': set it to a whole number above 0"):
        limits("workbook")


def test_a_document_keeps_its_own_smaller_limit(tmp_path: Path) -> None:
    path = tmp_path / "record.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", b" " * (65 * MIB))
    assert limits().part == 64 * MIB < limits("workbook").part
    with pytest.raises(DocgenError, match="more than docgen's limit of 64 MB a part of a "
                                          f"document: .*{PART_SETTING}"):
        open_package(path)
    open_package(path, limit=limits("workbook")).close()


def test_the_cell_limit_names_itself_and_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    held = Extent()
    held.add(0, 0, 299_999, 29)  # 300,000 rows of 30 columns, every cell filled
    held.cells = 9_000_000
    with pytest.raises(DocgenError) as caught:
        check_extent(held, "cohort.xlsx", "Sessions")
    assert str(caught.value) == (
        "cohort.xlsx › Sessions: the sheet holds 9,000,000 cells in 9,000,000, more than "
        "docgen's limit of 8,000,000 cells a sheet (calamine, which reads it, keeps ~32 bytes "
        "a cell: 244 MB): delete the columns docgen does not need, or set the environment "
        f"variable {CELLS_SETTING} to a larger number and run again")
    monkeypatch.setenv(CELLS_SETTING, "9000000")
    check_extent(held, "cohort.xlsx", "Sessions")


# --- the sheet read as a stream of whole rows ------------------------------------------------


SHEET = _sheet(SESSION_HEAD, [session(i, i % 3) for i in range(40)]).replace(
    b'<row r="7">', b'<x:row r="7" xmlns:x="urn:x">').replace(b"</row><row r=\"8\"",
                                                             b"</x:row ><row r=\"8\"")


@given(st.lists(st.integers(1, len(SHEET)), max_size=30))
def test_a_sheet_in_pieces_is_cut_only_after_rows(cuts: list[int]) -> None:
    bounds = [0, *sorted(set(cuts)), len(SHEET)]
    blocks = [SHEET[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    found = list(pieces(blocks))
    assert b"".join(found) == SHEET
    for piece in found[:-1]:
        assert piece.rstrip().endswith((b"</row>", b"</x:row >"))
    counted = count_cells(found)
    assert (counted.cells, counted.bottom[0], counted.right[1]) == (41 * 9, 40, 8)


# --- a large sheet read by calamine a chunk of rows at a time --------------------------------


def excel_like(path: Path) -> Path:
    """Write a workbook as Excel lays one out: shared strings, the 1904 date system, a blank
    row, a cell whose formula failed, columns from B, an Excel table with a totals row."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    date, time = wb.add_format({"num_format": "dd/mm/yyyy"}), wb.add_format({"num_format": "hh:mm"})
    teams = wb.add_worksheet("Teams")
    teams.write_row(0, 1, TEAM_HEAD[:6])
    for i in range(300):
        teams.write_row(i + 1 + (i > 100), 1, team(i)[:6])
    teams.write_formula(50, 3, "=1/0", None, "#DIV/0!")
    sessions = wb.add_worksheet("Sessions")
    body = [session(i, k) for i in range(300) for k in range(2)]
    sessions.add_table(0, 0, len(body) + 1, len(SESSION_HEAD) - 1, {
        "columns": [{"header": h} for h in SESSION_HEAD], "total_row": True})
    for r, row in enumerate(body, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sessions.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, dt.time):
                sessions.write_datetime(r, c, dt.datetime.combine(EPOCH, value), time)
            else:
                sessions.write(r, c, value)
    wb.close()
    return path


@pytest.mark.parametrize("writer", ["docgen", "excel"])
def test_a_sheet_read_in_chunks_reads_as_the_whole_sheet(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str) -> None:
    path = tmp_path / "cohort.xlsx"
    if writer == "docgen":
        write_cohort_workbook(path, {"Teams": [dict(zip(
            ["team_id", "team_name", "organisation", "team_members", "coach", "coach_email",
             "first_session"], team(i), strict=True)) for i in range(200)]})
    else:
        excel_like(path)
    whole_warnings: list = []
    whole = read_cohort(path, whole_warnings)
    monkeypatch.setattr(xlsx, "LARGE_SHEET", 0)
    monkeypatch.setattr(xlsx, "CHUNK_BYTES", 5000)  # a few rows a chunk
    monkeypatch.setattr(xlsx, "STRINGS_TIMES", 0)  # however many shared strings
    chunks_taken = []
    chunks = xlsx.XlsxPackage.chunks
    monkeypatch.setattr(xlsx.XlsxPackage, "chunks",
                        lambda self, name: (chunks_taken.append(name) or c
                                            for c in chunks(self, name)))
    chunked_warnings: list = []
    chunked = read_cohort(path, chunked_warnings)
    assert len(chunks_taken) > 20
    assert list(chunked[0].teams) == list(whole[0].teams) and len(whole[0].teams) >= 199
    assert list(chunked[0].sessions) == list(whole[0].sessions)
    assert (chunked[1], chunked_warnings) == (whole[1], whole_warnings)
    if writer == "excel":
        assert len(whole[0].sessions) == 600 and whole[0].sessions[0].date == dt.date(2026, 3, 1)
        assert [p.row for p in whole[1]] == [51]  # the failed formula, on its row


# --- a CSV file's rows read without copying its text -----------------------------------------


@given(st.text(st.sampled_from('ab,;"\r\n\t é'), max_size=60))
def test_csv_records_split_lines_as_stringio_does(text: str) -> None:
    """Lines end at CR, LF or CRLF, kept, as io.StringIO(newline="") gives them (which copies
    the text at 4 bytes a character); each record's end offset is where its last line ends."""
    import io

    from docgen.cohort.csvfiles import records

    end = 0

    def lines():  # the reading records() replaced
        nonlocal end
        for line in io.StringIO(text, newline=""):
            end += len(line)
            yield line

    expected = []
    try:
        for n, cells in enumerate(csv.reader(lines()), start=1):
            expected.append((n, cells, end))
    except csv.Error:
        expected.append("error")
    found = []
    try:
        found.extend(records(text, ","))
    except csv.Error:
        found.append("error")
    assert found == expected
