"""Edit generated documents the way coaches do, with python-docx (as Word would save them)."""

from __future__ import annotations

import copy
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import docx.shared
from docx.oxml.ns import qn

from docgen import schema


def _controls(document, tag: str) -> list:
    return [sdt for sdt in document.element.body.iter(qn("w:sdt"))
            if (t := sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")) is not None
            and t.get(qn("w:val")) == tag]


def fill(path: Path, values: dict[str, str], form: int = 0) -> None:
    """Type ``values`` (tag -> text) into the controls of Record of Coaching form ``form``.

    As Word does: the placeholder text is replaced, its flag and grey style removed.
    """
    d = docx.Document(str(path))
    for tag, text in values.items():
        sdt = _controls(d, tag)[form]
        pr = sdt.find(qn("w:sdtPr"))
        flag = pr.find(qn("w:showingPlcHdr"))
        if flag is not None:
            pr.remove(flag)
        runs = list(sdt.iter(qn("w:r")))
        for extra in runs[1:]:
            extra.getparent().remove(extra)
        run = runs[0]
        for style in run.iter(qn("w:rStyle")):
            style.getparent().remove(style)
        for t in list(run.iter(qn("w:t"))):
            t.getparent().remove(t)
        t = run.makeelement(qn("w:t"), {})
        t.text = text
        run.append(t)
    d.save(str(path))


def add_table_row(path: Path, cells: tuple[str, str, str, str]) -> None:
    """Type a row into the first empty row of the COACHING RECORD table (or add one)."""
    d = docx.Document(str(path))
    table = next(t for t in d.tables
                 if t.rows[0].cells[0].text.strip() == schema.COACHING_RECORD_HEADER[0])
    empty = [r for r in table.rows[1:] if not any(c.text.strip() for c in r.cells)]
    row = empty[0] if empty else table.add_row()
    for cell, text in zip(row.cells, cells, strict=True):
        cell.text = text
    d.save(str(path))


def copy_form(path: Path, date: str, start: str, finish: str) -> None:
    """Copy the last Record of Coaching form (heading and table), paste it after, re-date it."""
    d = docx.Document(str(path))
    body = d.element.body
    last = _controls(d, "record.date")[-1]
    table = next(a for a in last.iterancestors() if a.tag == qn("w:tbl"))
    heading = table.getprevious()
    new_heading, new_table = copy.deepcopy(heading), copy.deepcopy(table)
    table.addnext(new_heading)
    new_heading.addnext(new_table)
    assert new_table.getparent() is body
    d.save(str(path))
    n = len(_controls(docx.Document(str(path)), "record.date")) - 1
    fill(path, {"record.date": date, "record.start_time": start, "record.finish_time": finish},
         form=n)


def paste_form_in_last_cell(path: Path, date: str, start: str, finish: str) -> None:
    """Copy the first Record of Coaching form (heading and table) into the last cell of the
    COACHING RECORD table, as LibreOffice pastes it at the end of a contract (Ctrl+End lands in
    that cell), and date and time the copy."""
    d = docx.Document(str(path))
    first = _controls(d, "record.date")[0]
    table = next(a for a in first.iterancestors() if a.tag == qn("w:tbl"))
    heading = table.getprevious()
    cell = _record_table(d)._tbl.findall(qn("w:tr"))[-1].findall(qn("w:tc"))[-1]
    cell.append(copy.deepcopy(heading))
    cell.append(copy.deepcopy(table))
    cell.append(cell.makeelement(qn("w:p"), {}))  # a cell ends with a paragraph
    d.save(str(path))
    n = len(_controls(docx.Document(str(path)), "record.date")) - 1
    fill(path, {"record.date": date, "record.start_time": start, "record.finish_time": finish,
                "record.held": "Yes"}, form=n)


def replace_control_with_text(path: Path, tag: str, text: str, form: int = 0) -> None:
    """Delete a content control and type its value in its place, as a coach may."""
    d = docx.Document(str(path))
    sdt = _controls(d, tag)[form]
    run = sdt.makeelement(qn("w:r"), {})
    t = run.makeelement(qn("w:t"), {})
    t.text = text
    run.append(t)
    sdt.addprevious(run)
    sdt.getparent().remove(sdt)
    d.save(str(path))


def resave_with_libreoffice(path: Path) -> None:
    """Open and save ``path`` as .docx through LibreOffice (which drops content-control tags)."""
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", out, str(path)],
                       check=True, capture_output=True, timeout=180)
        shutil.copyfile(Path(out) / path.name, path)


def _new_run(like, text: str):
    run = like.makeelement(qn("w:r"), {})
    t = run.makeelement(qn("w:t"), {qn("xml:space"): "preserve"})
    t.text = text
    run.append(t)
    return run


def type_at_control(path: Path, tag: str, text: str, where: str, form: int = 0) -> None:
    """Type ``text`` at a control still showing its placeholder, where a LibreOffice click
    leaves the cursor (the placeholder is plain grey text there, not selected by a click).

    ``where``: "after" the control in its paragraph (a click in the empty part of the cell),
    "before" it, "inside" it after the placeholder (a click at the end of the grey text),
    "inside-before" it, before the placeholder, or "over" it (the placeholder selected and
    typed over, as Word does). Only "over" clears the placeholder flag.
    """
    d = docx.Document(str(path))
    sdt = _controls(d, tag)[form]
    content = sdt.find(qn("w:sdtContent"))
    runs = list(content.iter(qn("w:r")))
    if where == "after":
        sdt.addnext(_new_run(sdt, text))
    elif where == "before":
        sdt.addprevious(_new_run(sdt, text))
    elif where == "inside":
        runs[-1].addnext(_new_run(sdt, text))
    elif where == "inside-before":
        runs[0].addprevious(_new_run(sdt, text))
    elif where == "over":
        d.save(str(path))
        fill(path, {tag: text}, form)
        return
    else:
        raise ValueError(where)
    d.save(str(path))


def save_as_libreoffice_does(path: Path) -> None:
    """Drop what LibreOffice 7.4 drops when it saves a .docx: every control's tag (the alias
    stays) and placeholder flag, so a prompt left in a control is plain text in it."""
    d = docx.Document(str(path))
    for pr in d.element.body.iter(qn("w:sdtPr")):
        for child in pr.findall(qn("w:tag")) + pr.findall(qn("w:showingPlcHdr")):
            pr.remove(child)
    d.save(str(path))


def delete_control(path: Path, tag: str, form: int = 0) -> None:
    """Delete a content control with everything in it (a coach selects it and presses Delete)."""
    d = docx.Document(str(path))
    sdt = _controls(d, tag)[form]
    sdt.getparent().remove(sdt)
    d.save(str(path))


def replace_text(path: Path, old: str, new: str, occurrence: int = 0) -> None:
    """Replace the ``occurrence``-th ``old`` (counted in document order, within one w:t) by
    ``new``: a label's colon deleted ("Date:" -> "Date"), its case or spacing changed."""
    d = docx.Document(str(path))
    seen = 0
    for t in d.element.body.iter(qn("w:t")):
        if t.text and old in t.text:
            if seen == occurrence:
                t.text = t.text.replace(old, new, 1)
                d.save(str(path))
                return
            seen += 1
    raise ValueError(f"{old!r} not found {occurrence + 1} times")


def type_in_paragraph_of(path: Path, tag: str, text: str, form: int = 0) -> None:
    """Type a new paragraph under the one holding a control, in the same cell (Enter, then
    typing): the cell holds the value on a line of its own."""
    d = docx.Document(str(path))
    sdt = _controls(d, tag)[form]
    p = next(a for a in sdt.iterancestors() if a.tag == qn("w:p"))
    new = p.makeelement(qn("w:p"), {})
    new.append(_new_run(p, text))
    p.addnext(new)
    d.save(str(path))


def paste_form_copy(path: Path, form: int = -1) -> None:
    """Copy a Record of Coaching form (heading and table) and paste it after the last form,
    unchanged: a form pasted twice, or copied ready for next time and left as it was."""
    d = docx.Document(str(path))
    tables = [next(a for a in sdt.iterancestors() if a.tag == qn("w:tbl"))
              for sdt in _controls(d, "record.date")]
    table, last = tables[form], tables[-1]
    new_heading, new_table = copy.deepcopy(table.getprevious()), copy.deepcopy(table)
    last.addnext(new_heading)
    new_heading.addnext(new_table)
    d.save(str(path))


def type_at_line_start(path: Path, tag: str, text: str, form: int = 0) -> None:
    """Type ``text`` at the start of the line holding a control, before its label."""
    d = docx.Document(str(path))
    sdt = _controls(d, tag)[form]
    p = next(a for a in sdt.iterancestors() if a.tag == qn("w:p"))
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(_new_run(p, text))
    else:
        p.insert(0, _new_run(p, text))
    d.save(str(path))


def repeat_control(path: Path, tag: str, form: int = 0) -> None:
    """Write a control a second time right after itself (LibreOffice 7.4 does so when it
    saves a control typed into with Track Changes on)."""
    d = docx.Document(str(path))
    sdt = _controls(d, tag)[form]
    sdt.addnext(copy.deepcopy(sdt))
    d.save(str(path))


def track_change(path: Path, tag: str, deleted: str, inserted: str, form: int = 0) -> None:
    """Type in a control with Track Changes on: ``deleted`` struck through, ``inserted`` added
    (changes neither accepted nor rejected)."""
    d = docx.Document(str(path))
    content = _controls(d, tag)[form].find(qn("w:sdtContent"))
    p = content.find(qn("w:p"))
    at = p if p is not None else content
    attrs = {qn("w:id"): "901", qn("w:author"): "Coach", qn("w:date"): "2026-02-10T10:00:00Z"}
    gone = at.makeelement(qn("w:del"), attrs)
    run = _new_run(at, "")
    run.remove(run[0])
    text = run.makeelement(qn("w:delText"), {qn("xml:space"): "preserve"})
    text.text = deleted
    run.append(text)
    gone.append(run)
    new = at.makeelement(qn("w:ins"), {**attrs, qn("w:id"): "902"})
    new.append(_new_run(at, inserted))
    at.append(gone)
    at.append(new)
    d.save(str(path))


def _record_table(d):
    """The COACHING RECORD table: the one headed Coach, else the one under the heading
    COACHING RECORD (its headings typed over)."""
    found = next((t for t in d.tables
                  if t.rows[0].cells[0].text.strip() == schema.COACHING_RECORD_HEADER[0]), None)
    if found is not None:
        return found
    heading = next(p for p in d.paragraphs if p.text.strip() == "COACHING RECORD")
    following = heading._p.getnext()
    return next(t for t in d.tables if t._tbl is following)


def type_table_rows(path: Path, rows: list[tuple[str, ...]]) -> None:
    """Type ``rows`` into the COACHING RECORD table's rows 1, 2, ... (a cell per value)."""
    d = docx.Document(str(path))
    table = _record_table(d)
    for n, cells in enumerate(rows, start=1):
        for cell, text in zip(table.rows[n].cells, cells, strict=False):
            cell.text = text
    d.save(str(path))


def merge_table_cells(path: Path, first: tuple[int, int], last: tuple[int, int]) -> None:
    """Merge the COACHING RECORD table's cells from ``first`` to ``last`` (row, column), as
    Word's Table › Merge Cells does: one cell, holding each merged cell's paragraphs."""
    d = docx.Document(str(path))
    table = _record_table(d)
    table.cell(*first).merge(table.cell(*last))
    d.save(str(path))


def split_table_cell(path: Path, row: int, column: int, text: str = "") -> None:
    """Split a COACHING RECORD cell into two side by side, as Word's Split Cells does: the
    grid gains a column, which the cells of that column in every other row span; the new
    cell, right of the split one, holds ``text``."""
    d = docx.Document(str(path))
    tbl = _record_table(d)._tbl
    grid = tbl.find(qn("w:tblGrid"))
    grid.insert(column + 1, copy.deepcopy(grid[column]))
    for n, tr in enumerate(tbl.findall(qn("w:tr"))):
        tc = tr.findall(qn("w:tc"))[column]
        if n == row:
            new = copy.deepcopy(tc)
            for p in new.findall(qn("w:p"))[1:]:
                new.remove(p)
            p = new.find(qn("w:p"))
            for r in p.findall(qn("w:r")):
                p.remove(r)
            if text:
                p.append(_new_run(p, text))
            tc.addnext(new)
        else:
            pr = tc.get_or_add_tcPr()
            span = pr.find(qn("w:gridSpan"))
            if span is None:
                span = pr.makeelement(qn("w:gridSpan"), {})
                pr.append(span)
            span.set(qn("w:val"), str(int(span.get(qn("w:val"), "1")) + 1))
    d.save(str(path))


def add_table_column(path: Path, header: str, texts: list[str]) -> None:
    """Add a column at the right of the COACHING RECORD table headed ``header``, its rows
    1, 2, ... holding ``texts``."""
    d = docx.Document(str(path))
    table = _record_table(d)
    table.add_column(docx.shared.Cm(2))
    table.rows[0].cells[-1].text = header
    for n, text in enumerate(texts, start=1):
        table.rows[n].cells[-1].text = text
    d.save(str(path))
