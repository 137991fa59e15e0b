"""Fit each table's column grid to the cells its rows hold after rendering."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

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


def fit_table_grids(xml: str, path: Path | None = None, part: str = "") -> str:
    """Return rendered ``xml`` with every table's grid fitted to its widest row, as docxtpl does.

    Column loops (``{%tc %}``) change how many cells a row has; Word lays a table out by its
    grid, so the grid follows: columns are added or dropped and widths scaled to keep the
    table's width. The result has no XML declaration (docxtpl's neither).
    """
    root = parse_xml(xml.encode("utf-8"), path, part)
    for table in root.iter(f"{W}tbl"):
        _fit_grid(table)
    return etree.tostring(root, encoding="unicode")
