"""Reading sheets with calamine gives the values openpyxl gives, whatever the cells hold."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from docgen.cohort.sheets import Workbook

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
                ).filter(lambda t: not ILLEGAL_CHARACTERS_RE.search(t) and not t.startswith("="))
cells = st.one_of(
    st.none(), texts, st.booleans(),
    st.integers(-10**12, 10**12),
    st.floats(-1e9, 1e9, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-9),
    st.dates(dt.date(1900, 3, 1), dt.date(2200, 1, 1)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2200, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    st.times().map(lambda t: t.replace(microsecond=0)),
)


def _same(value: object) -> tuple[str, object]:
    """The value and its type (4 == 4.0 == True in Python; not in a spreadsheet).

    openpyxl gives a date as a datetime at midnight; calamine gives the date.
    """
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return type(value).__name__, value


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=8))
def test_calamine_reads_what_openpyxl_reads(rows: list[list[object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cells.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "S"
        ws.append(["header"])  # the sheet starts at A1 as a real one does
        for row in rows:
            ws.append(row)
        wb.save(path)
        book_read = openpyxl.load_workbook(path, read_only=True, data_only=True)
        theirs = [[_same(v) for v in row] for row in book_read["S"].iter_rows(values_only=True)]
        book_read.close()  # a read-only workbook holds its file open until closed
        with Workbook(path) as book:
            ours = [[_same(v) for v in values] for _n, values in book.rows("S")]
    width = max(len(r) for r in theirs)
    pad = [r + [_same(None)] * (width - len(r)) for r in ours]
    while theirs and all(v == _same(None) for v in theirs[-1]):
        theirs.pop()  # openpyxl lists trailing empty rows; calamine stops at the last value
    assert pad[: len(theirs)] == [list(r) for r in theirs]
