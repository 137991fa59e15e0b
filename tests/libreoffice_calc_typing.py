"""Type a cohort into a workbook through a real LibreOffice Calc, as an admin does, over UNO.

Run by Debian's ``/usr/bin/python3`` (it imports ``uno`` from python3-uno), as
``/usr/bin/python3 tests/libreoffice_calc_typing.py JOB.json``. The soffice, its own profile
and its locale are :mod:`libreoffice_typing`'s :class:`Office`; this module types into Calc
instead of Writer. A JSON report goes to stdout.

The job::

    {"settings": {"locale": "en-US"},          # the locale Calc recognises typing in
     "workbooks": [{
        "source": "/abs/cohort.xlsx",          # opened (the starter, or the sample)
        "how": "local",                        # how each cell is typed (below)
        "type": {"Teams": {"A3": "007"}},      # by sheet, cells typed in this order
        "saves": [{"path": "/abs/out.xlsx"},   # the filter by suffix (.xlsx .ods .xls)
                  {"path": "/abs/csv/cohort.csv"}]}]}  # CSV: every sheet, a file each
                                               # (cohort-Teams.csv ...), as shown

The workbook's sheets are typed into in a new document they are copied to, as Sheet ›
Insert Sheet from File copies them (see :func:`_typing_copy`); it is saved as asked. How a
cell is typed, found with LibreOffice 7.4.7.2:

- ``"local"`` (the default): the cell's ``FormulaLocal`` property set to the text, which Calc
  reads as text typed in the office's language (``ScDocFunc::SetCellText``, not in English):
  numbers, dates (month first in en-US), times, percentages, currency and TRUE/FALSE are
  recognised, with the cell's own number format where it has one, a leading ``'`` keeps
  text and a leading ``=`` makes a formula. It gives the cell ``.uno:EnterString`` gives for
  every text compared, in en-GB: in a General cell 007, 1/3, 10.30, 1e5, 2-3, TRUE, 50%,
  £1,000, $1,000, '007, =1+1, 1,5, 02/03/2026 14:30, 2.30 pm, Apr 4 and 1-Feb; in the
  starter's dd/mm/yyyy and hh:mm cells 007, 03/04/2026, 13/04/2026, 3/4/26 and 10.30.
- ``"enter"``: the cell selected and the text entered with the dispatcher's
  ``.uno:EnterString`` (``ScViewFunc::EnterData``, what Enter does after typing). Headless
  7.4 ends after a few dozen cells (an asynchronous dialog it cannot show, in a thread of
  the UNO bridge), so it serves to check a few cells, not to type a cohort.
- ``"formula"``: ``XCell.setFormula``, which recognises as en-US always (the API's language):
  03/04/2026 is 4 March in an en-GB Calc, where typing makes it 3 April; not typing.

The report gives, by workbook, sheet and cell, what Calc made of each typing: its type
("VALUE", "TEXT", "FORMULA"), the number it holds, the text it shows, and its number format.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uno  # type: ignore[import-not-found]  # Debian's python3-uno
import unohelper  # type: ignore[import-not-found]  # Debian's python3-uno
from com.sun.star.task import XInteractionHandler  # type: ignore[import-not-found]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from libreoffice_typing import Office, _prop, serve  # noqa: E402  # the Writer driver's soffice

from docgen.libreoffice import write_options  # noqa: E402

FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".ods": "calc8", ".xls": "MS Excel 97",
           ".csv": "Text - txt - csv (StarCalc)"}
# Comma, double quote, UTF-8 (76), from line 1, no column types, language default, quoted
# text as text, detect special numbers, save cell contents as shown, export formulas no,
# remove spaces no, and (the 12th) -1: every sheet to a file of its own, named file-Sheet.csv
CSV_OPTIONS = "44,34,76,1,,0,false,true,true,false,false,-1"


class CalcOffice(Office):
    """:class:`Office`, with Help › Show Tip of the Day off: a fresh profile shows it a
    moment after the first document opens, which a headless soffice cannot."""

    def _configure(self) -> None:
        items = [("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "false")]
        if "locale" in self.settings:  # Language Settings › Languages › Locale setting
            items.append(("/org.openoffice.Setup/L10N", "ooSetupSystemLocale",
                          self.settings["locale"]))
        write_options(Path(self.profile), items)


class _Approve(unohelper.Base, XInteractionHandler):
    """Answer what LibreOffice asks while opening a workbook as OK would. Without a handler
    of its own, 7.4 headless gives up opening the starter workbook (loadComponentFromURL
    returns None, or soffice ends), though nothing is asked of it with one."""

    def handle(self, request) -> None:
        for choice in request.getContinuations():
            if any("Approve" in t.typeName for t in choice.getTypes()):
                choice.select()
                return


def _type_cell(office: Office, doc, sheet, name: str, text: str, how: str) -> None:
    """Type ``text`` into cell ``name`` of ``sheet`` the way ``how`` says (see above)."""
    cell = sheet.getCellRangeByName(name)
    if how == "local":
        cell.FormulaLocal = text
    elif how == "formula":
        cell.setFormula(text)
    elif how == "string":
        cell.setString(text)
    elif how == "enter":
        controller = doc.CurrentController
        controller.setActiveSheet(sheet)
        controller.select(cell)
        office.dispatcher.executeDispatch(controller.Frame, ".uno:EnterString", "", 0,
                                          (_prop("StringName", text),))
    else:
        raise ValueError(f"unknown way of typing {how!r}")


def _quiet_validation(cell) -> None:
    """Take the cell's validity rule off (Data › Validity: All values), with its prompt and
    its error message, which headless 7.4 cannot show: typing a value the starter's rule
    warns of ends soffice otherwise. The admin's OK to that warning keeps the value typed,
    as typing without the rule does."""
    rule = cell.Validation
    if rule.Type.value != "ANY" or rule.ShowInputMessage or rule.ShowErrorMessage:
        rule.Type = uno.Enum("com.sun.star.sheet.ValidationType", "ANY")
        rule.ShowInputMessage = False
        rule.ShowErrorMessage = False
        cell.Validation = rule


def _seen(doc, sheet, name: str) -> dict:
    """Return what Calc holds in cell ``name`` of ``sheet`` once typed."""
    cell = sheet.getCellRangeByName(name)
    formats = doc.NumberFormats
    key = cell.NumberFormat
    found = formats.getByKey(key)
    return {"type": cell.Type.value, "value": cell.getValue(), "shown": cell.getString(),
            "formula": cell.getFormula(), "format": found.FormatString,
            "format_type": found.Type}


def _open(office: Office, path: Path):
    """Open the workbook at ``path``, hidden."""
    doc = office.desktop.loadComponentFromURL(
        path.resolve().as_uri(), "_blank", 0,
        (_prop("Hidden", True), _prop("InteractionHandler", _Approve())))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {path}")
    return doc


def _typing_copy(office: Office, path: Path):
    """Return a new Calc document holding the sheets of the workbook at ``path``, as
    Sheet › Insert Sheet from File copies them (values, formats, validity rules).

    The typing is into this copy: in the starter workbook itself, opened by headless 7.4
    in an en-GB office, a cell set (``FormulaLocal``, ``setFormula``) stays empty, and
    ``.uno:EnterString`` enters nothing, then ends soffice; in a new document they work.
    Each sheet's validity rules are turned off (see :func:`_quiet_validation`).
    """
    source = _open(office, path)
    try:
        doc = office.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0,
                                                  (_prop("Hidden", True),))
        names = source.Sheets.ElementNames
        for n, name in enumerate(names):
            doc.Sheets.importSheet(source, name, n)
        while doc.Sheets.Count > len(names):  # the new document's own empty sheet
            doc.Sheets.removeByName(doc.Sheets.ElementNames[-1])
        for n in range(doc.Sheets.Count):  # a warning typed through: 7.4 cannot show it
            _quiet_validation(doc.Sheets.getByIndex(n).getCellRangeByName("A1:Z1000"))
    finally:
        source.close(True)
    return doc


def run_job(job: dict) -> dict:
    """Open, type into and save every workbook of ``job`` in one soffice; return a report."""
    office = CalcOffice(job.get("settings"))
    report = []
    try:
        for item in job["workbooks"]:
            how = item.get("how", "local")
            source = Path(item["source"])
            doc = _typing_copy(office, source)
            try:
                seen: dict[str, dict] = {}
                for sheet_name, cells in item.get("type", {}).items():
                    sheet = doc.Sheets.getByName(sheet_name)
                    for name, text in cells.items():
                        _type_cell(office, doc, sheet, name, text, how)
                    seen[sheet_name] = {name: _seen(doc, sheet, name) for name in cells}
                for save in item.get("saves", ()):
                    out = Path(save["path"]).resolve()
                    out.parent.mkdir(parents=True, exist_ok=True)
                    props = [_prop("FilterName", save.get("filter") or FILTERS[out.suffix.lower()]),
                             _prop("Overwrite", True)]
                    if out.suffix.lower() == ".csv":
                        props.append(_prop("FilterOptions", save.get("options", CSV_OPTIONS)))
                    doc.storeToURL(out.as_uri(), tuple(props))
                report.append({"source": item["source"], "cells": seen})
            finally:
                doc.close(True)
    finally:
        office.close()
    return {"workbooks": report}


if __name__ == "__main__":
    serve(run_job)
