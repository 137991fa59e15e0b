"""A package read from its bytes in memory reads each member exactly as one opened from its
file: the same bytes, or the same refusal for a damaged member."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from docgen.errors import DocgenError
from docgen.safezip import HeldPackage, held_bytes, open_package, read_member

PART = "word/document.xml"
TEXT = b"<w:document>" + b"<w:p>typed text</w:p>" * 400 + b"</w:document>"


def _package(path: Path, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr(PART, TEXT)
        zf.writestr("docProps/core.xml", b"<core/>")
    return path.read_bytes()


def _read_both(path: Path, name: str = PART) -> tuple[object, object]:
    """Return what reading ``name`` gives through the file and through the held bytes: its
    bytes, or the messages of the refusal."""
    def one(data: bytes | None) -> object:
        try:
            with open_package(path, [], data=data) as zf:
                assert isinstance(zf, HeldPackage) == (data is not None)
                return read_member(zf, name, path)
        except DocgenError as exc:
            return [p.message for p in exc.problems]
    return one(None), one(held_bytes(path))


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_plain_member_reads_alike(tmp_path: Path, method: int) -> None:
    path = tmp_path / "r.docx"
    _package(path, method)
    by_file, held = _read_both(path)
    assert by_file == held == TEXT


def _damaged(tmp_path: Path, change) -> Path:  # noqa: ANN001 - bytearray -> None
    path = tmp_path / "r.docx"
    data = bytearray(_package(path))
    change(data)
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_member_is_refused_alike(tmp_path: Path) -> None:
    """A member's bytes changed (its CRC no longer matches), its local name changed, its
    header's signature broken: each read or refused exactly as zipfile reads it."""
    def flip_text(data: bytearray) -> None:
        at = data.index(b"document>") + 200 if b"document>" in data else 60
        data[at] ^= 0xFF

    def rename_local(data: bytearray) -> None:
        at = data.index(PART.encode())
        data[at] = ord("W")

    def break_signature(data: bytearray) -> None:
        data[0:4] = b"PK\x09\x09"

    for change in (flip_text, rename_local, break_signature):
        path = _damaged(tmp_path, change)
        by_file, held = _read_both(path)
        assert by_file == held, change.__name__
        assert by_file != TEXT, change.__name__


def test_a_missing_member_is_refused_alike(tmp_path: Path) -> None:
    path = tmp_path / "r.docx"
    _package(path)
    by_file, held = _read_both(path, "word/comments.xml")
    assert by_file == held == ["has no part word/comments.xml"]


def test_a_large_file_is_not_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.docx"
    _package(path)
    monkeypatch.setattr("docgen.safezip.HELD_MOST", 10)
    assert held_bytes(path) is None
    assert held_bytes(tmp_path / "missing.docx") is None
