"""Remake the pictures in docs/ from the sample cohort, through LibreOffice.

Run ``python tools/make_pictures.py`` after changing a template or the log's layout. Needs
LibreOffice (``soffice``) and ``pdftoppm`` (Debian's poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen import jobs  # noqa: E402
from docgen.outputs import convert_to_pdf  # noqa: E402

DOCS = ROOT / "docs"


def first_page_png(pdf: Path, dest: Path, page: int = 1, resolution: int = 70) -> None:
    """Write page ``page`` of ``pdf`` as the PNG ``dest``."""
    stem = dest.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l",
                    str(page), "-singlefile", str(pdf), str(stem)], check=True)


def main() -> None:
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        sys.exit("needs LibreOffice (soffice) and pdftoppm (poppler-utils)")
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        jobs.generate(ROOT / "data" / "cohort.xlsx", out)
        contract = sorted((out / "contracts").glob("*.docx"))[0]
        agreement = sorted((out / "agreements").glob("*.docx"))[0]
        problems = convert_to_pdf([contract, agreement])
        if problems:
            sys.exit("\n".join(map(str, problems)))
        first_page_png(contract.with_suffix(".pdf"), DOCS / "contract.png")
        first_page_png(contract.with_suffix(".pdf"), DOCS / "record-of-coaching.png", page=3)
        first_page_png(agreement.with_suffix(".pdf"), DOCS / "agreement.png")
    print(f"pictures written to {DOCS}")


if __name__ == "__main__":
    main()
