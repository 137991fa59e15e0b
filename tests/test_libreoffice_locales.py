"""Records typed in a LibreOffice set up otherwise than docgen's own: another locale, and
Tools › Options › Writer › Table › Number recognition on.

With number recognition on, a date typed into a table cell becomes a date value with a format
when the cursor leaves the cell; LibreOffice shows it in its locale's short form ("12/03/26"
in en-GB) and keeps, in an .odt or .fodt, the date itself with a format whose day and month
follow the locale of whichever LibreOffice opens it. docgen must read the day the coach typed,
whatever the locale of the machine that runs ``docgen log``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_typing_in_libreoffice import generated_for_typing, run_job

from docgen.records.read import read_records

TYPED_DATE = "12/03/2026"  # 12 March, typed as a UK coach does
FORMATS = (".docx", ".odt", ".fodt", ".doc", ".rtf")


LOCALES = ("en-GB", "en-US")  # en-US takes 12/03/2026 for 3 December, and shows "12/03/26"


@pytest.fixture(scope="module")
def recognised(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Return, by (locale, format), a folder holding T2's record with a COACHING RECORD row
    typed in a LibreOffice of that locale with number recognition on."""
    work = generated_for_typing(tmp_path_factory, "locales")
    source = next((work / "out" / "contracts").glob("*(T2).docx"))
    filters = {".fodt": "OpenDocument Text Flat XML", ".rtf": "Rich Text Format"}
    folders = {}
    for locale in LOCALES:
        for fmt in FORMATS:
            folders[locale, fmt] = work / "logs" / locale / fmt[1:]
            folders[locale, fmt].mkdir(parents=True)
        report = run_job(work, {
            "settings": {"locale": locale, "number_recognition": True},
            "documents": [{
                "source": str(source),
                "table": {"add_rows": 1, "type": {"B2": TYPED_DATE, "C2": "Run charts"}},
                "saves": [{"path": str(folders[locale, fmt] / f"T2{fmt}"),
                           **({"filter": filters[fmt]} if fmt in filters else {})}
                          for fmt in FORMATS]}]})
        # LibreOffice recognised the date: the cell now shows it in the locale's short form
        assert report["documents"][0]["shown"]["B2"] == "12/03/26"
    return folders


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("locale", LOCALES)
def test_a_date_libreoffice_recognised_in_a_cell_is_read_as_typed(
        recognised: dict[tuple[str, str], Path], locale: str, fmt: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # docgen log run where the machine's locale is en-US (month first): the .fodt, .doc and
    # .rtf go through LibreOffice, which must not write the date out month first
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    (record,), _ = read_records([recognised[locale, fmt]], jobs=1)
    rows = [s for s in record.sessions if s.topic == "Run charts"]
    assert [s.date for s in rows] == [dt.date(2026, 3, 12)]
