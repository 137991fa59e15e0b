"""Name text typed in a returned record's headers, footers, footnotes and endnotes.

docgen reads sessions from the body only: a session noted in the footer, or a time put in a
footnote, reaches no log. So every line there that docgen did not write itself is quoted with
where it sits. docgen records at generation the lines it wrote there (``docgen.margins``: its
template's footer, the values merged); a record made before it kept that record is compared
with the margins of docgen's own templates, the merged values read as any text. Fields (a
page number, the number of pages, a date) are not typing and are left out, so a record Word
or LibreOffice only saved again names nothing.

.docx: ``word/header*.xml``, ``footer*.xml``, ``footnotes.xml``, ``endnotes.xml``. .odt: the
master pages' headers and footers in ``styles.xml``, and ``text:note`` in ``content.xml``.
The common record holds only docgen's footer: a part still as docgen wrote it (the checksum it
recorded) is not read at all; one saved again by Word or LibreOffice is read and its lines
compared (small work); an .odt's styles are parsed only when they hold a header or a footer.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from docgen import schema, written
from docgen.errors import DocgenError, Problem
from docgen.ooxml.margins import margin_lines, part_key, part_kind, read_property
from docgen.records.struck import odt_styles_bytes
from docgen.safezip import parse_xml, read_member

__all__ = ["Margin", "docx_margins", "margin_problems", "odt_margins"]

_SHOWN = 120
_EACH = 10
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODT_MARGINS = {f"{_STYLE}{k}{side}": k for k in ("header", "footer")
                for side in ("", "-left", "-first")}
# Inline elements whose text is the paragraph's; any other (a field, a note, a comment, a
# frame) is not typing of the line.
_ODT_INLINE = frozenset(f"{_TEXT}{n}" for n in ("span", "a", "meta", "ruby", "ruby-base"))
_MISSED = ("docgen reads only the Record of Coaching forms and the COACHING RECORD table, not "
           "headers, footers or notes; type it into a Record of Coaching form (one per "
           "session) or a row of the COACHING RECORD table, then delete it there")
_AGREED = ("docgen reads only that a mentor agreement came back: if it changes what the pair "
           "agreed, change it on the cohort's Mentoring sheet too")


@dataclass(frozen=True, slots=True)
class Margin:
    """A passage typed in a header, a footer or a note: where ("the footer", "footnote 2")
    and its text (its lines)."""

    where: str
    text: str


def _passages(lines: list[tuple[str, str]], props: dict[str, str]) -> list[Margin]:
    """Return the passages of ``lines`` (where, line) docgen did not write, lines of one
    place that follow one another joined. Typing added at the end of docgen's own line (its
    footer, then a note) is quoted without docgen's words."""
    wrote = read_property(props.get(schema.PROP_MARGINS, ""))[0]

    def docgen_wrote(line: str) -> bool:
        if wrote is not None:
            return written.holds(wrote, line)
        return _as_shipped(written.line_key(line))

    found: list[Margin] = []
    last = ""
    for where, line in lines:
        if docgen_wrote(line):
            last = ""
            continue
        line = _after_own(line, docgen_wrote)
        if found and last == where:
            found[-1] = Margin(where, f"{found[-1].text}\n{line}")
        else:
            found.append(Margin(where, line))
        last = where
    return found


def _after_own(line: str, docgen_wrote: Callable[[str], bool]) -> str:
    """Return ``line`` without the longest run of its first words that docgen wrote as a
    line of its own (typing added at the end of its footer), or whole."""
    words = line.split()
    for k in range(min(len(words) - 1, 60), 0, -1):
        if docgen_wrote(" ".join(words[:k])):
            return " ".join(words[k:])
    return line


@lru_cache(maxsize=1)
def _shipped() -> re.Pattern[str] | None:
    """Return a pattern matching the margin lines of docgen's own templates, each merged
    value standing for any text: what a record made before ``docgen.margins`` holds there."""
    pieces: list[str] = []
    try:
        repo = Path(__file__).resolve().parents[2] / "templates"  # as jobs.templates finds them
        folder = repo if repo.is_dir() else Path(str(resources.files("docgen") / "templates"))
        for item in sorted(folder.glob("*.docx")):
            with zipfile.ZipFile(item) as zf:
                for name in zf.namelist():
                    if part_kind(name):
                        root = parse_xml(zf.read(name), None, name)
                        for _w, line in margin_lines(root):
                            key = written.line_key(line)
                            pieces.append(".*?".join(
                                re.escape(p) for p in re.split(r"\{\{.*?\}\}", key)))
    except (OSError, DocgenError, zipfile.BadZipFile, ValueError):
        return None
    return re.compile("|".join(f"(?:{p})" for p in pieces), re.DOTALL) if pieces else None


def _as_shipped(key: str) -> bool:
    pattern = _shipped()
    return not key or (pattern is not None and pattern.fullmatch(key) is not None)


_WHERE = {"header": "the header", "footer": "the footer"}


def _lines_of(zf: zipfile.ZipFile, path: Path, name: str) -> list[tuple[str, str]]:
    data = read_member(zf, name, path)
    if b"<w:t" not in data and b":t>" not in data and b":t " not in data:
        return []  # no text at all: a separator note, an empty header
    return [(_WHERE.get(w, w), line) for w, line in margin_lines(parse_xml(data, path, name))]


def docx_margins(zf: zipfile.ZipFile, path: Path, props: dict[str, str]) -> list[Margin]:
    """Return what was typed in the headers, footers and notes of an open .docx package.

    A part still as docgen wrote it (its checksum and size, recorded) is not read."""
    lines: list[tuple[str, str]] = []
    as_written = read_property(props.get(schema.PROP_MARGINS, ""))[1]
    for info in zf.infolist():
        name = info.filename
        if part_kind(name) and part_key(name, info.CRC, info.file_size) not in as_written:
            try:
                lines.extend(_lines_of(zf, path, name))
            except (DocgenError, OSError, ValueError, EOFError, zipfile.BadZipFile,
                    zlib.error) as exc:
                reason = ("; ".join(p.message for p in exc.problems)
                          if isinstance(exc, DocgenError) else str(exc))
                lines.append((f"{name} (cannot be read: {reason})", "(not read)"))
    return _passages(lines, props) if lines else []


def _odt_line(p) -> str:  # noqa: ANN001 - an lxml element (lxml lives in ooxml/)
    """Return a paragraph's own text: spans and links in, fields and notes out."""
    out: list[str] = [p.text or ""]
    for child in p:
        tag = child.tag
        if tag in _ODT_INLINE:
            out.append(_odt_line(child))
        elif tag == f"{_TEXT}s":
            out.append(" ")
        elif tag == f"{_TEXT}tab":
            out.append("\t")
        elif tag == f"{_TEXT}line-break":
            out.append(" ")
        out.append(child.tail or "")
    return "".join(out)


def _odt_paragraphs(el) -> Iterator[str]:  # noqa: ANN001
    for p in el.iter(f"{_TEXT}p", f"{_TEXT}h"):
        if next(p.iterancestors(f"{_TEXT}note"), None) is None or el.tag == f"{_TEXT}note-body":
            yield _odt_line(p)


def odt_margins(zf: zipfile.ZipFile, path: Path, content, data: bytes,  # noqa: ANN001
                props: dict[str, str]) -> list[Margin]:
    """Return what was typed in the headers, footers (``styles.xml``) and notes
    (``content.xml``, parsed as ``content`` from ``data``) of an open .odt package."""
    lines: list[tuple[str, str]] = []
    if "styles.xml" in zf.namelist():
        try:
            root = _master_pages(odt_styles_bytes(zf, path), path)
            for page in () if root is None else root.iter(f"{_STYLE}master-page"):
                for el in page:
                    kind = _ODT_MARGINS.get(el.tag)
                    if kind:
                        lines.extend((_WHERE[kind], t) for t in _odt_paragraphs(el)
                                     if t.strip())
        except (DocgenError, OSError, ValueError, EOFError, zipfile.BadZipFile,
                zlib.error) as exc:
            reason = ("; ".join(p.message for p in exc.problems)
                      if isinstance(exc, DocgenError) else str(exc))
            lines.append((f"styles.xml (cannot be read: {reason})", "(not read)"))
    if b"<text:note " in data or b"<text:note>" in data:
        counts: dict[str, int] = {}
        for note in content.iter(f"{_TEXT}note"):
            kind = note.get(f"{_TEXT}note-class") or "footnote"
            counts[kind] = counts.get(kind, 0) + 1
            body = note.find(f"{_TEXT}note-body")
            if body is not None:
                lines.extend((f"{kind} {counts[kind]}", t) for t in _odt_paragraphs(body)
                             if t.strip())
    # the same footer on every page style: each passage once
    unique = list(dict.fromkeys(lines))
    return _passages(unique, props) if unique else []


def _master_pages(styles: bytes, path: Path):  # noqa: ANN202 - an lxml element or None
    """Return the parsed master pages (``office:master-styles``) of an .odt's styles, or
    None when they hold no header or footer. Only that part of the file is parsed (its
    root's start tag kept, for the namespaces): the rest is the styles, many times larger."""
    start = styles.find(b"<office:master-styles")
    end = styles.find(b"</office:master-styles>", start)
    if start < 0 or end < 0:
        return None
    part = styles[start:end + len(b"</office:master-styles>")]
    if b"<style:header" not in part and b"<style:footer" not in part:
        return None
    root = styles.find(b"<office:document-styles")
    opened = styles.find(b">", root)
    if root < 0 or opened < 0 or opened > start:
        return parse_xml(styles, path, "styles.xml")  # laid out otherwise: the whole file
    head = styles[root:opened + 1]
    if head.endswith(b"/>"):
        return None
    return parse_xml(head + part + b"</office:document-styles>", path, "styles.xml")


def _shown(text: str, limit: int = _SHOWN) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = f"{flat[:limit - 1].rstrip()}… ({len(flat):,} characters)"
    return f'"{flat}"'


def margin_problems(margins: list[Margin], source: str, sessions: bool = True,
                    places: dict[str, tuple[str, str]] | None = None) -> list[Problem]:
    """Return a problem for each passage typed in a header, footer or note (the first few;
    the rest in one), quoting it; ``sessions`` False for a mentor agreement. A note whose
    reference sits in a form's field or a table's cell (``places``: the form or row, and the
    field) is named there, as that field's."""
    problems: list[Problem] = []
    for m in margins[:_EACH]:
        where, column = (places or {}).get(m.where, (m.where, ""))
        if sessions and column:
            rest = ("Topic or Comments" if where.startswith("COACHING RECORD")
                    else "Topic, Issues Arising or Action")
            message = (f"holds text in {m.where}, on {column}: {_shown(m.text)}; docgen does "
                       f"not read notes: type what it says into {column} (words beside a "
                       f"value into {rest}), then delete the note")
        elif sessions:
            message = f"holds text in {_in(m.where)}: {_shown(m.text)}; {_MISSED}"
        else:
            message = f"{_shown(m.text)} in {_in(m.where)} is not read ({_AGREED})"
        problems.append(Problem(message, file=source, sheet=where, column=column or None))
    rest = margins[_EACH:]
    if rest:
        quoted = "; ".join(f"{_shown(m.text, 40)} in {_in(m.where)}" for m in rest[:20])
        more = f" and {len(rest) - 20} more" if len(rest) > 20 else ""
        problems.append(Problem(
            f"holds {len(rest)} more passages in its headers, footers or notes: {quoted}{more}; "
            f"{_MISSED if sessions else _AGREED}", file=source))
    return problems


def _in(where: str) -> str:
    """Return "its footer", "footnote 2" ... for a problem's words."""
    if where.startswith("the "):
        return f"its {where[4:]}"
    return where
