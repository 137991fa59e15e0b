"""Type into generated records through a real LibreOffice, as a coach does, over UNO.

Run by Debian's ``/usr/bin/python3`` (it imports ``uno`` from python3-uno; the project's venv
cannot), as ``/usr/bin/python3 tests/libreoffice_typing.py JOB.json``: one headless soffice is
started with a profile of its own, every document of the job is opened, typed into, saved in
each format asked for and closed, then soffice is stopped. A JSON report goes to stdout.

The job::

    {"documents": [{
        "source": "/abs/record.docx",
        "track": true,                      # Edit > Track Changes > Record (.RecordChanges)
        "edits": [{"label": "Date:",        # or "placeholder": the grey text it shows
                   "how": "after" | "inside" | "over" | "replace", "text": "10/02/2026",
                   "occurrence": 1,         # the n-th such field: 1 in the first form
                   "strike": [0, 5],        # (optional) then characters 0-5 of the typing
                                            # struck through ("hidden": made hidden)
                   "footnote": "text"}],    # (optional) then a footnote there (Insert ›
                                            # Footnote), holding this text
        "footer": "text", "header": "text", # (optional) typed at the end of the footer, or
                                            # in the header (turned on), of the first page
                                            # ("\n" typed is Enter, U+2028 Shift+Enter)
        "table": {"type": {"B2": "12/03/2026"},  # the COACHING RECORD table (optional):
                  "merge": [["C2", "D2"]],       # typed into, merged, split, typed into
                  "split": [["D6", 1, false]],   # (XCellRange.splitRange(count, horizontal))
                  "add_rows": 1, "remove_rows": [2],  # (first: Tab in the last cell)
                  "then": {"E6": "text"},   # ("index": 2: the third table instead,
                                            # -1 the last;
                                            # a list of such: each table in turn)
                  "strike": ["C2"]},        # cells whose text is then struck through
        "after_text": [{"find": "Contract for coaching", "text": "\nA note"}],
                                            # typed at the end of the paragraph holding it
        "format_text": [{"find": "Approx monthly", "how": "strike"}],
                                            # that text (its first occurrence) selected,
                                            # struck through ("hidden": made hidden)
        "pictures": [{"table": -1, "cell": "C2", "path": "/abs/sig.png"}],
                                            # Insert > Image into that table's cell (after
                                            # the table's typing)
        "copy_forms": [1],                  # form 1 copied, pasted before COACHING RECORD
        "copy_forms_end": [1],              # form 1 copied, pasted at the end (Ctrl+End, Enter)
        "delete_forms": [2],                # form 2 selected and deleted (after the copies)
        "then_edits": [...],                # as "edits", typed after the copies and deletions
        "saves": [{"path": "/abs/out.docx", "filter": "MS Word 2007 XML"}]}],
     "reopen": ["/abs/out.docx"],              # files to open again afterwards (optional)
     "settings": {"locale": "en-US",           # (optional) the language typed in: the
                                               # office's locale and each typing's language
                  "number_recognition": true}} # Tools › Options › Writer › Table › Number
                                               # recognition: a date or time typed in a
                                               # table cell becomes a number with a format
                                               # when the cursor leaves the cell

What LibreOffice 7.4 makes of docgen's content controls (found with 7.4.7.2 over UNO): an
inline plain-text control (``w:sdt`` with ``w:text``) is imported as an **input field**, a
``com.sun.star.text.TextField.Input`` whose ``Content`` is the placeholder text (shown grey,
as the run's PlaceholderText style says) and whose ``InteropGrabBag`` keeps the ``w:sdtPr``.
It is not a text portion of type "ContentControl" (that comes with 7.5): the paragraph's
portions are ``Text "Date:"``, ``Text " "``, ``TextField``. Writer edits an input field in
place, so there are three places a coach's typing lands:

- ``after``: a click in the empty part of the cell puts the cursor at the end of the
  paragraph, after the field: the text is a new run after the control, in the same cell.
- ``inside``: a click at the end of the grey text puts the cursor inside the field, after its
  content: the field's content becomes "placeholder + typed text" (the view cursor is put at
  the end of the paragraph and moved one step left, into the field, as the Left key does).
- ``over``: the grey text selected (from inside the field, as a drag over it does) and typed
  over: the field's content becomes the typed text.
- ``replace``: the whole field selected (a drag from before it to after it) and typed over:
  the field is gone and the typed text is ordinary text after the label.

Typing is the dispatcher's ``.uno:InsertText`` at the view cursor, one character at a time,
which is what each key press inserts (``SwWrtShell::Insert``), tracked as an insertion when
changes are recorded. (One call with the whole text is not the same: with changes recorded
and the whole field selected, 7.4 then splits the text oddly between the deleted field and
the text after it.)

Saved as .docx, the field goes back to a ``w:sdt`` without its ``w:tag`` (the alias stays) and
without ``w:showingPlcHdr``. With Track Changes on, typing inside or over the field makes 7.4
write the control two or three times, and a ``w:ins``/``w:del`` opened before a ``w:sdt`` and
``w:sdtContent`` is closed inside them: document.xml is not well-formed, and LibreOffice
itself cannot open the file again (nor after typing over the whole field; typing after the
field, it can). With Track Changes on and the whole field selected, 7.4 deletes the field as
a tracked change and puts the first key typed into the deleted field (the paragraph then
reads "Date: <prompt>1" + "0/02/2026"): in the .odt and .doc the typed value has lost its
first characters ("/02/2026", "lephone"), and in the .docx it is split between the copies
of the control.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

# docgen's own LibreOffice helpers need nothing beyond the standard library
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import uno  # type: ignore[import-not-found]  # Debian's python3-uno
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]
from com.sun.star.uno import RuntimeException  # type: ignore[import-not-found]

from docgen.libreoffice import write_options  # noqa: E402

INPUT_FIELD = "com.sun.star.text.TextField.Input"
FILTERS = {".docx": "MS Word 2007 XML", ".odt": "writer8", ".doc": "MS Word 97"}
START_TIMEOUT = 90.0
STRIKEOUT_SINGLE = 1  # com.sun.star.awt.FontStrikeout.SINGLE


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


class Office:
    """One headless soffice with its own profile, reached over a named pipe."""

    def __init__(self, settings: dict | None = None) -> None:
        self.settings = settings or {}
        self.profile = tempfile.mkdtemp(prefix="docgen-lo-profile-")
        self._configure()
        self.pipe = f"docgen_typing_{uuid.uuid4().hex}"
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             "--nolockcheck", f"-env:UserInstallation={Path(self.profile).as_uri()}",
             f"--accept=pipe,name={self.pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.ctx = resolver.resolve(
                    f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError("soffice did not start") from None
                time.sleep(0.1)
        smgr = self.ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        self.dispatcher = smgr.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", self.ctx)

    def _configure(self) -> None:
        """Write the options of ``settings`` into the new profile, as Tools › Options leaves
        them, so that soffice starts with them."""
        items = []
        if "locale" in self.settings:  # Language Settings › Languages › Locale setting
            items.append(("/org.openoffice.Setup/L10N", "ooSetupSystemLocale",
                          self.settings["locale"]))
        if "number_recognition" in self.settings:
            on = "true" if self.settings["number_recognition"] else "false"
            for name in ("NumberRecognition", "NumberFormatRecognition"):
                items.append(("/org.openoffice.Office.Writer/Table/Input", name, on))
        if items:
            write_options(Path(self.profile), items)

    def locale(self):
        """Return the com.sun.star.lang.Locale of ``settings["locale"]``, or None."""
        tag = self.settings.get("locale")
        if not tag:
            return None
        language, _, country = tag.partition("-")
        return uno.createUnoStruct("com.sun.star.lang.Locale", language, country, "")

    def close(self) -> None:
        """Stop soffice (politely, then for good) and remove its profile."""
        try:
            if self.proc.poll() is None and hasattr(self, "desktop"):
                self.desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge drops as soffice quits
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)
        shutil.rmtree(self.profile, ignore_errors=True)


def _input_fields(text):
    """Yield (field, text before it in its paragraph) for the input fields of ``text``.

    In reading order: paragraphs in turn, the cells of a table row by row.
    """
    paragraphs = text.createEnumeration()
    while paragraphs.hasMoreElements():
        block = paragraphs.nextElement()
        if block.supportsService("com.sun.star.text.TextTable"):
            for name in block.CellNames:  # A1, B1, A2, ...: rows in order
                yield from _input_fields(block.getCellByName(name))
            continue
        before = []
        portions = block.createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if (portion.TextPortionType == "TextField"
                    and portion.TextField.supportsService(INPUT_FIELD)):
                yield portion.TextField, "".join(before)
            before.append(portion.String)


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find_fields(doc, edits: list[dict]) -> list:
    """Return the input field each edit types into, all found before any typing.

    An edit names its field by ``label`` (the text before the field in its paragraph, e.g.
    "Start time:", matched with spaces and case ignored) or else by ``placeholder`` (the
    text the field shows), and ``occurrence`` (1 for the first form).
    """
    fields = list(_input_fields(doc.Text))
    chosen = []
    for edit in edits:
        if edit.get("label"):
            label = _words(edit["label"])
            found = [f for f, before in fields if _words(before).endswith(label)]
        else:
            found = [f for f, _ in fields if f.Content == edit["placeholder"]]
        occurrence = edit.get("occurrence", 1)
        if len(found) < occurrence:
            raise LookupError(f"no input field #{occurrence} for {edit!r} ({len(found)} "
                              "found): does this LibreOffice show content controls as input "
                              "fields?")
        chosen.append(found[occurrence - 1])
    return chosen


# Keys that are not characters: Enter (a new paragraph) and Shift+Enter (a line break).
KEYS = {"\n": ".uno:InsertPara", "\u2028": ".uno:InsertLinebreak"}


def _type(office: Office, doc, text: str) -> None:
    """Type ``text`` at the view cursor, one key press (one character) at a time; "\n" is
    Enter and U+2028 Shift+Enter. With a locale set, the typing is in its language."""
    frame = doc.CurrentController.Frame
    if (locale := office.locale()) is not None:
        doc.CurrentController.ViewCursor.setPropertyValue("CharLocale", locale)
    for char in text:
        if char in KEYS:
            office.dispatcher.executeDispatch(frame, KEYS[char], "", 0, ())
        else:
            office.dispatcher.executeDispatch(frame, ".uno:InsertText", "", 0,
                                              (_prop("Text", char),))


def _record_table(doc):
    """Return the COACHING RECORD table: the one whose first cell says "Coach" and whose
    third says "Topic"."""
    tables = doc.TextTables
    for n in range(tables.Count):
        table = tables.getByIndex(n)
        names = table.CellNames
        if "C1" in names and table.getCellByName("A1").String.strip() == "Coach" and (
                table.getCellByName("C1").String.strip() == "Topic"):
            return table
    raise LookupError("no COACHING RECORD table")


def _table_of(doc, table: dict):
    """Return the table a job's "table" names: the COACHING RECORD table, or by "index" the
    document's n-th (0 for the first, -1 for the last)."""
    index = table.get("index")
    if index is None:
        return _record_table(doc)
    tables = doc.TextTables
    return tables.getByIndex(index if index >= 0 else tables.Count + index)


def _table_edits(office: Office, doc, table: dict) -> list[str]:
    """Type into the COACHING RECORD table's cells (by name: "B2"), merge ranges ("C2",
    "D2"), split cells ([name, count, horizontal]), then type into cells named after the
    splits; return the table's cell names at the end. ``"index": n`` picks the document's
    n-th table instead (0 for the first, -1 for the last)."""
    found = _table_of(doc, table)

    def type_cells(cells: dict) -> None:
        for name, text in cells.items():
            doc.CurrentController.ViewCursor.gotoRange(
                found.getCellByName(name).getText().getStart(), False)
            _type(office, doc, text)

    if table.get("add_rows"):  # Tab in the last cell: a row after the last, as many times
        found.Rows.insertByIndex(found.Rows.Count, table["add_rows"])
    for index in sorted(table.get("remove_rows", ()), reverse=True):
        found.Rows.removeByIndex(index, 1)  # Table > Delete > Rows (0: the header row)
    type_cells(table.get("type", {}))
    for first, last in table.get("merge", ()):
        cursor = found.createCursorByCellName(first)
        cursor.gotoCellByName(last, True)
        if not cursor.mergeRange():
            raise RuntimeError(f"could not merge {first}:{last}")
    for name, count, horizontal in table.get("split", ()):
        if not found.createCursorByCellName(name).splitRange(count, horizontal):
            raise RuntimeError(f"could not split {name}")
    type_cells(table.get("then", {}))
    for name in table.get("strike", ()):  # the cell's text selected, Format › Strikethrough
        text = found.getCellByName(name).getText()
        cursor = text.createTextCursorByRange(text.getStart())
        cursor.gotoEnd(True)
        cursor.setPropertyValue("CharStrikeout", STRIKEOUT_SINGLE)
    return list(found.CellNames)


def _insert_picture(office: Office, doc, picture: dict) -> None:
    """Insert > Image into a table's cell: the picture at ``path``, anchored as a character
    at the end of the cell's text (as a click in the cell, then Insert > Image, puts it)."""
    tables = doc.TextTables
    index = picture.get("table", -1)
    found = tables.getByIndex(index if index >= 0 else tables.Count + index)
    text = found.getCellByName(picture["cell"]).getText()
    provider = office.ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.graphic.GraphicProvider", office.ctx)
    graphic = provider.queryGraphic((_prop("URL", Path(picture["path"]).resolve().as_uri()),))
    shape = doc.createInstance("com.sun.star.text.TextGraphicObject")
    shape.Graphic = graphic
    shape.AnchorType = uno.Enum("com.sun.star.text.TextContentAnchorType", "AS_CHARACTER")
    text.insertTextContent(text.getEnd(), shape, False)


def _cell_texts(doc, tables: list[dict]) -> dict:
    """Return, for each cell typed into that is still there, the text it shows once typed
    (with number recognition on, a date typed may show otherwise)."""
    shown = {}
    for table in tables:
        found = _table_of(doc, table)
        for name in [*table.get("type", {}), *table.get("then", {})]:
            cell = found.getCellByName(name)  # None: merged into another since
            if cell is not None:
                shown[name] = cell.getString()
    return shown


def _form_range(doc, form: int):
    """Return a text cursor over Record of Coaching form ``form`` (1 for the first): its
    heading, its table and the empty paragraph after it, as a drag selects them."""
    search = doc.createSearchDescriptor()
    search.SearchString = "Record of Coaching"
    found = doc.findAll(search)
    headings = [found.getByIndex(i) for i in range(found.Count)
                if found.getByIndex(i).Text == doc.Text]  # body paragraphs, not a table's
    heading = headings[form - 1]
    cursor = doc.Text.createTextCursorByRange(heading.Start)
    cursor.gotoStartOfParagraph(False)
    cursor.gotoNextParagraph(True)  # over the table that follows (it is one step)
    return cursor


def _copy_form(office: Office, doc, form: int) -> None:
    """Copy form ``form`` (heading and table) and paste it before the COACHING RECORD heading,
    as a coach does for a further session (Ctrl+C, a click, Ctrl+V)."""
    controller = doc.CurrentController
    controller.select(_form_range(doc, form))
    copied = controller.getTransferable()
    search = doc.createSearchDescriptor()
    search.SearchString = "COACHING RECORD"
    search.SearchCaseSensitive = True
    target = doc.findFirst(search)
    controller.ViewCursor.gotoRange(target.Start, False)
    controller.insertTransferable(copied)


def _copy_form_to_end(office: Office, doc, form: int) -> None:
    """Copy form ``form`` and paste it at the end of the document, as a coach does: Ctrl+C,
    Ctrl+End, Enter, Ctrl+V (in a contract that ends with a table, Ctrl+End lands in its last
    cell)."""
    controller = doc.CurrentController
    controller.select(_form_range(doc, form))
    copied = controller.getTransferable()
    controller.ViewCursor.gotoEnd(False)
    _type(office, doc, "\n")
    controller.insertTransferable(copied)


def _delete_form(office: Office, doc, form: int) -> None:
    """Select form ``form`` (heading and table) and delete it, as a coach does."""
    controller = doc.CurrentController
    controller.select(_form_range(doc, form))
    office.dispatcher.executeDispatch(controller.Frame, ".uno:Delete", "", 0, ())


def _type_after_text(office: Office, doc, find: str, text: str) -> None:
    """Type ``text`` at the end of the paragraph holding ``find`` (its first occurrence), as a
    click after its last word does."""
    search = doc.createSearchDescriptor()
    search.SearchString = find
    found = doc.findFirst(search)
    if found is None:
        raise LookupError(f"no text {find!r}")
    cursor = found.Text.createTextCursorByRange(found.End)
    cursor.gotoEndOfParagraph(False)
    doc.CurrentController.ViewCursor.gotoRange(cursor, False)
    _type(office, doc, text)


def _format_text(doc, find: str, how: str) -> None:
    """Select ``find`` (its first occurrence) and strike it through, or make it hidden, as a
    coach selecting words and choosing Format › Character does."""
    search = doc.createSearchDescriptor()
    search.SearchString = find
    found = doc.findFirst(search)
    if found is None:
        raise LookupError(f"no text {find!r}")
    if how == "strike":
        found.setPropertyValue("CharStrikeout", STRIKEOUT_SINGLE)
    elif how == "hidden":
        found.setPropertyValue("CharHidden", True)
    else:
        raise ValueError(f"unknown formatting {how!r}")


def _edit(office: Office, doc, field, edit: dict) -> dict:
    """Put the cursor where the coach clicks and type; return what UNO saw of the field."""
    anchor = field.Anchor
    seen = {"field": field.SupportedServiceNames[0], "before": field.Content}
    view = doc.CurrentController.ViewCursor
    cursor = anchor.Text.createTextCursorByRange(anchor.End)
    cursor.gotoEndOfParagraph(False)  # the empty part of the cell: the end of its line
    view.gotoRange(cursor, False)
    how = edit["how"]
    if how == "replace":
        view.gotoRange(anchor, False)
        view.gotoRange(anchor, True)  # the whole field selected, as a drag across it does
    elif how in ("inside", "over"):
        view.goLeft(1, False)  # into the field, after its grey text
        if how == "over":
            view.goLeft(len(field.Content), True)  # the grey text selected
    elif how != "after":
        raise ValueError(f"unknown way of typing {how!r}")
    paragraph = anchor.Text.createTextCursorByRange(anchor.Start)
    paragraph.gotoStartOfParagraph(False)
    _type(office, doc, edit["text"])
    for key, prop, value in (("strike", "CharStrikeout", STRIKEOUT_SINGLE),
                             ("hidden", "CharHidden", True)):
        if key in edit:  # characters of the typing selected, then formatted
            first, last = edit[key]
            length = len(edit["text"])
            view.goLeft(length - first, False)
            view.goRight(last - first, True)
            view.setPropertyValue(prop, value)
            view.collapseToEnd()
            view.goRight(length - last, False)
    if "footnote" in edit:  # Insert › Footnote at the end of the typing
        note = doc.createInstance("com.sun.star.text.Footnote")
        view.Text.insertTextContent(view, note, False)
        note.getText().setString(edit["footnote"])
    paragraph.gotoEndOfParagraph(True)
    seen["paragraph"] = paragraph.String
    try:
        seen["after"] = None if how == "replace" else field.Content  # replaced: it is gone
    except RuntimeException:  # Enter typed after the field: 7.4 no longer reaches it
        seen["after"] = None
    return seen


def _margins(doc, item: dict) -> None:
    """Type ``item["footer"]`` at the end of the first page's footer, and ``item["header"]``
    into its header (turned on first), as a coach clicking there does."""
    if "footer" not in item and "header" not in item:
        return
    start = doc.Text.createTextCursorByRange(doc.Text.getStart())
    style = doc.StyleFamilies.getByName("PageStyles").getByName(start.PageStyleName)
    for key in ("footer", "header"):
        if key in item:
            name = key.capitalize()
            style.setPropertyValue(f"{name}IsOn", True)
            text = style.getPropertyValue(f"{name}Text")
            text.insertString(text.getEnd(), item[key], False)


def run_job(job: dict) -> dict:
    """Open, type into and save every document of ``job`` in one soffice; return a report.

    Then, in the same soffice, try opening again each file of ``job["reopen"]``: the report's
    "reopened" says "opened", or the error LibreOffice gave.
    """
    office = Office(job.get("settings"))
    report = []
    try:
        for item in job["documents"]:
            url = Path(item["source"]).resolve().as_uri()
            doc = office.desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
            if doc is None:
                raise RuntimeError(f"LibreOffice could not open {item['source']}")
            try:
                doc.RecordChanges = bool(item.get("track"))
                edits = item.get("edits", [])
                seen = [_edit(office, doc, field, edit)
                        for field, edit in zip(_find_fields(doc, edits), edits, strict=True)]
                for form in item.get("copy_forms", ()):
                    _copy_form(office, doc, form)
                for form in item.get("copy_forms_end", ()):
                    _copy_form_to_end(office, doc, form)
                for form in sorted(item.get("delete_forms", ()), reverse=True):
                    _delete_form(office, doc, form)
                later = item.get("then_edits", [])  # typed after the forms are copied
                seen += [_edit(office, doc, field, edit)
                         for field, edit in zip(_find_fields(doc, later), later, strict=True)]
                for place in item.get("after_text", ()):
                    _type_after_text(office, doc, place["find"], place["text"])
                for place in item.get("format_text", ()):
                    _format_text(doc, place["find"], place["how"])
                tables = item.get("table") or []
                cells = []
                for table in tables if isinstance(tables, list) else [tables]:
                    cells = _table_edits(office, doc, table)
                for picture in item.get("pictures", ()):
                    _insert_picture(office, doc, picture)
                _margins(doc, item)
                if office.settings.get("number_recognition"):  # the cursor leaves the cell
                    doc.CurrentController.ViewCursor.gotoRange(doc.Text.getEnd(), False)
                for save in item.get("saves", ()):
                    out = Path(save["path"]).resolve()
                    filt = save.get("filter") or FILTERS[out.suffix.lower()]
                    doc.storeToURL(out.as_uri(), (_prop("FilterName", filt),
                                                  _prop("Overwrite", True)))
                shown = _cell_texts(doc, tables if isinstance(tables, list) else [tables])
                report.append({"source": item["source"], "fields": seen, "cells": cells,
                               "shown": shown})
            finally:
                doc.close(True)
        reopened = _reopen(office, job.get("reopen", ()))
    finally:
        office.close()
    return {"documents": report, "reopened": reopened}


def _reopen(office: Office, paths) -> dict:
    """Return, for each path, whether LibreOffice can open it again (used to check damage)."""
    result = {}
    for path in paths:
        try:
            doc = office.desktop.loadComponentFromURL(
                Path(path).resolve().as_uri(), "_blank", 0, (_prop("Hidden", True),))
        except Exception as exc:  # noqa: BLE001 - an IOException is the answer
            result[path] = f"{type(exc).__name__}: {exc}"
            continue
        result[path] = "opened" if doc is not None else "not opened"
        if doc is not None:
            doc.close(True)
    return result


def serve(run: Callable[[dict], dict]) -> None:
    """Be a driver's command, ``DRIVER JOB.json``: do the job with ``run``, print the report
    as JSON, exit."""
    os.environ.setdefault("SAL_USE_VCLPLUGIN", "svp")
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(run(job)))
    sys.exit(0)


if __name__ == "__main__":
    serve(run_job)
