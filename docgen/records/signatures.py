"""Read the signature table of a contract or a mentor agreement: who signed, and when.

A contract ends its terms with *Agreed and signed*, and a mentor agreement with a table to
sign: a header row of Name | Signature | Date (after a column of roles), then a row for each
person. What is typed under Signature and Date is what the table is for, so the readers of a
document's own text pass over it (:mod:`docgen.records.extras`); this module carries it to the
log instead, so a signature or a date typed there is never lost without a word. A date that
cannot be read is named and kept as typed. A signature inserted as a picture has no text: the
picture itself is seen, and counts as signed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable

from docgen.errors import Problem
from docgen.models import Signature
from docgen.ooxml.wordtext import Body
from docgen.records.forms import typed_value
from docgen.records.programme import FIRST_DAY, LAST_DAY
from docgen.values import format_date_short, person_key
from docgen.values.typed import read_typed_dates

__all__ = ["column_of", "header_kind", "read_signatures", "signature_columns",
           "with_rows_deleted"]

_NAME, _SIGNATURE, _DATE = "name", "signature", "date"
_WORDS = re.compile(r"[^\W\d_]+")
_NAMES = frozenset({"name", "signatory", "signatories"})  # "Print name", "Name of signatory"
_LONGEST = 4  # words: a header longer than this is a sentence, not a column's heading


@functools.lru_cache(maxsize=1024)  # the same headers come in every record
def header_kind(text: str) -> str | None:
    """Return what a signature table's header cell heads ("name", "signature", "date"), or
    None: a header people reword is still read ("Signed", "Signature:", "Date signed",
    "Dated", "Print name"); its first such word tells ("Date signed" heads the dates,
    "Signature and date" the signatures)."""
    words = [w.casefold() for w in _WORDS.findall(typed_value(text))]
    if len(words) > _LONGEST:
        return None
    for word in words:
        if word in ("date", "dated"):
            return _DATE
        if word in _NAMES:
            return _NAME
        if word.startswith("sign"):  # sign, signed, signature(s), sign here
            return _SIGNATURE
    return None


def signature_columns(body: Body, table: int) -> dict[str, range] | None:
    """Return the grid columns under a signature table's Name, Signature and Date headers
    (and "role": the first column, when it is none of them), each as the columns its header
    spans: a cell split under one (a Signature cell split in two) is still under it. None if
    ``table`` is not a signature table: its first row must have a Signature header (as
    :func:`header_kind` reads it)."""
    rows = body.tables[table]
    if not rows or not rows[0]:
        return None
    columns: dict[str, range] = {}
    for i in rows[0]:
        unit = body.units[i]
        what = header_kind(unit.text)
        if what is not None and what not in columns:
            columns[what] = range(unit.col, unit.col + unit.span)
    if _SIGNATURE not in columns:
        return None
    first = body.units[rows[0][0]]
    if not any(first.col in cols for cols in columns.values()):
        columns["role"] = range(first.col, first.col + first.span)
    return columns


def column_of(columns: dict[str, range], col: int) -> str | None:
    """Return which heading of a signature table (see :func:`signature_columns`) grid
    column ``col`` is under, or None."""
    return next((what for what, cols in columns.items() if col in cols), None)


def read_signatures(body: Body, source: str, problems: list[Problem],
                    reference: Callable[[], tuple[dt.date, bool]]) -> tuple[Signature, ...]:
    """Return every row of the document's signature tables that names someone or holds a
    signature or a date; a date that cannot be read adds a problem and is kept as typed.
    Cells split under one heading are read together, a line each.

    ``reference`` gives the day year-less dates are read against (asked only when a date was
    typed).
    """
    found: list[Signature] = []
    for t, rows in enumerate(body.tables):
        columns = signature_columns(body, t)
        if columns is None:
            continue
        for r, row in enumerate(rows[1:], start=2):
            parts: dict[str, list[str]] = {}
            picture = False
            for i in row:
                unit = body.units[i]
                what = column_of(columns, unit.col)
                if what is None:
                    continue
                if text := typed_value(unit.text):
                    parts.setdefault(what, []).append(text)
                picture = picture or (what == _SIGNATURE and unit.picture)
            texts = {what: "\n".join(lines) for what, lines in parts.items()}
            name, signature = texts.get(_NAME, ""), texts.get(_SIGNATURE, "")
            typed = texts.get(_DATE, "")
            if not (name or signature or typed or picture):
                continue  # a row left blank: nobody to sign there
            date, shown = _date(typed, reference, source, t, r, problems)
            found.append(Signature(role=texts.get("role", ""), name=name, signature=signature,
                                   date=date, typed_date=shown, row=r, picture=picture))
    return tuple(found)


def with_rows_deleted(signatures: tuple[Signature, ...], signatories: str, source: str,
                      problems: list[Problem]) -> tuple[Signature, ...]:
    """Return ``signatures`` with each person a contract's or an agreement's table was made
    for (its ``docgen.signatories``: "Role: Name; ...") whose row is gone added as not signed,
    and named: a row deleted must not make "2 of 2" of a contract one person never signed.

    A row whose name was corrected (a name the table was not made with, in a row of the same
    role) stands for one such person, and is not counted twice. A table holding none of the
    roles listed is left alone: its template words its rows otherwise."""
    if not signatures or not signatories:
        return signatures  # no signature table, or a contract made before docgen listed them
    expected = []
    for part in signatories.split(";"):
        role, sep, name = part.strip().partition(": ")
        if sep and name.strip():
            expected.append((role.strip(), name.strip()))
    named = {person_key(s.name) for s in signatures}
    known = {person_key(name) for _role, name in expected}
    renamed = Counter(s.role.casefold() for s in signatures if person_key(s.name) not in known)
    roles = {s.role.casefold() for s in signatures}
    if not any(role.casefold() in roles for role, _name in expected):
        return signatures  # a table the template words otherwise: not the one docgen listed
    missing: list[Signature] = []
    for role, name in expected:
        if person_key(name) in named:
            continue
        if renamed[role.casefold()]:
            renamed[role.casefold()] -= 1
            continue
        missing.append(Signature(role=role, name=name, signature=""))
        problems.append(Problem(
            f"has no row for {name} ({role}), whom the document was made for to sign: counted "
            "as still to sign; if the row was deleted by mistake, add it back for them to sign "
            "and date; if they are no longer on the team (or in the pair), correct the cohort "
            "and make the document again (docgen generate --force)",
            file=source, sheet="signature table"))
    return (*signatures, *missing)


def _date(typed: str, reference: Callable[[], tuple[dt.date, bool]], source: str, table: int,
          row: int, problems: list[Problem]) -> tuple[dt.date | None, str]:
    """Return the date typed beside a signature, or None and the text as typed (named)."""
    if not typed:
        return None, ""
    day, after = reference()
    found = read_typed_dates(typed, day, after)
    dates = [d.date for d in found.dates]
    if len(dates) == 1 and not found.error and FIRST_DAY <= dates[0] <= LAST_DAY:
        return dates[0], ""
    if len(dates) > 1:
        why = ("holds " + ", ".join(format_date_short(d) for d in dates)
               + ": more than one date")
    else:
        why = found.error or f'"{typed}" is not a date'
    problems.append(Problem(
        f"{why}: shown as typed on the Signatures sheet; type the one day it was signed "
        "(e.g. 03/04/2026)", file=source, sheet=f"signature table (table {table + 1})",
        row=row, column="Date"))
    return None, typed
