"""Nothing typed is lost in silence: a token typed anywhere in a returned record's body reaches
the record read (a session's value, a signature) or a problem quoting it.

Every paragraph of each document generated for the small cohort (the contracts' own text,
their forms, the COACHING RECORD table and its rows, the signature tables, the mentor
agreement) gets a unique token the way an editor adds one: a run at the start of the
paragraph, a run at its end, or a run inserted with Track Changes on, in turn; so does every
content control. The record is read back and the token looked for in all it holds.

That covers the header row of the COACHING RECORD table (its headings are docgen's, recorded
in ``docgen.written``) and the names on a form that holds no session value (T2's blank form,
which docgen pre-filled with the team's coaches and members).
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import W
from lxml import etree

from docgen.records.read import read_record

_DOCUMENTS = ("contracts/Ward 7 Falls (T1).docx", "contracts/A & B -Ltd- -quoted- 🚀 (T2).docx",
              "agreements/Zofia Dąbrowska and François Béranger.docx")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _run(text: str) -> etree._Element:
    run = etree.Element(f"{W}r")
    t = etree.SubElement(run, f"{W}t")
    t.text = text
    t.set(_XML_SPACE, "preserve")
    return run


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _places(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """Return where tokens go, as (how, element): each paragraph with a run, each control."""
    body = root.find(f"{W}body")
    places: list[tuple[str, etree._Element]] = []
    for p in body.iter(f"{W}p"):
        if p.find(f"{W}r") is None or next(
                p.iterancestors(f"{W}sdtContent"), None) is not None:
            continue
        places.append((("start", "end", "tracked")[len(places) % 3], p))
    for sdt in body.iter(f"{W}sdt"):
        content = sdt.find(f"{W}sdtContent")
        if content is not None and content.find(f".//{W}r") is not None:
            places.append(("control", sdt))
    return places


def _type(how: str, el: etree._Element, token: str) -> None:
    if how == "control":
        list(el.find(f"{W}sdtContent").iter(f"{W}r"))[-1].addnext(_run(f" {token}"))
        return
    runs = el.findall(f"{W}r")
    if how == "start":
        runs[0].addprevious(_run(f"{token} "))
    elif how == "end":
        runs[-1].addnext(_run(f" {token}"))
    else:
        ins = etree.SubElement(el, f"{W}ins")
        ins.set(f"{W}id", "9901")
        ins.set(f"{W}author", "Coach")
        ins.set(f"{W}date", "2026-11-20T10:00:00Z")
        ins.append(_run(f" {token}"))


def _variants(source: Path, folder: Path) -> Iterator[tuple[str, str, Path]]:
    """Yield (token, where it was typed, the record holding it) for each place of ``source``."""
    with zipfile.ZipFile(source) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    count = len(_places(etree.fromstring(parts["word/document.xml"])))
    for n in range(count):
        root = etree.fromstring(parts["word/document.xml"])
        how, el = _places(root)[n]
        token = f"QZX{n:04d}"
        _type(how, el, token)
        path = folder / f"{n}" / source.name
        path.parent.mkdir(parents=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, etree.tostring(root) if name == "word/document.xml" else data)
        yield token, f"{how}: {_text(el)[:50]!r}", path


@pytest.mark.parametrize("document", _DOCUMENTS)
def test_a_token_typed_anywhere_in_the_body_is_read_or_named(out: Path, tmp_path: Path,
                                                             document: str) -> None:
    source = tmp_path / "source" / Path(document).name
    source.parent.mkdir()
    shutil.copyfile(out / document, source)
    silent = []
    tried = 0
    for token, where, path in _variants(source, tmp_path / "typed"):
        record = read_record(path, path.parent)
        tried += 1
        if token not in repr((record.sessions, record.members, record.signatures,
                                   record.problems)):
            silent.append(where)
    assert tried > 20
    assert silent == [], "\n".join(silent)
