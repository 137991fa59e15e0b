"""Name what a coach typed where docgen does not read it, so it is never lost in silence.

Three places hold typing the forms and the table do not: comments (``word/comments.xml`` of a
.docx, ``office:annotation`` in an .odt's ``content.xml``), text typed outside the Record of
Coaching forms and the COACHING RECORD table (a paragraph after the table, between two forms,
a text box anchored there, a table pasted among the forms), and the contract's Team field
typed over with another team (:func:`docgen.records.identity.team_field_problem`). Each is a
problem quoting what was typed, where, and the way out: type it into a form or a row.

What the template wrote is not flagged: after the contract's own text the template writes
only the forms' headings, the forms and the table; a paragraph a customised template repeats
with every form is its own too. Text in a form the reader takes in is not flagged (its
problems are the form's): what is flagged is only what no reader looked at.

The contract's own text, before the first form (its clauses, fields, signatures), and a mentor
agreement (which tells the log only that it came back) are checked line by line against the
digests of the lines docgen wrote (:mod:`docgen.written`): every line docgen did not write is
named, but for the signatures and the dates beside them; on an agreement, every comment too.
A contract's headings of its forms and table are among those lines: words typed beside a
heading are named as text outside the forms.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen import ooxml, schema, written
from docgen.errors import DocgenError, Problem
from docgen.ooxml.wordtext import Body
from docgen.records.forms import FORM_HEADING, FormFinder, line_as_written, typed_value
from docgen.records.signatures import column_of, signature_columns
from docgen.safezip import parse_xml, read_member

__all__ = ["COMMENTS_PART", "UNTOUCHED", "Comment", "agreement_problems", "comment_problems",
           "contract_lines", "contract_problems", "contract_text", "docx_comments",
           "header_lines", "header_problems", "loose_text", "odt_comments", "written_lines"]

COMMENTS_PART = "word/comments.xml"
_TABLE_HEADING = re.compile(r"\s*coaching\s+record\s*:?\s*", re.IGNORECASE)
_SHOWN = 120  # characters of typed text quoted in a problem
_EACH = 10  # comments or passages named one by one; the rest in one problem
_W = ooxml.W
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"

_OUTSIDE = ("docgen reads only the Record of Coaching forms and the COACHING RECORD table; "
            "type it into a Record of Coaching form (one per session) or a row of the "
            "COACHING RECORD table, then delete it here")
_COMMENT = ("docgen does not read comments; type what it says into the form or the COACHING "
            "RECORD table, then delete the comment")


def shown(text: str, limit: int = _SHOWN) -> str:
    """Return typed text on one line, quoted, cut short (with its length) if long."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = f"{flat[:limit - 1].rstrip()}… ({len(flat):,} characters)"
    return f'"{flat}"'


# --- comments ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment's text, and where it is anchored: the table and row of the body (as
    :class:`~docgen.ooxml.wordtext.Body` numbers them; -1 for a body paragraph) and the text
    of the paragraph it is on."""

    text: str
    table: int = -1
    row: int = -1
    on: str = ""


def _text(el, t: str) -> str:  # noqa: ANN001 - an lxml element (lxml lives in ooxml/)
    return "".join(x.text or "" for x in el.iter(t))


def _tables_and_rows(root, table_tag: str, row_tag: str, skip: str = ""  # noqa: ANN001
                     ) -> tuple[dict[object, int], dict[object, int]]:
    """Return each table's number in document order (as the body flattening counts them,
    leaving out those under ``skip``: a drawing's fallback copy) and each row's number in its
    own table."""
    tables: dict[object, int] = {}
    rows: dict[object, int] = {}
    for table in root.iter(table_tag):
        if skip and next(table.iterancestors(skip), None) is not None:
            continue
        tables[table] = len(tables)
        r = 0
        for row in table.iter(row_tag):
            if next(row.iterancestors(table_tag), None) is table:
                rows[row] = r
                r += 1
    return tables, rows


def _anchor(el, tables: dict[object, int], rows: dict[object, int], table_tag: str,  # noqa: ANN001
            row_tag: str) -> tuple[int, int]:
    """Return the table and row (-1: none) an element sits in."""
    table = next(el.iterancestors(table_tag), None)
    row = next(el.iterancestors(row_tag), None)
    return (-1 if table is None else tables.get(table, -1),
            -1 if row is None else rows.get(row, -1))


def docx_comments(zf, path: Path, document) -> list[Comment]:  # noqa: ANN001
    """Return the comments of a .docx package, each with where ``document`` anchors it.

    ``zf`` is the package opened by :func:`docgen.safezip.open_package`; ``document`` the
    parsed ``word/document.xml``. A comments part that cannot be read is one comment saying
    so: comments are there, unread.
    """
    if COMMENTS_PART not in zf.namelist():
        return []
    try:
        root = parse_xml(read_member(zf, COMMENTS_PART, path), path, COMMENTS_PART)
    except DocgenError as exc:
        return [Comment("(the comments cannot be read: "
                        + "; ".join(p.message for p in exc.problems) + ")")]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        return [Comment(f"(the comments cannot be read: {exc})")]
    texts: dict[str, str] = {}
    for comment in root.iter(f"{_W}comment"):
        text = "\n".join(_text(p, f"{_W}t") for p in comment.iter(f"{_W}p"))
        if text.strip():
            texts[comment.get(f"{_W}id") or ""] = text
    if not texts:
        return []
    tables, rows = _tables_and_rows(document, f"{_W}tbl", f"{_W}tr",
                                    "{http://schemas.openxmlformats.org/markup-compatibility"
                                    "/2006}Fallback")
    anchors: dict[str, tuple[int, int, str]] = {}
    for tag in ("commentRangeStart", "commentReference"):
        for el in document.iter(f"{_W}{tag}"):
            key = el.get(f"{_W}id") or ""
            if key in texts and key not in anchors:
                para = next(el.iterancestors(f"{_W}p"), None)
                anchors[key] = (*_anchor(el, tables, rows, f"{_W}tbl", f"{_W}tr"),
                                "" if para is None else _text(para, f"{_W}t"))
    return [Comment(text, *anchors.get(key, (-1, -1, ""))) for key, text in texts.items()]


def odt_comments(content) -> list[Comment]:  # noqa: ANN001 - a parsed content.xml
    """Return the comments (``office:annotation``) of an .odt's content, each anchored."""
    notes = list(content.iter(f"{_OFFICE}annotation"))
    if not notes:
        return []
    body = next(content.iter(f"{_OFFICE}text"), content)
    tables, rows = _tables_and_rows(body, f"{_TABLE}table", f"{_TABLE}table-row")
    out: list[Comment] = []
    for note in notes:
        text = "\n".join("".join(p.itertext()) for p in note if p.tag in (f"{_TEXT}p",
                                                                          f"{_TEXT}h"))
        if text.strip():
            table, row = _anchor(note, tables, rows, f"{_TABLE}table", f"{_TABLE}table-row")
            para = next((a for a in note.iterancestors()
                         if a.tag in (f"{_TEXT}p", f"{_TEXT}h")), None)
            on = "" if para is None else "".join(_odt_text(para))
            out.append(Comment(text, table, row, on))
    return out


def _odt_text(el) -> Iterator[str]:  # noqa: ANN001
    """Yield a paragraph's own text, leaving its comments out."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag != f"{_OFFICE}annotation":
            yield from _odt_text(child)
        if child.tail:
            yield child.tail


def _where(body: Body, record_tables: set[int], table: int, row: int) -> str:
    """Return where a table and row of the body are: a form, a COACHING RECORD row."""
    if table in record_tables:
        number = sum(len(body.tables[t]) - 1 for t in sorted(record_tables) if t < table)
        return f"COACHING RECORD row {number + row}" if row > 0 else "COACHING RECORD table"
    if 0 <= table < len(body.tables) and body.tables[table] and body.tables[table][0]:
        first = body.tables[table][0][0]
        forms = sum(1 for u in body.units[:first] if u.table == -1 and _form_heading(u.text))
        if forms and any(body.units[i].controls for r in body.tables[table] for i in r):
            return f"Record of Coaching form {forms}"
        if forms:
            return f"after Record of Coaching form {forms}"
    return "" if table < 0 else f"table {table + 1}"


def comment_problems(comments: list[Comment], body: Body, record_tables: set[int],
                     source: str, way_out: str = _COMMENT) -> list[Problem]:
    """Return a problem for each comment (the first few; the rest in one), quoting it."""
    problems: list[Problem] = []
    for comment in comments[:_EACH]:
        on = typed_value(comment.on)
        problems.append(Problem(
            f"holds a comment{f' on {shown(on, 60)}' if on else ''}: "
            f"{shown(comment.text)}: {way_out}", file=source,
            sheet=_where(body, record_tables, comment.table, comment.row) or None))
    rest = comments[_EACH:]
    if rest:
        quoted = "; ".join(shown(c.text, 40) for c in rest[:20])
        more = f" and {len(rest) - 20} more" if len(rest) > 20 else ""
        problems.append(Problem(
            f"holds {len(rest)} more comments: {quoted}{more}: {way_out}", file=source))
    return problems


# --- text outside the forms and the table ----------------------------------------------------


def _form_heading(text: str) -> bool:
    return len(text.strip()) <= 80 and FORM_HEADING.match(text) is not None


def _table_heading(text: str) -> bool:
    return _TABLE_HEADING.fullmatch(text) is not None


def _region(body: Body, record_tables: set[int]) -> int:
    """Return the first unit of the forms and table: before it is the contract."""
    for i, u in enumerate(body.units):
        if u.table in record_tables or u.controls or (u.table == -1 and (
                _form_heading(u.text) or _table_heading(u.text))):
            return i
    return len(body.units)


def _passages(body: Body, finder: FormFinder, record_tables: set[int],
              wrote: frozenset[str] | None = None) -> Iterable[tuple[str, str]]:
    """Yield (where, text) of each passage typed outside the forms and the table; with the
    digests of what docgen ``wrote`` (``docgen.written``), a heading of a form or of the table
    that docgen did not write so (words typed beside it) too."""
    units = body.units
    start = _region(body, record_tables)
    forms = 0  # form headings passed
    after_table = False
    is_open = False  # as FormFinder: a form takes the labelled lines that follow it
    tables_seen: set[int] = set()
    loose: list[tuple[int, str, str]] = []  # (unit, where, text)
    for i in range(start, len(units)):
        u = units[i]
        if u.table in record_tables:
            after_table, is_open = True, False
            continue
        if u.table >= 0:
            if u.table not in tables_seen:
                tables_seen.add(u.table)
                text = _unread_table(body, finder, u.table)
                if text:
                    loose.append((i, _after(forms, after_table, is_open), text))
            continue
        kept: list[str] = []  # a heading's lines aside (a text box may share its paragraph)
        for line in u.text.split("\n"):
            if _form_heading(line):
                forms += 1
                is_open = True
            elif _table_heading(line):
                is_open = False
            else:
                kept.append(line)
                continue
            if wrote is not None and not written.holds(wrote, line):  # typed beside it
                loose.append((i, f"heading of Record of Coaching form {forms}" if is_open
                              else "heading of the COACHING RECORD table", line.strip()))
        labels = finder.labels[i] if i < len(finder.labels) else []
        if u.controls or any(lab.name == "coach" and lab.colon for lab in labels):
            is_open = True  # a form begins here
        if i in finder.used or (is_open and (labels or u.controls)):
            continue  # read into a form
        text = typed_value("\n".join(kept))
        if text:
            loose.append((i, _after(forms, after_table, is_open), text))
    # A paragraph a customised template repeats with every form is the template's.
    if forms > 1:
        counts: dict[str, int] = {}
        for _i, _w, text in loose:
            counts[text] = counts.get(text, 0) + 1
        loose = [item for item in loose if counts[item[2]] < forms]
    return [(where, text) for _i, where, text in loose]


def _after(forms: int, after_table: bool, is_open: bool) -> str:
    if after_table:
        return "after the COACHING RECORD table"
    if forms and is_open:
        return f"after Record of Coaching form {forms}"
    return "before the COACHING RECORD table" if forms else "before the forms"


def _unread_table(body: Body, finder: FormFinder, table: int) -> str:
    """Return the text of a table among the forms that holds no field (nothing reads it)."""
    cells = [i for row in body.tables[table] for i in row]
    if any(body.units[i].controls or (i < len(finder.labels) and finder.labels[i])
           or i in finder.used for i in cells):
        return ""
    return typed_value("\n".join(body.units[i].text for i in cells if body.units[i].text.strip()))


def _cells_in_no_field(body: Body, finder: FormFinder, record_tables: set[int]
                       ) -> list[tuple[str, str]]:
    """Return (where, text) of each cell of a form's table that holds typing no field reads:
    no label, no field's control, not taken as the value of a label beside it. A coach who
    selects a whole cell ("Date: 10 February 2026") and types the date over it leaves one."""
    found: list[tuple[int, str]] = []  # (table, text)
    forms: dict[int, int] = {}  # table -> the form it belongs to
    count = 0  # form headings passed
    for i in range(_region(body, record_tables), len(body.units)):  # the contract's before
        u = body.units[i]
        if u.table == -1:
            count += sum(1 for line in u.text.split("\n") if _form_heading(line))
            continue
        if u.table in record_tables or i >= len(finder.labels):
            continue
        if u.table not in forms:
            cells = [j for row in body.tables[u.table] for j in row]
            if not any(body.units[j].controls or any(lab.colon for lab in finder.labels[j])
                       for j in cells):
                forms[u.table] = 0  # no field in it: named whole, as text outside the forms
                continue
            forms[u.table] = max(count, 1)
        if not forms[u.table] or u.controls or finder.labels[i] or i in finder.used:
            continue
        text = typed_value(u.text)
        if text:
            found.append((u.table, text))
    # a cell a customised template repeats in every form's table is the template's
    tables = len({t for t, n in forms.items() if n})
    counts: dict[str, int] = {}
    for _t, text in found:
        counts[text] = counts.get(text, 0) + 1
    return [(f"Record of Coaching form {forms[t]}", text) for t, text in found
            if tables < 2 or counts[text] < tables]


_NO_FIELD = ("docgen reads a form's fields by their labels (Date:, Start time:, …): was the "
             "label typed over? Type the label back before it (or the value into its field)")


def loose_text(body: Body, finder: FormFinder, record_tables: set[int], source: str,
               wrote: frozenset[str] | None = None) -> list[Problem]:
    """Return a problem for each passage typed outside the forms and the table (the first
    few; the rest in one), quoting it, and for each cell of a form typed in no field (see
    :func:`_cells_in_no_field`). ``finder`` has run over ``body``; ``wrote``: the
    digests of the lines docgen wrote in it, when it recorded them (headings are checked)."""
    found = list(_passages(body, finder, record_tables, wrote))
    problems = [Problem(f"holds text in no field: {shown(text)}; {_NO_FIELD}", file=source,
                        sheet=where) for where, text in _cells_in_no_field(
                            body, finder, record_tables)]
    problems += [Problem(f"holds text outside the forms and the table: {shown(text)}; "
                         f"{_OUTSIDE}", file=source, sheet=where)
                 for where, text in found[:_EACH]]
    rest = found[_EACH:]
    if rest:
        quoted = "; ".join(shown(text, 40) for _w, text in rest[:20])
        more = f" and {len(rest) - 20} more" if len(rest) > 20 else ""
        problems.append(Problem(
            f"holds {len(rest)} more passages outside the forms and the table: {quoted}{more}; "
            f"{_OUTSIDE}", file=source))
    return problems


# --- the COACHING RECORD table's header row -------------------------------------------------

# The header row's lines as docgen's own template words them (the paper form's too): what a
# header row is compared with when the document does not record the headings it was made with.
_HEADINGS = frozenset(written.line_key(h) for h in (
    *schema.COACHING_RECORD_HEADER, "e.g.: cancellations rescheduled by whom:"))
_HEADER_WAY_OUT = ("docgen reads sessions only from the rows below the headings: type it into "
                   "a row below (one session a row), then delete it from the heading")
_NOT_RECORDED = (" (this document does not record the headings it was made with, so they are "
                 "compared with docgen's own: if the heading was worded so, nothing was lost)")


def header_lines(body: Body, rows: list[list[int]]) -> list[str]:
    """Return the lines of the COACHING RECORD header ``rows`` (as
    :func:`docgen.records.forms.table_rows` gives them): what ``docgen.written`` records of a
    contract's headings, and what is compared with it."""
    return [line for row in rows for i in row for line in body.units[i].text.split("\n")]


def header_problems(body: Body, rows: list[list[int]], headers: frozenset[str] | None,
                    source: str, named: Iterable[str] = ()) -> list[Problem]:
    """Return a problem for each line of the COACHING RECORD header ``rows`` that is not a
    heading docgen wrote, quoting what was typed, with its column.

    ``headers`` are the digests of the header lines docgen recorded (``docgen.written``), so
    a heading an admin reworded in the template is no alarm; None (a document made before
    docgen recorded them, or not by docgen) compares with docgen's own headings. A heading
    with words typed before or after it quotes those words alone. The cells of the header
    row are docgen's, as the signature tables' are (:func:`written_lines`): typing there is
    named, never passed over. A column added to the table whose values are named already
    (``named``: the headings they are named under) is not named again for its heading.
    """
    shown_under = set(named)

    def known(key: str) -> bool:
        return (key in _HEADINGS) if headers is None else written.key_digest(key) in headers

    problems: list[Problem] = []
    for row in rows:
        for k, i in enumerate(row):
            if k < len(schema.COACHING_RECORD_HEADER):
                column = schema.COACHING_RECORD_HEADER[k]
            elif typed_value(body.units[i].text.split("\n", 1)[0]) in shown_under:
                continue  # an added column: its values are named with its heading
            else:
                column = f"column {k + 1}"
            for line in body.units[i].text.split("\n"):
                key = written.line_key(line)
                if not key or known(key):
                    continue
                typed = _beside_heading(key, known) or key
                problems.append(Problem(
                    f"{shown(typed)} is typed in the heading of the COACHING RECORD table's "
                    f"{column.split(',', 1)[0]} column, which is not read: {_HEADER_WAY_OUT}"
                    + ("" if headers is not None else _NOT_RECORDED),
                    file=source, sheet="COACHING RECORD header row", column=column))
    return problems


def _beside_heading(key: str, known: Callable[[str], bool]) -> str:
    """Return the words typed before or after a heading on its line ("Coach Sam Jones",
    "Coach: Sam Jones": "Sam Jones"), or "" when the line holds no whole heading at its
    start or end."""
    words = key.split()
    for k in range(len(words) - 1, 0, -1):
        first = " ".join(words[:k])
        if known(first) or known(first.rstrip(" :-–")):
            return " ".join(words[k:])
        if known(" ".join(words[len(words) - k:])):
            return " ".join(words[:len(words) - k])
    return ""


# --- a document without sessions: a mentor agreement ------------------------------------------

_AGREED = ("docgen reads only that a mentor agreement came back: if it changes what the pair "
           "agreed, change it on the cohort's Mentoring sheet too")
_AGREED_COMMENT = ("docgen does not read comments (only that a mentor agreement came back): if "
                   "it changes what the pair agreed, change it on the cohort's Mentoring sheet "
                   "too")


_OWN = frozenset({"name", "signature", "date"})  # a signature table's headers as docgen makes them


def written_lines(body: Body, stop: int | None = None) -> list[tuple[int, str]]:
    """Return the lines of a document's body as (unit, line), each without docgen's prompts:
    what :mod:`docgen.written` compares with what docgen wrote; only the units before
    ``stop`` when given. A table of signatures' cells under Signature and Date are left out:
    signing is what the table is for. Its header row is not: a header as the template words
    it is among the lines docgen wrote, and anything typed there is named."""
    out: list[tuple[int, str]] = []
    units = body.units if stop is None else body.units[:stop]
    signed: dict[int, dict[str, range]] = {}  # a table of signatures' headings, by table
    for t, grid in enumerate(body.tables):
        if grid and grid[0] and grid[0][0] < len(units):
            columns = signature_columns(body, t)
            if columns:
                signed[t] = columns
    for n, unit in enumerate(units):
        if unit.table in signed and unit.row > 0 and column_of(
                signed[unit.table], unit.col) in ("signature", "date"):
            continue
        out.extend((n, _as_written(line)) for line in unit.text.split("\n"))
    return out


def typed_units(body: Body, wrote: frozenset[str] | None) -> set[int]:
    """Return the units of the body holding a line docgen did not write (by ``wrote``, the
    digests ``docgen.written`` holds; none when it is None), as :func:`written_lines` reads
    them."""
    if wrote is None:
        return set()
    return {n for n, line in written_lines(body) if not written.holds(wrote, line)}


_AS_WRITTEN: dict[str, str] = {}  # line -> as docgen wrote it: most lines come in every
_KEPT = 8192  # document made from one template, so each is stripped of prompts once


def _as_written(line: str) -> str:
    found = _AS_WRITTEN.get(line)
    if found is None:
        if len(_AS_WRITTEN) >= _KEPT:
            _AS_WRITTEN.clear()
        found = _AS_WRITTEN[line] = line_as_written(line)
    return found


def contract_lines(body: Body, record_tables: set[int]) -> list[tuple[int, str]]:
    """Return the lines docgen records of a contract, as :func:`written_lines` returns them:
    its own text, before its first Record of Coaching form and its COACHING RECORD table, and
    the headings of its forms and of the table (words typed beside a heading are named)."""
    stop = _region(body, record_tables)
    return written_lines(body, stop) + [
        (n, line) for n in range(stop, len(body.units)) if body.units[n].table == -1
        for line in body.units[n].text.split("\n") if _form_heading(line) or _table_heading(line)]


def contract_text(lines: Iterable[str]) -> list[str]:
    """Return, of a contract's text (each a line, or text of several), the lines that come
    before its first form's heading or the table's, and the headings: what
    :func:`contract_lines` reads of a document made from them."""
    out: list[str] = []
    region = True
    known = _JUDGED.get
    for text in lines:
        for line in text.split("\n") if "\n" in text else (text,):
            heading = known(line)
            if heading is None:
                heading = _heading(line)
            region = region and not heading
            if region or heading:
                out.append(line)
    return out


_JUDGED: dict[str, bool] = {}  # line -> whether it heads a form or the table: the lines of
_KEPT_HEADINGS = 8192  # one template recur in every document made from it, so each is judged once


def _heading(line: str) -> bool:
    found = _form_heading(line) or _table_heading(line)
    if len(_JUDGED) < _KEPT_HEADINGS:
        _JUDGED[line] = found
    return found


def _typed_passages(lines: Iterable[tuple[int, str]], wrote: frozenset[str],
                    named: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Return (after which line docgen wrote, the passage) for each run of lines docgen did
    not write; a line in ``named`` (a line key: already named otherwise) is passed over."""
    found: list[tuple[str, str]] = []
    before, passage, last = "", [], -2
    for n, line in lines:
        key = written.digest(line)
        if not key:
            continue  # blank
        if key in wrote:
            if passage:
                found.append((before, "\n".join(passage)))
                passage = []
            before = line
            continue
        if named and written.line_key(line) in named:
            continue
        if passage and n > last + 1:
            found.append((before, "\n".join(passage)))
            passage = []
        passage.append(line)
        last = n
    if passage:
        found.append((before, "\n".join(passage)))
    return found


_LONGEST = 120  # words of a line searched for words typed into a line docgen wrote


def _typed_into(line: str, wrote: frozenset[str]) -> tuple[str, str] | None:
    """Return (the words typed, the line docgen wrote they were typed into) when ``line`` is
    a line docgen wrote with a run of words typed into it (at its start, inside or at its
    end, also joined to its first or last word); None when it is not (a new line, a word
    changed, typing joined to a word inside it).

    The shortest run is taken; the line docgen wrote must keep more words than were typed,
    and three at least, so that a short line typed anew is not read as typing beside a word
    docgen wrote ("Review").
    """
    words = written.line_key(line).split()
    n = len(words)
    if n > _LONGEST:
        return None
    for length in range(1, (n - 1) // 2 + 1):
        if n - length < 3:
            break
        for at in range(n - length + 1):
            rest = " ".join(words[:at] + words[at + length:])
            if written.key_digest(rest) in wrote:
                return " ".join(words[at:at + length]), rest
    # typing joined to docgen's first or last word ("learning.Sam to send"): by characters
    flat = " ".join(words)
    for k in range(len(flat) - 1, len(flat) // 2, -1):
        for kept, typed in ((flat[:k], flat[k:]), (flat[-k:], flat[:-k])):
            if (len(kept.split()) >= 3 and typed.strip()
                    and written.key_digest(kept.strip()) in wrote):
                return typed.strip(), kept
    return None


def _quoted(text: str, wrote: frozenset[str] | None) -> str:
    """Return a passage quoted: a line too long to be quoted whole, docgen's with words
    typed into it, as those words and the opening of its line (a long line's quote would
    show only docgen's opening words, and the typing not at all)."""
    if wrote is None or "\n" in text or len(" ".join(text.split())) <= _SHOWN:
        return shown(text)
    found = _typed_into(text, wrote)
    if found is None:
        return shown(text)
    typed, line = found
    return f'{shown(typed)}, typed into the line "{_opening(line)}",'


def _passage_problems(found: list[tuple[str, str]], source: str, way_out: str,
                      where: str = "", wrote: frozenset[str] | None = None) -> list[Problem]:
    """Return a problem quoting each passage (the first few; the rest in one), placed after
    the line docgen wrote before it (``where`` put first: "the contract, "); with the
    digests of what docgen ``wrote``, words typed into a long line of its own are quoted
    alone (see :func:`_quoted`)."""
    problems = [Problem(f"{_quoted(text, wrote)} is not read ({way_out})", file=source,
                        sheet=where + (f'after "{_opening(written.line_key(before))}"'
                                       if before else "at the start"))
                for before, text in found[:_EACH]]
    rest = found[_EACH:]
    if rest:
        quoted = "; ".join(shown(text, 40) for _b, text in rest[:20])
        more = f" and {len(rest) - 20} more" if len(rest) > 20 else ""
        problems.append(Problem(
            f"{len(rest)} more passages docgen did not write are not read: {quoted}{more} "
            f"({way_out})", file=source, sheet=where.rstrip(", ") or None))
    return problems


def agreement_problems(body: Body, props: dict[str, str], comments: list[Comment],
                       source: str) -> list[Problem]:
    """Return what was typed on a document the log reads no sessions from, named.

    Its comments, as a contract's; and each passage of lines docgen did not write (by
    ``docgen.written``): a paragraph added, a field changed. A document docgen made before it
    recorded what it wrote is named once (the reader passes over one whose parts are still as
    docgen wrote them). Signatures, and the dates beside them, are not named.
    """
    problems = comment_problems(comments, body, set(), source, _AGREED_COMMENT)
    wrote = written.decode(props.get(schema.PROP_WRITTEN, ""))
    if wrote is None:
        if props.get(schema.PROP_KIND):
            problems.append(Problem(
                "was made by a docgen that did not record the text it wrote, and saved since: "
                "what was typed on it besides comments is not checked; look it over (docgen "
                "reads only that a mentor agreement came back)", file=source))
        return problems
    lines, signers = _signatory_lines(body, written_lines(body), wrote, source)
    return (problems + signers
            + _passage_problems(_typed_passages(lines, wrote), source, _AGREED, wrote=wrote))


# --- a contract's own text, before its forms ---------------------------------------------------

_CONTRACT = ("docgen reads from a contract only its Record of Coaching forms and the COACHING "
             "RECORD table: type a session's notes into a form or a row of the table; if it "
             "changes what the contract says (a name, a date, a term), change it in the cohort "
             "workbook too")
UNTOUCHED = "docgen:untouched"  # a reader's mark in a record's properties: parts as written


def contract_problems(body: Body, wrote: frozenset[str] | None, props: dict[str, str],
                      record_tables: set[int], source: str, named: Iterable[str] = ()
                      ) -> list[Problem]:
    """Return each passage of a contract's own text (before its forms and table) that docgen
    did not write (``wrote``: the digests ``docgen.written`` holds, None without them),
    quoted with where it sits: a note typed beside a term, in a blank, a paragraph added
    under the heading, a field changed. The signatures and the dates beside them are not
    named, nor lines in ``named`` (the Team field typed over: named already). A contract
    docgen made before it recorded what it wrote, saved since (``UNTOUCHED`` not in
    ``props``), is named once; one without docgen's properties is not (what docgen wrote in
    it is not known, and its team is named from its text)."""
    if wrote is None:
        if props.get(schema.PROP_KIND) and not props.get(UNTOUCHED):
            return [Problem(
                "was made by a docgen that did not record the text it wrote, and saved since: "
                "what was typed in the contract before its first Record of Coaching form is "
                "not checked; look it over (docgen reads from a contract only its forms and "
                "the COACHING RECORD table)", file=source)]
        return []
    keys = frozenset(written.line_key(text) for text in named)
    lines, signers = _signatory_lines(body, written_lines(body, _region(body, record_tables)),
                                      wrote, source)
    return signers + _passage_problems(_typed_passages(lines, wrote, keys), source, _CONTRACT,
                                       "the contract, ", wrote)


_SIGNATORY = ("read as who signs in that row: on the Signatures sheet once signed, and counted "
              "among the document's signatories on the Teams or Mentoring sheet; if it changes "
              "who is on the team or in the pair, change it in the cohort workbook too")


def _signatory_lines(body: Body, lines: list[tuple[int, str]], wrote: frozenset[str],
                     source: str) -> tuple[list[tuple[int, str]], list[Problem]]:
    """Return ``lines`` without those typed in a signature table's Name or role column (a
    name corrected, a row added for another signatory), and those named as what they are:
    read, as who signs there, not text docgen passes over."""
    tables: dict[int, dict[str, range]] = {}
    kept: list[tuple[int, str]] = []
    typed: dict[int, list[str]] = {}
    for n, line in lines:
        unit = body.units[n]
        if unit.table >= 0 and unit.row > 0 and unit.table not in tables:
            tables[unit.table] = signature_columns(body, unit.table) or {}
        what = column_of(tables[unit.table], unit.col) if unit.row > 0 and (
            unit.table >= 0) else None
        key = written.digest(line)
        if what in ("name", "role") and key and key not in wrote:
            typed.setdefault(n, []).append(line)
        else:
            kept.append((n, line))
    problems = []
    for n, typed_lines in typed.items():
        unit = body.units[n]
        heading = "Name" if column_of(tables[unit.table], unit.col) == "name" else "Role"
        problems.append(Problem(
            f'{shown(" ".join(typed_lines), 60)} is typed in the signature table: '
            f"{_SIGNATORY}", file=source, sheet=f"signature table (table {unit.table + 1})",
            row=unit.row + 1, column=heading))
    return kept, problems


def _opening(line: str, limit: int = 40) -> str:
    """Return the opening words of a line, to say where something sits."""
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"
