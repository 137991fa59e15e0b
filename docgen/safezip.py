"""Open untrusted .docx and .xlsx packages within limits, before any library touches them.

Why: python-docx and docxtpl inflate every member of a zip without a bound (a 951 KB zip bomb
takes python-docx past 6 GB), and a member may lie about its size. Every package docgen
opens goes through :func:`open_package` (declared sizes and ratios) and its members are read
with :func:`read_member` or :func:`stream_member` (bounded streams), so a hostile file costs
milliseconds, not memory.

What tells a big honest file from a bomb is the compression ratio: real parts compress 5-21 to
1 (90 at the most contrived), a bomb about 1,000 to 1, so each part may inflate to at most
200 times its own compressed size. The ceiling on a part whatever its file's size is set by
what a package honestly holds: 64 MB for a document's part, 512 MB for a workbook's (a
Sessions sheet of 300,000 sessions is ~200 MB). Every refusal names the limit, the part and
its size, and the environment variable that raises the limit (:func:`limits`).
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from docgen.errors import DocgenError, Problem

MIB = 1024 * 1024
# What an honest package can hold. A document's part: a 3-page contract's document.xml is
# ~100 KB. A workbook's part: the Sessions sheet of 300,000 sessions is ~200 MB as openpyxl
# writes it (~660 bytes a row; Excel and LibreOffice write ~350 a row plus shared strings).
DOCUMENT_PART_MB = 64
WORKBOOK_PART_MB = 512
TOTAL_TIMES = 4  # all of a package's parts together: four times the limit of one
MAX_MEMBER_BYTES = DOCUMENT_PART_MB * MIB
MAX_TOTAL_BYTES = TOTAL_TIMES * MAX_MEMBER_BYTES
MAX_MEMBERS = 5_000
# Measured: sheets as Excel, LibreOffice, openpyxl and XlsxWriter write them compress 9-21 to
# 1 (shared strings 15-21); a 2,000-character note pasted on every one of 50,000 rows as inline
# text, 91 to 1. A zip bomb is compressed about 1,000 to 1 (deflate's most).
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small members may compress well; only judge the ratio above this

# The settings (environment variables) that raise the limits, named in every refusal
PART_SETTING = "DOCGEN_MAX_PART_MB"
RATIO_SETTING = "DOCGEN_MAX_RATIO"
MEMBERS_SETTING = "DOCGEN_MAX_PARTS"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """What a package may hold: bytes a part inflates to, its compression ratio, its parts.

    The ratio bounds each part by its own compressed size (a part may inflate to at most
    ``ratio`` times what it takes in the file), so a large honest workbook passes while a small
    file claiming a huge part does not; ``part`` is the ceiling whatever the file's size.
    """

    part: int
    ratio: int = MAX_RATIO
    members: int = MAX_MEMBERS
    kind: str = "document"

    @property
    def total(self) -> int:
        """Bytes all parts together may inflate to."""
        return TOTAL_TIMES * self.part


def _setting(name: str, default: int) -> int:
    """Return the whole number the environment variable ``name`` sets, else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise DocgenError(Problem(f"the environment variable {name} is {raw!r}: set it to a "
                                  "whole number above 0, or unset it for docgen's default"))
    return value


def limits(kind: str = "document") -> Limits:
    """Return the limits for a ``"document"`` (.docx, .odt) or a ``"workbook"`` (the cohort).

    ``DOCGEN_MAX_PART_MB``, ``DOCGEN_MAX_RATIO`` and ``DOCGEN_MAX_PARTS``, when set, raise (or
    lower) them for both; read on each call, so a test or a run may set them.
    """
    part = WORKBOOK_PART_MB if kind == "workbook" else DOCUMENT_PART_MB
    return Limits(part=_setting(PART_SETTING, part) * MIB,
                  ratio=_setting(RATIO_SETTING, MAX_RATIO),
                  members=_setting(MEMBERS_SETTING, MAX_MEMBERS), kind=kind)


def _mb(size: int) -> str:
    return f"{size / MIB:,.0f} MB" if size >= 10 * MIB else f"{size / MIB:,.1f} MB"


def _too_large(name: str, size: int, lim: Limits, *, past: bool = False) -> str:
    """Say a part is over the part limit: which part, its size, the limit and its setting."""
    size_said = f"inflates past {size:,} bytes" if past else (
        f"would inflate to {size:,} bytes ({_mb(size)})")
    enough = max(2 * lim.part // MIB, -(-size * 5 // (4 * MIB)))  # a quarter to spare
    return (f"part {name} {size_said}, more than docgen's limit of {_mb(lim.part)} a part of a "
            f"{lim.kind}: refused as a possible zip bomb; if the file is genuine, set the "
            f"environment variable {PART_SETTING} to more megabytes (e.g. {PART_SETTING}="
            f"{enough}) and run again")


def _too_compressed(name: str, size: int, compressed: int, lim: Limits) -> str:
    """Say a part is compressed beyond the ratio limit: which part, its sizes, the setting."""
    return (f"part {name} is compressed {size // max(compressed, 1):,} to 1 ({compressed:,} "
            f"bytes inflating to {size:,}), more than docgen's limit of {lim.ratio} to 1 (real "
            "documents and spreadsheets compress 5-90 to 1, zip bombs about 1,000 to 1): "
            "refused as a possible zip bomb; if the file is genuine, set the environment "
            f"variable {RATIO_SETTING} to a larger ratio and run again")


def _too_large_total(size: int, lim: Limits, *, past: bool = False) -> str:
    said = f"inflates past {size:,} bytes" if past else f"would inflate to {size:,} bytes"
    return (f"{said} in all, more than docgen's limit of {_mb(lim.total)} for a {lim.kind} "
            f"({TOTAL_TIMES} times the limit of a part): refused as a possible zip bomb; if the "
            f"file is genuine, set the environment variable {PART_SETTING} to more megabytes "
            "and run again")


def _refuse(path: Path | None, message: str) -> DocgenError:
    return DocgenError(Problem(message, file=str(path) if path is not None else None))


class HeldPackage(zipfile.ZipFile):
    """A package opened from its file's bytes, held in memory (:func:`open_package` given
    ``data``): :func:`read_member` inflates a plain member straight from them, without
    zipfile's file object, header reads and stream for each member (~40 µs a member)."""

    held: bytes = b""
    limits: Limits | None = None  # a document's limits, read as it was opened: its parts' too


# Read from the held bytes with zlib alone only when zipfile would read the member alike:
# stored or deflated, no flag but deflate's options, a data descriptor and UTF-8 names.
_PLAIN_FLAGS = 0x2 | 0x4 | 0x8 | 0x800
_PLAIN_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_HEADER = struct.Struct(zipfile.structFileHeader)
_SIGNATURE, _FLAGS, _NAME_LENGTH, _EXTRA_LENGTH = 0, 3, 10, 11  # in a local file header


def _held_member(zf: HeldPackage, name: str, most: int) -> bytes | None:
    """Return member ``name`` of a held package, inflated from its bytes; None where the
    member is anything but plain and whole (a name or header that differs, a size or CRC
    that does not match, more than ``most`` bytes): zipfile then reads it, and gives its own
    result or error, so a member comes back exactly as zipfile reads it either way."""
    info = zf.NameToInfo.get(name)
    if (info is None or info.flag_bits & ~_PLAIN_FLAGS or info.compress_type not in
            _PLAIN_METHODS or info.file_size > most):
        return None
    data, at = zf.held, info.header_offset
    header = data[at:at + _HEADER.size]
    if len(header) != _HEADER.size:
        return None
    fields = _HEADER.unpack(header)
    if fields[_SIGNATURE] != zipfile.stringFileHeader:
        return None
    start = at + _HEADER.size + fields[_NAME_LENGTH]
    try:
        named = data[at + _HEADER.size:start].decode(
            "utf-8" if fields[_FLAGS] & 0x800
            else zf.metadata_encoding or "cp437")
    except UnicodeDecodeError:
        return None
    if named != info.orig_filename:
        return None
    start += fields[_EXTRA_LENGTH]
    raw = data[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw
    else:
        inflater = zlib.decompressobj(-15)
        try:
            out = inflater.decompress(raw, info.file_size + 1)
        except zlib.error:
            return None
        if not inflater.eof or inflater.unconsumed_tail:
            return None
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        return None
    return out


HELD_MOST = 16 * MIB  # a package read into memory whole (:func:`held_bytes`): at most this


def held_bytes(path: Path) -> bytes | None:
    """Return the bytes of the file at ``path`` to open as a :class:`HeldPackage`; None for
    a file larger than :data:`HELD_MOST` or one that cannot be read (opened from the file,
    it is then read, or refused, as before)."""
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size > HELD_MOST:
                return None
            return fh.read(HELD_MOST + 1)
    except OSError:
        return None


def open_package(path: Path, notes: list[str] | None = None,
                 limit: Limits | None = None, data: bytes | None = None) -> zipfile.ZipFile:
    """Open ``path`` as a zip package after checking it is one and that it is of sane size.

    ``data``: the file's bytes, already read (a :class:`HeldPackage` is returned, read from
    them alike).

    Raises :class:`DocgenError` naming the file for an OLE file (encrypted or old .doc/.xls),
    a file that is not a zip, a truncated zip, or members whose declared sizes or compression
    ratios are those of a zip bomb (within ``limit``: a document's limits unless given; each
    refusal names the limit, the part, its size and the setting that raises the limit). A
    package whose directory claims to need a zip version Python does not know ("version
    needed 9.9": no Office program writes one) is refused too, unless ``notes`` is given: it
    is then read as an ordinary zip and ``notes`` says so.
    """
    lim = limit or limits()
    if data is not None:
        head = data[:8]
    else:
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
        except OSError as exc:
            raise _refuse(path, f"cannot be read ({exc.strerror})") from None
    if head.startswith(OLE_MAGIC):
        raise _refuse(
            path,
            "is password-protected or in the old Office format (.doc/.xls): "
            "open it and save it as .docx/.xlsx without a password",
        )
    if not head.startswith(b"PK"):
        raise _refuse(path, "is not an Office document (not a zip package)")
    try:
        if data is None:
            zf = zipfile.ZipFile(path)
        else:
            zf = HeldPackage(io.BytesIO(data))
            zf.held = data
            zf.limits = None if limit else lim
    except NotImplementedError as exc:  # zipfile's "zip file version 9.9"
        zf = _open_any_version(path, exc, notes, lim)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise _refuse(path, f"is damaged or truncated ({exc})") from None
    try:
        infos = zf.infolist()
        if len(infos) > lim.members:
            raise _refuse(path, f"has {len(infos):,} parts, more than docgen's limit of "
                                f"{lim.members:,}: refused; if the file is genuine, set the "
                                f"environment variable {MEMBERS_SETTING} to a larger number")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise _refuse(path, "is encrypted: save it without a password")
            if info.file_size > RATIO_FLOOR and (
                    info.file_size > lim.ratio * max(info.compress_size, 1)):
                raise _refuse(path, _too_compressed(info.filename, info.file_size,
                                                    info.compress_size, lim))
            if info.file_size > lim.part:
                raise _refuse(path, _too_large(info.filename, info.file_size, lim))
            total += info.file_size
        if total > lim.total:
            raise _refuse(path, _too_large_total(total, lim))
    except DocgenError:
        zf.close()
        raise
    return zf


_CENTRAL_ENTRY = b"PK\x01\x02"
_END_OF_DIRECTORY = b"PK\x05\x06"
_KNOWN_VERSION = 20  # "version needed" of a plain deflated member


def _open_any_version(path: Path, exc: NotImplementedError,
                      notes: list[str] | None, lim: Limits) -> zipfile.ZipFile:
    """Open a package whose directory claims a zip version past zipfile's, as an ordinary zip.

    Only the claim is rewritten (in memory, never in the file): every member is still read
    and checked as any other. Refused when ``notes`` is None, when the file is larger than a
    package may inflate to, or when its directory is not a plain one (zip64, damaged).
    """
    claim = str(exc) or "an unknown zip version"
    refused = (f"says it needs {claim}, which no Office program writes (a damaged header): "
               "open it and save it again")
    if notes is None:
        raise _refuse(path, refused)
    try:
        if path.stat().st_size > lim.total:
            raise _refuse(path, refused)
        data = bytearray(path.read_bytes())
    except OSError as err:
        raise _refuse(path, f"cannot be read ({err.strerror})") from None
    end = data.rfind(_END_OF_DIRECTORY)
    if end < 0 or end + 22 > len(data):
        raise _refuse(path, refused)
    size = int.from_bytes(data[end + 12:end + 16], "little")
    at = end - size  # where the directory is, whatever its recorded offset says
    while 0 <= at < end and data[at:at + 4] == _CENTRAL_ENTRY:
        if int.from_bytes(data[at + 6:at + 8], "little") > _KNOWN_VERSION:
            data[at + 6:at + 8] = _KNOWN_VERSION.to_bytes(2, "little")
        at += 46 + sum(int.from_bytes(data[at + k:at + k + 2], "little") for k in (28, 30, 32))
    try:
        zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            struct.error) as err:
        raise _refuse(path, f"is damaged or truncated ({err})") from None
    notes.append(f"says it needs {claim} to be unpacked, which no Office program writes (a "
                 "damaged header): read as an ordinary zip instead; if anything looks missing, "
                 "open it in Word and save it again")
    return zf


# --- Strict Open XML ------------------------------------------------------------------------
#
# Word and Excel can save "Strict Open XML" (Save As > Strict Open XML Document/Spreadsheet):
# the same elements as the usual (transitional) format, in other namespaces, with other
# relationship types. Read as they are, a strict record's text was in no namespace docgen
# looks in ("is empty", every session dropped) and a strict cohort's sheets were "missing".
# Each XML part read is given the transitional names instead: the namespace declarations and
# relationship types (only in those attributes, never in text typed), and the conformance
# class. A template saved so makes documents in the usual format, every part translated.
_STRICT_URI = re.compile(
    rb'(\b(?:xmlns(?::[\w.-]+)?|Type)\s*=\s*)(["\'])http://purl\.oclc\.org/ooxml/'
    rb'(drawingml|officeDocument|presentationml|schemaLibrary|spreadsheetml|'
    rb'wordprocessingml)/([\w/-]*)\2')
_STRICT_NAMES = {b"customProperties": b"custom-properties",
                 b"extendedProperties": b"extended-properties"}
_STRICT_CONFORMANCE = re.compile(rb'(\bconformance\s*=\s*)(["\'])strict\2')
STRICT_MARK = b"http://purl.oclc.org/ooxml/"


def _transitional_uri(m: re.Match[bytes]) -> bytes:
    area, rest = m[3], m[4]
    first, slash, more = rest.partition(b"/")
    first = _STRICT_NAMES.get(first, first)
    if area == b"officeDocument" and first == b"relationships" and more:
        more = _STRICT_NAMES.get(more, more)  # a relationship type
    return (m[1] + m[2] + b"http://schemas.openxmlformats.org/" + area + b"/2006/" + first
            + slash + more + m[2])


def transitional(data: bytes) -> bytes:
    """Return an XML part saved as Strict Open XML with the usual (transitional) namespaces,
    relationship types and conformance class; any other part as it is."""
    if STRICT_MARK not in data:
        return data
    data = _STRICT_URI.sub(_transitional_uri, data)
    return _STRICT_CONFORMANCE.sub(rb"\1\2transitional\2", data)


def read_member(zf: zipfile.ZipFile, name: str, path: Path | None = None,
                limit: int | Limits | None = None) -> bytes:
    """Return the bytes of member ``name``, reading at most ``limit`` bytes whatever it declares.

    ``limit`` is a number of bytes (a part that is always small), or the :class:`Limits` of
    the package (by default a document's: a held package's, read as it was opened), whose
    refusal names the setting that raises it.
    An XML part saved as Strict Open XML comes back in the usual names (:func:`transitional`).
    Raises :class:`DocgenError` if the member is missing, damaged, or inflates past the limit.
    """
    where = path or Path(zf.filename or "?")
    lim = limit if isinstance(limit, Limits) else None if limit is not None else (
        zf.limits if isinstance(zf, HeldPackage) and zf.limits else limits())
    most = lim.part if lim is not None else limit
    assert most is not None
    data = _held_member(zf, name, most) if isinstance(zf, HeldPackage) else None
    if data is not None:
        return transitional(data) if name.endswith((".xml", ".rels")) else data
    try:
        with zf.open(name) as fh:
            data = fh.read(most + 1)
    except KeyError:
        raise _refuse(where, f"has no part {name}") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            zlib.error) as exc:
        raise _refuse(where, f"part {name} is damaged ({exc})") from None
    if len(data) > most:
        if lim is None:
            raise _refuse(where, f"part {name} inflates past {most:,} bytes, more than such a "
                                 "part ever holds: refused")
        raise _refuse(where, _too_large(name, most, lim, past=True))
    if name.endswith((".xml", ".rels")):
        return transitional(data)
    return data


def stream_member(zf: zipfile.ZipFile, name: str, path: Path, lim: Limits,
                  chunk: int = 1 << 20) -> Iterator[bytes]:
    """Yield the bytes of member ``name`` in blocks of ``chunk``, within ``lim``.

    For parts too large to hold at once (a workbook's sheets): memory stays one block
    whatever the part holds. Raises :class:`DocgenError` (as :func:`read_member` does) when
    the part is missing or damaged, or inflates past the part limit or the ratio limit,
    whatever it declares.
    """
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise _refuse(path, f"has no part {name}") from None
    size = 0
    try:
        with zf.open(info) as fh:
            while block := fh.read(chunk):
                size += len(block)
                _check_inflated(info, size, path, lim)
                yield block
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            zlib.error) as exc:
        raise _refuse(path, f"part {name} is damaged ({exc})") from None


def _check_inflated(info: zipfile.ZipInfo, size: int, path: Path, lim: Limits) -> None:
    """Refuse a part found inflating past the part limit or the ratio, whatever it declared."""
    if size > lim.part:
        raise _refuse(path, _too_large(info.filename, lim.part, lim, past=True))
    if size > RATIO_FLOOR and size > lim.ratio * max(info.compress_size, 1):
        raise _refuse(path, _too_compressed(info.filename, size, info.compress_size, lim))


def verify_members(zf: zipfile.ZipFile, path: Path, chunk: int = 1 << 20,
                   markers: tuple[bytes, ...] = (), limit: Limits | None = None) -> set[str]:
    """Inflate every member as a bounded stream, so that lying sizes are caught early.

    Used before handing a whole package to a library (calamine) that reads members itself;
    also refuses any part with a DTD or entity declarations. Reads in chunks, so memory
    stays flat however large the sheets are. Returns the names of the members in which any
    of ``markers`` (each at most 16 bytes) occurs, found in the same pass. The sizes and
    ratios are checked as inflated, against ``limit`` (a document's unless given).
    """
    lim = limit or limits()
    total = 0
    marked: set[str] = set()
    for info in zf.infolist():
        size = 0
        tail = b""
        try:
            with zf.open(info) as fh:
                while block := fh.read(chunk):
                    size += len(block)
                    total += len(block)
                    _check_inflated(info, size, path, lim)
                    if total > lim.total:
                        raise _refuse(path, _too_large_total(lim.total, lim, past=True))
                    window = tail + block
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        # An Office part never declares a DTD; refusing one outright stops
                        # entity expansion and external entities whatever parser reads it.
                        raise _refuse(path, f"part {info.filename} declares XML entities: "
                                            "refused as unsafe")
                    if markers and any(m in window for m in markers):
                        marked.add(info.filename)
                    tail = block[-16:]
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                zlib.error) as exc:
            raise _refuse(path, f"part {info.filename} is damaged ({exc})") from None
    return marked


_PARSER = etree.XMLParser(  # collect_ids off: docgen never looks up xml:id; parsing is faster
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
    remove_comments=False, collect_ids=False,
)


def refuse_entities(data: bytes, path: Path | None, part: str) -> None:
    """Raise :class:`DocgenError` if XML ``data`` declares a DTD or entities.

    A DOCTYPE has no place in an Office part; refusing it outright stops billion-laughs and
    external-entity files before any parser sees them, and keeps them out of the documents
    docgen copies a template's parts into.
    """
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise _refuse(path, f"part {part} declares XML entities: refused as unsafe")


def parse_xml(data: bytes, path: Path | None, part: str,
              notes: list[str] | None = None) -> etree._Element:
    """Parse an XML part safely: no DTDs or entities, no network, bounded nesting.

    Every XML docgen parses (templates, rendered parts, records, workbooks) comes through
    here. libxml2 itself refuses nesting deeper than 256 unless ``huge_tree`` is set; it is
    not. ``path`` names the file in the error (None for docgen's own XML). With ``notes``, a
    part that is not well-formed only because a tracked change is misnested with a content
    control (as LibreOffice writes with Track Changes on) is recovered, and ``notes`` says so;
    any other damage is still refused.
    """
    refuse_entities(data, path, part)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        refused = _refuse(path, f"part {part} is not well-formed XML ({exc})")
        if notes is None:
            raise refused from None
        recovered = _recover(data)
        if recovered is None:
            raise refused from None
        root, fields = recovered
        notes.append(recovered_note(fields))
    return root


# --- recovering what LibreOffice 7.4 writes with Track Changes on -------------------------------
#
# Typing into a content control with changes recorded, LibreOffice 7.4 writes the control again
# inside a tracked change, and closes the change inside the control it opened:
#     <w:ins ...><w:sdt><w:sdtPr>...</w:sdtPr><w:sdtContent></w:ins>
#     <w:ins ...><w:r><w:t>typed</w:t></w:r></w:ins></w:sdtContent></w:sdt>
# (the same with w:del). Dropping the start and end tags of the misnested change (a wrapper
# that marks the control's own start as inserted or deleted, holding no text) makes the part
# well-formed with every character of text kept. Nothing else is repaired: any other mismatch,
# a truncated part, a comment, CDATA or DTD is refused, and the repaired part must parse with
# the same hardened parser and hold exactly the text of the raw one.


def recovered_note(fields: list[str]) -> str:
    """Return what a record recovered from LibreOffice's damage says, naming its fields."""
    which = f" (the fields {', '.join(fields)})" if fields else ""
    return ("was recovered from a damaged file (LibreOffice with Track Changes on writes the "
            "form's fields as XML that is not well-formed): check these sessions against the "
            f"document{which}, and ask the coach to accept or reject all changes (Edit > Track "
            "Changes > Manage) and save it again")


_TAG = re.compile(rb"<([^<>]*)>")
_NAME = re.compile(rb"/?\s*([^\s/>]+)")
_CHANGES = frozenset({b"ins", b"del", b"moveFrom", b"moveTo"})  # tracked-change wrappers
_CONTROL = frozenset({b"sdt", b"sdtContent"})  # what a change may be misnested with
_ALIAS = re.compile(rb'<(?:\w+:)?alias\s+(?:\w+:)?val="([^"<>]*)"')
_REFERENCE = re.compile(rb"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"', b"apos": "'"}
MAX_DEPTH = 256  # libxml2's own limit without huge_tree
MAX_RECOVER_BYTES = 16 * 1024 * 1024  # a record's document.xml is ~100 KB; repair costs ~0.3 s/MB


def _local(name: bytes) -> bytes:
    return name.rpartition(b":")[2]


def _unmisnest(data: bytes) -> tuple[bytes, list[str]] | None:
    """Return ``data`` with misnested tracked-change tags dropped, or None if not that damage.

    Also returns the names (aliases) of the content controls the dropped changes crossed, in
    order, each once. Returns None when the part is well-nested already, when a mismatch is
    anything but a tracked change crossing a content control, or when tags are left open (a
    truncated part).
    """
    stack: list[tuple[bytes, tuple[int, int]]] = []  # (name, where its start tag is)
    drop: list[tuple[int, int]] = []  # where the tags to leave out are
    crossed: list[bytes] = []  # what the dropped changes held: the controls' properties
    pending: list[bytes] = []  # changes whose start tag was dropped: drop their end tag too
    count = 0
    for count, tag in enumerate(_TAG.finditer(data), start=1):
        body = tag.group(1)
        if body.startswith(b"?"):
            if count > 1 or not body.endswith(b"?"):
                return None
            continue
        if body.startswith(b"!") or not body:
            return None
        name_match = _NAME.match(body)
        if name_match is None:
            return None
        name = name_match.group(1)
        if body.endswith(b"/"):
            continue
        if not body.startswith(b"/"):
            stack.append((name, tag.span()))
            if len(stack) > MAX_DEPTH:
                return None
            continue
        if stack and stack[-1][0] == name:
            stack.pop()
            continue
        if name in pending:  # the end of a change whose start was dropped
            pending.remove(name)
            drop.append(tag.span())
            continue
        names = [n for n, _ in stack]
        if name not in names:
            return None
        at = len(names) - 1 - names[::-1].index(name)
        above = [_local(n) for n in names[at + 1:]]
        if _local(name) in _CHANGES and all(n in _CONTROL for n in above):
            # a change opened before a control and closed inside it: drop the change
            drop += [stack[at][1], tag.span()]
            crossed.append(data[stack[at][1][1]:tag.start()])
            del stack[at]
        elif _local(name) in _CONTROL and all(n in _CHANGES for n in above):
            # a change opened inside a control and closed after it: drop the change
            for n, span in stack[at + 1:]:
                drop.append(span)
                pending.append(n)
            del stack[at:]
        else:
            return None
    if stack or pending or not drop or data.count(b"<") != count:
        return None  # left open (truncated), or a '<' that is no tag
    out = bytearray()
    last = 0
    for start, end in sorted(drop):
        out += data[last:start]
        last = end
    out += data[last:]
    fields = [_text_of(alias.group(1)) for held in crossed for alias in _ALIAS.finditer(held)]
    return bytes(out), list(dict.fromkeys(fields))


def _text_of(data: bytes) -> str:
    """Return the character data of an XML part as a parser gives it (references resolved)."""
    raw = _TAG.sub(b"", data).replace(b"\r\n", b"\n").replace(b"\r", b"\n")

    def resolve(match: re.Match[bytes]) -> bytes:
        ref = match.group(1)
        if ref.startswith(b"#"):
            code = int(ref[2:], 16) if ref[1:2] in (b"x", b"X") else int(ref[1:])
            return chr(code).encode("utf-8")
        return _NAMED[ref].encode("utf-8")

    return _REFERENCE.sub(resolve, raw).decode("utf-8", errors="replace")


def _recover(data: bytes) -> tuple[etree._Element, list[str]] | None:
    """Return the root of a part whose only damage is misnested tracked changes, else None.

    Also returns the names of the content controls the damage was in.
    """
    unmisnested = _unmisnest(data) if len(data) <= MAX_RECOVER_BYTES else None
    if unmisnested is None:
        return None
    repaired, fields = unmisnested
    try:
        root = etree.fromstring(repaired, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    first = data.find(b"<", data.find(b"?>") + 2) if data.startswith(b"<?") else 0
    try:
        raw = _text_of(data[first:data.rfind(b">") + 1])
    except (ValueError, OverflowError):  # a character reference to no character
        return None
    if "".join(root.itertext()) != raw:
        return None  # the repair lost or changed text: not unambiguous
    return root, fields
