"""A folder of CSV files as Excel, LibreOffice and Google Sheets write them, every oddity named."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest

from docgen import jobs
from docgen.cohort import read_cohort
from docgen.cohort.csvfiles import decode

TEAMS = "Team ID,Team name,Venue,Coach,Team members\r\n"


def folder_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "cohort"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def read(folder: Path) -> tuple[object, list[str], list[str]]:
    warnings: list = []
    cohort, problems = read_cohort(folder, warnings)
    return cohort, [str(p) for p in problems], [str(w) for w in warnings]


def test_doubled_quotes_as_excel_writes_them(tmp_path: Path) -> None:
    """A sniffer split this row at the comma inside the quoted venue."""
    text = (TEAMS + 'T1,Ward 7,"""Hub"" Seminar Room 3, Royal Infirmary",Jo,Ann\r\n'
            'T2,"Ward ""8""",Room 1,Jo,Ann\r\n')
    cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": text.encode()}))
    assert (problems, warnings) == ([], [])
    assert [(t.team_name, t.venue) for t in cohort.teams] == [
        ("Ward 7", '"Hub" Seminar Room 3, Royal Infirmary'), ('Ward "8"', "Room 1")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_every_delimiter_and_line_end(tmp_path: Path, delimiter: str, newline: str) -> None:
    rows = [["Cohort 7 teams"], ["Team ID", "Team name", "Venue", "Coach", "Team members"],
            ["T1", "Ward 7", '"Hub", Room 3; floor 2', "Jo", "Ann\nBob"],
            ["T2", "Ward 8", "Room\t1", "Jo", "Ann"]]
    lines = [delimiter.join(_quoted(c, delimiter) for c in row) for row in rows]
    folder = folder_with(tmp_path, {"teams.csv": (newline.join(lines) + newline).encode()})
    cohort, problems, warnings = read(folder)
    assert (problems, warnings) == ([], [])
    assert [(t.team_id, t.venue, t.members, t.row) for t in cohort.teams] == [
        ("T1", '"Hub", Room 3; floor 2', ("Ann", "Bob"), 3), ("T2", "Room\t1", ("Ann",), 4)]


def _quoted(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


NAMES = "Áine Ní Bhriain; Łukasz Wójcik; Zoë"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-32"])
def test_unicode_encodings_with_or_without_a_mark(tmp_path: Path, encoding: str) -> None:
    text = TEAMS.replace(",", "\t") + f"T1\tCafé\tRoom 1\tJo\t{NAMES}\r\n"
    cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": text.encode(encoding)}))
    assert (problems, warnings) == ([], [])
    assert cohort.teams[0].members == ("Áine Ní Bhriain", "Łukasz Wójcik", "Zoë")


def test_a_windows_1252_file_is_read_so_and_said(tmp_path: Path) -> None:
    text = TEAMS + "T1,Café,Room 1,Jo,Élodie Lefèvre\r\n"
    cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": text.encode("cp1252")}))
    assert problems == []
    assert warnings == ["teams.csv: is not UTF-8: read as Windows-1252, as Excel for Windows "
                        'writes CSV; if accented letters look wrong, save it as "CSV UTF-8" and '
                        "run again"]
    assert (cohort.teams[0].team_name, cohort.teams[0].members) == ("Café", ("Élodie Lefèvre",))


def test_letters_excel_wrote_as_question_marks_are_named_with_their_row(tmp_path: Path) -> None:
    """Excel for Windows saving "CSV" writes "?" for a letter Windows-1252 has no room for:
    "Łukasz Dąbrowska" arrives as "?ukasz D?browska", in every document made from it."""
    text = (TEAMS + "T1,Any questions? Ask Jo,Room 1,Jo,?ukasz Wójcik; Anna D?browska\r\n"
            "T2,What next?,Room 2,Jo,Élodie Lefèvre\r\n")
    cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": text.encode("cp1252")}))
    assert problems == []
    assert warnings[1:] == [
        'teams.csv › Teams › row 2: "?ukasz Wójcik; Anna D?browska" holds "?" in a word: '
        'Excel writes "?" for a letter a "CSV" file (Windows-1252) has no room for, so letters '
        'were lost; save the sheet as "CSV UTF-8 (Comma delimited)" and run again, or correct '
        "the cell"]
    assert cohort.teams[0].members == ("?ukasz Wójcik", "Anna D?browska")  # read, and named
    # typed in a UTF-8 file, a "?" is what was typed
    (tmp_path / "utf8").mkdir()
    _cohort, _problems, warnings = read(folder_with(tmp_path / "utf8", {
        "teams.csv": text.encode("utf-8")}))
    assert warnings == []


def test_one_stray_byte_does_not_garble_a_utf8_file(tmp_path: Path) -> None:
    """One Windows-1252 byte made the whole file Windows-1252: every accented name garbled."""
    data = (TEAMS + f"T1,Ward 7,Room 1,Jo,{NAMES}\r\nT2,Caf").encode() + b"\xe9" + (
        b",Room 2,Jo,Ann\r\n")
    cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": data}))
    assert problems == []
    assert warnings == ["teams.csv › Teams › row 3: holds bytes that are not UTF-8, though the "
                        "rest of the file is: they were read as Windows-1252; check the row's "
                        "accented letters"]
    assert cohort.teams[0].members == ("Áine Ní Bhriain", "Łukasz Wójcik", "Zoë")
    assert cohort.teams[1].team_name == "Café"


def test_a_byte_no_encoding_defines_is_a_problem(tmp_path: Path) -> None:
    data = TEAMS.encode() + b"T1,Ward\x81 7,Room 1,Jo,Ann\r\n"
    _cohort, problems, _warnings = read(folder_with(tmp_path, {"teams.csv": data}))
    assert problems == ['teams.csv › Teams › row 2: holds a byte that is a character in neither '
                        'UTF-8 nor Windows-1252: save the file as "CSV UTF-8" and run again']


def test_a_row_with_more_cells_than_the_header_is_not_shifted(tmp_path: Path) -> None:
    text = TEAMS + "T1,Ward 7,Hub, Room 3,Jo,Ann\r\nT2,Ward 8,Room 1,Jo,Ann\r\nT3,,,,\r\n"
    cohort, problems, _warnings = read(folder_with(tmp_path, {"teams.csv": text.encode()}))
    assert problems == ["teams.csv › Teams › row 2: the row has 6 cells but the header row 5: "
                        "a cell holding the delimiter must be in quotes, so the cells after it "
                        "are not shifted"]
    assert [t.team_id for t in cohort.teams] == ["T2", "T3"]


def test_a_quote_left_open_is_a_problem(tmp_path: Path) -> None:
    text = TEAMS + 'T1,"Ward 7,Room 1,Jo,Ann\r\nT2,Ward 8,Room 1,Jo,Ann\r\n'
    _cohort, problems, _warnings = read(folder_with(tmp_path, {"teams.csv": text.encode()}))
    assert problems[-1].startswith('teams.csv › Teams › row 2: a quote (") opened in this row '
                                   "is never closed")


def test_values_under_no_header_are_warned_of(tmp_path: Path) -> None:
    text = TEAMS.replace("\r\n", ",,\r\n") + "T1,Ward 7,Room 1,Jo,Ann,,note\r\n"
    cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": text.encode()}))
    assert problems == [] and len(cohort.teams) == 1
    assert warnings == ["teams.csv › Teams: column 7 has no header but holds values (rows 2): "
                        "they are not read; give the column a header to keep them"]


@pytest.mark.parametrize("name", ["teams.csv", "Teams.csv", "TEAMS.CSV", "cohort - Teams.csv",
                                  "Cohort 7 - teams.csv"])
def test_the_names_spreadsheet_programs_give_exports_are_recognised(tmp_path: Path,
                                                                    name: str) -> None:
    text = TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n"
    cohort, problems, warnings = read(folder_with(tmp_path, {name: text.encode()}))
    assert (problems, warnings, len(cohort.teams)) == ([], [], 1)


def test_a_renamed_file_is_warned_of_and_two_files_for_one_sheet_are_a_problem(
        tmp_path: Path) -> None:
    teams = (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode()
    sessions = b"Team ID,Date\r\nT1,03/04/2026\r\n"
    folder = folder_with(tmp_path, {"teams.csv": teams, "Sessions 2026.csv": sessions,
                                    "notes.csv": b"anything\r\n"})
    cohort, problems, warnings = read(folder)
    assert problems == [] and len(cohort.sessions) == 0
    assert warnings == ["Sessions 2026.csv: is not read: docgen reads the Sessions from "
                        "sessions.csv; if this file holds the sessions, rename it sessions.csv",
                        "notes.csv: is not read: neither its name nor its header row is that "
                        "of a sheet docgen reads (programme.csv, teams.csv, sessions.csv or "
                        "mentoring.csv); if it holds one of them, rename it so"]
    (folder / "cohort - Teams.csv").write_bytes(teams)
    _cohort, problems, _warnings = read(folder)
    assert problems == ["cohort › Teams: 2 files hold the Teams sheet (cohort - Teams.csv, "
                        "teams.csv): keep one"]


def test_a_utf16_and_a_cr_only_file_read_as_excel_for_mac_and_windows_write_them(
        tmp_path: Path) -> None:
    """Excel's "Unicode text" is UTF-16 with tabs; old Excel for Mac ends lines with CR."""
    teams = (TEAMS.replace(",", "\t") + "T1\tWard 7\tRoom 1\tJo\tÁine\r\n").encode("utf-16")
    sessions = "Team ID,Date,Topic\rT1,03/04/2026,Café\rT1,01/05/2026,PDSA\r".encode()
    folder = folder_with(tmp_path, {"teams.csv": teams, "sessions.csv": sessions})
    report = jobs.check(folder)
    assert (report.problems, report.warnings) == ([], [])
    assert [(s.date, s.topic, s.row) for s in report.cohort.sessions] == [
        (dt.date(2026, 4, 3), "Café", 2), (dt.date(2026, 5, 1), "PDSA", 3)]


def test_decode_reads_each_mark() -> None:
    for bom, encoding in [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le")]:
        assert decode(bom + "Zoë,Łukasz".encode(encoding)).text == "Zoë,Łukasz"


def test_a_date_typed_with_a_time_is_named_the_time_not_kept(tmp_path: Path) -> None:
    """A date column keeps the day: a time typed with it is named, as for a date cell; a
    midnight, as exports write every date, is not."""
    sessions = ("Team ID,Date,Date of next meeting\r\n"
                "T1,2026-03-02 14:30,02/04/2026 09:15\r\n"
                "T1,03/03/2026 14:30:45,\r\n"
                "T1,2026-03-04T14:30:00,\r\n"
                "T1,2026-03-09 00:00:00,09/04/2026 00:00\r\n")
    folder = folder_with(tmp_path, {"teams.csv": (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode(),
                                    "sessions.csv": sessions.encode()})
    cohort, problems, warnings = read(folder)
    assert problems == []
    assert [(s.date, s.next_meeting) for s in cohort.sessions] == [
        (dt.date(2026, 3, 2), dt.date(2026, 4, 2)), (dt.date(2026, 3, 3), None),
        (dt.date(2026, 3, 4), None), (dt.date(2026, 3, 9), dt.date(2026, 4, 9))]
    keep = ("which a date column does not keep: type the time in its own column (Start time, "
            "for a session)")
    assert warnings == [
        f"sessions.csv › Sessions › row 2 › Date: holds a time of day too (14:30), {keep}",
        f"sessions.csv › Sessions › row 2 › Date of next meeting: holds a time of day too "
        f"(09:15), {keep}",
        f"sessions.csv › Sessions › row 3 › Date: holds a time of day too (14:30), {keep}",
        f"sessions.csv › Sessions › row 4 › Date: holds a time of day too (14:30), {keep}"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_file_under_another_name_with_a_sheets_columns_is_named(tmp_path: Path,
                                                                  delimiter: str) -> None:
    """Sessions exported as March.csv (below a title row) is not read, and said; so is a file
    named like a sheet's, and one neither named nor laid out as one."""
    teams = (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode()
    march = f"March sessions\r\nTeam ID{delimiter}Date\r\nT1{delimiter}03/04/2026\r\n"
    folder = folder_with(tmp_path, {"teams.csv": teams, "March.csv": march.encode("utf-16"),
                                    "Sessions (1).csv": b"Team ID,Date\r\n",
                                    "teams_march.csv": teams, "budget.csv": b"Item,Cost\r\n"})
    cohort, problems, warnings = read(folder)
    assert problems == [] and len(cohort.teams) == 1 and len(cohort.sessions) == 0
    assert warnings == [
        "March.csv: is not read: its header row has the Sessions sheet's columns, but docgen "
        "reads the sessions from sessions.csv only; if docgen should read this file, rename it "
        "sessions.csv (or move its rows there)",
        "Sessions (1).csv: is not read: docgen reads the Sessions from sessions.csv; if this "
        "file holds the sessions, rename it sessions.csv",
        "budget.csv: is not read: neither its name nor its header row is that of a sheet "
        "docgen reads (programme.csv, teams.csv, sessions.csv or mentoring.csv); if it holds "
        "one of them, rename it so",
        "teams_march.csv: is not read: docgen reads the Teams from teams.csv; if this file "
        "holds the teams, rename it teams.csv"]


def test_dates_that_can_only_be_month_first_name_the_dates_read_either_way(
        tmp_path: Path) -> None:
    """Day first stays the rule; a date that can only be month first is refused, and the
    dates of the sheet that read either way (both numbers up to 12) are named, per column."""
    lines = ["Team ID,Date,Date of next meeting",
             "T1,03/25/2026,04/08/2026",  # month first only; the next meeting either way
             "T1,04/04/2026,",  # the same either way
             "T1,25/03/2026,",  # day first only
             "T1,2026-03-04,",  # year first
             *[f"T1,0{m}/0{m + 1}/2026," for m in range(1, 8)]]  # either way: seven
    folder = folder_with(tmp_path, {"teams.csv": (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode(),
                                    "sessions.csv": "\r\n".join(lines).encode()})
    cohort, problems, warnings = read(folder)
    assert problems == ['sessions.csv › Sessions › row 2 › Date: "03/25/2026" is not a date day '
                        "first (25 is not a month): if it is month first, as a US-set Excel "
                        "writes dates, type it day first: 25/03/2026"]
    assert cohort.sessions[3].date == dt.date(2026, 2, 1)  # read day first, as ever
    said = ('sessions.csv › Sessions › {}: Date on row 2 ("03/25/2026") can only be month '
            "first, as a US-set Excel writes dates, so this column's dates that read either way "
            "may be month first too, though they were read day first: {}; check them, and type "
            "dates day first (day/month/year)")
    assert warnings == [
        said.format("Date", 'row 6 "01/02/2026" as 1 February 2026, row 7 "02/03/2026" as '
                    '2 March 2026, row 8 "03/04/2026" as 3 April 2026, row 9 "04/05/2026" as '
                    '4 May 2026, row 10 "05/06/2026" as 5 June 2026 (and 2 more)'),
        said.format("Date of next meeting", 'row 2 "04/08/2026" as 4 August 2026')]


def test_dates_read_either_way_are_not_named_without_a_month_first_one(tmp_path: Path) -> None:
    sessions = "Team ID,Date\r\nT1,03/04/2026\r\nT1,13/04/2026\r\n"
    folder = folder_with(tmp_path, {"teams.csv": (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode(),
                                    "sessions.csv": sessions.encode()})
    cohort, problems, warnings = read(folder)
    assert (problems, warnings) == ([], [])
    assert [s.date for s in cohort.sessions] == [dt.date(2026, 4, 3), dt.date(2026, 4, 13)]


SAVE_AGAIN = ("in Excel, widen the column or format it as Text, and save the CSV file again; or "
              "give docgen the workbook (.xlsx) instead")


def test_what_excel_saved_for_a_value_its_column_was_too_narrow_for_is_named(
        tmp_path: Path) -> None:
    """Excel saves a CSV file's cells as its columns show them: a phone number or an ID in
    General, in a narrow column, as 4.47712E+11, its digits gone; a date too wide as #####.
    Text merely holding an E or a # is read as it is."""
    teams = ("Team ID,Team name,Venue,Coach,Team members,Phone\r\n"
             "T1,Ward 7,Room 1E,Jo,Ann,4.47712E+11\r\n"
             "T2,1.23457E+18,#####,Jo,Ann,#3 ACME\r\n"
             "1E+15,Ward 9,Room 3,Jo,Ann,07700 900123\r\n")
    sessions = ("Team ID,Date,Start time,Date of next meeting\r\n"
                "T1,########,14:00,03/04/2026\r\n"
                "T1,02/03/2026,#####,\r\n"
                "T1,02/03/2026,14:00,20/03/2026\r\n")
    folder = folder_with(tmp_path, {"teams.csv": teams.encode(),
                                    "sessions.csv": sessions.encode(),
                                    "programme.csv": b"Setting,Value\r\nCohort,1.2E+01\r\n"})
    cohort, problems, warnings = read(folder)
    assert [(t.team_id, t.team_name, t.venue, t.extra["phone"]) for t in cohort.teams] == [
        ("T1", "Ward 7", "Room 1E", "4.47712E+11"), ("T2", "1.23457E+18", "#####", "#3 ACME"),
        ("1E+15", "Ward 9", "Room 3", "07700 900123")]
    assert cohort.programme.get("cohort") == "1.2E+01"

    def lost(text: str) -> str:
        return (f'reads "{text}", a number in scientific notation, as Excel shows a number too '
                "long for its column and saves it so in a CSV file: its digits (a phone "
                "number's, an ID's) were lost before docgen read the file; " + SAVE_AGAIN)

    hashes = ('reads "#####", which Excel shows for a date or number too wide for its column, '
              "and saves so in a CSV file: the value is lost; " + SAVE_AGAIN)
    assert warnings == [
        f"programme.csv › Programme › row 2 › Value: {lost('1.2E+01')}",
        f"teams.csv › Teams › row 2 › Phone: {lost('4.47712E+11')}",
        f"teams.csv › Teams › row 3 › Team name: {lost('1.23457E+18')}",
        f"teams.csv › Teams › row 3 › Venue: {hashes}",
        f"teams.csv › Teams › row 4 › Team ID: {lost('1E+15')}"]

    def wide(text: str) -> str:
        return (f'"{text}" is what Excel shows for a date or time too wide for its column, and '
                "saves so in a CSV file: the value is lost; in Excel, widen the column and save "
                "the CSV file again, or give docgen the workbook (.xlsx) instead")

    assert problems == [f"sessions.csv › Sessions › row 2 › Date: {wide('########')}",
                        f"sessions.csv › Sessions › row 3 › Start time: {wide('#####')}"]


def test_a_sheet_saved_as_excels_unicode_text_is_read_as_its_txt_file(tmp_path: Path) -> None:
    """Excel saves "Unicode Text" and "Text (Tab delimited)" as Sessions.txt: beside a
    teams.csv, its sessions were left out without a word, and every form came out blank."""
    teams = (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode()
    sessions = "Team ID\tDate\tTopic\r\nT1\t03/04/2026\tCafé\r\n".encode("utf-16")
    folder = folder_with(tmp_path, {"teams.csv": teams, "Sessions.txt": sessions,
                                    "mentoring.tsv": b"QI practitioner\tMentor\r\nAnn\tJo\r\n",
                                    "notes.txt": b"Cohort 7: ask Jo about the venue\r\n"})
    cohort, problems, warnings = read(folder)
    assert (problems, warnings) == ([], [])  # notes.txt is no sheet's: left alone
    assert [(s.date, s.topic) for s in cohort.sessions] == [(dt.date(2026, 4, 3), "Café")]
    assert [(p.practitioner, p.mentor) for p in cohort.pairs] == [("Ann", "Jo")]
    (folder / "sessions.csv").write_bytes(b"Team ID,Date\r\nT1,03/04/2026\r\n")
    _cohort, problems, _warnings = read(folder)
    assert problems == ["cohort › Sessions: 2 files hold the Sessions sheet (Sessions.txt, "
                        "sessions.csv): keep one"]


def test_excels_csv_macintosh_is_read_as_mac_roman_and_said(tmp_path: Path) -> None:
    """Excel's "CSV (Macintosh)" is Mac Roman: read as Windows-1252, "Élodie Lefèvre" came out
    as "ƒlodie Lef\\x8fvre" and "Wójcik" as "W—jcik" in every document made from it."""
    teams = (TEAMS + "T1,Café “Ward 7” – 2–4,Room 1,Jo,Élodie Lefèvre; Seán Wójcik\r"
             "T2,Ward 8,Room 2,Jo,Eòghann Béranger\r")
    folder = folder_with(tmp_path, {"teams.csv": teams.encode("mac_roman")})
    cohort, problems, warnings = read(folder)
    assert problems == []
    assert warnings == ['teams.csv: is not UTF-8: read as Mac Roman, as Excel writes "CSV '
                        '(Macintosh)"; if accented letters look wrong, save it as "CSV UTF-8" '
                        "and run again"]
    assert [(t.team_name, t.members) for t in cohort.teams] == [
        ("Café “Ward 7” – 2–4", ("Élodie Lefèvre", "Seán Wójcik")),
        ("Ward 8", ("Eòghann Béranger",))]
    # the same letters from Excel for Windows are still Windows-1252, whatever the line ends
    for newline in ("\r\n", "\r"):
        text = teams.replace("\r", newline).replace(" – 2–4", "")
        assert decode(text.encode("cp1252")).text == text
        assert decode(text.encode("mac_roman")).text == text


def test_a_mac_file_is_told_by_one_letter_or_by_its_line_ends() -> None:
    """One "é" is enough ("cafŽ" read as Windows-1252); where both readings look alike
    ("Zo‘" or "Zoë"), lines ending in CR alone, as Excel for Mac ends them, tell a Mac's."""
    assert decode("Team ID,Team name\r\nT1,Café\r\n".encode("mac_roman")).text == (
        "Team ID,Team name\r\nT1,Café\r\n")
    text = "Team ID,Team members\rT1,Zoë\r"
    assert (decode(text.encode("mac_roman")).text, decode(text.encode("mac_roman")).encoding
            ) == (text, "Mac Roman")
    windows = text.replace("\r", "\r\n").replace("ë", "’")
    assert decode(windows.encode("cp1252")).encoding == "Windows-1252"


def test_times_as_a_us_set_excel_or_libreoffice_saves_them_are_read(tmp_path: Path) -> None:
    """Excel set for the US writes a time cell as "2:30:00 PM" in a CSV file (LibreOffice,
    not saving cells as shown, "02:30:00 PM"): each was a problem though it reads one way."""
    teams = (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode()
    sessions = (b"Team ID,Date,Start time,Finish time\r\n"
                b"T1,03/04/2026,2:30:00 PM,03:45:00 PM\r\n"
                b"T1,04/04/2026,9:00:00 AM,12:00:00 PM\r\n")
    cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": teams,
                                                             "sessions.csv": sessions}))
    assert (problems, warnings) == ([], [])
    assert [(s.start, s.finish) for s in cohort.sessions] == [
        (dt.time(14, 30), dt.time(15, 45)), (dt.time(9, 0), dt.time(12, 0))]


def test_a_formula_error_saved_in_a_csv_file_is_a_problem_not_a_value(tmp_path: Path) -> None:
    """Excel and LibreOffice save a failed formula's error as its cell shows it: the contract
    named the team "#N/A", its coach "#NAME?", its venue LibreOffice's "Err:502"."""
    teams = (TEAMS + "T1,#N/A,Err:502,#NAME?,Ann\r\nT2,Ward #2,Room #REF,Jo,Ann\r\n").encode()
    sessions = b"Team ID,Date,Topic\r\n#REF!,03/04/2026,Aim\r\nT2,04/04/2026, #DIV/0! \r\n"
    cohort, problems, _warnings = read(folder_with(tmp_path, {"teams.csv": teams,
                                                              "sessions.csv": sessions}))
    said = "the error a spreadsheet shows for a formula that failed, saved so in the CSV file"
    assert [p.split(": the cell reads ")[0] for p in problems] == [
        "teams.csv › Teams › row 2 › Team name", "teams.csv › Teams › row 2 › Venue",
        "teams.csv › Teams › row 2 › Coach", "sessions.csv › Sessions › row 2 › Team ID",
        "sessions.csv › Sessions › row 3 › Topic"]
    assert all(said in p for p in problems)
    assert 'the cell reads Err:502' in problems[1]
    # text that merely holds a "#" is text
    assert [(t.team_id, t.team_name, t.venue) for t in cohort.teams] == [
        ("T2", "Ward #2", "Room #REF")]


def test_a_date_excel_made_of_text_and_saved_in_a_csv_file_is_named(tmp_path: Path) -> None:
    """Excel turns "1-2" typed in a General cell into 1 February and saves "1-Feb" in a CSV
    file: in a workbook the date cell is named, but the CSV file's "1-Feb" reached the
    contract as the team's name without a word."""
    text = (TEAMS + "1-Feb,01-Feb,Room 1,Jo,Ann\r\nT2,Sep-26,Room 2,Jo,Ann\r\n"
            "T3,Ward 1-Feb,Feb-2026,Jo,Ann\r\n")
    _cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": text.encode()}))
    assert problems == []
    assert [w.split(": reads ")[0] for w in warnings] == [
        "teams.csv › Teams › row 2 › Team ID", "teams.csv › Teams › row 2 › Team name",
        "teams.csv › Teams › row 3 › Team name"]
    assert 'reads "Sep-26", as Excel shows a date it made of what was typed' in warnings[2]


def test_the_files_libreoffice_saves_for_each_sheet_are_read(tmp_path: Path) -> None:
    """LibreOffice saving every sheet as CSV names them cohort-Teams.csv, cohort-Sessions.csv
    (and cohort-Instructions.csv for the starter's Instructions): each was "not read", and
    the folder had "no teams.csv"."""
    folder = folder_with(tmp_path, {
        "cohort-Teams.csv": (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode(),
        "cohort-Sessions.csv": b"Team ID,Date\r\nT1,03/04/2026\r\n",
        "cohort-Instructions.csv": b"Setting,Default,What it means\r\nProgramme,,Its name\r\n"})
    cohort, problems, warnings = read(folder)
    assert (problems, warnings) == ([], [])
    assert ([t.team_id for t in cohort.teams], [s.date for s in cohort.sessions]) == (
        ["T1"], [dt.date(2026, 4, 3)])


def test_a_sheet_saved_as_a_workbook_of_its_own_in_the_folder_is_named(tmp_path: Path) -> None:
    """Sessions.xlsx beside teams.csv was passed over: "OK", and every form blank."""
    teams = (TEAMS + "T1,Ward 7,Room 1,Jo,Ann\r\n").encode()
    workbook = (Path(__file__).parent.parent / "data" / "cohort.xlsx").read_bytes()
    folder = folder_with(tmp_path, {"teams.csv": teams, "Sessions.xlsx": workbook,
                                    "cohort.xlsx": workbook})
    _cohort, problems, warnings = read(folder)
    assert problems == []
    assert warnings == ["Sessions.xlsx: is not read: a folder's sheets are read from CSV files "
                        "only; if this workbook holds the sessions, save that sheet as "
                        "sessions.csv (or give docgen a workbook with every sheet)"]
    # a workbook renamed .csv is one problem, not a warning for each of its "rows"
    (folder / "Sessions.xlsx").rename(folder / "sessions.csv")
    _cohort, problems, warnings = read(folder)
    assert (problems, warnings) == ([
        "sessions.csv: is a workbook (.xlsx, .xls or .ods) named as a CSV file, not a CSV "
        "file: save the sheet as CSV (File › Save As), or give docgen the workbook itself "
        "under its own name"], [])


def test_a_mac_file_with_only_a_dash_is_read_as_the_mac_files_beside_it(tmp_path: Path) -> None:
    """LibreOffice saving every sheet as Mac Roman: programme.csv, whose only sign was the
    en dash of "2–4 Waterloo Place", read as Windows-1252, and every contract printed the
    default venue as "2Ð4 Waterloo Place"."""
    programme = "Setting,Value\nDefault venue,2–4 Waterloo Place\n".encode("mac_roman")
    teams = (TEAMS + "T1,Ward 7,,Jo,Élodie Lefèvre\n").encode("mac_roman")
    cohort, problems, warnings = read(folder_with(tmp_path, {"programme.csv": programme,
                                                             "teams.csv": teams}))
    assert problems == [] and all("read as Mac Roman" in w for w in warnings)
    assert (cohort.teams[0].venue, cohort.teams[0].members) == (
        "2–4 Waterloo Place", ("Élodie Lefèvre",))
    # alone, or beside Windows files, it is not told from Windows-1252 (and is named so)
    assert decode(programme).encoding == "Windows-1252"


def test_letters_of_excels_csv_ms_dos_read_as_windows_1252_are_named(tmp_path: Path) -> None:
    """Excel's "CSV (MS-DOS)" writes code page 850: read as Windows-1252, "Seán" was "Se n"
    (a no-break space) and "Lefèvre" "LefŠvre" in the documents, and only the file was named."""
    text = (TEAMS + "T1,Ward 7,Room 1,Jo,Seán Kelly; Élodie Lefèvre\r\n"
            "T2,Ward 8,Room 2,Jo,Ann Smith–Jones; Niamh O’Neill\r\n")
    data = text.replace("’", "'").replace("–", "-").encode("cp850")
    _cohort, problems, warnings = read(folder_with(tmp_path, {"teams.csv": data}))
    assert [w.split(": ")[0] for w in warnings] == ["teams.csv", "teams.csv › Teams › row 2"]
    assert warnings[1].startswith('teams.csv › Teams › row 2: "Se\xa0n Kelly; \x90lodie '
                                  'LefŠvre" (U+00A0) holds a character no word has there')
    # "É" is no character of Windows-1252: neither is it taken for Mac Roman's "ê"
    assert [p.split(": ")[0] for p in problems] == ["teams.csv › Teams › row 2"]
    # the same names saved by Excel for Windows are not named
    (tmp_path / "windows").mkdir()
    _cohort, problems, warnings = read(folder_with(tmp_path / "windows", {
        "teams.csv": text.encode("cp1252")}))
    assert (problems, warnings[1:]) == ([], [])


def test_a_month_first_date_in_one_csv_file_names_the_dates_of_another(tmp_path: Path) -> None:
    """A US-set Excel saved teams.csv and sessions.csv alike: the First session "2/17/2026"
    was refused, but the sessions' "3/4/2026" and "4/2/2026" (4 March, 2 February) were read
    as 3 April and 4 February without a word, and still were once the one date was retyped."""
    teams = (TEAMS.replace("\r\n", ",First session\r\n") + "T1,Ward 7,Room 1,Jo,Ann,{}\r\n")
    sessions = b"Team ID,Date\r\nT1,3/4/2026\r\nT1,4/2/2026\r\nT1,13/04/2026\r\n"
    folder = folder_with(tmp_path, {"teams.csv": teams.format("2/17/2026").encode(),
                                    "sessions.csv": sessions})
    _cohort, problems, warnings = read(folder)
    assert [p.split(":")[0] for p in problems] == ["teams.csv › Teams › row 2 › First session"]
    assert warnings == [
        'sessions.csv › Sessions › Date: First session on row 2 of teams.csv ("2/17/2026") can '
        "only be month first, as a US-set Excel writes dates, so this column's dates that read "
        'either way may be month first too, though they were read day first: row 2 "3/4/2026" '
        'as 3 April 2026, row 3 "4/2/2026" as 4 February 2026; check them, and type dates day '
        "first (day/month/year)"]
    # retyped day first, as the problem says, no date of the folder tells month first
    (folder / "teams.csv").write_bytes(teams.format("17/02/2026").encode())
    _cohort, problems, warnings = read(folder)
    assert (problems, warnings) == ([], [])
