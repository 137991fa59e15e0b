"""LibreOffice opens what docgen writes: contracts convert to PDF with their text intact."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from docgen import jobs

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None,
                                reason="LibreOffice is not installed (CI installs it)")


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_generate_pdf_writes_a_pdf_beside_each_contract(tmp_path: Path, make_cohort) -> None:
    out = tmp_path / "out"
    report = jobs.generate(make_cohort(), out, only="contracts", pdf=True)
    assert report.notes == []
    assert report.pdfs == 2
    pdf = out / "contracts" / "Ward 7 Falls (T1).pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Contract for coaching" in text
    assert "Record of Coaching (to be retained by team)" in text
    assert "Áine Ní Bhriain" in text
    assert "COACHING RECORD" in text
    hostile = out / "contracts" / "A & B -Ltd- -quoted- 🚀 (T2).pdf"
    assert 'A & B <Ltd> "quoted"' in pdf_text(hostile)
