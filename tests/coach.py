"""Edit generated documents the way coaches do, with python-docx (as Word would save them)."""

from __future__ import annotations

import copy
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
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
