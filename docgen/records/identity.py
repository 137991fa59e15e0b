"""Say whose record a document is: its kind and its team.

docgen writes both into a document's custom properties (``docgen.*``; the programme's numbers
there are read by :mod:`~docgen.records.programme`). A record that lost them (saved by another
program, or typed into the original paper form) is named from its text instead: the kind by
the words of the kinds registry, the team from the lines before the forms ("Team: Ward 7
(T07)", in a paragraph or a table cell and the cell beside it), else from the file name; the
problems say so, so that a manager checks it.

Which *document* a file is, whatever its path, is said too: docgen's document id and cohort
(``docgen.document_id``, ``docgen.cohort``) and when it was last saved (``dcterms:modified`` of
``docProps/core.xml``, else the file's time), so that the log takes copies and versions of one
record once, from the newest.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from docgen import kinds, schema
from docgen.errors import DocgenError, Problem
from docgen.kinds import DocumentKind
from docgen.ooxml.properties import CORE_PART, core_modified
from docgen.ooxml.wordtext import Body
from docgen.records.forms import next_cell, typed_value
from docgen.safezip import read_member
from docgen.values import header_key, parse_names, person_key, team_key

__all__ = [
    "SESSIONS_KIND",
    "SAVED",
    "Identity",
    "document",
    "from_properties",
    "from_text",
    "kind_by_text",
    "kind_in_properties",
    "member_names",
    "members_named",
    "people_known",
    "saved_property",
    "team_field",
    "team_field_problem",
]

_IDENTITY_RE = re.compile(
    r"^\s*(?P<key>team\s*id|team\s+name|team\s+members|team|organi[sz]ation)"
    r"\s*(?::\s*(?P<v>.*)|\s*$)",
    re.IGNORECASE | re.DOTALL,
)
_KIND_LINES = 40  # how far from the top a kind's words are looked for
# The kind a record with sessions but no properties is taken to be.
SESSIONS_KIND = next(k for k in kinds.KINDS if k.has_sessions)


@dataclass(frozen=True)
class Identity:
    """The team a record is of, and how that was found."""

    team_id: str
    team_name: str
    organisation: str = ""
    coaches: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # named before the forms, for when the forms name none
    identified_by: str = "properties"  # or "text": then ``problem`` says how
    problem: Problem | None = None


# --- the kind ----------------------------------------------------------------------------------


def kind_in_properties(props: Mapping[str, str]) -> DocumentKind | None:
    """Return the kind the ``docgen.kind`` property names, or None if it names none."""
    name = props.get(schema.PROP_KIND, "")
    kind = kinds.kind_named(name) if name else None
    # by the name docgen writes there only, not by an --only option that happens to match
    return kind if kind is not None and kind.name == name else None


def kind_by_text(body: Body) -> DocumentKind | None:
    """Return the kind without sessions whose words one line near the top holds, if any."""
    wordy = [k for k in kinds.KINDS if not k.has_sessions]
    for unit in body.units[:_KIND_LINES]:
        for kind in wordy:
            if kind.recognised_in(unit.text):
                return kind
    return None


# --- the team ----------------------------------------------------------------------------------


def from_properties(props: Mapping[str, str]) -> Identity:
    """Return the team named by the ``docgen.*`` properties (``docgen.key`` is set)."""
    team_id = props[schema.PROP_KEY]
    return Identity(
        team_id=team_id,
        team_name=props.get(schema.PROP_TEAM_NAME, "") or team_id,
        organisation=props.get(schema.PROP_ORGANISATION, ""),
        coaches=parse_names(props.get(schema.PROP_COACHES, "")),
    )


def labelled_lines(body: Body, stop: int) -> dict[str, str]:
    """Return team, team ID, organisation and members from the lines before unit ``stop``
    (the first form), by their labels: read once a record, and given to the functions below
    that take ``labelled`` (each would read them again)."""
    found: dict[str, str] = {}
    units = body.units
    for i in range(min(stop, len(units))):
        m = _IDENTITY_RE.match(units[i].text)
        if not m:
            continue
        key = header_key(m["key"])
        value = typed_value(m["v"] or "")
        if not value and (beside := next_cell(body, i)) is not None:
            value = typed_value(units[beside].text)
        if value and key not in found:
            found[key] = value
    return found


def from_text(body: Body, stop: int, path: Path, source: str,
              labelled: Mapping[str, str] | None = None) -> Identity:
    """Return the team named in the lines before unit ``stop`` (the first form).

    Failing those, the file's name names it. The identity's problem says which.
    """
    found = labelled_lines(body, stop) if labelled is None else labelled
    shown = found.get("team_name") or found.get("team", "")
    team_name, team_id = shown, found.get("team_id", "")
    if team_name and not team_id and (title := kinds.parse_contract_title(team_name)):
        team_name, team_id = title
    if team_id or team_name:
        how = f'from the text ("{shown or team_id}")'
    else:
        team_name = path.stem
        how = f'from the file name ("{path.stem}")'
    return Identity(
        team_id=team_id or team_name,
        team_name=team_name,
        organisation=found.get("organisation", ""),
        members=member_names(found.get("team_members", "")),
        identified_by="text",
        problem=Problem(f"has no docgen properties: the team was identified {how}; check it "
                        "is the right team", file=source),
    )


def team_field_problem(body: Body, stop: int, who: Identity, source: str,
                       labelled: Mapping[str, str] | None = None) -> Problem | None:
    """Return a problem when the lines before unit ``stop`` (the first form) name a team
    other than ``who``, the team of the record's properties, else None.

    The properties decide whose record it is (a Team field typed over must not move the
    sessions silently to another team, nor be dropped silently): the typing is named. A
    field naming the team in other words (a customised template's "T04 – Asthma reviews")
    is no problem.
    """
    found = labelled_lines(body, stop) if labelled is None else labelled
    shown = _team_shown(found)
    if not shown:
        return None
    typed_id = found.get("team_id", "")
    typed_name = found.get("team_name") or found.get("team", "")
    if not typed_id and (title := kinds.parse_contract_title(typed_name)):
        typed_name, typed_id = title
    whose = f"{who.team_id}'s" if who.team_name == who.team_id else (
        f'{who.team_id}\'s ("{who.team_name}")')
    if typed_id and team_key(typed_id) != team_key(who.team_id) or not typed_id and not (
            _holds(shown, who.team_id, team_key) or _holds(shown, who.team_name, header_key)):
        return Problem(
            f'the Team field says "{" ".join(shown.split())}", but this record is {whose}, by '
            f"its docgen properties: its sessions are logged as {who.team_id}'s; if they are "
            "another team's, copy them into that team's record (and put the Team field back)",
            file=source, sheet="Team field")
    if typed_id and typed_name and header_key(typed_name) != header_key(who.team_name):
        return Problem(
            f'the Team field says "{" ".join(shown.split())}", but docgen\'s properties name '
            f'team {who.team_id} "{who.team_name}": the log names it so; to rename the team, '
            "change its name on the cohort's Teams sheet", file=source, sheet="Team field")
    return None


def _team_shown(found: Mapping[str, str]) -> str:
    return found.get("team") or found.get("team_name") or found.get("team_id", "")


def team_field(body: Body, stop: int, labelled: Mapping[str, str] | None = None) -> str:
    """Return what the Team field before unit ``stop`` (the first form) holds, "" if none."""
    return _team_shown(labelled_lines(body, stop) if labelled is None else labelled)


def _holds(text: str, part: str, fold: Callable[[str], str]) -> bool:
    """Tell whether ``text`` holds ``part`` as whole words, both folded by ``fold``."""
    words = _WORDS.findall(fold(part))
    have = _WORDS.findall(fold(text))
    return bool(words) and any(have[i:i + len(words)] == words for i in range(len(have)))


_WORDS = re.compile(r"[^\W_]+")


def member_names(text: str) -> tuple[str, ...]:
    """Split a typed list of team members on ";", new lines, commas and "and"."""
    parts = re.split(r"\s*(?:,|&|\band\b|\+)\s*", "\n".join(parse_names(text)))
    return parse_names("\n".join(parts))


def people_known(body: Body, stop: int, who: Identity, signatories: str = "",
                 labelled: Mapping[str, str] | None = None) -> frozenset[str]:
    """Return the people a record names outside its forms, as :func:`~docgen.values.person_key`
    folds them: its coaches and members (``who``), the team members the lines before unit
    ``stop`` (the first form) name, and the document's signatories (``docgen.signatories``:
    "Role: Name; ..."). Names a coach types ahead on a blank form are checked against them."""
    names = [*who.coaches, *who.members,
             *member_names((labelled_lines(body, stop) if labelled is None else labelled
                            ).get("team_members", ""))]
    names += [name for part in signatories.split(";")
              for name in (part.partition(": ")[2].strip(),) if name]
    return frozenset(filter(None, (person_key(n) for n in names)))


def members_named(forms: Iterable[Mapping[str, str]], before: Iterable[str] = ()
                  ) -> tuple[str, ...]:
    """Return the team members the forms name (else ``before``), each person once."""
    field = next((f.name for f in schema.RECORD_FIELDS if f.team == "members"), "")
    members: list[str] = []
    named: dict[str, tuple[str, ...]] = {}  # forms mostly repeat one list of members
    for form in forms:
        typed = form.get(field, "")
        if typed not in named:
            named[typed] = member_names(typed)
        members.extend(named[typed])
    unique: dict[str, str] = {}
    for name in members or before:
        unique.setdefault(person_key(name) or name, name)
    return tuple(unique.values())


# --- the document ------------------------------------------------------------------------------

# When the document was last saved (``dcterms:modified`` of its core properties), kept with its
# custom properties under this name (not one docgen or Word gives a custom property).
SAVED = "dcterms:modified"
_W3CDTF = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?", re.ASCII)
_FIRST_YEAR, _LAST_YEAR = 1980, 2099  # outside these a saved time is a damaged value


def saved_property(zf: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Return ``{SAVED: text}`` from the package's core properties, or {} if it has none.

    A core part that cannot be read is no loss worth a problem: the file's time is used.
    """
    if CORE_PART not in zf.namelist():
        return {}
    try:
        text = core_modified(read_member(zf, CORE_PART, path), path)
    except DocgenError:
        return {}
    return {SAVED: text} if text else {}


def _saved_time(text: str) -> dt.datetime | None:
    """Return a W3CDTF time ("2026-04-03T10:15:00Z") as UTC; None if it is not one."""
    m = _W3CDTF.fullmatch(text.strip())
    if not m:
        return None
    zone = m["zone"] or "Z"
    try:
        when = dt.datetime.fromisoformat(f"{m['day']}T{m['time'] or '00:00'}")
        offset = dt.timedelta(0) if zone == "Z" else (
            (1 if zone[0] == "+" else -1)
            * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:])))
    except ValueError:
        return None
    if not _FIRST_YEAR <= when.year <= _LAST_YEAR:
        return None
    return (when - offset).replace(tzinfo=dt.UTC)


def _file_time(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (OSError, OverflowError, ValueError):
        return None


def document(props: Mapping[str, str], path: Path) -> dict[str, object]:
    """Return which document a file is, as :class:`~docgen.models.Record` fields.

    That is its document id and cohort (from docgen's properties: "" when it has none), when
    it was last saved by the program that saved it (None if it does not say) and when the
    file was last modified.
    """
    return {
        "document_id": props.get(schema.PROP_DOCUMENT_ID, "").strip(),
        "cohort": props.get(schema.PROP_COHORT, "").strip(),
        "saved": _saved_time(props.get(SAVED, "")),
        "modified": _file_time(path),
    }
