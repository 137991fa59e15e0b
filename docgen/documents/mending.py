"""Mend Jinja tags that Word split across runs, with docxtpl's own ``patch_xml``, remembered
across runs.

docxtpl's mending is the reference (docgen reads a template as docxtpl does, so that its
output equals docxtpl's by construction), but importing docxtpl, and python-docx with it,
costs more of a run's start-up than compiling the template itself (~40-60 ms here). What
``patch_xml`` returns depends only on the XML it is given and on docxtpl's code, so it is
kept in docgen's cache folder under a digest of both: a template compiled before is mended
without importing docxtpl, and a new docxtpl (other code) or an edited template (other XML)
is mended afresh. An entry carries a digest of its own text: one that is missing, unreadable
or damaged is mended afresh and written again. The cache holds at most :data:`KEEP` entries.

``DOCGEN_CACHE`` names another folder, or ``off`` to keep nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from functools import cache
from pathlib import Path

from docgen.atomic import atomic_write, clear_abandoned

CACHE_VARIABLE = "DOCGEN_CACHE"
KEEP = 64  # entries: a few templates' parts, each a few tens of KB
_PREFIX, _SUFFIX = "mended-", ".xml"


def cache_folder() -> Path | None:
    """Return the folder docgen keeps its cache in, or None when ``DOCGEN_CACHE`` is off.

    The platform's own place for caches: ``~/.cache/docgen`` (or ``$XDG_CACHE_HOME``) on
    Linux, ``~/Library/Caches/docgen`` on macOS, ``%LOCALAPPDATA%\\docgen\\Cache`` on Windows.
    """
    given = os.environ.get(CACHE_VARIABLE, "").strip()
    if given.lower() in ("off", "0", "no", "none"):
        return None
    if given:
        return Path(given)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "docgen" / "Cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "docgen"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "docgen"


@cache
def docxtpl_digest() -> str | None:
    """Return a digest of the docxtpl code that mends tags (its ``template.py``), found
    without importing it; None if it cannot be read (nothing is then cached)."""
    try:
        spec = importlib.util.find_spec("docxtpl")
        locations = list(spec.submodule_search_locations or []) if spec else []
        return hashlib.sha256((Path(locations[0]) / "template.py").read_bytes()).hexdigest()
    except (ImportError, IndexError, OSError, ValueError):
        return None


def mend(xml: str) -> str:
    """Return ``xml`` with its split Jinja tags mended, exactly as docxtpl's ``patch_xml``."""
    folder, code = cache_folder(), docxtpl_digest()
    if folder is None or code is None:
        return _patch_xml(xml)
    # docxtpl's code and the regular expressions of this Python decide what patch_xml returns
    key = hashlib.sha256(f"{code}\0{sys.version_info[:2]}\0".encode()
                         + xml.encode("utf-8", "surrogatepass"))
    path = folder / f"{_PREFIX}{key.hexdigest()}{_SUFFIX}"
    kept = _read(path)
    if kept is not None:
        return kept
    mended = _patch_xml(xml)
    _write(path, mended)
    return mended


def _patch_xml(xml: str) -> str:
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]


def _read(path: Path) -> str | None:
    """Return the text kept at ``path``, or None if there is none or it is damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    check, _line, body = data.partition(b"\n")
    if check.decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
        return None
    try:
        return body.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None


def _write(path: Path, text: str) -> None:
    """Keep ``text`` at ``path`` (whole or not at all); a cache that cannot be written costs
    only time, so a failure is not an error. Then keep the :data:`KEEP` newest entries."""
    body = text.encode("utf-8", "surrogatepass")
    try:
        atomic_write(path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        clear_abandoned(path.parent)  # what a run killed while writing here left
        entries = [p for p in path.parent.iterdir()
                   if p.name.startswith(_PREFIX) and p.name.endswith(_SUFFIX)]
        if len(entries) > KEEP:
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[:-KEEP]:
                old.unlink(missing_ok=True)
    except OSError:
        pass
