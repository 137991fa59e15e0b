"""Find the Record of Coaching forms and the COACHING RECORD rows in a flattened record.

Works on the units :mod:`docgen.ooxml.wordtext` makes, the same way for every document: a "Record
of Coaching" heading or a "Coach/s:" label opens a form. Inside it the cell is the field: a
field's value is all the text of its cell (or paragraph) after its label, up to the next label,
wherever the typing landed: in its content control, before or after it, or with the control
gone (an empty label's value is in the next cell to the right, else the cell below, else the
paragraphs after it). Placeholders, now and former, are stripped wherever they sit, so an
example in a prompt is never data; labels are found without their colon where they fit.
What a coach must check is named in ``FormFinder.notes``: a form repeating another exactly
(counted once), a field written twice, a second session in one cell, changes tracked and not
accepted. The COACHING RECORD table is the table whose first row is the original form's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from docgen import schema
from docgen.ooxml.wordtext import Body, Control, Unit
from docgen.values import clean_text, header_key

__all__ = ["FORM_HEADING", "FormFinder", "line_as_written", "next_cell", "strip_prompts",
           "table_rows", "typed_value"]

_PLACEHOLDERS_OF_WORD = ("Click or tap here to enter text.", "Click here to enter text.",
                         "Click or tap to enter a date.")
FORM_HEADING = re.compile(r"\s*record\s+of\s+coaching\b", re.IGNORECASE)
_TABLE_HEADING = re.compile(r"\s*coaching\s+record\s*:?\s*", re.IGNORECASE)
_HEADER_KEYS = tuple(header_key(h) for h in schema.COACHING_RECORD_HEADER)
_NAMES_ONLY = frozenset({"coach", "team_members"})  # typed ahead in a blank form
# What the rest of a line must begin with for a label typed without its colon to be one, by
# kind: "Date 10/02/2026" is a label, "date to be agreed" and "Date 5 was missed" are not.
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DAYS = r"mon|tue|wed|thu|fri|sat|sun"
_LEAD = r"[^\S\n]*[-–.=]?[^\S\n]*"
_FITS: dict[schema.Kind, re.Pattern[str]] = {
    schema.Kind.DATE: re.compile(
        _LEAD + r"(?:\d{1,4}\s*[/.-]\s*\d{1,2}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})|(?:{_MONTHS}|{_DAYS})[a-z]*\b"
        r"|today\b|yesterday\b|tb[ac]\b)", re.IGNORECASE),
    schema.Kind.TIME: re.compile(
        _LEAD + r"(?:\d{1,2}(?:[:.]\d{2}|\s*[ap]\.?m\b)|noon\b|midday\b)", re.IGNORECASE),
    schema.Kind.MODE: re.compile(
        _LEAD + r"(?:by\s+|via\s+|on\s+)?(?:"
        + "|".join(re.escape(w) for w in sorted(schema.MODE_WORDS, key=len, reverse=True))
        + r")\b", re.IGNORECASE),
}


@dataclass(frozen=True)
class _Fields:
    """What reading a form takes from ``schema.RECORD_FIELDS``, made once per tuple."""

    source: tuple[schema.FormField, ...]
    label_re: re.Pattern[str]  # every label, each in a group named by its field
    line_label_re: re.Pattern[str]  # a label beginning a line: the only place one lacks ":"
    # Labels that begin a line (group "name__s") or end with ":" (group "name__c"): the only
    # ones a unit without controls may hold, save a colon-less one after another on its line.
    quick_re: re.Pattern[str]
    mid_line: frozenset[str]  # fields whose label may follow other text on a line
    fits: dict[str, re.Pattern[str]]  # by field: what follows a colon-less label on its line
    prompts: re.Pattern[str]  # every placeholder, now and former, and its example, anywhere
    whole_prompts: frozenset[str]  # placeholders without words: prompts only as a whole value
    prompt_hint: re.Pattern[str]  # the first word of each: the cheap test first
    # The labels of a unit, by its text, whether it is a table cell and its controls (field,
    # start, end): the same boilerplate comes in every record, so most units are found here.
    known: dict[tuple[object, ...], list[_Label]]
    # Texts without their prompts, and typed values, by text: the same cells, prompts and
    # headers recur in every record of a template (functions of the text alone).
    unprompted: dict[str, tuple[str, int]]
    typed: dict[str, str]


def _prompt_pieces(texts: list[str]) -> set[str]:
    """Return a pattern finding each prompt wherever it sits in typed text.

    Spacing and case may differ. A prompt's example ("e.g. 03/04/2026") is found on its own
    too: left behind when the words before it were deleted, it must not become data.
    """
    pieces: set[str] = set()
    for text in texts:
        words = text.split()
        for start in {0, *(n for n, w in enumerate(words) if w.casefold() in ("e.g.", "eg"))}:
            if words[start:]:
                pieces.add(" ".join(words[start:]))
    return pieces


def _prompt_pattern(pieces: set[str]) -> re.Pattern[str]:
    # No word boundaries: typing lands against the prompt ("e.g. 14:0014:30" in LibreOffice)
    alternatives = (r"\s+".join(re.escape(w) for w in piece.split())
                    for piece in sorted(pieces, key=len, reverse=True))
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _build(fields: tuple[schema.FormField, ...]) -> _Fields:
    alternatives = "|".join(f"(?P<{f.name}>{f.pattern})" for f in fields)
    placeholders = [*schema.PLACEHOLDERS.values(), *(f.placeholder for f in fields),
                    *schema.FORMER_PLACEHOLDERS, *_PLACEHOLDERS_OF_WORD]
    # A prompt of no letters or digits ("__", the agreement's weeks) is a prompt only as the
    # whole of a value: anywhere, it would eat what a coach types ("a___b", "__init__").
    prompts = _prompt_pieces([t for t in placeholders if _WORDY.search(t)])
    return _Fields(
        source=fields,
        label_re=re.compile(r"(?<![^\s])(?:" + alternatives + ")", re.IGNORECASE),
        quick_re=re.compile(
            r"(?:^|(?<=[\n\t]))[^\S\n]*(?:"
            + "|".join(f"(?P<{f.name}__s>{f.pattern})" for f in fields)
            + r")|(?<![^\s])(?:" + "|".join(f"(?P<{f.name}__c>{f.pattern})" for f in fields)
            + r")(?<=:)", re.IGNORECASE),
        line_label_re=re.compile(r"(?:^|(?<=[\n\t]))[^\S\n]*(?:" + alternatives + ")",
                                 re.IGNORECASE),
        mid_line=frozenset(f.name for f in fields if f.mid_line),
        fits={f.name: _FITS[f.kind] for f in fields if f.kind in _FITS},
        prompts=_prompt_pattern(prompts),
        whole_prompts=frozenset(t.strip() for t in placeholders
                                if t.strip() and not _WORDY.search(t)),
        prompt_hint=re.compile("|".join(sorted({re.escape(p.split()[0]) for p in prompts})),
                               re.IGNORECASE),
        known={},
        unprompted={},
        typed={},
    )


_made: list[_Fields] = []


def _fields() -> _Fields:
    """Return the tables for the current ``schema.RECORD_FIELDS`` (rebuilt if it was replaced)."""
    fields = schema.RECORD_FIELDS
    if not _made or _made[0].source is not fields:  # by identity: cheap for every value read
        _made[:] = [_build(fields)]
    return _made[0]


_SPACES = re.compile(r"[^\S\n]{2,}")
_WORDY = re.compile(r"\w(?<!_)")


def strip_prompts(text: str) -> str:
    """Return ``text`` without the placeholders (docgen's, former ones, Word's) typed around.

    A coach in LibreOffice may type before, inside or after a prompt it shows as plain text:
    the prompt goes wherever it sits, so its example can never be read as a date or time.
    """
    return _without_prompts(text)[0]


def _without_prompts(text: str) -> tuple[str, int]:
    """Return ``text`` without its prompts, and how many there were (kept by text)."""
    fields = _fields()
    known = fields.unprompted.get(text)
    if known is None:
        known = _prompts_out(text, fields)
        if len(text) <= _KEPT_CHARS:
            if len(fields.unprompted) >= _KNOWN:
                fields.unprompted.clear()
            fields.unprompted[text] = known
    return known


def _prompts_out(text: str, fields: _Fields) -> tuple[str, int]:
    if text.strip() in fields.whole_prompts:
        return "", 1
    if fields.prompt_hint.search(text) is None:
        return text, 0
    stripped, n = fields.prompts.subn(" ", text)
    return (_SPACES.sub(" ", stripped), n) if n else (text, 0)


def line_as_written(line: str) -> str:
    """Return one line of a document without docgen's prompts, as docgen wrote it when the
    field held no value: a prompt of no words ("__") too, where it stands alone."""
    stripped = strip_prompts(line) if line.strip() else line
    whole = _fields().whole_prompts
    if whole and any(w in stripped for w in whole):
        stripped = " ".join(w for w in stripped.split() if w not in whole)
    return stripped


def typed_value(text: str) -> str:
    """Return typed text cleaned, without placeholders; "" when nothing but them was typed.

    Kept by text: a template's headers and cells recur in every record made from it.
    """
    if not text or text.isspace():
        return ""
    typed = _fields().typed
    value = typed.get(text)
    if value is None:
        value = _cleaned(_without_prompts(text)[0])
        if len(text) <= _KEPT_CHARS:
            if len(typed) >= _KNOWN:
                typed.clear()
            typed[text] = value
    return value


# Characters that show nothing: LibreOffice fills each cell of a row added with Track Changes
# on with a zero-width joiner, which must not make an empty row a session.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


def _cleaned(text: str) -> str:
    if not text or text.isspace():
        return ""
    return clean_text(text.replace("\t", " ")).strip(" :-–" + _INVISIBLE)


@dataclass(frozen=True, slots=True)  # kept across records (``_Fields.known``): never changed
class _Label:
    name: str
    start: int
    end: int
    colon: bool  # typed with its colon; one without never opens a form


def _line_label(text: str, fields: _Fields) -> bool:
    """Tell whether a line of ``text`` begins with a label (one without ":" must)."""
    match = fields.line_label_re.match
    if match(text):
        return True
    for sep in "\n\t":
        i = text.find(sep)
        while i >= 0:
            if match(text, i + 1):
                return True
            i = text.find(sep, i + 1)
    return False


def _candidates(text: str, controls: list[Control], fields: _Fields
                ) -> list[tuple[str, int, int, str]]:
    """Return what may be labels in ``text`` as (field, start, end, text).

    The quick pattern finds those that begin a line or end with ":"; the full one, slower on
    long text, also those a control proves or that follow another label on their line.
    """
    if not controls:
        found = []
        for m in fields.quick_re.finditer(text):
            group = m.lastgroup or ""
            name = group[:-3]
            if name in fields.mid_line:
                break  # "Start 10:00 Finish 11:00": the full pattern finds both
            found.append((name, m.start(group), m.end(group), m[group]))
        else:
            return found
    return [(m.lastgroup or "", m.start(), m.end(), m.group())
            for m in fields.label_re.finditer(text)]


def _labels(unit: Unit, fields: _Fields) -> list[_Label]:
    """Return the labels in a unit's text.

    A label with its colon begins a line, or follows another label on its line when its field
    is ``mid_line`` ("Start: 2pm Finish: 3pm"), so "agree a date: soon" is not a label. One
    without its colon ("Date 10/02/2026", "START TIME 14:00") begins a line and either begins
    its table cell (or its paragraph, if more than one bare word: "Coach/s Sam"), stands alone
    on its line, or is followed by a value that fits its field ("date to be agreed" is no
    label; "Start 10:00 Finish 11:00" are two). Anywhere before a control of its own field, a
    label is one: the control proves it. Words of a placeholder are never labels.
    """
    controls = unit.controls
    # with the controls' fields and bounds: a form's cells come alike in every record
    key = (unit.text, unit.table >= 0, *[(c.name, c.start, c.end) for c in controls]
           ) if controls else (unit.text, unit.table >= 0)
    labels = fields.known.get(key)
    if labels is None:
        if len(fields.known) >= _KNOWN:
            fields.known.clear()
        labels = fields.known[key] = _find_labels(unit, fields)
    return labels


_KNOWN = 4096  # texts whose labels (typed values, texts without prompts) are kept
_KEPT_CHARS = 2000  # a longer text is rarely seen twice: not kept, so memory stays small


def _find_labels(unit: Unit, fields: _Fields) -> list[_Label]:
    text = unit.text
    if ":" not in text and not _line_label(text, fields):
        return []  # the cheap test first: most paragraphs of a contract hold no label
    controls = unit.controls
    prompts: list[tuple[int, int]] | None = None  # found when first needed
    first = len(text) - len(text.lstrip())
    found: list[_Label] = []
    last_line = -1  # where the line of the last label found starts
    for name, start, end, label in _candidates(text, controls, fields):
        line_start = max(text.rfind("\n", 0, start), text.rfind("\t", 0, start)) + 1
        at_line_start = line_start == start or not text[line_start:start].strip()
        colon = text[end - 1] == ":"
        proven = bool(controls) and any(c.name == name and c.start > start for c in controls) \
            and not any(f.name == name for f in found)
        if not (proven or at_line_start or (
                name in fields.mid_line and (colon or last_line == line_start))):
            continue
        inside = [c for c in controls if c.start <= start < c.end] if controls else ()
        if inside:
            if not colon and any(c.name != name for c in inside):
                continue  # a word typed in another field's control is that field's text
            if prompts is None:  # inside a control: is it a word of its prompt?
                prompts = [p.span() for p in fields.prompts.finditer(text)]
            if any(a <= start < b for a, b in prompts):
                continue
        if not (proven or (colon and at_line_start)):
            stop = text.find("\n", end)
            rest = text[end:] if stop < 0 else text[end:stop]
            fit = fields.fits.get(name)
            ok = fit is not None and fit.match(rest) is not None
            if at_line_start and not colon:  # alone, or first in its cell; in a paragraph
                # only a label of more than one bare word ("Coach/s", "Team members")
                ok = ok or not rest.strip() or (start == first and (
                    unit.table >= 0 or not label.isalpha()))
            elif colon:  # mid-line: after another label on its line, or a value that fits
                ok = ok or last_line == line_start
            if not ok:
                continue
        found.append(_Label(name, start, end, colon))
        last_line = line_start
    return found


def _is_header_row(body: Body, row: list[int], typed: bool = False) -> bool:
    """Tell whether a row is the COACHING RECORD header: Coach | Date… | Topic | Comments.

    With ``typed`` (a table's first row, which a coach may have typed into), each heading's
    first word may stand anywhere in its cell: after words typed before it on its line, or
    under a line typed above it ("12/03 Date of coaching…"); and one heading of four may be
    typed over (more, under the heading COACHING RECORD: :func:`_under_record_heading`). So
    the table is still read, and what was typed there is named
    (:func:`docgen.records.extras.header_problems`), not its rows dropped unread.
    """
    if len(row) < 3:
        return False
    if body.units[row[0]].text.lstrip()[:5].lower() == "coach":
        keys = [header_key(body.units[i].text.split("\n", 1)[0]) for i in row[:4]]
        pairs = zip(keys, _HEADER_KEYS, strict=False)
        if all(k.startswith(want.split("_", 1)[0]) for k, want in pairs):
            return True
    if not typed:
        return False
    pairs = zip((header_key(body.units[i].text).split("_") for i in row[:4]), _HEADER_KEYS,
                strict=False)
    found = [any(w.startswith(want.split("_", 1)[0]) for w in words) for words, want in pairs]
    return sum(found) >= 3 and (len(found) == 4 or all(found))


_RECORD_HEADING = re.compile(r"\s*coaching\s+record\s*:?\s*", re.IGNORECASE)


def _under_record_heading(body: Body, header: list[int]) -> bool:
    """Tell whether a table whose first row is ``header`` stands right under the heading
    COACHING RECORD (its own paragraph, the nearest one with text), with four columns or
    more: the COACHING RECORD table, however many of its headings were typed over."""
    if len(header) < 4:
        return False
    for i in range(header[0] - 1, -1, -1):
        unit = body.units[i]
        if unit.table >= 0:
            return False  # another table's cell comes first
        if stripped := unit.text.lstrip():  # \s and str.strip() are the same spaces
            # only a "c" or "C" begins it (no other letter matches "c", case ignored): the
            # cheap test first, a paragraph above each table of every record
            return stripped[0] in "cC" and _RECORD_HEADING.fullmatch(unit.text) is not None
    return False


class FormFinder:
    """Find every Record of Coaching form: labels and tagged controls, in document order.

    ``notes`` lists what a coach must check, as (where, message): a form that repeats another
    exactly (counted once), a field labelled twice in one form with two values.
    """

    def __init__(self, body: Body, record_tables: set[int]) -> None:
        self.body = body
        self.record_tables = record_tables
        fields = _fields()
        self.labels = [
            [] if not u.text or u.table in record_tables else _labels(u, fields)
            for u in body.units
        ]
        self.used: set[int] = set()  # units taken as the value of a label elsewhere
        self.forms: list[dict[str, str]] = []
        self.kinds: list[dict[str, str]] = []  # per form: field -> "control" | "label" | "empty"
        self.notes: list[tuple[str, str]] = []
        # by form number: fields with tracked changes, or written several times over
        self.copies: dict[int, list[str]] = {}
        self.copied: set[str] = set()  # in the unit being read
        self.open = False
        self.unit = -1  # the unit being read
        self.form_unit = -1  # the unit the current form's last field was read from

    def run(self) -> list[dict[str, str]]:
        for i, unit in enumerate(self.body.units):
            if unit.table in self.record_tables:
                self.open = False
                continue
            if i in self.used or not (unit.controls or unit.text.strip()):
                continue
            if not self.labels[i] and self._heading(unit):
                continue
            self.unit = i
            self.copied: set[str] = set()
            for _pos, name, value, kind in self._events(i, unit):
                self._event(name, value, kind)
                if (name in self.copied or unit.tracked) and self.open and (
                        self.forms[-1].get(name) == value):
                    self.copies.setdefault(len(self.forms), []).append(name)
        for n, names in self.copies.items():
            labels = ", ".join(schema.RECORD_FIELD[name].label.rstrip(": ")
                               for name in dict.fromkeys(names))
            self.notes.append((f"Record of Coaching form {n}", (
                f"{labels}: written with Track Changes on (changes not accepted, or the field "
                "written several times over, as LibreOffice does): read as if the changes were "
                "accepted, each piece typed once; check these values, and accept or reject the "
                "changes in the document")))
        self._repeats()
        return self.forms

    def _repeats(self) -> None:
        """Count once a form that repeats an earlier one exactly (pasted twice, or copied
        ready for next time and left as it was), and say so."""
        first: dict[tuple[tuple[str, str], ...], int] = {}
        for n, form in enumerate(self.forms):
            typed = tuple(sorted((k, v) for k, v in form.items() if v))
            if all(k in _NAMES_ONLY for k, _v in typed):
                continue  # blank but for the names typed ahead: no session anyway
            k = first.setdefault(typed, n)
            if k != n:
                self.forms[n] = {}
                self.notes.append((f"Record of Coaching form {n + 1}", (
                    f"repeats Record of Coaching form {k + 1} exactly: counted once; if it was "
                    "another session, change its date")))

    def _heading(self, unit: Unit) -> bool:
        text = unit.text.strip()
        if not text or len(text) > 80:
            return False
        if FORM_HEADING.match(text):
            self._new_form()
            return True
        if unit.table == -1 and _TABLE_HEADING.fullmatch(text):
            self.open = False
            return True
        return False

    def _new_form(self) -> None:
        if not (self.open and self.forms and not self.kinds[-1]):
            self.forms.append({})
            self.kinds.append({})
        self.open = True

    def _event(self, name: str, value: str, kind: str) -> None:
        """Take one field's value; ``kind`` is "control", "label" or "loose" (no colon)."""
        seen = self.kinds[-1].get(name) if self.open else None
        if kind == "control":
            if not self.open or (seen is not None and seen != "empty"):
                self._another_form(name)
        elif name == "coach" and kind == "label" and (not self.open or seen is not None):
            self._another_form(name)
        elif not self.open:
            return
        elif seen is not None and not (value and not self.forms[-1].get(name)):
            had = self.forms[-1].get(name, "")
            if value and value != had:
                label = schema.RECORD_FIELD[name].label.rstrip(": ")
                self.notes.append((f"Record of Coaching form {len(self.forms)}", (
                    f'{label} is written twice: "{had}", then "{value}"; only the first is '
                    "read. If the form holds two sessions, give each its own form")))
            return
        self.forms[-1][name] = value
        self.kinds[-1][name] = ("empty" if not value else "label") if kind != "control" else kind
        self.form_unit = self.unit

    def _another_form(self, name: str) -> None:
        """Open the form a field met again begins; named when in the same cell or paragraph."""
        if self.open and self.forms and self.kinds[-1] and self.unit == self.form_unit:
            n = len(self.forms)
            label = schema.RECORD_FIELD[name].label.rstrip(": ")
            self.notes.append((f"Record of Coaching form {n}", (
                f"holds a second {label}: what follows it is read as another session "
                f"(Record of Coaching form {n + 1}); check it, and give each session a form of "
                "its own")))
        self._new_form()

    def _events(self, i: int, unit: Unit) -> list[tuple[int, str, str, str]]:
        """Return a unit's field values as (position, field, value, kind), in order.

        The cell is the field: a label's value is all the text up to the next label or the
        next control of another field, whether typed in its control, before or after it, or
        with the control gone. A control without a label takes the text around it likewise.
        """
        labels = self.labels[i]
        if not labels and not unit.controls:
            return []  # most units: no field
        text = unit.text
        # (start, where the value begins, field, control, label)
        anchors: list[tuple[int, int, str, Control | None, _Label | None]] = []
        for n, label in enumerate(labels):
            end = labels[n + 1].start if n + 1 < len(labels) else len(text)
            control = next(
                (c for c in unit.controls
                 # a control may begin inside the label's match: a colon typed first in it
                 if c.name == label.name and not c.used and label.start < c.start <= end),
                None,
            )
            if control is not None:  # with any copy of it in the label's part of the cell
                for c in unit.controls:
                    if c.name == label.name and label.start < c.start <= end:
                        c.used = True
            anchors.append((label.start, label.end, label.name, control, label))
        for c in unit.controls:
            if not c.used:
                c.used = True
                anchors.append((c.start, c.start, c.name, c, None))
        if not anchors:
            return []
        anchors.sort(key=lambda a: a[0])
        if len(anchors) > 1:  # one field's control written twice in a cell is one value
            anchors = [a for n, a in enumerate(anchors)
                       if not (n and a[4] is None and a[2] == anchors[n - 1][2])]
        lead = text[:anchors[0][0]]
        if anchors[0][3] is None or not lead.strip() or FORM_HEADING.match(lead):
            lead = ""  # text before a label: typed before a field's control is the field's
        names = [c.name for c in unit.controls]
        events: list[tuple[int, str, str, str]] = []
        carried: Control | None = None
        for n, (start, begin, name, control, label) in enumerate(anchors):
            end = anchors[n + 1][0] if n + 1 < len(anchors) else len(text)
            raw, prompts = _without_prompts((lead if n == 0 else "") + text[begin:end])
            if prompts > 1 or names.count(name) > 1:  # a field written several times over
                value = typed_value(_once(lead if n == 0 else "", text, begin, end, [
                    c for c in unit.controls if c.name == name]))
                self.copied.add(name)
            else:
                value = _cleaned(raw)
            control = control or carried
            carried = None
            if label is not None and not value and n + 1 < len(anchors) and (
                    anchors[n + 1][2] == name and anchors[n + 1][4] is not None):
                carried = control  # "Date: [Date: 10/02]": the label typed again is the one
                continue
            if control is not None:
                events.append((start, name, value, "control"))
            elif label is not None:
                if not value:
                    value = self._neighbour(i, name)
                events.append((start, name, value, "label" if label.colon else "loose"))
        return events

    def _neighbour(self, i: int, name: str) -> str:
        """Return the value written beside or under an empty label, marking that unit used."""
        body, unit = self.body, self.body.units[i]
        if unit.table == -1:
            return self._following_paragraphs(i)
        rows = body.tables[unit.table]
        candidates: list[int] = []
        beside = next_cell(body, i)
        if beside is not None:
            candidates.append(beside)
        if unit.row + 1 < len(rows):
            below = [j for j in rows[unit.row + 1] if body.units[j].col <= unit.col]
            if below:
                candidates.append(below[-1])
        for j in candidates:
            other = body.units[j]
            if j in self.used or self.labels[j] or FORM_HEADING.match(other.text):
                continue
            control = next((c for c in other.controls if not c.used), None)
            if control is not None and control.name != name:
                continue
            if control is not None:
                control.used = True
                self.used.add(j)
                if len(other.controls) == 1:  # the cell is the field: typing beside it too
                    return typed_value(other.text)
                return typed_value(other.text[control.start:control.end])
            value = typed_value(other.text)
            if value:
                self.used.add(j)
                return value
        return ""

    def _following_paragraphs(self, i: int) -> str:
        lines: list[str] = []
        units = self.body.units
        for j in range(i + 1, min(i + 40, len(units))):
            u = units[j]
            text = u.text.strip()
            if (u.table != -1 or self.labels[j] or u.controls or FORM_HEADING.match(text)
                    or _TABLE_HEADING.fullmatch(text)):
                break
            self.used.add(j)
            lines.append(u.text)
        return typed_value("\n".join(lines))


_REPEATED = re.compile(r"(.+?)(?:\s*\1)+", re.DOTALL)


def _once(lead: str, text: str, begin: int, end: int, copies: list[Control]) -> str:
    """Return the text of a field written several times over in its cell, each piece typed
    once.

    LibreOffice 7.4 with Track Changes on saves a control typed into as the control and
    tracked copies of it (in a .doc, as plain text), prompt and typing interleaved: the pieces
    between the copies' bounds and the prompts are the typing, each read once ("10/02/2026",
    not three or four times, nor "10/02/202610/02/2026"), and joined as typed (the first key
    typed over a whole field may land before the prompt: "1", prompt, "0:00" is "10:00").
    """
    cuts = sorted({b for c in copies for b in (c.start, c.end) if begin < b < end})
    bounds = [begin, *cuts, end]
    prompts = _fields().prompts
    kept: dict[str, str] = {}
    for a, b in zip(bounds, bounds[1:], strict=False):
        for part in prompts.split(text[a:b]):
            part = part.strip("\t\n:–") if kept else part.strip(" \t\n:-–")
            again = _REPEATED.fullmatch(part.strip())
            if again:
                part = again[1].strip()
            if part.strip():
                kept.setdefault(" ".join(part.casefold().split()), part)
    value = "".join(kept.values())
    return f"{lead.strip()} {value}" if lead.strip() else value


def next_cell(body: Body, i: int) -> int | None:
    """Return the unit of the cell right of unit ``i`` in its table row, or None if none is.

    The one "value in the next cell" rule: a label's value typed beside it, in a form or in the
    lines naming the team before the forms.
    """
    unit = body.units[i]
    if unit.table < 0:
        return None
    row = body.tables[unit.table][unit.row]
    at = row.index(i)
    return row[at + 1] if at + 1 < len(row) else None


def table_rows(body: Body, notes: list[tuple[str, str, str, int]] | None = None,
               headers: list[list[int]] | None = None
               ) -> tuple[set[int], list[tuple[int, list[str]]]]:
    """Return the COACHING RECORD tables and their data rows as (row number, 4 cell texts).

    Each cell is read under the header of its grid columns, not by its place in its row, so
    a row whose cells a coach merged or split reads right: cells split under one header are
    that column's lines; a cell merged across columns is read as the first of them (the others
    empty), a cell merged down as its value on each row it spans, and either is named in
    ``notes`` (when given) as (where, column, message, at) for a row that holds typing of its
    own; so is a cell under no header docgen reads (not read). ``at`` is, for a cell merged
    across, where in the message what is read of its first column goes (see
    :class:`docgen.records.sessions.SessionContext`), else -1. ``headers`` (when given)
    gets each header row's units: each table's first, and any repeated below it (not read
    as a session), so that what is typed in them can be checked.
    """
    tables: set[int] = set()
    rows: list[tuple[int, list[str]]] = []
    number = 0
    for t, grid in enumerate(body.tables):
        if not grid or not (_is_header_row(body, grid[0], typed=True)
                            or _under_record_heading(body, grid[0])):
            continue
        tables.add(t)
        if headers is not None:
            headers.append(grid[0])
        columns = _header_columns(body, grid[0])
        above: dict[int, str] = {}  # by grid column: the text of a cell that may be merged down
        for row in grid[1:]:
            number += 1
            cells, said = _row_cells(body, row, columns, above)
            if _is_header_row(body, row):
                if headers is not None:
                    headers.append(row)
                continue
            if any(cells):
                rows.append((number, cells))
            if notes is not None:  # also for a row typed only outside the header's columns
                where = f"COACHING RECORD row {number}"
                notes.extend((where, column, message, at) for column, message, at in said)
    return tables, rows


_SHORT = tuple(h.split(",", 1)[0] for h in schema.COACHING_RECORD_HEADER)  # "Date of coaching"


class _Column(NamedTuple):
    """A column of the COACHING RECORD header: its grid columns, and the field it is."""

    first: int
    end: int
    field: int  # index into the table's four; -1 past them (a column docgen does not read)
    header: str  # its header's first line


def _header_columns(body: Body, header: list[int]) -> list[_Column]:
    """Return the columns the header row's cells head."""
    return [_Column(body.units[i].col, body.units[i].col + max(body.units[i].span, 1),
                    k if k < 4 else -1, typed_value(body.units[i].text.split("\n", 1)[0]))
            for k, i in enumerate(header)]


def _row_cells(body: Body, row: list[int], columns: list[_Column], above: dict[int, str]
               ) -> tuple[list[str], list[tuple[str, str, int]]]:
    """Return a data row's four cell texts, each cell read under the header of its grid
    columns, and what to name, as (column, message, at: see :func:`table_rows`): nothing
    for a row with no typing of its own (only a value merged down into it)."""
    parts: list[list[str]] = [[], [], [], []]
    own = False  # typing of the row's own, not only a value merged down from above
    merged: list[tuple[str, str, int]] = []
    down: list[tuple[str, str, int]] = []
    unread: list[tuple[str, str, int]] = []
    for i in row:
        unit = body.units[i]
        text = typed_value(unit.text)
        if unit.nested and text:  # a form pasted into the cell: its heading is not the row's
            text = "\n".join(line for line in text.split("\n")
                             if not FORM_HEADING.match(line)).strip()
        inherited = unit.continued and not text
        if inherited:
            text = above.get(unit.col, "")
        else:
            above[unit.col] = text
            own = own or bool(text)
        if not text:
            continue
        end = unit.col + max(unit.span, 1)
        under = [c for c in columns if c.first < end and unit.col < c.end]
        known = [c.field for c in under if c.field >= 0]
        if not known:  # past the four columns, or beyond the header's last cell
            header = under[0].header if under else ""
            where = f'headed "{header}"' if header else "without a header"
            unread.append((header, f'"{_shown(text)}" is not read (it is in a column {where}, '
                                   "which docgen does not read): move it to Topic or Comments",
                           -1))
            continue
        first = known[0]
        parts[first].append(text)
        column = schema.COACHING_RECORD_HEADER[first]
        if inherited:
            down.append((column, (
                f'{_SHORT[first]} is one cell merged down from the row above: its value '
                f'"{_shown(text)}" is read on this row too; if that is not what is meant, split '
                "the cell (Table › Split Cells) and type each row's value"), -1))
        if len(known) > 1:
            others = " and ".join(_SHORT[k] for k in known[1:])
            read_as = f'{_SHORT[first]} and {others} are one merged cell: "{_shown(text)}" is ' \
                f"read as {_SHORT[first]} only"
            merged.append((column, (
                f"{read_as}, and {others} as empty; if that is not what is meant, "
                "split the cell (Table › Split Cells) and type each value in its own column"),
                len(read_as)))
    if not own:
        return ["", "", "", ""], []
    headed = {c.field for c in columns}
    if missing := [k for k in range(4) if k not in headed]:  # header cells merged
        lacking = " and ".join(_SHORT[k] for k in missing)
        for k, texts in enumerate(parts):
            if len(texts) > 1:
                merged.append((schema.COACHING_RECORD_HEADER[k], (
                    f'"{_shown(" ".join(texts))}" is read as {_SHORT[k]}: the table\'s header '
                    f"has no {lacking} column (its header cells are merged); split the header "
                    "cell (Table › Split Cells) so that each column has its own"), -1))
    return ["\n".join(p) for p in parts], merged + down + unread


def _shown(text: str, limit: int = 80) -> str:
    """Return typed text on one line, cut short if long, to quote in a problem."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"
