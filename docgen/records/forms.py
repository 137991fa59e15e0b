"""Find the Record of Coaching forms and the COACHING RECORD rows in a flattened record.

Works on the units :mod:`docgen.ooxml.wordtext` makes, the same way for every document: a "Record
of Coaching" heading or a "Coach/s:" label opens a form; inside it a field's value is its
content control when there is one, else the text after its label (same cell, else the next
cell to the right, else the cell below). The COACHING RECORD table is the table whose first
row is the original form's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen import schema
from docgen.ooxml.wordtext import Body, Unit
from docgen.values import clean_text, header_key

__all__ = ["FORM_HEADING", "FormFinder", "next_cell", "table_rows", "typed_value"]

_PLACEHOLDERS_OF_WORD = ("Click or tap here to enter text.", "Click here to enter text.",
                         "Click or tap to enter a date.")
FORM_HEADING = re.compile(r"\s*record\s+of\s+coaching\b", re.IGNORECASE)
_TABLE_HEADING = re.compile(r"\s*coaching\s+record\s*:?\s*", re.IGNORECASE)
_HEADER_KEYS = tuple(header_key(h) for h in schema.COACHING_RECORD_HEADER)


@dataclass(frozen=True)
class _Fields:
    """What reading a form takes from ``schema.RECORD_FIELDS``, made once per tuple."""

    source: tuple[schema.FormField, ...]
    label_re: re.Pattern[str]  # every label, each in a group named by its field
    mid_line: frozenset[str]  # fields whose label may follow other text on a line
    empty_texts: frozenset[str]  # placeholders, folded: typed text that is no value


def _build(fields: tuple[schema.FormField, ...]) -> _Fields:
    label_re = re.compile(
        r"(?<![^\s])(?:" + "|".join(f"(?P<{f.name}>{f.pattern})" for f in fields) + ")",
        re.IGNORECASE,
    )
    placeholders = (*schema.PLACEHOLDERS.values(), *(f.placeholder for f in fields),
                    *_PLACEHOLDERS_OF_WORD)
    return _Fields(
        source=fields,
        label_re=label_re,
        mid_line=frozenset(f.name for f in fields if f.mid_line),
        empty_texts=frozenset(" ".join(t.casefold().split()) for t in placeholders),
    )


_made: list[_Fields] = []


def _fields() -> _Fields:
    """Return the tables for the current ``schema.RECORD_FIELDS`` (rebuilt if it was replaced)."""
    fields = schema.RECORD_FIELDS
    if not _made or _made[0].source is not fields:  # by identity: cheap for every value read
        _made[:] = [_build(fields)]
    return _made[0]


def typed_value(text: str) -> str:
    """Return typed text cleaned, or "" when it is only a placeholder or punctuation."""
    if not text or text.isspace():
        return ""
    value = clean_text(text.replace("\t", " ")).strip(" :-–")
    if " ".join(value.casefold().split()) in _fields().empty_texts:
        return ""
    return value


@dataclass(slots=True)
class _Label:
    name: str
    start: int
    end: int


def _labels(text: str, fields: _Fields) -> list[_Label]:
    """Return the labels in a unit's text.

    Only ``mid_line`` labels may follow other text on a line ("Start: 2pm Finish: 3pm"); every
    other label must begin a line, so "agree a date: soon" in an action is not a label.
    """
    if ":" not in text and "brought" not in text and "ext" not in text and "EXT" not in text:
        return []  # the cheap test first: most paragraphs of a contract hold no label
    found: list[_Label] = []
    for m in fields.label_re.finditer(text):
        name = m.lastgroup or ""
        line_start = max(text.rfind("\n", 0, m.start()), text.rfind("\t", 0, m.start())) + 1
        if name not in fields.mid_line and text[line_start:m.start()].strip():
            continue
        found.append(_Label(name, m.start(), m.end()))
    return found


def _is_header_row(body: Body, row: list[int]) -> bool:
    """Tell whether a row is the COACHING RECORD header: Coach | Date… | Topic | Comments."""
    if len(row) < 3 or body.units[row[0]].text.lstrip()[:5].lower() != "coach":
        return False
    keys = [header_key(body.units[i].text.split("\n", 1)[0]) for i in row[:4]]
    if len(keys) < 3:
        return False
    pairs = zip(keys, _HEADER_KEYS, strict=False)
    return all(k.startswith(want.split("_", 1)[0]) for k, want in pairs)


class FormFinder:
    """Find every Record of Coaching form: labels and tagged controls, in document order."""

    def __init__(self, body: Body, record_tables: set[int]) -> None:
        self.body = body
        self.record_tables = record_tables
        fields = _fields()
        self.labels = [
            [] if not u.text or u.table in record_tables else _labels(u.text, fields)
            for u in body.units
        ]
        self.used: set[int] = set()  # units taken as the value of a label elsewhere
        self.forms: list[dict[str, str]] = []
        self.kinds: list[dict[str, str]] = []  # per form: field -> "control" | "label" | "empty"
        self.open = False

    def run(self) -> list[dict[str, str]]:
        for i, unit in enumerate(self.body.units):
            if unit.table in self.record_tables:
                self.open = False
                continue
            if i in self.used or not (unit.controls or unit.text.strip()):
                continue
            if not self.labels[i] and self._heading(unit):
                continue
            for _pos, name, value, kind in self._events(i, unit):
                self._event(name, value, kind)
        return self.forms

    def _heading(self, unit: Unit) -> bool:
        text = unit.text.strip()
        if not text or len(text) > 80:
            return False
        if FORM_HEADING.match(text):
            self._new_form()
            return True
        if unit.table == -1 and _TABLE_HEADING.fullmatch(text):
            self.open = False
            return True
        return False

    def _new_form(self) -> None:
        if not (self.open and self.forms and not self.kinds[-1]):
            self.forms.append({})
            self.kinds.append({})
        self.open = True

    def _event(self, name: str, value: str, kind: str) -> None:
        seen = self.kinds[-1].get(name) if self.open else None
        if kind == "control":
            if not self.open or (seen is not None and seen != "empty"):
                self._new_form()
        elif name == "coach" and (not self.open or seen is not None):
            self._new_form()
        elif not self.open or (seen is not None and not (seen == "empty" and value)):
            return
        self.forms[-1][name] = value
        self.kinds[-1][name] = "empty" if kind == "label" and not value else kind

    def _events(self, i: int, unit: Unit) -> list[tuple[int, str, str, str]]:
        events: list[tuple[int, str, str, str]] = []
        labels = self.labels[i]
        text = unit.text
        for n, label in enumerate(labels):
            end = labels[n + 1].start if n + 1 < len(labels) else len(text)
            control = next(
                (c for c in unit.controls
                 # a control may begin inside the label's match: a colon typed first in it
                 if c.name == label.name and not c.used and label.start < c.start < end + 1),
                None,
            )
            if control is not None:
                control.used = True
                typed = typed_value(text[control.start:control.end])
                events.append((label.start, label.name, typed, "control"))
                continue
            value = typed_value(text[label.end:end])
            if not value:
                value = self._neighbour(i, label.name)
            events.append((label.start, label.name, value, "label"))
        for c in unit.controls:
            if not c.used:
                c.used = True
                events.append((c.start, c.name, typed_value(text[c.start:c.end]), "control"))
        events.sort(key=lambda e: e[0])
        return events

    def _neighbour(self, i: int, name: str) -> str:
        """Return the value written beside or under an empty label, marking that unit used."""
        body, unit = self.body, self.body.units[i]
        if unit.table == -1:
            return self._following_paragraphs(i)
        rows = body.tables[unit.table]
        candidates: list[int] = []
        beside = next_cell(body, i)
        if beside is not None:
            candidates.append(beside)
        if unit.row + 1 < len(rows):
            below = [j for j in rows[unit.row + 1] if body.units[j].col <= unit.col]
            if below:
                candidates.append(below[-1])
        for j in candidates:
            other = body.units[j]
            if j in self.used or self.labels[j] or FORM_HEADING.match(other.text):
                continue
            control = next((c for c in other.controls if not c.used), None)
            if control is not None and control.name != name:
                continue
            if control is not None:
                control.used = True
                self.used.add(j)
                return typed_value(other.text[control.start:control.end])
            value = typed_value(other.text)
            if value:
                self.used.add(j)
                return value
        return ""

    def _following_paragraphs(self, i: int) -> str:
        lines: list[str] = []
        units = self.body.units
        for j in range(i + 1, min(i + 40, len(units))):
            u = units[j]
            text = u.text.strip()
            if (u.table != -1 or self.labels[j] or u.controls or FORM_HEADING.match(text)
                    or _TABLE_HEADING.fullmatch(text)):
                break
            self.used.add(j)
            lines.append(u.text)
        return typed_value("\n".join(lines))


def next_cell(body: Body, i: int) -> int | None:
    """Return the unit of the cell right of unit ``i`` in its table row, or None if none is.

    The one "value in the next cell" rule: a label's value typed beside it, in a form or in the
    lines naming the team before the forms.
    """
    unit = body.units[i]
    if unit.table < 0:
        return None
    row = body.tables[unit.table][unit.row]
    at = row.index(i)
    return row[at + 1] if at + 1 < len(row) else None


def table_rows(body: Body) -> tuple[set[int], list[tuple[int, list[str]]]]:
    """Return the COACHING RECORD tables and their data rows as (row number, 4 cell texts)."""
    tables: set[int] = set()
    rows: list[tuple[int, list[str]]] = []
    number = 0
    for t, grid in enumerate(body.tables):
        if not grid or not _is_header_row(body, grid[0]):
            continue
        tables.add(t)
        for row in grid[1:]:
            number += 1
            cells = [typed_value(body.units[i].text) for i in row[:4]]
            cells += [""] * (4 - len(cells))
            if any(cells) and not _is_header_row(body, row):
                rows.append((number, cells))
    return tables, rows
