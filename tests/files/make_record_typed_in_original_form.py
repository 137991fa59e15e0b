"""Write record_typed_in_original_form.docx: a coaching record typed into the original form.

Run once (``python tests/files/make_record_typed_in_original_form.py``); the .docx is kept in
the repository because it stands for documents docgen did not make: no content controls, no
docgen properties, the layout of the paper form (its text is in
``seed_contract_for_coaching.txt`` beside this script), and what a coach
types in it: values after the labels, in the cell beside or under them, dates and times in
the many ways people write them.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).parent
OUT = HERE / "record_typed_in_original_form.docx"


def _cell(cell, *lines: str) -> None:
    cell.text = ""
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.add_run(line)


def main() -> None:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("Contract for coaching", 0)
    doc.add_paragraph("Team: Falls Prevention Team (T09)")
    doc.add_paragraph("Organisation: NHS Lothian")
    doc.add_paragraph(
        "Involvement in the Lothian Quality Improvement Academy Course involves attendance at "
        "4 full training days across a period of 4 months."
    )

    doc.add_heading("Record of Coaching (to be retained by team)", 1)
    form = doc.add_table(rows=6, cols=3)
    form.style = "Table Grid"
    top = form.cell(0, 0).merge(form.cell(0, 2))
    _cell(top, "Coach/s: Jane Smith")
    _cell(form.cell(1, 0).merge(form.cell(1, 2)), "Team members:", "Anna Brown, Ben Cole")
    _cell(form.cell(2, 0), "Date: 3rd April 2026")
    _cell(form.cell(2, 1), "Start time: 2pm")
    _cell(form.cell(2, 2), "Finish time: 3.30 pm")
    # The paper form's three column heads, with the writing space in the row under them.
    _cell(form.cell(3, 0), "Topic/subject brought", "to coach")
    _cell(form.cell(3, 1), "Issues Arising:")
    _cell(form.cell(3, 2), "Action:")
    _cell(form.cell(4, 0), "Driver diagram for falls")
    _cell(form.cell(4, 1), "No baseline data yet")
    _cell(form.cell(4, 2), "Collect 4 weeks of data")
    _cell(form.cell(5, 0), "Date of Next Meeting:")
    _cell(form.cell(5, 1).merge(form.cell(5, 2)), "1/5/26")

    doc.add_paragraph()
    doc.add_heading("Record of Coaching (to be retained by team)", 1)
    doc.add_paragraph("Coach/s: Jane Smith")
    doc.add_paragraph("Team members: Anna Brown")
    doc.add_paragraph("Date: 01/05/2026")
    doc.add_paragraph("Start time: 1400\tFinish time: 1500")
    doc.add_paragraph("Topic/subject brought to coach")
    doc.add_paragraph("Run chart of falls per 1000 bed days")
    doc.add_paragraph("Issues Arising:")
    doc.add_paragraph("Action: Share the chart at the safety huddle")
    doc.add_paragraph("Date of Next Meeting: TBC")

    doc.add_heading("COACHING RECORD", 1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    header = ("Coach", "Date of coaching, includes email coaching", "Topic")
    for cell, text in zip(table.rows[0].cells, header, strict=False):
        _cell(cell, text)
    _cell(table.rows[0].cells[3], "Comments", "e.g.:  cancellations rescheduled by whom:")
    for row in (
        ("Jane Smith", "3/4/26", "Driver diagram", ""),
        ("Jane Smith", "e-mail 10/04/2026", "Data collection sheet", ""),
        ("Jane Smith", "17 April", "", "Cancelled by team – ward short staffed"),
        ("Jane Smith", "2026-04-24", "Measures", "Rescheduled by coach"),
        ("", "", "", ""),
    ):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _cell(cell, text)
    doc.core_properties.title = ""
    doc.save(OUT)


if __name__ == "__main__":
    main()
