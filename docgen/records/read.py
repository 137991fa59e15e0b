"""Read one edited coaching record (.docx) back into sessions: content controls, then labels.

A record is read from ``word/document.xml`` parsed once by lxml (python-docx's object model is
several times slower and does not see text inside content controls). :mod:`docgen.ooxml.wordtext`
flattens the body into *units* — a body paragraph, or a table cell with all its paragraphs —
and each unit knows the docgen fields (``record.*`` content controls, by tag, else by alias)
it holds and where; :mod:`docgen.records.forms` finds the forms and the table rows in them; this
module turns what was typed into sessions and names the record's team. So a generated
record, one a coach copied forms in, one whose controls lost their tags in LibreOffice, and
one typed into the original paper form all read alike.

Rules for what a session counts (a manager's reading of the forms):

- Hours come from the start and finish times.
- A cancelled or rescheduled contact counts 0 hours (the session did not take place then).
- An e-mail contact counts hours only if times were given; otherwise 0 hours: an exchange of
  e-mails is a contact, not an hour of coaching.
- Any other session without usable times (a table row only, or a form whose times are blank or
  unreadable) is assumed to have lasted the programme's session duration, and says so
  (``hours_assumed``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from docgen import ooxml, schema
from docgen.errors import DocgenError, Problem
from docgen.models import Record, RecordedSession, RecordSettings
from docgen.ooxml.wordtext import MARK_IN_XML, Body, read_body
from docgen.parallel import run_parallel
from docgen.records.forms import FORM_HEADING, FormFinder, table_rows, typed_value
from docgen.safezip import open_package, parse_xml, read_member
from docgen.values import (
    header_key,
    hours_between,
    parse_date,
    parse_names,
    parse_time,
    person_key,
)

__all__ = ["find_records", "read_record", "read_records"]

LABELS = {f.name: f.label for f in schema.RECORD_FIELDS}
_COLUMNS = {name: label.rstrip(": ") for name, label in LABELS.items()}  # names in problems
_SUBSTANCE = ("date", "start_time", "finish_time", "topic", "issues", "action")
_IDENTITY_RE = re.compile(
    r"^\s*(?P<key>team\s*id|team\s+name|team\s+members|team|organi[sz]ation)"
    r"\s*(?::\s*(?P<v>.*)|\s*$)",
    re.IGNORECASE | re.DOTALL,
)
_NAME_AND_ID = re.compile(r"(?P<name>.*\S)\s*\((?P<id>[^()\s]{1,24})\)\s*")

_EMAIL = re.compile(r"\be-?\s?mail(?:ed|s)?\b", re.IGNORECASE)
_NOT_DATE_WORDS = re.compile(r"[()\[\]]|\b(?:via|by|sent|contact|coaching|session)\b", re.I)
_DATE_IN_TEXT = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?(?:,?\s+\d{4}|\s+\d{2}\b)?"
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?",
    re.IGNORECASE,
)
_TIME_IN_TEXT = re.compile(
    r"\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m\b\.?|\d{1,2}[:.]\d{2}|\b\d{4}\b|\bnoon\b|\bmidday\b",
    re.IGNORECASE,
)
_NOT_YET = re.compile(r"\W*(?:tbc|tba|tbd|to be (?:confirmed|arranged|agreed)|n/?a|none|"
                      r"not (?:yet )?(?:known|set|agreed|arranged))\W*", re.IGNORECASE)
_CANCELLED = re.compile(r"cancel", re.IGNORECASE)
_TOPIC_CANCELLED = re.compile(r"\W*cancel", re.IGNORECASE)
_TOPIC_RESCHEDULED = re.compile(r"\W*re-?schedul", re.IGNORECASE)
_RESCHEDULED = re.compile(r"re-?schedul|re-?arrang|postpon|moved\s+to", re.IGNORECASE)


# --- finding the files -----------------------------------------------------------------------


def _is_record_name(name: str) -> bool:
    """Tell whether a file name is a Word document to read, not an owner, lock or fork file."""
    return (
        name.lower().endswith(".docx")
        and not name.startswith(("~$", ".~lock.", "._"))
    )


def find_records(folders: list[Path]) -> list[tuple[Path, Path]]:
    """Return every .docx under ``folders`` (recursively) as ``(path, root)``, sorted.

    Skips Word owner files (``~$x.docx``), LibreOffice lock files (``.~lock.x.docx#``) and
    macOS ``._`` fork files. Symbolic links are never followed out of a folder: a linked
    folder is not entered, and a linked file counts only if it resolves inside the folder
    that holds it. A folder given as a .docx file reads that one file. Each file is listed
    once, even when folders overlap.
    """
    out: list[tuple[Path, Path]] = []
    seen: set[Path] = set()

    def add(path: Path, root: Path, inside: Path, real: Path | None = None) -> None:
        if real is None:  # a link, or a file given by name: resolve it
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return
            if not real.is_relative_to(inside) or not real.is_file():
                return
        if real not in seen:
            seen.add(real)
            out.append((path, root))

    def walk(folder: Path, real_folder: Path, root: Path, inside: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        subfolders = []
        for entry in entries:  # a folder's files first, then its subfolders, by name
            if entry.is_symlink():  # followed only to a file inside: never into a folder
                if _is_record_name(entry.name):
                    add(Path(entry.path), root, inside)
            elif entry.is_dir():
                subfolders.append(entry)
            elif _is_record_name(entry.name) and entry.is_file():
                # a plain file under a folder that is not a link: its real path is known
                # without asking the system for each file (a thousand records: ~30 ms)
                add(Path(entry.path), root, inside, real_folder / entry.name)
        for entry in subfolders:
            walk(Path(entry.path), real_folder / entry.name, root, inside)

    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            if _is_record_name(folder.name):
                add(folder, folder.parent, folder.parent.resolve())
            continue
        if not folder.is_dir():
            continue
        inside = folder.resolve()
        walk(folder, inside, folder, inside)
    return sorted(out, key=lambda pr: (str(pr[1]), pr[0].relative_to(pr[1]).as_posix()))


# --- values ----------------------------------------------------------------------------------


def _date(text: str, reference: dt.date, after: bool) -> tuple[dt.date | None, str]:
    """Return the date in typed text (day first), and an error message if there is none.

    A date typed without a year ("3rd April") takes the year of ``reference``; when
    ``after`` (the reference is the day the record was generated, so sessions follow it)
    a date more than two months before it is taken to be in the next year.
    """
    if not text or _NOT_YET.fullmatch(text):
        return None, ""
    error = ""
    bare = ""
    candidates = [text]
    for candidate in candidates:
        try:
            found = parse_date(candidate, default_year=reference.year)
        except ValueError as exc:
            if not error:
                error = str(exc)
                bare = " ".join(_NOT_DATE_WORDS.sub(" ", _EMAIL.sub(" ", text)).split())
                bare = bare.strip(" ,;:-–")
                candidates += [bare, *(m.group() for m in _DATE_IN_TEXT.finditer(text))]
            continue
        if after and found < reference - dt.timedelta(days=60):
            later = parse_date(candidate, default_year=reference.year + 1)
            if later != found:  # no year was typed
                found = later
        return found, ""
    if not bare:
        return None, ""  # only "email": a contact without a date, reported as undated
    return None, error


def _times(text: str) -> list[dt.time]:
    """Return the times typed in ``text``: one, or two for a range such as "2pm-3pm"."""
    if not text:
        return []
    try:
        return [parse_time(text)]
    except ValueError:
        pass
    found: list[dt.time] = []
    for m in _TIME_IN_TEXT.finditer(text):
        try:
            found.append(parse_time(m.group()))
        except ValueError:
            continue
    return found[:2]


def _status(comments: str, topic: str) -> str:
    """Return "cancelled", "rescheduled" or "held" from the comments or a topic's first word.

    A topic counts only when it starts with the word ("Cancelled – staff sick"): a topic such
    as "Moved to the new ward" is what was discussed, not what became of the session.
    """
    if _CANCELLED.search(comments) or _TOPIC_CANCELLED.match(topic):
        return "cancelled"
    if _RESCHEDULED.search(comments) or _TOPIC_RESCHEDULED.match(topic):
        return "rescheduled"
    return "held"


def _member_names(text: str) -> tuple[str, ...]:
    """Split a typed list of team members on ";", new lines, commas and "and"."""
    parts = re.split(r"\s*(?:,|&|\band\b|\+)\s*", "\n".join(parse_names(text)))
    return parse_names("\n".join(parts))


@dataclass
class _Context:
    source: str
    team_id: str
    team_name: str
    settings: RecordSettings
    reference: dt.date  # for dates typed without a year
    after: bool  # True when sessions follow the reference (the day of generation)
    problems: list[Problem]

    def problem(self, message: str, where: str, column: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.source, sheet=where, column=column))


def _session(ctx: _Context, where: str, origin: str, coach: str, date_text: str,
             start_text: str = "", finish_text: str = "", topic: str = "", issues: str = "",
             action: str = "", next_text: str = "", comments: str = "") -> RecordedSession:
    """Build one session from the texts of a form or a table row, noting what did not parse."""
    date_label = _COLUMNS["date"] if origin == "form" else schema.COACHING_RECORD_HEADER[1]
    date, error = _date(date_text, ctx.reference, ctx.after)
    if error:
        ctx.problem(f"{error}: the session is listed without a date", where, date_label)
    elif date is None:
        ctx.problem("has no date: the session is listed without one", where, date_label)
    start_times, finish_times = _times(start_text), _times(finish_text)
    if start_text and not start_times:
        ctx.problem(f'"{start_text}" is not a time (e.g. 14:00 or 2pm)', where,
                    _COLUMNS["start_time"])
    if finish_text and not finish_times:
        ctx.problem(f'"{finish_text}" is not a time (e.g. 15:00 or 3pm)', where,
                    _COLUMNS["finish_time"])
    start = start_times[0] if start_times else None
    finish = finish_times[0] if finish_times else None
    if finish is None and len(start_times) == 2:
        finish = start_times[1]  # "14:00-15:00" typed in the start box
    next_meeting, next_error = _date(next_text, ctx.reference, ctx.after)
    if next_error:
        ctx.problem(next_error, where, _COLUMNS["next_meeting"])
    email = any(_EMAIL.search(t) for t in (date_text, start_text, finish_text, comments))
    status = _status(comments, topic)
    hours: float | None = None
    assumed = False
    if status != "held":
        hours = 0.0
    elif start is not None and finish is not None:
        try:
            hours = hours_between(start, finish)
        except ValueError as exc:
            ctx.problem(f"{exc}: the session length is assumed", where, _COLUMNS["finish_time"])
    if hours is None:
        if email:
            hours = 0.0
        else:
            hours, assumed = ctx.settings.session_hours, True
    return RecordedSession(
        source=ctx.source, team_id=ctx.team_id, team_name=ctx.team_name, coach=coach,
        date=date, start=start, finish=finish, hours=hours, hours_assumed=assumed,
        mode="Email" if email else "", status=status, topic=topic, issues=issues,
        action=action, next_meeting=next_meeting, comments=comments, origin=origin,
        where=where,
    )


# --- identity --------------------------------------------------------------------------------


def _number(props: dict[str, str], key: str, default: float) -> float:
    try:
        value = float(props.get(key, "").replace(",", "."))
    except ValueError:
        return default
    return value if value >= 0 else default


def _settings(props: dict[str, str]) -> RecordSettings:
    base = RecordSettings()
    paid = props.get(schema.PROP_COACHING_PAID, "").strip().casefold()
    return RecordSettings(
        minimum_hours=_number(props, schema.PROP_MINIMUM_HOURS, base.minimum_hours),
        review_after=int(_number(props, schema.PROP_REVIEW_AFTER, base.review_after)) or 1,
        session_hours=_number(props, schema.PROP_SESSION_HOURS, base.session_hours) or 1.0,
        coaching_paid=paid not in ("no", "n", "false", "0"),
    )


def _identity_from_text(body: Body, stop: int) -> dict[str, str]:
    """Return team, team ID, organisation and members from the lines before the forms."""
    found: dict[str, str] = {}
    units = body.units
    for i in range(min(stop, len(units))):
        m = _IDENTITY_RE.match(units[i].text)
        if not m:
            continue
        key = header_key(m["key"])
        value = typed_value(m["v"] or "")
        unit = units[i]
        if not value and unit.table >= 0:
            row = body.tables[unit.table][unit.row]
            at = row.index(i)
            value = typed_value(units[row[at + 1]].text) if at + 1 < len(row) else ""
        if value and key not in found:
            found[key] = value
    return found


def _reference_day(path: Path, generated: str) -> tuple[dt.date, bool]:
    """Return the day year-less dates are read against, and whether sessions follow it.

    That is the day docgen generated the record when known, else the day the file was last
    saved (sessions then come before it).
    """
    try:
        return dt.date.fromisoformat(generated[:10]), True
    except ValueError:
        pass
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime), False
    except (OSError, ValueError, OverflowError):
        return dt.date.today(), False


def _read_parts(path: Path, source: str) -> tuple[etree._Element, dict[str, str], bool]:
    """Return the parsed body, the custom properties, and whether the body may hold marks."""
    try:
        with open_package(path) as zf:
            names = set(zf.namelist())
            if ooxml.DOCUMENT_PART not in names:
                raise DocgenError(Problem(
                    "is not a Word document (no word/document.xml): skipped", file=source))
            props: dict[str, str] = {}
            if ooxml.CUSTOM_PART in names:
                custom = parse_xml(read_member(zf, ooxml.CUSTOM_PART, path), path,
                                   ooxml.CUSTOM_PART)
                props = ooxml.read_custom_properties(custom)
            if props.get(schema.PROP_KIND) == schema.KIND_AGREEMENT:
                return etree.Element("none"), props, False
            data = read_member(zf, ooxml.DOCUMENT_PART, path)
            root = parse_xml(data, path, ooxml.DOCUMENT_PART)
            careful = (b"\xee\x84" in data or b"&#" in data) and bool(  # "in" is 20x faster
                MARK_IN_XML.search(data))
    except DocgenError as exc:
        raise DocgenError([
            Problem(p.message, file=source, sheet=p.sheet, row=p.row, column=p.column)
            for p in exc.problems
        ]) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        # a damaged member can fail late, inside the inflater
        raise DocgenError(Problem(f"cannot be read ({exc}): skipped", file=source)) from None
    return root, props, careful


def read_record(path: Path, root: Path) -> Record:
    """Read the sessions of one record (.docx) found under ``root``, never modifying it.

    Returns a :class:`Record`. Values that do
    not parse keep their session, with the field empty and a problem saying why. Raises
    :class:`DocgenError` naming the file for a file that cannot be read at all (not a zip,
    encrypted, truncated, a zip bomb, no document part, unsafe XML).
    """
    path = Path(path)
    try:
        source = path.relative_to(root).as_posix()
    except ValueError:
        source = path.name
    if source == ".":
        source = path.name
    xml, props, careful = _read_parts(path, source)
    kind = props.get(schema.PROP_KIND, "")
    if kind == schema.KIND_AGREEMENT:
        return Record(source=source, kind=kind, team_id=props.get(schema.PROP_KEY, ""))

    body = read_body(xml, careful)
    record_tables, rows = table_rows(body)
    forms = FormFinder(body, record_tables).run()

    by_props = kind == schema.KIND_CONTRACT and bool(props.get(schema.PROP_KEY))
    problems: list[Problem] = []
    text_id: dict[str, str] = {}
    if not by_props:
        first_form = next(
            (i for i, u in enumerate(body.units)
             if FORM_HEADING.match(u.text) or u.table in record_tables), len(body.units))
        text_id = _identity_from_text(body, first_form)
    if not forms and not rows:
        if by_props:
            problems.append(Problem(
                "has no Record of Coaching form and no COACHING RECORD table: no sessions "
                "read (were they deleted?)", file=source))
        else:
            agreement = any("mentor" in u.text.lower() and "practitioner" in u.text.lower()
                            for u in body.units[:40])
            if agreement:
                return Record(source=source, kind=schema.KIND_AGREEMENT)
            empty = not any(u.text.strip() for u in body.units)
            what = "is empty" if empty else (
                "holds no Record of Coaching form and no COACHING RECORD table")
            return Record(source=source, kind="", problems=(Problem(
                f"{what}: not a coaching record, skipped", file=source),))

    if by_props:
        team_id = props[schema.PROP_KEY]
        team_name = props.get(schema.PROP_TEAM_NAME, "") or team_id
        organisation = props.get(schema.PROP_ORGANISATION, "")
        coaches = parse_names(props.get(schema.PROP_COACHES, ""))
        identified_by = "properties"
    else:
        team_name = text_id.get("team_name") or text_id.get("team", "")
        team_id = text_id.get("team_id", "")
        if team_name and not team_id and (m := _NAME_AND_ID.fullmatch(team_name)):
            team_name, team_id = m["name"], m["id"]
        if team_id or team_name:
            shown = text_id.get("team_name") or text_id.get("team") or team_id
            how = f'from the text ("{shown}")'
        else:
            team_name = path.stem
            how = f'from the file name ("{path.stem}")'
        team_id = team_id or team_name
        organisation = text_id.get("organisation", "")
        coaches = ()
        identified_by = "text"
        problems.append(Problem(
            f"has no docgen properties: the team was identified {how}; check it is the "
            "right team", file=source))

    settings = _settings(props)
    reference, after = _reference_day(path, props.get(schema.PROP_GENERATED, ""))
    ctx = _Context(source, team_id, team_name, settings, reference, after, problems)

    sessions: list[RecordedSession] = []
    members: list[str] = []
    named: dict[str, tuple[str, ...]] = {}  # forms mostly repeat one list of members
    for n, form in enumerate(forms, start=1):
        typed = form.get("team_members", "")
        if typed not in named:
            named[typed] = _member_names(typed)
        members.extend(named[typed])
        if not any(form.get(name) for name in _SUBSTANCE):
            continue  # a blank form, maybe with the coach's and team's names typed ahead
        sessions.append(_session(
            ctx, f"Record of Coaching form {n}", "form", form.get("coach", ""),
            form.get("date", ""), form.get("start_time", ""), form.get("finish_time", ""),
            form.get("topic", ""), form.get("issues", ""), form.get("action", ""),
            form.get("next_meeting", ""),
        ))
    for number, (coach, when, topic, comments) in rows:
        sessions.append(_session(
            ctx, f"COACHING RECORD row {number}", "table", coach, when, topic=topic,
            comments=comments,
        ))
    if not members:
        members.extend(_member_names(text_id.get("team_members", "")))
    if not coaches:
        coaches = parse_names("\n".join(s.coach for s in sessions))
    unique: dict[str, str] = {}
    for name in members:
        unique.setdefault(person_key(name) or name, name)
    return Record(
        source=source, kind=schema.KIND_CONTRACT, team_id=team_id, team_name=team_name,
        organisation=organisation, coaches=coaches, identified_by=identified_by,
        settings=settings, sessions=tuple(sessions), problems=tuple(problems),
        members=tuple(unique.values()),
    )




def _read_one(item: tuple[Path, Path]) -> Record | list[Problem]:
    """Read one record, or return the problems that stopped it (never raise for one file)."""
    path, root = item
    try:
        return read_record(path, root)
    except DocgenError as exc:
        return exc.problems
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the whole log
        try:
            source = path.relative_to(root).as_posix()
        except ValueError:
            source = path.name
        return [Problem(f"could not be read ({type(exc).__name__}: {exc}): skipped; please "
                        "report this file to the docgen maintainers", file=source)]


def read_records(folders: list[Path], jobs: int | None = None,
                 progress: Callable[[int], object] | None = None,
                 started: Callable[[int], object] | None = None,
                 ) -> tuple[list[Record], list[Problem]]:
    """Read every record under ``folders``; a file that cannot be read becomes a problem.

    The rest of the work always goes on: one broken file never stops the log. Records come
    back in file order, read by ``jobs`` processes (default: the cores).
    """
    items = find_records(folders)
    if started:
        started(len(items))
    results = run_parallel(items, _read_one, jobs, progress)
    records: list[Record] = []
    problems: list[Problem] = []
    for result in results:
        if isinstance(result, list):
            problems.extend(result)
        else:
            records.append(result)
    return records, problems
