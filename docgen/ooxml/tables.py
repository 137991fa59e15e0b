"""Fit each table's column grid to the cells its rows hold after rendering."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from docgen.ooxml.drawings import renumber_drawings
from docgen.ooxml.names import W
from docgen.safezip import parse_xml


def _width(col: etree._Element) -> float:
    return float(col.get(f"{W}w") or 0)


def _fit_grid(table: etree._Element) -> None:
    grid = table.find(f"{W}tblGrid")
    if grid is None:
        return
    rows = list(table.iter(f"{W}tr"))
    columns = grid.findall(f"{W}gridCol")
    most = max((len(r.findall(f"{W}tc")) for r in rows), default=0)
    width = sum(_width(c) for c in columns)
    if most > len(columns) and width > 0:
        # More cells than columns: add columns, scaling all so the table keeps its width.
        old, new = width / len(columns), width / most
        for c in columns:
            if c.get(f"{W}w") is not None:
                c.set(f"{W}w", str(int(_width(c) * new / old)))
        for _ in range(most - len(columns)):
            etree.SubElement(grid, f"{W}gridCol", {f"{W}w": str(int(new))})
        columns = grid.findall(f"{W}gridCol")

    def span(cell: etree._Element) -> int:
        value = cell.find(f"{W}tcPr/{W}gridSpan")
        return int(value.get(f"{W}val") or 1) if value is not None else 1

    used = max((sum(span(c) for c in r.findall(f"{W}tc")) for r in rows), default=0)
    extra = len(columns) - used
    if extra > 0:
        # Fewer cells than columns (a {%tc %} loop ran short): drop the last columns and share
        # their width among the others.
        removed = sum(_width(c) for c in columns[-extra:])
        for c in columns[-extra:]:
            grid.remove(c)
        left = columns[:-extra]
        share = int(removed / len(left)) if left else 0
        for c in left:
            c.set(f"{W}w", str(int(_width(c) + share)))


def fit_table_grids(xml: str, path: Path | None = None, part: str = "",
                    renumber: bool = False) -> str:
    """Return rendered ``xml`` with every table's grid fitted to its widest row, as docxtpl does.

    Column loops (``{%tc %}``) change how many cells a row has; Word lays a table out by its
    grid, so the grid follows: columns are added or dropped and widths scaled to keep the
    table's width. The result has no XML declaration (docxtpl's neither). With ``renumber``
    the drawings are numbered afresh in the same pass (docxtpl's next step).
    """
    root = parse_xml(xml.encode("utf-8"), path, part)
    for table in root.iter(f"{W}tbl"):
        _fit_grid(table)
    if renumber:
        renumber_drawings(root)
    return etree.tostring(root, encoding="unicode")


def grids_fit(xml: str, path: Path | None = None, part: str = "") -> bool:
    """Return True if fitting the grids would leave every table of ``xml`` as it is."""
    if "<w:tbl" not in xml:
        return True
    root = parse_xml(xml.encode("utf-8"), path, part)
    for table in root.iter(f"{W}tbl"):
        grid = table.find(f"{W}tblGrid")
        if grid is None:
            continue
        before = etree.tostring(grid)
        _fit_grid(table)
        if etree.tostring(grid) != before:
            return False
    return True


def has_cell_blocks(source: str) -> bool:
    """Return True if a Jinja block in a template's ``source`` may change a row's cells.

    That is a block between a row's cells ({%tc %}), or one that starts in a cell and ends
    in another; either changes how many cells a row has, hence the grid. Row loops ({%tr %})
    sit between rows, and a block kept within one cell (a placeholder's condition) changes no
    cell count.
    """
    open_blocks: list[int | None] = []  # per open row: blocks open in its cell, None between
    for m in _ROW_CELL_OR_BLOCK.finditer(source):
        token, keyword = m.group(0), m.group(1)
        if token.startswith("<w:tr"):
            open_blocks.append(None)
        elif not open_blocks:
            continue
        elif token == "</w:tr>":
            open_blocks.pop()
        elif token.startswith("<w:tc"):
            open_blocks[-1] = 0
        elif token == "</w:tc>":
            if open_blocks[-1]:
                return True  # a block crosses into the next cell
            open_blocks[-1] = None
        elif open_blocks[-1] is None:
            return True  # a block between cells
        elif keyword.startswith("end"):
            if not open_blocks[-1]:
                return True  # it was opened in another cell
            open_blocks[-1] -= 1
        elif keyword in _OPENERS or (keyword == "set" and "=" not in m.group(2)):
            open_blocks[-1] += 1
    return False


_OPENERS = {"if", "for", "with", "filter", "call", "macro", "block", "raw", "autoescape"}
_ROW_CELL_OR_BLOCK = re.compile(r"<w:t[rc][ >]|</w:t[rc]>|\{%-?\s*(\w*)([^%]*)")
