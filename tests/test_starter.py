"""Tests for the cohort workbook writer and the shipped sample cohort (data/cohort.xlsx)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from docgen import schema
from docgen.cohort.starter import (
    DATE_FORMAT,
    INSTRUCTIONS,
    TIME_FORMAT,
    write_cohort_workbook,
)

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "data" / "cohort.xlsx"


def _write(tmp_path: Path, rows: dict[str, list[dict[str, object]]] | None = None) -> Workbook:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, rows)
    return openpyxl.load_workbook(path)


def _headers(ws: Worksheet) -> list[object]:
    return [cell.value for cell in ws[1]]


def _validation_lists(ws: Worksheet) -> dict[str, set[str]]:
    """Return each list validation's choices, keyed by every range it covers."""
    found: dict[str, set[str]] = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            choices = set(dv.formula1.strip('"').split(","))
            for rng in dv.sqref.ranges:
                found[rng.coord] = choices
    return found


def _records(ws: Worksheet) -> list[dict[str, object]]:
    """Return a sheet's data rows as dicts keyed by schema column key."""
    sheet = next(s for s in schema.SHEETS if s.name == ws.title)
    keys = {c.header: c.key for c in sheet.columns}
    header = [keys.get(str(v), str(v)) for v in _headers(ws)]
    return [
        dict(zip(header, row, strict=False))
        for row in ws.iter_rows(min_row=2, values_only=True)
        if any(v not in (None, "") for v in row)
    ]


@pytest.fixture
def sample_rows() -> dict[str, list[dict[str, object]]]:
    return {
        "Programme": [{"cohort": "Cohort 7 (2026)", "minimum_coaching_hours": "6"}],
        "Teams": [
            {"team_id": "T01", "team_name": "Falls & frailty, Ward 12",
             "organisation": "NHS Lothian",
             "team_members": ["Áine Ní Bhriain", "Łukasz Wójcik"], "coach": "Fiona MacLeod",
             "first_session": dt.date(2026, 3, 4)},
            {"team_id": "T02", "team_name": "=HYPERLINK(\"http://x\")", "organisation": "#N/A",
             "first_session": dt.date(2026, 4, 1), "project_code": "QI-22"},
        ],
        "Sessions": [
            {"team_id": "T01", "date": dt.date(2026, 3, 4), "start_time": dt.time(14),
             "finish_time": dt.time(15, 30), "mode": "Video", "topic": "Aim\x0bstatement\x01",
             "date_of_next_meeting": dt.date(2026, 4, 1)},
        ],
    }


def test_sheets_in_order(tmp_path: Path) -> None:
    wb = _write(tmp_path)
    assert wb.sheetnames == [INSTRUCTIONS] + [s.name for s in schema.SHEETS]
    assert wb.active.title == INSTRUCTIONS


def test_headers_come_from_schema(tmp_path: Path) -> None:
    wb = _write(tmp_path)
    for sheet in schema.SHEETS:
        ws = wb[sheet.name]
        assert _headers(ws) == [c.header for c in sheet.columns]
        assert all(cell.font.bold for cell in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")


def test_required_columns_are_marked_without_changing_header(tmp_path: Path) -> None:
    ws = _write(tmp_path)["Teams"]
    team_id, team_name = ws["A1"], ws["B1"]
    assert team_id.value == schema.TEAMS.columns[0].header
    assert team_id.comment is not None and "Required" in team_id.comment.text
    assert team_id.fill.fgColor.rgb != team_name.fill.fgColor.rgb


def test_programme_defaults(tmp_path: Path) -> None:
    ws = _write(tmp_path)["Programme"]
    assert ws.max_column == 2
    rows = {name: value for name, value in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(schema.PROGRAMME_SETTINGS)
    for column, default in schema.PROGRAMME_SETTINGS:
        if column.kind is schema.Kind.INT:
            assert rows[column.header] == int(default)
        else:
            assert rows[column.header] == (default or None)
    assert rows["Training days"] == 4
    assert rows["Default venue"] == "TBC"


def test_programme_overrides(tmp_path: Path, sample_rows: dict) -> None:
    ws = _write(tmp_path, sample_rows)["Programme"]
    rows = dict(ws.iter_rows(min_row=2, values_only=True))
    assert rows["Cohort"] == "Cohort 7 (2026)"
    assert rows["Minimum coaching hours"] == 6
    assert rows["Programme"] == "Lothian Quality Improvement Academy"


def test_mode_and_yes_no_drop_downs(tmp_path: Path) -> None:
    wb = _write(tmp_path)
    sessions = _validation_lists(wb["Sessions"])
    mode = schema.SESSIONS.columns.index(schema.SESSIONS.column("mode"))
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[mode]
    assert sessions[f"{letter}2:{letter}1000"] == set(schema.MODES)

    programme = wb["Programme"]
    paid_row = next(r for r in range(2, programme.max_row + 1)
                    if programme.cell(r, 1).value == "Coaching paid")
    assert _validation_lists(programme)[f"B{paid_row}"] == set(schema.YES_NO)
    assert programme.cell(paid_row, 2).value == "Yes"


def test_dates_and_times_are_real_and_uk_formatted(tmp_path: Path, sample_rows: dict) -> None:
    wb = _write(tmp_path, sample_rows)
    teams, sessions = wb["Teams"], wb["Sessions"]
    first = teams.cell(2, 1 + [c.key for c in schema.TEAMS.columns].index("first_session"))
    assert isinstance(first.value, dt.datetime) and first.value.date() == dt.date(2026, 3, 4)
    assert first.number_format == DATE_FORMAT
    assert sessions["B2"].value == dt.datetime(2026, 3, 4)
    assert sessions["B2"].number_format == DATE_FORMAT
    assert sessions["C2"].value == dt.time(14) and sessions["C2"].number_format == TIME_FORMAT
    assert sessions["D2"].value == dt.time(15, 30)
    assert sessions["J2"].number_format == DATE_FORMAT
    # Empty rows get the format from their column, so dates typed later show day first.
    assert sessions.column_dimensions["B"].number_format == DATE_FORMAT


def test_rows_written_by_key(tmp_path: Path, sample_rows: dict) -> None:
    wb = _write(tmp_path, sample_rows)
    teams = _records(wb["Teams"])
    assert teams[0]["team_members"] == "Áine Ní Bhriain; Łukasz Wójcik"
    assert teams[0]["team_name"] == "Falls & frailty, Ward 12"
    # Text stays text: no formula, no error cell.
    assert teams[1]["team_name"] == '=HYPERLINK("http://x")'
    assert teams[1]["organisation"] == "#N/A"
    # A key the schema does not know becomes an extra column after the schema's.
    assert _headers(wb["Teams"])[-1] == "project_code"
    assert teams[1]["project_code"] == "QI-22"
    # XML-illegal characters are dropped; a vertical tab (Word's line break) becomes a newline.
    assert _records(wb["Sessions"])[0]["topic"] == "Aim\nstatement"


def test_instructions_explain_the_workbook(tmp_path: Path) -> None:
    ws = _write(tmp_path)[INSTRUCTIONS]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    for sheet in schema.SHEETS:
        assert sheet.name in text
        for column in sheet.columns:
            assert column.header in text
            if column.help:
                assert column.help in text
    for column, _default in schema.PROGRAMME_SETTINGS:
        assert column.help in text
    for needle in ("dd/mm/yyyy", "14:00", "2pm", "unique", "docgen check cohort.xlsx",
                   "docgen generate cohort.xlsx"):
        assert needle in text


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cohort.xlsx"
    path.write_bytes(b"old")

    def broken_save(self: Workbook, fh: object) -> None:
        fh.write(b"half a workbook")  # type: ignore[attr-defined]
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(Workbook, "save", broken_save)
        with pytest.raises(OSError, match="disk full"):
            write_cohort_workbook(path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cohort.xlsx"]
    with pytest.raises(ValueError, match="Nonsense"):
        write_cohort_workbook(path, {"Nonsense": []})
    assert path.read_bytes() == b"old"
    write_cohort_workbook(path)
    assert openpyxl.load_workbook(path).sheetnames[0] == INSTRUCTIONS
    assert [p.name for p in tmp_path.iterdir()] == ["cohort.xlsx"]  # no temp file left


# --- the shipped sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Workbook:
    assert SAMPLE.is_file(), "run tools/make_sample_cohort.py to build data/cohort.xlsx"
    return openpyxl.load_workbook(SAMPLE)


def test_sample_has_schema_headers(sample: Workbook) -> None:
    assert sample.sheetnames == [INSTRUCTIONS] + [s.name for s in schema.SHEETS]
    for sheet in schema.SHEETS:
        assert _headers(sample[sheet.name]) == [c.header for c in sheet.columns]


def test_sample_programme(sample: Workbook) -> None:
    rows = dict(sample["Programme"].iter_rows(min_row=2, values_only=True))
    assert rows["Programme"] == "Lothian Quality Improvement Academy"
    assert rows["Cohort"]


def test_sample_teams(sample: Workbook) -> None:
    teams = _records(sample["Teams"])
    assert len(teams) >= 8
    ids = [t["team_id"] for t in teams]
    assert len(ids) == len(set(ids))
    organisations = {t["organisation"] for t in teams}
    assert len(organisations) >= 4
    assert any("&" in str(o) for o in organisations)
    members = " ".join(str(t["team_members"]) for t in teams)
    for name in ("Áine Ní Bhriain", "Seonag NicLeòid", "Eòghann MacAoidh", "Łukasz Wójcik",
                 "Zofia Dąbrowska-Kowalczyk", "Élodie Lefèvre", "François Béranger"):
        assert name in members
    assert all("; " in str(t["team_members"]) for t in teams)
    assert any(";" in str(t["coach"]) for t in teams)  # a team with two coaches
    assert any(t["venue"] in (None, "") for t in teams)  # falls back to the default venue
    assert all("@" in str(t["coach_email"]) for t in teams)
    for team in teams:
        assert isinstance(team["first_session"], dt.datetime)
        assert team["first_session"].year == 2026


def test_sample_sessions(sample: Workbook) -> None:
    ws = sample["Sessions"]
    sessions = _records(ws)
    assert len(sessions) >= 20
    team_ids = {t["team_id"] for t in _records(sample["Teams"])}
    assert {s["team_id"] for s in sessions} <= team_ids
    assert len({s["team_id"] for s in sessions}) >= 6
    comments = [str(s["comments"] or "") for s in sessions]
    assert any(c.startswith("Cancelled by team") for c in comments)
    assert any(c.startswith("Rescheduled by coach to") for c in comments)
    emails = [s for s in sessions if s["mode"] == "Email"]
    assert emails and all(s["start_time"] is None and s["finish_time"] is None for s in emails)
    assert {s["mode"] for s in sessions} <= set(schema.MODES)
    for n, session in enumerate(sessions, start=2):
        assert isinstance(session["date"], dt.datetime)
        assert ws[f"B{n}"].number_format == DATE_FORMAT
        if session["start_time"] is not None:
            assert isinstance(session["start_time"], dt.time)
            assert session["finish_time"] > session["start_time"]


def test_sample_mentoring(sample: Workbook) -> None:
    pairs = _records(sample["Mentoring"])
    assert len(pairs) >= 6
    for pair in pairs:
        assert pair["qi_practitioner"] and pair["mentor"]
        assert isinstance(pair["meet_every_weeks"], int)
        assert pair["time"] and pair["location"] and pair["adequate_notice"]


def test_sample_reads_without_problems() -> None:
    from docgen.cohort import read_cohort

    cohort, problems = read_cohort(SAMPLE)
    assert problems == []
    assert len(cohort.teams) >= 8 and len(cohort.sessions) >= 20 and len(cohort.pairs) >= 6
    blank_venue = [t for t in cohort.teams if t.team_id == "T02"]
    assert blank_venue[0].venue == cohort.programme.settings["default_venue"]
