"""Write record_typed_with_track_changes.docx: LibreOffice 7.4's damaged save, kept as met.

Run once, with LibreOffice and python3-uno installed
(``.venv/bin/python tests/files/make_record_typed_with_track_changes.py``): it generates the
small cohort's contract for team T2, and has a real LibreOffice (driven over UNO by
``tests/libreoffice_typing.py``) type into its Record of Coaching form with Track Changes on,
selecting each field's grey prompt and typing over it, as a coach does, then save it as .docx.
LibreOffice 7.4 then writes a word/document.xml that is not well-formed: each field written
again inside a tracked change (``w:ins``/``w:del``) that is closed inside the field's
``w:sdtContent``. LibreOffice cannot open the file again; docgen recovers it. The file is kept
in the repository because it is what the program wrote, not what a test imagines.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[1])]

from conftest import TODAY, small_rows  # noqa: E402

from docgen import jobs  # noqa: E402
from docgen.cohort.starter import write_cohort_workbook  # noqa: E402
from docgen.schema import RECORD_FIELD  # noqa: E402

OUT = HERE / "record_typed_with_track_changes.docx"
DRIVER = HERE.parent / "libreoffice_typing.py"
TYPED = {"date": "10/02/2026", "mode": "Telephone", "start_time": "10:00",
         "finish_time": "11:30", "topic": "Run chart of falls"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_cohort_workbook(work / "cohort.xlsx", small_rows())
        jobs.generate(work / "cohort.xlsx", work / "out", today=TODAY)
        source = next((work / "out" / "contracts").glob("*(T2).docx"))
        job = {"documents": [{
            "source": str(source), "track": True,
            "edits": [{"label": RECORD_FIELD[name].label, "how": "over",
                       "text": text} for name, text in TYPED.items()],
            "saves": [{"path": str(work / OUT.name)}],
        }]}
        (work / "job.json").write_text(json.dumps(job), encoding="utf-8")
        subprocess.run(["/usr/bin/python3", str(DRIVER), str(work / "job.json")],
                       check=True, capture_output=True, timeout=300)
        shutil.copyfile(work / OUT.name, OUT)


if __name__ == "__main__":
    main()
