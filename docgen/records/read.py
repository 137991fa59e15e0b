"""Read edited coaching records (.docx) back into sessions: content controls, then labels.

A record is read from ``word/document.xml`` parsed once by lxml (python-docx's object model is
several times slower and does not see text inside content controls). :mod:`docgen.ooxml.wordtext`
flattens the body into *units* — a body paragraph, or a table cell with all its paragraphs —
and each unit knows the docgen fields (``record.*`` content controls, by tag, else by alias)
it holds and where. Then each job has its module: :mod:`~docgen.records.forms` finds the forms
and the table rows, :mod:`~docgen.records.identity` says whose record it is,
:mod:`~docgen.records.programme` reads the programme's numbers it was made with (each checked,
an odd one named and replaced by the default), :mod:`~docgen.records.sessions` turns what was
typed into sessions (and says how they count).
So a generated record, one a coach copied forms in, one whose controls lost their tags in
LibreOffice, and one typed into the original paper form all read alike. One odd value (a
property, a table span, a zip header's claim) is a problem naming it, never the whole record
skipped.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from docgen import libreoffice, ooxml, prefill, schema, written
from docgen.content import content_digest
from docgen.errors import DocgenError, Problem
from docgen.filed import FiledRecords, Head, head_of, pickled, piece_digest, unpickled
from docgen.models import Record, Shared, Signature
from docgen.ooxml.wordtext import LINES_IN_RUNS, Body, holds_marks, read_body
from docgen.parallel import run_parallel
from docgen.records import cache as reading
from docgen.records import identity, programme
from docgen.records.cache import Entry, Key, RecordCache
from docgen.records.convert import converted
from docgen.records.extras import (
    UNTOUCHED,
    Comment,
    agreement_problems,
    comment_problems,
    contract_problems,
    docx_comments,
    header_problems,
    loose_text,
    typed_units,
)
from docgen.records.find import (
    ODT_SUFFIXES,
    PDF_REASON,
    Found,
    How,
    find_files,
    find_records,
    pdf_created,
    posix_under,
)
from docgen.records.forms import FORM_HEADING, FormFinder, table_rows
from docgen.records.margins import Margin, docx_margins, margin_problems
from docgen.records.odt import read_odt
from docgen.records.sessions import (
    SessionContext,
    coach_variants,
    form_sessions,
    row_sessions,
)
from docgen.records.signatures import read_signatures, with_rows_deleted
from docgen.records.struck import (
    AGREEMENT_TEXT,
    CONTRACT_TEXT,
    Marked,
    docx_marked,
    marked_problems,
    note_places,
    own_text_problems,
)
from docgen.safezip import held_bytes, open_package, parse_xml, read_member
from docgen.values import escaped_name, parse_names

__all__ = ["find_records", "read_record", "read_records"]

# Above this many records to read, memory is worth some processor time: their cache
# entries come back deflated (~1.6 KB less each held until the reading ends, for ~1 % more
# of a record's time), and this process shares values across the chunks received too (each
# worker's chunk holds each value once already: ~4 MiB less at 10,000, ~30 µs a record).
MANY_RECORDS = 2_000
READ_MS = 3.0  # about what reading one record costs, in milliseconds (see run_parallel)
_NO_SESSIONS = ("has no Record of Coaching form and no COACHING RECORD table: no sessions read "
                "(were they deleted?)")


def _source(path: Path, root: Path) -> str:
    """Return how problems name a file: its path under ``root``, else its name (a byte of
    it that is not UTF-8 as its escape: :func:`~docgen.values.escaped_name`)."""
    try:
        source = posix_under(path, root)
    except ValueError:
        return escaped_name(path.name)
    return escaped_name(path.name if source == "." else source)


def _saved_then_exported(record: Record, path: Path, pdf: Path) -> Record:
    """Return ``record`` with a problem when the PDF exported from it holds words it does
    not: typed after it was last saved, and exported without saving. (A record never saved
    since docgen wrote it is named as such in :func:`read_records`.)"""
    if _never_saved(path) is not None:
        return record
    from docgen.records.pdf import only_in_pdf, words_only_in_pdf

    try:
        words = words_only_in_pdf(pdf, path)
    except Exception as exc:  # noqa: BLE001 - the record read stands: only the check is lost
        return replace(record, problems=(*record.problems, Problem(
            f'was not compared with the PDF exported from it ("{pdf.name}"): '
            f"{type(exc).__name__}: {exc}; if the coach typed more before exporting it, "
            "compare the two by eye", file=record.source)))
    if not words:
        return record
    return replace(record, problems=(*record.problems, Problem(
        only_in_pdf(pdf.name, words), file=record.source)))


def _export_stamp(pdf: Path) -> str:
    """Return what the reading of a record depends on of the PDF exported from it."""
    try:
        st = pdf.stat()
    except OSError:
        return f"exported {pdf.name}"
    return f"exported {pdf.name} {st.st_size} {st.st_mtime_ns}"


def _named_apart(items: list[tuple[Path, Path]]) -> list[tuple[Path, Path]]:
    """Return ``items`` (path, root) with roots raised until no two files are named alike.

    ``docgen log A B`` where both folders hold "T01.docx": the log names "A/T01.docx" and
    "B/T01.docx", so a manager can tell which copy a session or a problem is from.
    """
    def up(root: Path, depth: int) -> Path:
        parents = root.parents
        return root if depth == 0 or not parents else parents[min(depth, len(parents)) - 1]

    depth = 0
    while True:
        raised = [(path, up(root, depth)) for path, root in items]
        names = [_source(path, root) for path, root in raised]
        if len(set(names)) == len(names) or all(depth >= len(r.parents) for _p, r in items):
            return raised
        depth += 1


def _read_parts(path: Path, source: str, comments: list[Comment] | None = None,
                marks: list[Marked] | None = None, margins: list[Margin] | None = None,
                data: bytes | None = None,
                ) -> tuple[Body | None, dict[str, str], list[Problem]]:
    """Return the flattened body, the custom properties and the problems met reading them.

    The body is None for a document of a kind without sessions whose parts are still as
    docgen wrote them: its properties say all the log needs (nothing was typed on it).
    Its comments (``word/comments.xml``) are added to ``comments`` when given, and its text
    struck through or hidden to ``marks``, what was typed in its headers, footers and notes
    to ``margins``.
    A properties part that cannot be read is a problem, not a reason to skip the record: the
    record is then identified by its text. Raises :class:`DocgenError` for a file whose body
    cannot be read. ``data``: the file's bytes, already read (else read here, once, when the
    file is small enough to hold: see :func:`~docgen.safezip.held_bytes`).
    """
    notes: list[str] = []
    problems: list[Problem] = []
    if data is None:
        data = held_bytes(path)
    try:
        with open_package(path, notes, data=data) as zf:
            names = set(zf.namelist())
            if ooxml.DOCUMENT_PART not in names:
                raise DocgenError(Problem(
                    "is not a Word document (no word/document.xml): skipped", file=source))
            props = _properties(zf, path, source, problems) if ooxml.CUSTOM_PART in names else {}
            props.update(identity.saved_property(zf, path))  # when it was last saved
            kind = identity.kind_in_properties(props)
            # an agreement, or a contract by a docgen that did not record what it wrote:
            # are its parts still as docgen wrote them?
            if kind is not None and (not kind.has_sessions or schema.PROP_WRITTEN not in props
                                     ) and props.get(schema.PROP_CONTENT) == content_digest(
                    ((i.filename, i.CRC, i.file_size) for i in zf.infolist()),
                    ooxml.CUSTOM_PART):
                if not kind.has_sessions:
                    return None, props, problems  # its parts as docgen wrote them: nothing typed
                props[UNTOUCHED] = "1"  # a contract by an earlier docgen, as it wrote it
            data = read_member(zf, ooxml.DOCUMENT_PART, path)
            root = parse_xml(data, path, ooxml.DOCUMENT_PART, notes)  # recovers LibreOffice damage
            careful = holds_marks(data)
            lines = LINES_IN_RUNS in data  # LibreOffice's lines typed inside a field
            if comments is not None:
                comments.extend(docx_comments(zf, path, root))
            if marks is not None:
                marks.extend(docx_marked(zf, path, root, careful))
            if margins is not None:
                margins.extend(docx_margins(zf, path, props))
    except DocgenError as exc:
        raise DocgenError([
            Problem(p.message, file=source, sheet=p.sheet, row=p.row, column=p.column)
            for p in exc.problems
        ]) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        # a damaged member can fail late, inside the inflater
        raise DocgenError(Problem(f"cannot be read ({exc}): skipped", file=source)) from None
    problems[:0] = [Problem(note, file=source) for note in notes]
    return read_body(root, careful, lines), props, problems


def _properties(zf: zipfile.ZipFile, path: Path, source: str, problems: list[Problem]
                ) -> dict[str, str]:
    """Return the custom properties of a package; {} and a problem if they cannot be read."""
    try:
        custom = parse_xml(read_member(zf, ooxml.CUSTOM_PART, path), path, ooxml.CUSTOM_PART)
    except DocgenError as exc:
        reason = "; ".join(p.message for p in exc.problems)
        problems.append(Problem(
            f"{reason}: its docgen properties are not read, so the team is identified from "
            "the text and the programme's defaults are used", file=source))
        return {}
    return ooxml.read_custom_properties(custom)


def _not_a_record(body: Body, source: str, problems: list[Problem],
                  comments: list[Comment]) -> Record:
    """Return a document without forms, table or properties as the kind its words name.

    That is a kind without sessions (a mentor agreement); else the document is not one docgen
    reads, and its problem says so.
    """
    kind = identity.kind_by_text(body)
    if kind is not None:  # no properties: what docgen wrote is not known, only comments
        return Record(source=source, kind=kind.name, problems=(
            *problems, *agreement_problems(body, {}, comments, source)))
    empty = not any(u.text.strip() for u in body.units)
    what = "is empty" if empty else "holds no Record of Coaching form and no COACHING RECORD table"
    return Record(source=source, kind="", problems=(*problems, Problem(
        f"{what}: not a coaching record, skipped", file=source)))


def read_record(path: Path, root: Path, converted: Path | None = None) -> Record:
    """Read the sessions of one record found under ``root``, never modifying it.

    A .docx (or .docm, .dotx) is read as WordprocessingML, an .odt as OpenDocument; one that
    LibreOffice ``converted`` to .docx (a .doc, an .rtf) is read from that copy, but named
    and dated as the original ``path``. Returns a :class:`Record`. Values that do not parse
    keep their session, with the field empty and a problem saying why. Raises
    :class:`DocgenError` naming the file for a file that cannot be read at all (not a zip,
    encrypted, truncated, a zip bomb, no document part, unsafe XML).
    """
    return _read(path, root, converted)[0]


def _read(path: Path, root: Path, converted: Path | None = None,
          pdf_reason: str = PDF_REASON, data: bytes | None = None) -> tuple[Record, str]:
    """Return :func:`read_record`'s record, and the day of the file's last save (ISO) its
    year-less dates were read against, or "" when the record says when it was made (what
    the reading cache must check besides the bytes). ``data``: the bytes of a .docx at
    ``path``, already read."""
    path = Path(path)
    source = _source(path, root)
    comments: list[Comment] = []
    marks: list[Marked] = []  # text struck through or hidden
    margins: list[Margin] = []  # typed in headers, footers, notes
    if path.suffix.lower() == ".pdf":  # a mentor agreement sent back as a PDF, or named
        from docgen.records.pdf import read_pdf

        return read_pdf(path, source, pdf_reason), ""
    if converted is not None:
        body, props, problems = _read_parts(Path(converted), source, comments, marks, margins)
    elif path.suffix.lower() in ODT_SUFFIXES:
        body, props, problems = read_odt(path, source, comments, marks, margins)
    else:
        body, props, problems = _read_parts(path, source, comments, marks, margins, data)
    kind = identity.kind_in_properties(props)

    asked: list[tuple[dt.date, bool]] = []  # the day year-less dates are read against, once

    def reference() -> tuple[dt.date, bool]:
        if not asked:
            asked.append(programme.reference_day(path, props.get(schema.PROP_GENERATED, ""),
                                                 source, problems))
        return asked[0]

    if body is None or (kind is not None and not kind.has_sessions):
        # a kind without sessions: its properties say all the log needs; what was typed on
        # it is named (by what docgen recorded it wrote), and who signed it is read
        signatures: tuple[Signature, ...] = ()
        if body is not None:
            signatures = with_rows_deleted(
                read_signatures(body, source, problems, reference),
                props.get(schema.PROP_SIGNATORIES, ""), source, problems)
            problems.extend(agreement_problems(body, props, comments, source))
            if marks:
                problems.extend(own_text_problems(body, marks, source, typed_units(
                    body, written.decode(props.get(schema.PROP_WRITTEN, ""))),
                    AGREEMENT_TEXT))
            problems.extend(margin_problems(margins, source, sessions=False))
        return Record(source=source, kind=kind.name if kind else "",
                      team_id=props.get(schema.PROP_KEY, ""), problems=tuple(problems),
                      as_written=body is None, signatures=signatures), _saved_day(asked)

    in_rows: list[tuple[str, str, str, int]] = []  # cells merged or under no header, named
    header_rows: list[list[int]] = []  # the COACHING RECORD table's headings: typing named
    record_tables, rows = table_rows(body, in_rows, header_rows)
    finder = FormFinder(body, record_tables)
    forms = finder.run()
    problems.extend(Problem(message, file=source, sheet=where) for where, message in finder.notes)
    merged: dict[tuple[str, str], tuple[int, int]] = {}  # cells merged across, by place
    for where, column, message, at in in_rows:
        if at >= 0:
            merged[where, column] = len(problems), at
        problems.append(Problem(message, file=source, sheet=where, column=column or None))
    by_props = kind is not None and bool(props.get(schema.PROP_KEY))
    problems.extend(Problem(odd.message, file=source, sheet=f"table {odd.table + 1}",
                            row=odd.row + 1,
                            column=None if odd.cell is None else f"cell {odd.cell + 1}")
                    for odd in body.odd)
    if not forms and not rows:
        if not by_props:
            return _not_a_record(body, source, problems, comments), ""
        problems.append(Problem(_NO_SESSIONS, file=source))
    first_form = next(
        (i for i, u in enumerate(body.units)
         if FORM_HEADING.match(u.text) or u.table in record_tables), len(body.units))
    wrote = written.decode(props.get(schema.PROP_WRITTEN, ""))  # the lines docgen wrote
    labelled = identity.labelled_lines(body, first_form)  # Team, members ...: read once
    if by_props:
        who = identity.from_properties(props)
        team_typed: list[str] = []  # the Team field typed over: named once, as that
        if (typed := identity.team_field_problem(body, first_form, who, source, labelled)
                ) is not None:
            problems.append(typed)
            team_typed = identity.team_field(body, first_form, labelled).split("\n")
        # the contract's own text: what docgen did not write in it is named
        problems.extend(contract_problems(body, wrote, props, record_tables, source,
                                          team_typed))
    else:
        who = identity.from_text(body, first_form, path, source, labelled)
    if who.problem is not None:
        problems.append(who.problem)

    settings = programme.settings_from(props, source, problems, expected=by_props)
    reference_day, after = reference()
    ctx = SessionContext(source, who.team_id, who.team_name, settings, reference_day, after,
                         problems, prefill.decode(props.get(schema.PROP_PREFILLED, "")), merged,
                         identity.people_known(body, first_form, who,
                                               props.get(schema.PROP_SIGNATORIES, ""), labelled))
    sessions = form_sessions(ctx, forms) + row_sessions(ctx, rows)
    if by_props:
        problems.extend(coach_variants(sessions, who.coaches, who.team_id, source))
    # what was typed where no reader looks: comments, text outside the forms and the table
    problems.extend(comment_problems(comments, body, record_tables, source))
    problems.extend(loose_text(body, finder, record_tables, source, wrote))
    problems.extend(header_problems(body, header_rows, written.decode_headers(
        props.get(schema.PROP_WRITTEN, "")), source, (column for _w, column, _m, _a in in_rows)))
    problems.extend(marked_problems(body, finder, record_tables, marks, source))
    if marks:
        problems.extend(own_text_problems(body, marks, source, typed_units(body, wrote),
                                          CONTRACT_TEXT, finder, record_tables))
    problems.extend(margin_problems(margins, source, places=note_places(
        body, finder, record_tables, marks)))
    signatures = read_signatures(body, source, problems, reference)
    if by_props:
        signatures = with_rows_deleted(signatures, props.get(schema.PROP_SIGNATORIES, ""),
                                       source, problems)
    return Record(
        source=source, kind=(kind or identity.SESSIONS_KIND).name, team_id=who.team_id,
        team_name=who.team_name, organisation=who.organisation,
        coaches=who.coaches or parse_names("\n".join(s.coach for s in sessions)),
        identified_by=who.identified_by, settings=settings, sessions=tuple(sessions),
        problems=tuple(problems), members=identity.members_named(forms, who.members),
        signatures=signatures,
        **identity.document(props, path),
    ), _saved_day(asked)


def _saved_day(asked: list[tuple[dt.date, bool]]) -> str:
    """Return the day of the file's last save that year-less dates were read against (ISO),
    or "" when none were, or the record says when it was made."""
    return asked[0][0].isoformat() if asked and not asked[0][1] else ""


@dataclass(frozen=True, slots=True)
class _Item:
    """A file to read: where, under which folder, the .docx LibreOffice converted it to (or
    None), and for the reading cache whether its reading is kept, the key it was hashed to
    (None: hashed here, before it is read) and what else the reading depends on."""

    path: Path
    root: Path
    converted: Path | None = None
    keep: bool = False
    key: Key | None = None
    extra: str = ""
    reason: str = ""  # for a PDF: why it is named when it is not a mentor agreement
    exported: str = ""  # a PDF exported from the record, beside it: compared with it
    deflate: bool = False  # its cache entry deflated: many records are read (see make_entry)


# Each worker's records share their values (see Shared) before they are pickled back: a
# chunk's pickle then holds each value once, and the records unpickled from it share them,
# so the records read are not held in full until this process shares them too.
_SHARED = Shared()
_SHARED_MOST = 20_000  # texts held by a worker before it starts again (a few MiB)


@dataclass(frozen=True, slots=True)
class _Read:
    """A record read in a worker, as it comes back: pickled (see :mod:`docgen.filed`), with
    its head, its name, its file's time and, when the log may be kept, the digest of its
    JSON (what the log's inputs digest counts a record not in the cache by)."""

    data: bytes
    head: Head
    source: str
    modified: dt.datetime | None
    digest: bytes | None


def _read_one(item: _Item) -> tuple[_Read | list[Problem], Entry | None]:
    """Read one record, or return the problems that stopped it (never raise for one file);
    with it, the reading cache's entry for it (None: not to be kept)."""
    path, root = item.path, item.root
    held: list[bytes] = []  # the bytes hashed for the key: read as they are, once
    key = item.key if item.key is not None or not item.keep else reading.file_key(path, held)
    try:
        record, saved_day = _read(path, root, item.converted, item.reason or PDF_REASON,
                                  held[0] if held else None)
        if item.exported:
            record = _saved_then_exported(record, item.converted or path,
                                          path.with_name(item.exported))
    except DocgenError as exc:
        return exc.problems, None
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the whole log
        return [Problem(f"could not be read ({type(exc).__name__}: {exc}): skipped; please "
                        "report this file to the docgen maintainers",
                        file=_source(path, root))], None
    record = _shared(record)
    entry, digest = None, None
    if item.keep:  # the log may be kept: its inputs digest counts the record by its JSON
        try:
            value: str | None = reading.dumps(record)
        except (TypeError, ValueError, RecursionError):
            value = None
        digest = piece_digest(repr(record) if value is None else value)
        if key is not None and value is not None and reading.unchanged_since(path, key):
            entry = reading.make_entry(record.source, key, record, saved_day, item.extra,
                                       item.deflate, value)
        # else changed while it was read: read afresh next time
    return _Read(pickled(record), head_of(record), record.source, record.modified,
                 digest), entry


def _shared(record: Record) -> Record:
    if len(_SHARED) > _SHARED_MOST:
        _SHARED.clear()
    return _SHARED.record(record)


def read_records(folders: list[Path], jobs: int | None = None,
                 progress: Callable[[int], object] | None = None,
                 started: Callable[[int], object] | None = None,
                 cache: RecordCache | None = None,
                 ) -> tuple[FiledRecords, list[Problem]]:
    """Read every record under ``folders``; a file that cannot be read becomes a problem.

    So does every file under them that is not read (a PDF, a .doc without LibreOffice, a file
    that is not a record) and every folder that cannot be opened: nothing is passed over in
    silence. .doc and .rtf files are converted to .docx by one LibreOffice run first. The rest
    of the work always goes on: one broken file never stops the log. Records and problems
    come back in file order, read by ``jobs`` processes (default: the cores).

    With a reading ``cache``, a file whose reading it keeps is not read (nor converted) again;
    what is read is kept in it, and it is closed (its :attr:`~RecordCache.notes` then say
    whether it could be used).
    """
    found, problems = find_files(folders)
    roots = _named_apart([(f.path, f.root) for f in found])
    found = [replace(f, root=root) for f, (_p, root) in zip(found, roots, strict=True)]
    # every record is held until the log is written: in a temporary file, as it came back
    # (see docgen.filed), each read back when summarised
    store = FiledRecords(reading.loads)
    outcome: list[int | list[Problem] | None] = []  # a record: its item in the store
    after: dict[int, Problem] = {}  # by place: a problem said of the record, after it

    def keep(place: int, f: Found, record: Record | None = None, read: _Read | None = None,
             text: str | None = None) -> None:
        """Keep a record read (``read``) or taken from the cache (``record``, kept there as
        ``text``), with what is said of its file on this run alone."""
        digest = None
        if read is not None and (f.lock or f.exported):  # a few: said of as a record
            record, digest = unpickled(read.data), read.digest
        if record is not None:
            if f.lock:  # found with the folder's files on each run: never cached
                record = replace(record, problems=(*record.problems, Problem(
                    open_now(f.path.with_name(f.lock)), file=record.source)))
                text, digest = None, None
            if f.exported and _exported_unsaved(f.path, f.path.with_name(f.exported)):
                after[place] = Problem(exported_unsaved(f.exported), file=record.source)
            item = (store.add(record) if text is None else
                    store.add_json(text, record.modified, head_of(record)))
            source, modified, said = record.source, record.modified, record.problems
        else:
            assert read is not None
            item = store.add_pickled(read.data, read.head)
            source, modified, said = read.source, read.modified, read.head.problems
            digest = read.digest
        if cache is not None:  # what the log's inputs digest counts the record by
            check = cache.checks.get(source)
            if check is not None:
                opened = [p.message for p in said if p.message.startswith(OPEN_NOW)]
                digest = piece_digest(f"kept {check} {modified!r} {opened!r}")
            elif digest is None and record is not None:
                digest = piece_digest(_json_or_repr(record))
            if digest is not None:
                store.set_piece(item, digest)
        outcome[place] = item

    todo: list[tuple[int, Found, Key | None, str]] = []  # (place in outcome, file, key, extra)
    try:
        through_soffice = ""
        if cache is not None and any(f.how is How.CONVERT for f in found):
            through_soffice = reading.converter_key(libreoffice.soffice())
        for f in found:
            if f.how is How.SKIP:
                outcome.append([Problem(f.reason, file=_source(f.path, f.root))])
                continue
            # a PDF's reading depends on whether a record of its name sits beside it
            extra = through_soffice if f.how is How.CONVERT else (
                f.reason if f.how is How.PDF else "")
            if f.exported:  # its reading holds the PDF's comparison: kept while it is alike
                extra = f"{extra}\n{_export_stamp(f.path.with_name(f.exported))}"
            kept, text, key = (None, None, None) if cache is None else cache.kept(
                f.path, _source(f.path, f.root), extra)
            if kept is not None:
                outcome.append(None)
                keep(len(outcome) - 1, f, record=kept, text=text)
                continue
            if cache is not None and key is None and f.how is How.CONVERT:
                key = reading.file_key(f.path)  # the original's bytes, before it is copied
            todo.append((len(outcome), f, key, extra))
            outcome.append(None)  # read below
        with converted([f.path for _i, f, _k, _e in todo if f.how is How.CONVERT]) as made:
            places: list[int] = []
            items: list[_Item] = []
            for place, f, key, extra in todo:
                if f.how is How.CONVERT and f.path not in made.made:
                    outcome[place] = [Problem(made.failed[f.path], file=_source(f.path, f.root))]
                    continue
                places.append(place)
                items.append(_Item(f.path, f.root, made.made.get(f.path), cache is not None,
                                   key, extra, f.reason if f.how is How.PDF else "",
                                   f.exported, len(todo) > MANY_RECORDS))
            if started:
                started(len(items))

            def take(i: int, done: tuple[_Read | list[Problem], Entry | None]) -> None:
                """Keep a record (or the problems that stopped it) as its chunk comes back;
                its entry goes to the cache first, whose check the inputs digest takes."""
                result, entry = done
                if entry is not None and cache is not None:
                    cache.put(entry)
                if isinstance(result, list):
                    outcome[places[i]] = result
                else:
                    keep(places[i], found[places[i]], read=result)

            run_parallel(items, _read_one, jobs, progress, item_ms=READ_MS, take=take)
    finally:
        _SHARED.clear()  # read here, not in workers: not held after the run
        if cache is not None:
            cache.close()
    order: list[int] = []
    for place, result in enumerate(outcome):
        if isinstance(result, list):
            problems.extend(result)
        elif result is not None:
            order.append(result)
            if place in after:
                problems.append(after[place])
    store.arrange(order)
    return store, problems


def _json_or_repr(record: Record) -> str:
    """Return what the inputs digest counts a record not in the cache by: its JSON."""
    try:
        return reading.dumps(record)
    except (TypeError, ValueError, RecursionError):
        return repr(record)


def exported_unsaved(pdf: str) -> str:
    """Say that a PDF was exported from a record still exactly as docgen wrote it."""
    return (f'has a PDF exported from it beside it ("{pdf}"), but is itself still exactly as '
            "docgen wrote it (never saved since): if the coach typed into it and exported the "
            "PDF without saving, what they typed is only in the PDF and not in the log; ask "
            "them for the saved record, or type it in from the PDF and save it")


# A PDF made within this long of its document by `generate --pdf` before docgen marked its own
# PDFs: its --pdf's, not a coach's export (made when the coach had the record, long after).
_MADE_WITH = dt.timedelta(minutes=15)


def _never_saved(record: Path) -> dict[str, str] | None:
    """Return the docgen properties of a record still exactly as docgen wrote it (its
    ``docgen.content`` digest still matches); None for one saved since, or not docgen's."""
    try:
        with open_package(record) as zf:
            if ooxml.CUSTOM_PART not in zf.namelist():
                return None
            props = ooxml.read_custom_properties(parse_xml(
                read_member(zf, ooxml.CUSTOM_PART, record), record, ooxml.CUSTOM_PART))
            written = props.get(schema.PROP_CONTENT)
            if written is None or written != content_digest(
                    ((i.filename, i.CRC, i.file_size) for i in zf.infolist()),
                    ooxml.CUSTOM_PART):
                return None
    except (DocgenError, OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    return props


def _exported_unsaved(record: Path, pdf: Path) -> bool:
    """Tell whether a PDF exported from ``record`` may hold typing never saved into it: the
    record is still exactly as docgen wrote it, and the PDF was not made with it (an earlier
    docgen's ``--pdf``, in the same run). (One saved since is compared with the PDF word by
    word when it is read: see :func:`_saved_then_exported`.)"""
    props = _never_saved(record)
    if props is None:
        return False  # saved since, or not docgen's
    created = pdf_created(pdf)
    try:
        generated = dt.datetime.fromisoformat(props.get(schema.PROP_GENERATED, "")[:19])
    except ValueError:
        return True
    return created is None or not (
        -dt.timedelta(minutes=1) <= created - generated <= _MADE_WITH)


OPEN_NOW = "is open in Word or LibreOffice"  # how open_now's message begins


def open_now(lock: Path) -> str:
    """Say that a record open in Word or LibreOffice was read as last saved."""
    return (f'{OPEN_NOW} (its lock file "{lock.name}" is beside it): it '
            "was read as last saved, so what is typed in it since is not in the log; ask whoever "
            "has it open to save and close it, then run docgen log again (if no one has it "
            "open, delete that lock file)")
