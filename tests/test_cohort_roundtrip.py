"""Whatever an admin's cohort holds comes back as written: CSV in every dialect, and .xlsx.

Random teams are written as CSV (Excel's minimal quoting, LibreOffice's quote-all, quoting all
text; comma, semicolon or tab; UTF-8 with or without a mark, UTF-16 with or without one,
Windows-1252; CRLF, LF or CR alone) and as a workbook, and read back: the cells exactly as
written, and the teams as the same values cleaned as every cell is.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from docgen import schema
from docgen.cohort import read_cohort
from docgen.cohort.cells import SAVED_ERROR
from docgen.cohort.csvfiles import read_csv
from docgen.cohort.starter import write_cohort_workbook
from docgen.values import clean_text

HEADER = ["Team ID", "Team name", "Organisation", "Venue", "Ward", "Review after sessions",
          "First session"]
ANY_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"),
                                 include_characters="\n\r"), max_size=30)
# Windows-1252 text an admin types: ASCII and accented letters. (Text in which its bytes
# happen to spell UTF-8, such as "Ã©", cannot be told from UTF-8 by any reader.)
CP1252_TEXT = st.text(st.sampled_from(
    [chr(c) for c in range(32, 127)] + [chr(c) for c in range(0xC0, 0x100)] + ["\n", "\r"]),
    max_size=30)
DIALECTS = st.fixed_dictionaries({
    "quoting": st.sampled_from(["minimal", "all", "text"]),
    "delimiter": st.sampled_from([",", ";", "\t"]),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]),
    "newline": st.sampled_from(["\r\n", "\n", "\r"]),
})


@st.composite
def teams(draw: st.DrawFn, text: st.SearchStrategy[str]) -> list[list[object]]:
    count = draw(st.integers(1, 6))
    return [[f"T{i}", draw(text), draw(text), draw(text), draw(text),
             draw(st.one_of(st.none(), st.integers(1, 99))),  # 0 is refused: not a count
             draw(st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))))]
            for i in range(count)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)


def write_csv(path: Path, rows: list[list[str]], dialect: dict[str, str]) -> None:
    """Write ``rows`` as a spreadsheet program would in ``dialect``."""
    d, quoting = dialect["delimiter"], dialect["quoting"]

    def field(cell: str) -> str:
        special = any(c in cell for c in (d, '"', "\r", "\n"))
        if special or quoting == "all" or (quoting == "text" and cell and not cell.isdigit()):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    text = "".join(d.join(map(field, row)) + dialect["newline"] for row in rows)
    path.write_bytes(text.encode(dialect["encoding"]))


def expected(row: list[object]) -> tuple[object, ...]:
    team_id, name, organisation, venue, ward, review, first = row
    return (team_id, clean_text(name) or team_id, clean_text(organisation),
            clean_text(venue) or "TBC", {"ward": clean_text(ward)},
            4 if review is None else review, first)


def read_back(path: Path) -> list[tuple[object, ...]]:
    cohort, problems = read_cohort(path)
    assert problems == []
    return [(t.team_id, t.team_name, t.organisation, t.venue, t.extra, t.review_after,
             t.first_session) for t in cohort.teams]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dialect=DIALECTS)
def test_csv_reads_back_what_was_written(data: st.DataObject, dialect: dict[str, str]) -> None:
    text = CP1252_TEXT if dialect["encoding"] == "cp1252" else ANY_TEXT
    rows = data.draw(teams(text))
    cells = [HEADER] + [[_cell(v) for v in row] for row in rows]
    if dialect["encoding"] == "cp1252":
        assume(any(ord(c) > 127 for row in cells for c in "".join(row)))  # else it is UTF-8
    # a cell reading exactly as a formula error ("#NUM!") is that error, saved as shown
    assume(not any(SAVED_ERROR.fullmatch(c.strip()) for row in cells for c in row))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_csv(folder / "teams.csv", cells, dialect)
        problems: list = []
        warnings: list = []
        read = read_csv(folder / "teams.csv", schema.TEAMS, problems, warnings)
        assert problems == []
        assert [cells for _n, cells in read or []] == cells
        assert read_back(folder) == [expected(row) for row in rows]


@settings(max_examples=40, deadline=None)
@given(rows=teams(ANY_TEXT))
def test_a_workbook_reads_back_what_was_written(rows: list[list[object]]) -> None:
    keys = [schema.TEAMS.column(k).key if k in schema.TEAMS.keys else k for k in
            ("team_id", "team_name", "organisation", "venue", "ward", "review_after_sessions",
             "first_session")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.xlsx"
        write_cohort_workbook(path, {"Teams": [dict(zip(keys, row, strict=True))
                                               for row in rows]})
        assert read_back(path) == [expected(row) for row in rows]
