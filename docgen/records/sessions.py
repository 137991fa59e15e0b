"""Turn what was typed in one Record of Coaching form or COACHING RECORD row into a session.

A form is a dict of field name to typed text (see :class:`docgen.records.forms.FormFinder`); a
table row is the same dict with the table's four columns. Either becomes a
:class:`~docgen.models.RecordedSession` by going through ``schema.RECORD_FIELDS``: each field
with a ``recorded`` attribute is parsed by its kind and sets that attribute, so a field added
to the schema is read back with no change here.

Rules for what a session counts (a manager's reading of the forms):

- Hours come from the start and finish times; a range typed in Start ("14:00-15:00") gives the
  finish too.
- A cancelled or rescheduled contact counts 0 hours (the session did not take place then).
  The comments say so, or a topic that starts with the word ("Cancelled – staff sick").
- The mode is the one typed, else Email when the date, times or comments speak of e-mail.
- An e-mail contact counts hours only if times were given; otherwise 0 hours: an exchange of
  e-mails is a contact, not an hour of coaching.
- A form or row still exactly as docgen pre-filled it from the cohort's Sessions sheet is
  *planned, not confirmed* unless its Held field says Yes: the log lists it and counts none
  of its hours (it keeps them, for a confirming table row of the same date), and names it
  once its date has passed. Held: No makes any form's session cancelled.
- Any other session without usable times (a table row only, or a form whose times are blank or
  unreadable) is assumed to have lasted the programme's session duration, and says so
  (``hours_assumed``).

What a date, time or Held field holds beyond what is read from it ("12/3/26 after ward
round", "14:00 (late start)", "No – rescheduled to 19/3") is named, the value read kept; so is
a year docgen chose for a date typed without one, when it is not the reference's year or the
weekday typed chose it, and a weekday the date does not fall on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from docgen import schema
from docgen.errors import Problem
from docgen.models import RecordedSession, RecordSettings
from docgen.prefill import HELD_FIELD, Prefilled
from docgen.records.identity import member_names
from docgen.records.programme import FIRST_DAY, LAST_DAY
from docgen.schema import FormField, Kind, Mode, Origin, Said, Status
from docgen.values import (
    format_date_short,
    format_hours,
    format_time,
    guessed_note,
    hours_between,
    initials_of,
    may_be_person,
    mentions_email,
    next_meeting_doubt,
    one_name_or_how,
    parse_duration_hours,
    parse_names,
    parse_typed_dates,
    parse_typed_times,
    person_key,
    read_typed_times,
)
from docgen.values.dates import weekday_name
from docgen.values.typed import TypedDates, read_typed_dates, unread_in_times, unread_words

__all__ = ["SessionContext", "build_session", "form_sessions", "row_sessions"]

# The COACHING RECORD table's columns, in order: the form field each one is read as.
TABLE_FIELDS = ("coach", "date", "topic", "comments")
# The table's comments: a session value that no form field holds (unless the schema adds one).
_COMMENTS = FormField("comments", "Comments:", "", "", recorded="comments")
# Where e-mail words make a contact an e-mail one: by RecordedSession attribute.
_EMAIL_IN = ("date", "start", "finish", "comments")
# What build_session sets itself, not from one field.
_SET_HERE = frozenset({"source", "team_id", "team_name", "hours", "hours_assumed", "status",
                       "said", "origin", "where"})
# What became of a session, in the words of its comments (see _status_reading).
_STATUS_WORDS = re.compile(
    r"(?P<held>\bheld\b|\bwent\s+ahead\b|\btook\s+place\b|\bdid\s+go\s+ahead\b)"
    # the verb, not every word it begins: "Cancellations audit" is what was discussed
    r"|(?P<cancelled>\bcancel(?:s|l?ed)?\b|\b(?:not|never|wasn[’']t)\s+(?:held|happened)\b"
    r"|\bcalled\s+off\b|\bno[- ]show\b"
    r"|\bdid(?:\s+not|n[’']t)\s+(?:go\s+ahead|take\s+place|happen)\b"
    # the team did not attend: "DNA" (the NHS's word for it) only as a note, not a subject
    # ("DNA rates down" is what was discussed)
    r"|\b(?:did(?:\s+not|n[’']t)|failed\s+to)\s+attend\b|\bDNA(?:[’']?d)?\b(?=\W*$|\s*[-–—:;,.!?(/])"
    r"|\bDNA(?:[’']?d)?(?=\s+(?:by|due|because|as|again|today|and|but|so|then|on|at)\b))"
    # "rearranged from 10/03" says this session is the one moved here: not a status word
    r"|(?P<rescheduled>\b(?:re-?schedul|re-?arrang|postpon)(?:e|es|ed)\b(?!\s+from\b)"
    r"|\bre-?book(?:s|ed)?\b(?!\s+from\b)"
    r"|\bmoved\s+(?:to|till?|until)\s+(?=\d|(?:mon|tue|wed|thu|fri|sat|sun|next|another|later)))",
    re.IGNORECASE)
# Comments that are only a Held answer: "Yes", "No", "N."
_ANSWER = re.compile(r"\W*(yes|y|no|n)\W*", re.IGNORECASE)
# Reasons a session does not take place, said without a status word ("Team off sick", "Snow",
# "Ward closed"): named when the session counts as held, never decisive
_AWAY = re.compile(
    r"\b(?:off\s+sick|unwell|annual\s+leave|on\s+leave|snow(?:ed\s+in)?|strike|industrial\s+"
    r"action|bank\s+holiday|(?:no\s*one|nobody)\s+(?:came|attended|turned\s+up|available)"
    r"|(?:ward|clinic|unit|practice|department|site|building|office)\s+(?:was\s+)?closed)\b",
    re.IGNORECASE)
# Words just before a status word that make it no plain statement ("nearly cancelled").
_QUALIFIED = re.compile(
    r"(?:\b(?:nearly|almost|not|never|no|nor|may|might|could|would|should|if|whether|"
    r"possibly|perhaps|maybe|probably|likely|to\s+be|in\s+case|last|previous|next|other|"
    r"threatened|about\s+to)|n[’']t)\W*(?:\w+\W+){0,2}$", re.IGNORECASE)
# The same stems in other words ("Cancellation rate", "Rearranging the clinic", "Postponement
# letters"): what was discussed as often as what became of the session, so never decisive.
_STATUS_STEMS = re.compile(
    r"\b(?:(?P<cancelled>cancel)|(?P<rescheduled>re-?schedul|re-?arrang|re-?book|postpon))\w*+"
    r"(?!\s+from\b)",
    re.IGNORECASE)
# A topic says what became of its session when it starts with the verb followed by nothing,
# a sign, or a word of a status note ("Cancelled", "Cancelled - staff sick", "Cancelled by
# the team", "Rescheduled to 17/03"); followed by another word it is what was discussed
# ("Cancelled clinics audit", "Postponed operations data": a QI topic), and named.
_STATUS_NOTE = (r"(?=\W*$|\s*[-\u2010-\u2015:;,.!?(/\[]|\s+(?:by|due|because|as|owing|"
                r"following|after|at|on|today|tonight|this|last|again|until|till|to|for|"
                r"and|but|so|then|now|in|session|meeting|call|visit|coaching|appointment)\b)")
_TOPIC_CANCELLED_WORD = r"\W*(cancel(?:l?ed)?)\b"
# A topic that says the team did not attend ("DNA", "Did not attend - rebooked"); never a
# subject after it: "DNA rates" is a QI topic, and stays one, unnamed
_TOPIC_NOT_ATTENDED = re.compile(r"\W*(DNA(?:[’']?d)?|did\s+not\s+attend|didn[’']t\s+attend)\b"
                                 + _STATUS_NOTE, re.IGNORECASE)
_TOPIC_RESCHEDULED_WORD = r"\W*((?:re-?schedul|re-?arrang|re-?book)ed|postponed)\b"
_TOPIC_CANCELLED = re.compile(_TOPIC_CANCELLED_WORD + _STATUS_NOTE, re.IGNORECASE)
_TOPIC_RESCHEDULED = re.compile(_TOPIC_RESCHEDULED_WORD + _STATUS_NOTE, re.IGNORECASE)
_TOPIC_STARTS = ((re.compile(_TOPIC_CANCELLED_WORD, re.IGNORECASE), "cancelled"),
                 (re.compile(_TOPIC_RESCHEDULED_WORD, re.IGNORECASE), "rescheduled"))
_STATUS_FIRST = {"cancelled": "Cancelled", "rescheduled": "Rescheduled"}
# Words in prose that name a mode only with a word before them: "by phone", "on Teams".
_MODE_BY = r"(?:by|via|over|on|using|through)\s+(?:the\s+|a\s+|an\s+)?"
_HELD_WORDS = {"yes": True, "y": True, "held": True, "no": False, "n": False, "not": False,
               "cancelled": False, "canceled": False, "dna": False}  # DNA: did not attend
_WORDS = re.compile(r"[^\W\d_]+")
_NOT_HELD = re.compile(r"\bnot\s+held\b")
_NOT_APPLICABLE = re.compile(r"\bn\s*/\s*a\b|\bnot\s+applicable\b")  # no answer: not "No"
# What a Held field may say beside its answer and lose nothing: "Yes - as planned", "No, not held".
_HELD_SAYS = re.compile(
    r"(?<![^\W_])(?:" + "|".join([*_HELD_WORDS, "as", "planned", "it", "was", "did", "the",
                                     "session", "meeting", "went", "ahead", "took", "place",
                                     "and", "on", "at", "a", "to", "but", "so"])
    + r")(?![^\W_])", re.IGNORECASE)
# What a Mode field may say beside its mode and lose nothing: "by phone", "Teams call".
_MODE_SAYS = re.compile(
    r"(?<![^\W_])(?:" + "|".join(["on", "at", "the", "of", "and", "or", "in", "a", "an", "to",
                                     "by", "via", "over", "using", "through", "with", "call",
                                     "meeting", "session", "chat", "contact", "coaching",
                                     "was", "it", "as", "planned"])
    + r")(?![^\W_])", re.IGNORECASE)
# Where a coach moves what a field cannot hold: by the form or table it is in.
# A session this long, and this many times the contract's session length, is named (counted
# as typed): a mistyped finish or am/pm is likelier than a day of coaching.
LONG_SESSION_HOURS = 4
LONG_SESSION_TIMES = 3
_MOVE_TO = {Origin.FORM: "Topic, Issues Arising or Action", Origin.TABLE: "Topic or Comments"}


@dataclass
class SessionContext:
    """What every session of one record shares: its team, settings, day and problems."""

    source: str
    team_id: str
    team_name: str
    settings: RecordSettings
    reference: dt.date  # for dates typed without a year
    after: bool  # True when sessions follow the reference (the day of generation)
    problems: list[Problem]
    prefilled: Prefilled = dataclasses.field(default_factory=Prefilled)  # what docgen wrote
    # (where, column) of a table cell merged across columns -> (its problem's place in
    # ``problems``, where in its message what is read of the cell goes): words that cell
    # holds beyond what is read are said there, so the cell is named once
    merged: dict[tuple[str, str], tuple[int, int]] = dataclasses.field(default_factory=dict)
    # the people the record names outside its forms (person keys): names typed ahead on a
    # blank form that are all among them (or in the record's sessions) are not named
    people: frozenset[str] = frozenset()

    def problem(self, message: str, where: str, column: str | None = None) -> None:
        """Note a problem found in this record at ``where`` (a form or a row)."""
        self.problems.append(Problem(message, file=self.source, sheet=where, column=column))


# --- the fields, from the schema ---------------------------------------------------------------


class _Step(NamedTuple):
    """How one field is read into a session."""

    field: FormField
    read: Callable[[_Reading, FormField, str], object] | None  # None: the text as typed
    blank: object  # the value of a blank field, unless ``read_blank``
    read_blank: bool  # read even when blank: a session without a date is a problem


@dataclass(frozen=True)
class _Plan:
    """How sessions are read, derived once from one ``schema.RECORD_FIELDS`` tuple."""

    source: tuple[FormField, ...]
    fields: tuple[FormField, ...]  # those read into a session, the table's comments last
    steps: tuple[_Step, ...]  # one for each of ``fields``
    substance: tuple[str, ...]  # fields that make a form a session when one is typed
    columns: dict[Origin, dict[str, str]]  # field name -> the column a problem names
    time_examples: dict[str, str]  # TIME field name -> examples given in a problem


def _time_example(field: FormField) -> str:
    """Return examples of a time for a problem, from the field's placeholder ("e.g. 14:00").

    A placeholder without a time in it ("hh:mm") gives 14:00, as does a morning one.
    """
    found = parse_typed_times(field.placeholder)
    t = found[0] if found and found[0].hour >= 12 else dt.time(14)
    twelve = f"{t.hour % 12 or 12}{f':{t.minute:02d}' if t.minute else ''}"
    return f"e.g. {format_time(t)} or {twelve}{'pm' if t.hour >= 12 else 'am'}"


def _make_plan(source: tuple[FormField, ...]) -> _Plan:
    fields = tuple(f for f in source if f.recorded)
    if not any(f.recorded == _COMMENTS.recorded for f in fields):
        fields += (_COMMENTS,)
    known = {f.name for f in dataclasses.fields(RecordedSession)} - _SET_HERE
    if wrong := [f.name for f in fields if f.recorded not in known]:
        raise TypeError(f"schema.RECORD_FIELDS {wrong} are not recorded into an attribute of "
                        "RecordedSession that a typed value may set")
    form_columns = {f.name: f.label.rstrip(": ") for f in fields}
    table_columns = form_columns | dict(zip(TABLE_FIELDS, schema.COACHING_RECORD_HEADER,
                                            strict=True))
    return _Plan(
        source=source,
        fields=fields,
        steps=tuple(
            _Step(f, _READERS.get(f.kind), "" if f.kind not in _NO_VALUE else None,
                  f.kind == Kind.DATE and f.recorded == "date")  # a session's date is noted
            for f in fields),
        # what happened in a session: not the people (often typed ahead on a blank form),
        # the mode, nor the date of the next meeting
        substance=tuple(f.name for f in fields if f is not _COMMENTS
                        and f.kind in (Kind.DATE, Kind.TIME, Kind.TEXT)
                        and f.recorded != "next_meeting"),
        columns={Origin.FORM: form_columns, Origin.TABLE: table_columns},
        time_examples={f.name: _time_example(f) for f in fields if f.kind == Kind.TIME},
    )


_made: list[_Plan] = []


def _plan() -> _Plan:
    """Return the plan for the current ``schema.RECORD_FIELDS`` (remade if it was replaced)."""
    source = schema.RECORD_FIELDS
    if not _made or _made[0].source is not source:
        _made[:] = [_make_plan(source)]
    return _made[0]


# --- values, by kind ---------------------------------------------------------------------------


def _fold_mode(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split()).strip(" .()[]")


def _mode(text: str) -> Mode | None:
    """Return the mode a Mode field names ("phone", "F2F", "by phone", "MS Teams"), else None."""
    folded = _fold_mode(text)
    if mode := schema.MODE_WORDS.get(folded):
        return mode
    bare = re.sub(r"^(?:by|via|over|on|using)\s+(?:the\s+|a\s+)?", "", folded)
    bare = re.sub(r"\s+(?:call|meeting|session|chat)$", "", bare)
    return schema.MODE_WORDS.get(bare)


_mode_words: dict[tuple[str, ...], re.Pattern[str]] = {}  # by schema.MODE_WORDS' keys


def _mode_pattern() -> re.Pattern[str]:
    """Return the pattern of every mode word of ``schema.MODE_WORDS`` (remade if replaced)."""
    keys = tuple(schema.MODE_WORDS)
    if keys not in _mode_words:
        longest = sorted(keys, key=len, reverse=True)
        words = "|".join(r"[\s-]+".join(map(re.escape, k.split())) for k in longest)
        _mode_words.clear()
        _mode_words[keys] = re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)
    return _mode_words[keys]


def _modes_in(text: str, prose: bool) -> list[tuple[Mode, str]]:
    """Return the modes words in ``text`` name, with the words, in the order typed.

    In a date field any mode word counts ("03/04 phone"). In prose (comments) a word counts
    only when it cannot be about something else: a phrase ("phone call", "Near Me", "face to
    face") or a word after "by", "via", "over" or "on" ("by phone", "on Teams"), so that
    "phone etiquette" or "teams were keen" name no mode. "On the ward" is no mode in prose.
    """
    if not text:
        return []
    found: list[tuple[Mode, str]] = []
    for m in _mode_pattern().finditer(text):
        key, word = _fold_mode(m.group()), " ".join(m.group().split())
        if prose and (" " not in key or key == "on the ward") and key != "f2f":
            by = re.search(_MODE_BY + "$", text[:m.start()], re.IGNORECASE)
            if by is None or key == "on the ward":
                continue
            word = " ".join((by.group() + m.group()).split())
        if mode := _mode(key):
            found.append((mode, word))
    return found


def _check_next_meeting(reading: _Reading, date: object, next_meeting: object) -> None:
    """Name a next meeting on or before its session's own date, or over a year after it: a
    month or year mistyped, most likely, which the Teams sheet's next meeting and its
    overdue mark would otherwise take as typed."""
    when = next_meeting_doubt(date, next_meeting)
    if when is None:
        return
    doubt = ("is the year right?" if when.startswith("over") else
             "is the day, month or year right?")
    reading.problem(
        f"the next meeting ({format_date_short(next_meeting)}) is {when} the session's own "  # type: ignore[arg-type]
        f"date ({format_date_short(date)}): kept as typed; {doubt}",  # type: ignore[arg-type]
        next(f for f in reading.plan.fields if f.recorded == "next_meeting"))


# A contact told in a session's notes ("Also met on 24/02 by phone", "Spoke to Priya 03/03"):
# a verb of a contact that took place, and no word of one planned ("next", "booked")
_PAST_CONTACT = re.compile(
    r"\b(?:met|spoke|talked|called|phoned|rang|e-?mailed|emailed|visited|caught\s+up"
    r"|had\s+(?:a|an|another)\s+(?:call|meeting|session|catch[- ]?up|chat|visit))\b",
    re.IGNORECASE)
_PLANNED = re.compile(r"\b(?:next|will|shall|booked|planned|arranged|scheduled|due|to\s+meet"
                      r"|to\s+call|to\s+be|(?:by|before|until|till)\s+(?=\d|mon|tue|wed|thu"
                      r"|fri|sat|sun|the\s+end|end\b))", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<!\d)[.;!?\n]+|[.;!?\n]+(?!\d)")  # not inside "10.02.2026"
# Comments that only say a contact was by e-mail ("Email", "By e-mail", "Email coaching"):
# an e-mail contact, plainly
_PLAIN_EMAIL = re.compile(r"\W*(?:(?:by|via|over)\s+)?e-?\s?mails?(?:ed)?(?:\s+(?:contact|coaching"
                          r"|only|exchange|update|support|follow[- ]?up))?\W*", re.IGNORECASE)
_NOTES = ("topic", "issues", "action", "comments")


def _contacts_in_notes(reading: _Reading, typed: Mapping[str, str]) -> None:
    """Name a contact told, with its date, in a session's notes: another day's meeting or
    call written into this session's Topic, Issues, Action or Comments is counted as no
    session, and would be lost to the log's hours and contacts without a word. Dates of the
    session itself and of its next meeting, and plans ("next", "booked"), are passed over."""
    ctx, values = reading.ctx, reading.values
    day = values.get("date")
    known = {day, values.get("next_meeting")}
    # a date without a year takes the session's year, as its notes were written about then
    reference, after = (day, False) if isinstance(day, dt.date) else (ctx.reference, ctx.after)
    for attr in _NOTES:
        text = typed.get(attr, "")
        if not text or not _PAST_CONTACT.search(text):
            continue
        for sentence in _SENTENCES.split(text):
            if not _PAST_CONTACT.search(sentence) or _PLANNED.search(sentence):
                continue
            dates = [d for d in parse_typed_dates(sentence, reference, after)[0]
                     if d not in known]
            if not dates:
                continue
            field = next((f for f in reading.plan.fields if f.recorded == attr), _COMMENTS)
            place = ("a Record of Coaching form of its own (copy a form)"
                     if reading.origin == Origin.FORM else "a row of its own")
            shown = " ".join(sentence.split())
            reading.problem(
                f'tells of a contact on {format_date_short(dates[0])} ("{shown}"), which is '
                f"counted as no session: if it took place, record it in {place}, with its "
                "date and times", field)
            return


# A form's fields where a coach may write that the session did not take place, in form order
# (its Topic's start is read by _status_reading itself)
_STATUS_MAY_BE_IN = ("members", "date", "mode", "start", "finish", "topic", "issues",
                     "action")


def _status_in_notes(reading: _Reading, typed: Mapping[str, str],
                     skip: tuple[str, ...] = ()) -> None:
    """Name a form field that says the session did not take place ("Cancelled - staff sick"
    in Issues Arising, "DNA", "Cancelled" in Mode or Start time, "N/A - cancelled" as its
    Topic) while its Held field is unanswered: the form has no Comments, so a coach writes it
    anywhere, and the session counted as held without a word (or with a word only on the
    field's own value). Named, not decided: such words are what was discussed as often as
    not. Once a form; reasons alone ("Team off sick") only in Issues Arising and Action."""
    for attr in _STATUS_MAY_BE_IN:
        text = typed.get(attr, "")
        if not text or attr in skip:
            continue
        said, doubt, _by = _status_reading(text, "")
        if said != Status.HELD:
            what = f"was {said}"
        elif attr in ("issues", "action") and _AWAY.search(text):
            what = "did not take place"
        elif attr not in _NOTES and doubt:  # a status word in a name, a date, a time
            stem = next(_STATUS_STEMS.finditer(text), None)
            what = f"was {stem.lastgroup if stem else Status.CANCELLED}"
        else:
            continue
        field = next(f for f in reading.plan.fields if f.recorded == attr)
        shown = " ".join(text.split())
        reading.problem(
            f'says "{shown if len(shown) <= 80 else shown[:77] + "…"}", which may mean the '
            f"session {what}: counted as held, as its Held field is not answered; type No in "
            "Held if it did not take place, Yes if it did", field)
        return


def _topic_named(reading: _Reading, topic: str, subject: tuple[str, str],
                 status: Status) -> None:
    """Name a topic starting with a status verb then a subject, with how it was counted."""
    word, kind = subject
    topic = " ".join(topic.split())
    form = reading.origin == Origin.FORM
    if status == Status.HELD:  # its times say it took place
        way = (f"if the session was {kind}, type No in its Held field" if form else
               f'if the session was {kind}, write "{_STATUS_FIRST[kind]}" first in its Comments')
        counted = "read as what was discussed, as the session has times: counted as held"
    else:
        way = ("if it is what was discussed and the session took place, type Yes in its Held "
               "field" if form else "if it is what was discussed and the session took place, "
               'write "Held" in its Comments')
        counted = f"read as what became of the session: counted as {status}"
    reading.problem(f'the topic "{topic}" starts with "{word}", {counted}; {way}',
                    next(f for f in reading.plan.fields if f.recorded == "topic"))


def _topic_subject(topic: str) -> tuple[str, str] | None:
    """Return the status word a topic starts with and its kind ("cancelled") when the topic
    is what was discussed, not what became of the session ("Cancelled clinics audit")."""
    if _TOPIC_CANCELLED.match(topic) or _TOPIC_RESCHEDULED.match(topic):
        return None
    for pattern, kind in _TOPIC_STARTS:
        if m := pattern.match(topic):
            return m.group(1), kind
    return None


def _status_reading(comments: str, topic: str) -> tuple[Status, str, Said]:
    """Return what became of a session from its comments or topic, a doubt to name, and
    which of the two said it (:class:`docgen.models.Said`; NOTHING when neither did).

    A status word counts when it is plainly the comments' point: they start with it ("Held –
    rearranged from 10/03", "Cancelled – staff sick", "Rescheduled to 17/03"), or it is their
    only kind of status word and nothing before it qualifies it ("nearly", "not", "may",
    "last"). Comments that say the session went ahead ("held", "went ahead") make it held.
    A status word that is not plain leaves the session held, and the doubt is returned for
    the Problems sheet. A topic counts only when it starts with the word ("Cancelled – staff
    sick"): "Moved to the new ward" is what was discussed, not what became of the session.
    Only the verbs count ("cancelled", "rescheduled", "postponed"): another word of theirs
    ("Cancellation rate down", "Rearranging the clinic") leaves the session held, and named.
    """
    if answer := _ANSWER.fullmatch(comments):  # "No": a Held answer, typed in the comments
        return ((Status.HELD if answer[1].casefold().startswith("y") else Status.CANCELLED),
                "", Said.COMMENTS)
    words = [(m.lastgroup or "", m) for m in _STATUS_WORDS.finditer(comments)]
    if words and not comments[:words[0][1].start()].strip(" \t\n-–—:;,.!*()[]\"'"):
        return Status(words[0][0]), "", Said.COMMENTS  # the comments start with it
    plain = [(kind, m) for kind, m in words
             if not _QUALIFIED.search(comments[max(0, m.start() - 40):m.start()])]
    if any(kind == "held" for kind, _ in plain):  # "Nearly cancelled (snow) but went ahead"
        return Status.HELD, "", Said.COMMENTS
    if plain and len(plain) == len(words):
        # "Coach cancelled", "staff sick so rescheduled"
        return Status(plain[0][0]), "", Said.COMMENTS
    if _TOPIC_CANCELLED.match(topic) or _TOPIC_NOT_ATTENDED.match(topic):
        return Status.CANCELLED, "", Said.TOPIC
    if _TOPIC_RESCHEDULED.match(topic):
        return Status.RESCHEDULED, "", Said.TOPIC
    doubtful = [(kind, m) for kind, m in words if kind != "held"]
    if not doubtful and not any(kind == "held" for kind, _ in words):
        # "Cancellation – staff sick" or "Cancellation rate down": said, but not plainly
        doubtful = [(m.lastgroup or "", m) for m in _STATUS_STEMS.finditer(comments)]
    if not doubtful and not words and (away := _AWAY.search(comments)):
        # "Team off sick", "Snow": a reason a session does not take place, without the word
        return Status.HELD, (f'comments mention "{away.group()}", which may mean the session '
                             "did not take place: counted as held; write \"Cancelled\" first "
                             "if it did not"), Said.NOTHING
    if not doubtful:  # no status word, or only "to be held": held, as nothing says otherwise
        return Status.HELD, "", Said.NOTHING
    kind, m = doubtful[0]
    return Status.HELD, (f'comments mention "{m.group()}" but do not plainly say the session '
                         f"was {kind}: counted as held; write \"{_STATUS_FIRST[kind]}\" first "
                         "if it was"), Said.NOTHING


class _Reading:
    """One session being read: its values by attribute, and where problems are noted."""

    def __init__(self, ctx: SessionContext, plan: _Plan, origin: Origin, where: str) -> None:
        self.ctx, self.plan, self.origin, self.where = ctx, plan, origin, where
        self.values: dict[str, object] = {}
        self.times: dict[str, list[dt.time]] = {}  # every time typed, by attribute
        self.mode_typed = False  # the Mode field holds words naming no one mode

    def problem(self, message: str, field: FormField) -> None:
        self.ctx.problem(message, self.where, self.plan.columns[self.origin][field.name])

    def unread(self, field: FormField, pieces: Iterable[str], kept: str) -> None:
        """Name the words a field holds beyond what is read from it (``kept``), if any."""
        if pieces := list(pieces):
            _unread_problem(self.ctx, self.where, self.plan.columns[self.origin][field.name],
                            pieces, kept, _MOVE_TO[self.origin])


def _unread_problem(ctx: SessionContext, where: str, column: str, pieces: list[str],
                    kept: str, place: str) -> None:
    """Name ``pieces`` of a field that docgen does not read: they belong in ``place``."""
    quoted = " and ".join(f'"{p}"' for p in pieces)
    if (found := ctx.merged.get((where, column))) is not None:  # the merged cell's problem
        n, at = found
        named = ctx.problems[n]
        ctx.problems[n] = dataclasses.replace(named, message=(
            f"{named.message[:at]} ({kept}, and not {quoted}){named.message[at:]}"))
        return
    one = len(pieces) == 1
    ctx.problem(f"{quoted} {'is' if one else 'are'} not read (only {kept} is): move "
                f"{'it' if one else 'them'} to {place}", where, column)


def _date_doubts(reference: dt.date, found: TypedDates) -> str:
    """Say which dates took a year docgen chose, or fall on another day than the one typed.

    A year is named when it is not the reference's (a date moved to next year), or when the
    weekday typed chose it; a weekday typed that the date does not fall on, always.
    """
    notes: list[str] = []
    for d in found.dates:
        shown = f"{weekday_name(d.date)} {format_date_short(d.date)}"
        if d.weekday_clash:
            typed = d.day_typed
            if d.year_typed:
                notes.append(f'says "{d.weekday}" but {format_date_short(d.date)} is a '
                             f"{weekday_name(d.date)}, not a {typed}: the date is kept; "
                             "correct the day or the date")
            else:
                notes.append(f"no year typed: read as {shown}, not a {typed} as typed; "
                             "type the full date")
        elif not d.year_typed and (d.date.year != reference.year or d.by_weekday):
            why = f" (the year in which it is a {weekday_name(d.date)})" if d.by_weekday else ""
            notes.append(f"no year typed: read as {shown}{why}; type the year if that is "
                         "wrong")
    return "; ".join(notes)


def _read_date(reading: _Reading, field: FormField, text: str) -> object:
    ctx = reading.ctx
    reference, after = ctx.reference, ctx.after
    day = reading.values.get("date")
    if field.recorded == "next_meeting" and isinstance(day, dt.date):
        reference, after = day, True  # "10/03" after a session of 10/02/2026: that March
    # the session's date field may say the mode too ("12/3 by phone": see _settle_mode)
    found = read_typed_dates(text, reference, after,
                             _mode_pattern() if field.recorded == "date" else None)
    dates, error = [d.date for d in found.dates], found.error
    date = dates[0] if dates else None
    if len(dates) > 1:  # two sessions in one form, or a date beside the session's: never silent
        shown = ", ".join(format_date_short(d) for d in dates[:-1])
        many = "two" if len(dates) == 2 else str(len(dates))
        first = format_date_short(dates[0])
        if field.recorded == "date":
            reading.problem(f"holds {many} dates: {shown} and {format_date_short(dates[-1])}; "
                            f"the first, {first}, is counted; one form per session: copy the "
                            "form for the second", field)
        else:
            reading.problem(f"holds {many} dates: {shown} and {format_date_short(dates[-1])}; "
                            f"the first, {first}, is kept: type one date", field)
    if date is not None and not FIRST_DAY <= date <= LAST_DAY:
        # a slip ("3/4/1926", "0001-04-03"), and a date Excel cannot show before 1900
        date, error = None, (f'"{text}" is not a date from {FIRST_DAY.year} to '
                             f"{LAST_DAY.year}")
    if field.recorded != "date":  # another date (the next meeting): only a wrong one is noted
        if error:
            reading.problem(f"{error}: left blank", field)
    elif error:
        reading.problem(f"{error}: the session is listed without a date", field)
    elif date is None:
        reading.problem("has no date: the session is listed without one", field)
    if date is not None:
        if doubts := _date_doubts(reference, found):
            reading.problem(doubts, field)
        elif field.recorded == "date" and ctx.after and date < ctx.reference - _LONG_BEFORE:
            # a session years before its contract was made: a year mistyped, most likely
            reading.problem(f"{format_date_short(date)} is over a year before this contract was "
                            f"made ({format_date_short(ctx.reference)}): is the year right? "
                            "The session is counted on that date", field)
        unread = list(found.unread)
        if reading.origin == Origin.TABLE and field.recorded == "date" and (
                timed := [p for p in unread if parse_typed_times(p)]):
            # "10/02/2026 14:00-15:30": a row has no times, and moving them helps nothing
            unread = [p for p in unread if p not in timed]
            usual = ctx.settings.session_hours
            quoted = " and ".join(f'"{p}"' for p in timed)
            reading.problem(
                f"{quoted} {'is' if len(timed) == 1 else 'are'} not read: a table row has no "
                f"times and counts the contract's session length, {format_hours(usual)} "
                f"hour{'' if usual == 1 else 's'}; to count the session's own times, record it "
                "in a Record of Coaching form, with its start and finish times", field)
        reading.unread(field, unread, format_date_short(date))
    return date


_LONG_BEFORE = dt.timedelta(days=365)  # a session this long before its contract: a typo


def _read_times(reading: _Reading, field: FormField, text: str) -> object:
    """Read a time field alone; :func:`_settle_times` then reads Start and Finish together."""
    times = parse_typed_times(text)
    if text and not times:
        example = reading.plan.time_examples[field.name]
        reading.problem(f'"{text}" is not a time ({example})', field)
    reading.times[field.recorded] = times
    return times[0] if times else None


def _settle_times(reading: _Reading, typed: Mapping[str, str]) -> None:
    """Read Start and Finish as a pair: ranges typed in either, and am/pm from each other.

    "10-11am" in Start gives the finish too; "10:00-11:00" in Finish gives the start when it
    is blank. Where a range and the other field disagree the field typed alone is kept and
    both are named; an hour from 1 to 6 typed without am/pm is read as afternoon and named.
    """
    fields = {f.recorded: f for f in reading.plan.fields if f.kind == Kind.TIME}
    if "start" not in fields or "finish" not in fields:
        return
    values = reading.values
    start_text, finish_text = typed.get("start", ""), typed.get("finish", "")
    starts, finishes = read_typed_times(start_text, finish_text)
    start = starts[0].time if starts else None
    finish = finishes[-1].time if finishes else None
    if len(starts) == 2:
        if finish is None:
            finish = starts[1].time  # "14:00-15:00" typed in the start box
        elif len(finishes) == 1 and finish != starts[1].time:
            reading.problem(f'Start time holds the range "{start_text}" but Finish time says '
                            f"{format_time(finish)}: {format_time(finish)} is kept; check "
                            "the times", fields["finish"])
    if len(finishes) == 2:
        if start is None:
            start = finishes[0].time  # "10:00-11:00" typed in the finish box
        elif start != finishes[0].time:
            reading.problem(f'"{finish_text}" is a range that does not start at the start time '
                            f"{format_time(start)}: the finish is read as "
                            f"{format_time(finish)}; check the times", fields["finish"])
    for attr, found in (("start", starts), ("finish", finishes)):
        if note := guessed_note(found):
            reading.problem(note, fields[attr])
        if found:  # a field with no time in it is named as no time (_read_times)
            reading.unread(fields[attr], unread_in_times(typed.get(attr, "")),
                           "–".join(format_time(t.time) for t in found))
    values["start"], values["finish"] = start, finish


def _settle_mode(reading: _Reading, typed: Mapping[str, str]) -> None:
    """Take the mode from the Mode field, else from words in the date field or comments.

    Comments or date words that name another mode than the Mode field are named (the field
    is kept; an e-mail word beside the date is not against it: the date was agreed by e-mail);
    comments that name two modes leave the mode blank and say so. Failing any mode word,
    e-mail mentioned in the date, times or comments makes it an e-mail contact.
    """
    values = reading.values
    in_date = _modes_in(typed.get("date", ""), prose=False)
    in_comments = _modes_in(typed.get("comments", ""), prose=True)
    at = {f.recorded: f for f in reading.plan.fields}
    said = {mode for mode, _ in in_comments}
    mode = values.get("mode")
    if mode:
        # words beside the date other than e-mail ("10/04/2026 (email)": arranged by e-mail)
        against = [("comments say", w) for m, w in in_comments if m != mode] + [
            ("the date field says", w) for m, w in in_date if m not in (mode, Mode.EMAIL)]
        if against and "mode" in at:
            where, word = against[0]
            reading.problem(f'{where} "{word}" but Mode says {mode}: {mode} is kept; '
                            "correct whichever is wrong", at["mode"])
        return
    if reading.mode_typed:  # named by _read_mode: left blank, not guessed from elsewhere
        return
    if in_date:
        values["mode"] = in_date[0][0]
    elif len(said) == 1:
        values["mode"] = in_comments[0][0]
    elif said:
        words = " and ".join(f'"{w}"' for w in dict.fromkeys(w for _, w in in_comments))
        reading.problem(f"comments speak of more than one mode ({words}): the mode is left "
                        "blank; type it in Mode",
                        at["mode"] if "mode" in at and reading.origin == Origin.FORM
                        else at["comments"])
        values["mode"] = ""
    else:
        email = [attr for attr in _EMAIL_IN if mentions_email(typed.get(attr, ""))]
        values["mode"] = Mode.EMAIL if email else ""
        comments = typed.get("comments", "")
        if email == ["comments"] and not _PLAIN_EMAIL.fullmatch(comments):
            # "Discussed aims; emailed slides after": a meeting with an e-mail after it?
            shown = " ".join(comments.split())
            reading.problem(
                f'the comments ("{shown if len(shown) <= 80 else shown[:77] + "…"}") speak of '
                "e-mail, so the session is counted as an e-mail contact, with no hours: if "
                "it met face to face, by phone or by video, say so in the comments (\"Face "
                'to face; slides e-mailed after")', at["comments"])


def _read_mode(reading: _Reading, field: FormField, text: str) -> object:
    """Read the Mode field: the mode its words name, the rest named ("Phone – Sam joined
    late" is Telephone, "Sam joined late" named); a field naming two modes ("face to face
    then phone") or none is named and leaves the mode blank (not taken from elsewhere)."""
    if not text:
        return ""
    if mode := _mode(text):
        return mode
    reading.mode_typed = True  # typed, and no one mode: blank, as the problem says
    found = [(m, match) for match in _mode_pattern().finditer(text)
             if (m := _mode(match.group())) is not None]
    modes = dict.fromkeys(m for m, _ in found)
    if not modes:
        reading.problem(f'"{text}" is not a mode ({", ".join(schema.MODES)}): the mode is '
                        "left blank", field)
        return ""
    if len(modes) > 1:
        words = " and ".join(f'"{w}"' for w in dict.fromkeys(
            " ".join(match.group().split()) for _, match in found))
        reading.problem(f'"{" ".join(text.split())}" names more than one mode ({words}): the '
                        "mode is left blank; type the one the session took, and the rest in "
                        f"{_MOVE_TO[Origin.FORM]}", field)
        return ""
    (mode,) = modes
    reading.mode_typed = False
    reading.unread(field, unread_words(text, [match.span() for _, match in found],
                                       _MODE_SAYS), str(mode))
    return mode


_READERS: dict[Kind, Callable[[_Reading, FormField, str], object]] = {
    Kind.DATE: _read_date,
    Kind.TIME: _read_times,
    Kind.MODE: _read_mode,
}  # NAMES, TEXT and any other kind: the text as typed
_NO_VALUE = (Kind.DATE, Kind.TIME)  # kinds whose blank is None, not ""


# --- sessions ----------------------------------------------------------------------------------


def _held(text: str) -> bool | None:
    """Read the Held field: "Yes", "yes - as planned", "Held" or "No", "not held"; else None.

    The first word answers; text that says both (a prompt left with the answer typed after
    it) answers nothing, nor does "N/A" (not applicable is not No).
    """
    folded = text.casefold()
    if _NOT_APPLICABLE.search(folded):
        return None
    words = [_HELD_WORDS.get(w) for w in _WORDS.findall(_NOT_HELD.sub("no", folded))]
    answers = {w for w in words if w is not None}
    if not words or words[0] is None or len(answers) != 1:
        return None
    return words[0]


def _confirmed(ctx: SessionContext, texts: Mapping[str, str], where: str, status: Status,
               untouched: bool) -> tuple[Status, bool | None]:
    """Return a session's status once its Held field and docgen's pre-fill are weighed, and
    the Held field's answer (None: none)."""
    text = texts.get(HELD_FIELD, "")
    held = _held(text) if text else None
    column = schema.RECORD_FIELD[HELD_FIELD].label.rstrip(": ") if (
        HELD_FIELD in schema.RECORD_FIELD) else "Held"
    if text and held is None:
        ctx.problem(f'"{text}" is not Yes or No: type Yes if the session took place, No if '
                    "not", where, column)
    elif held is not None and (unread := unread_words(text, (), _HELD_SAYS)):
        # "No – rescheduled to 19/3": the new date has a field of its own
        dated = any(parse_typed_dates(p, ctx.reference, ctx.after)[0] for p in unread)
        _unread_problem(ctx, where, column, list(unread), "Yes" if held else "No",
                        _MOVE_TO[Origin.FORM] + ("; a new date to Date of Next Meeting"
                                                 if dated else ""))
    if held is False:
        return Status.CANCELLED, held
    if held is True and status != Status.HELD:
        ctx.problem(f"says Yes, but the form says the session was {status}: counted as "
                    f"{status}; correct whichever is wrong", where, column)
    if held is None and untouched and status == Status.HELD:
        return Status.UNCONFIRMED, held
    return status, held


def _hours(reading: _Reading, status: Status, email: bool) -> tuple[float, bool]:
    """Return a session's hours and whether they were assumed (see the module's rules)."""
    values = reading.values
    start, finish = values.get("start"), values.get("finish")
    if status != Status.HELD:
        return 0.0, False
    if isinstance(start, dt.time) and isinstance(finish, dt.time):
        at = next(f for f in reading.plan.fields if f.recorded == "finish")
        try:
            hours = hours_between(start, finish)
        except ValueError as exc:
            reading.problem(f"{exc}: the session length is assumed", at)
        else:
            usual = reading.ctx.settings.session_hours
            if hours > max(LONG_SESSION_HOURS, LONG_SESSION_TIMES * usual):
                reading.problem(
                    f"the session lasts {format_hours(hours)} hours ({format_time(start)} to "
                    f"{format_time(finish)}), against the contract's {format_hours(usual)} "
                    f"hour{'' if usual == 1 else 's'}: counted as {format_hours(hours)}; if a "
                    "time is mistyped (a finish of 5pm for 3pm, pm for am), correct it", at)
            return hours, False
    if email:
        return 0.0, False
    usual = reading.ctx.settings.session_hours
    if reading.origin == Origin.TABLE:
        _hours_in_comments(reading, usual)
    return usual, True


# A length of time written in a table row's comments ("1.5 hrs", "90 mins", "1h30", "1½ hours")
_LENGTH_IN_TEXT = re.compile(
    r"(?<![\w.,/:])(?:\d+(?:[.,]\d+)?|\d*½)\s?(?:hours?|hrs?|h|minutes?|mins?)\.?"
    r"(?:\s?\d{1,2}(?:\s?(?:minutes?|mins?|m))?)?(?![\w/])", re.IGNORECASE)


def _hours_in_comments(reading: _Reading, usual: float) -> None:
    """Name a length of time typed in a table row's comments that is not the contract's
    session length: the row counts that length, and its comments are not read for hours,
    so "1.5 hrs" would otherwise be shown there and counted as 1 hour without a word."""
    comments = str(reading.values.get("comments") or "")
    for m in _LENGTH_IN_TEXT.finditer(comments):
        try:
            typed = parse_duration_hours(m.group().replace(",", "."))
        except ValueError:
            continue
        if abs(typed - usual) < 1e-9 or typed > max(LONG_SESSION_HOURS,
                                                    LONG_SESSION_TIMES * usual):
            continue  # the session's own length, or no session's ("24 hours' notice")
        reading.problem(
            f'the comments say "{m.group()}", but a table row counts the contract\'s session '
            f"length, {format_hours(usual)} hour{'' if usual == 1 else 's'}, whatever its "
            f"comments say: if the session took {format_hours(typed)} "
            f"hour{'' if typed == 1 else 's'}, record it in a Record of Coaching form with its "
            "start and finish times", _COMMENTS)
        return


def build_session(ctx: SessionContext, texts: Mapping[str, str], origin: Origin,
                  where: str, *, untouched: bool = False) -> RecordedSession:
    """Build one session from the texts of a form or a table row, noting what did not parse.

    ``texts`` maps field names (``schema.RECORD_FIELDS``, and "comments" for a table row) to
    what was typed; a missing field is blank. ``untouched``: the form or row is still exactly
    as docgen pre-filled it (see :mod:`docgen.records.prefill`).
    """
    plan = _plan()
    reading = _Reading(ctx, plan, origin, where)
    typed: dict[str, str] = {}  # by attribute
    values = reading.values
    for field, read, blank, read_blank in plan.steps:
        text = typed[field.recorded] = texts.get(field.name, "")
        if read is None:
            values[field.recorded] = text
        elif text or read_blank:
            values[field.recorded] = read(reading, field, text)
        else:
            values[field.recorded] = blank
    _settle_times(reading, typed)
    _settle_mode(reading, typed)
    said_status, doubt, said = _status_reading(typed["comments"], typed.get("topic", ""))
    if doubt:
        reading.problem(doubt, next(f for f in plan.fields if f.recorded == "comments"))
    # a topic starting with a status verb, then a subject: what was discussed when the
    # session has times or Held: Yes, else what became of it; named either way
    subject = (_topic_subject(typed.get("topic", ""))
               if said_status == Status.HELD and said == Said.NOTHING and not untouched
               else None)
    timed = isinstance(values.get("start"), dt.time) and isinstance(values.get("finish"),
                                                                     dt.time)
    if subject and not timed and _held(texts.get(HELD_FIELD, "")) is not True:
        said_status, said = Status(subject[1]), Said.TOPIC
    status, held = _confirmed(ctx, texts, where, said_status, untouched)
    if subject and held is None:
        _topic_named(reading, typed["topic"], subject, status)
    if origin == Origin.FORM and held is None and status == Status.HELD and not untouched:
        _status_in_notes(reading, typed, ("topic",) if subject else ())  # named above
    if held is not None:
        said = Said.HELD_FIELD
    elif untouched:  # docgen's pre-fill, from the cohort: the plan, not the coach's word
        said = Said.NOTHING
    _check_next_meeting(reading, values.get("date"), values.get("next_meeting"))
    if not untouched:  # docgen's pre-fill is the cohort's text, not a coach's note
        _contacts_in_notes(reading, typed)
    # a session planned, not confirmed keeps the hours it would count: a table row of the
    # same date that a coach did edit confirms it (docgen.log.summary), and they count then
    hours, assumed = _hours(reading, Status.HELD if status == Status.UNCONFIRMED else status,
                            values["mode"] == Mode.EMAIL)
    return RecordedSession(
        **values,  # type: ignore[arg-type]  # by the schema: checked in _make_plan
        source=ctx.source, team_id=ctx.team_id, team_name=ctx.team_name, hours=hours,
        hours_assumed=assumed, status=status, said=said, origin=origin, where=where,
    )


def form_sessions(ctx: SessionContext, forms: Iterable[Mapping[str, str]]
                  ) -> list[RecordedSession]:
    """Return the sessions of the Record of Coaching forms, skipping blank forms.

    A form still exactly as docgen pre-filled it is marked so (planned, not confirmed).
    """
    plan = _plan()
    sessions = []
    forms = list(forms)
    blank = [not any(form.get(name) for name in plan.substance) for form in forms]
    known = ctx.people | {  # the people the record's sessions name
        key for form, empty in zip(forms, blank, strict=True) if not empty
        for name in _AHEAD for key in _people(form.get(name, ""))}
    for n, (form, empty) in enumerate(zip(forms, blank, strict=True), start=1):
        where = f"Record of Coaching form {n}"
        if not empty:
            sessions.append(build_session(ctx, form, Origin.FORM, where,
                                          untouched=ctx.prefilled.untouched_form(form)))
        else:  # a blank form, maybe with the coach's and team's names typed ahead: no session
            _blank_form(ctx, plan, form, where, known)
    _same_time(ctx, sessions)
    return sessions


_AHEAD = frozenset({"coach", "team_members"})  # names typed ahead on a blank form
_NO_SESSION = "the form holds no date, time, topic, issues or action, so it is no session"


def _people(text: str) -> set[str]:
    """Return the people a Coach/s or Team members field names, as person keys."""
    return {key for name in member_names(text) if (key := person_key(name))} if text else set()


def _blank_form(ctx: SessionContext, plan: _Plan, form: Mapping[str, str], where: str,
                known: frozenset[str] | set[str] = frozenset()) -> None:
    """Name what a form without a session value (no date, time, topic, issues or action)
    holds: a mode, a Held answer, a next meeting typed there is in no session, so it would
    reach the log nowhere. The coach's and team's names typed ahead (or pre-filled by
    docgen) are not named while they are people the record names elsewhere (``known``:
    the document's coaches, team and signatories, the people of its sessions); a name
    that is not is information the log would lose: named, asking whether a session was
    left out."""
    columns = plan.columns[Origin.FORM]
    for name, value in form.items():
        if not value.strip() or name in plan.substance:
            continue
        field = schema.RECORD_FIELD.get(name)
        column = columns.get(name) or (field.label.rstrip(": ") if field else name)
        if name in _AHEAD:
            others = [n for n in member_names(value) if person_key(n) not in known]
            if others:
                ctx.problem(
                    f'"{" ".join(value.split())}" names {_listed(others)}, whom the record '
                    f"names nowhere else, but {_NO_SESSION}: was a session left out? If one "
                    "took place, type its date and what happened into the form; if the names "
                    "are typed ahead for a session to come, date the form once it is held; if "
                    "the team's coaches or members changed, change the cohort's Teams sheet "
                    "too", where, column)
            continue
        ctx.problem(
            f'"{" ".join(value.split())}" is not read: {_NO_SESSION}; if a session took place, '
            "type its date and what happened into the form; if not, delete it", where, column)


def _listed(names: list[str]) -> str:
    shown = [f'"{n}"' for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _same_time(ctx: SessionContext, sessions: list[RecordedSession]) -> None:
    """Name a form dated and timed as an earlier one of the record (a form copied for a
    further session and not re-dated, or one session written up twice): both count, so the
    hours may be counted twice."""
    first: dict[tuple[dt.date, dt.time], RecordedSession] = {}
    for s in sessions:
        if s.date is None or s.start is None or s.status not in (Status.HELD,
                                                                  Status.UNCONFIRMED):
            continue
        earlier = first.setdefault((s.date, s.start), s)
        if earlier is not s:
            ctx.problem(
                f"is dated and timed as {earlier.where} ({format_date_short(s.date)} at "
                f"{format_time(s.start)}): both are counted; if it is the same session, delete "
                "one of the forms; if it is another, correct its date or start time", s.where)


def coach_variants(sessions: Iterable[RecordedSession], coaches: Iterable[str],
                   team_id: str, source: str) -> list[Problem]:
    """Name each coach a held session names who is not one of the contract's ``coaches``
    but may be one of them written otherwise ("Fiona", "F MacLeod", "Fiona McLeod" for
    "Fiona MacLeod"), once a name, with every form and row naming them: the log credits a
    session's hours to the coaches it names, so one coach's hours would be split between two
    names on the Coaches sheet and the ICF log without a word. A name like no coach's (a
    co-coach added) is credited as typed, and not named."""
    known = {person_key(c): c for c in coaches}
    if not known:
        return []
    places: dict[str, tuple[str, str, list[RecordedSession]]] = {}
    shapes: dict[str, tuple[str, RecordedSession]] = {}  # names of another shape: see below
    for s in sessions:
        if s.status != Status.HELD:
            continue
        for name in parse_names(s.coach):
            key = person_key(name)
            if not key or key in known:
                continue
            if key not in places and key not in shapes:
                if shape := _coach_shape(name):
                    shapes[key] = (shape, s)
                    continue
                likely = [c for k, c in known.items()
                          if may_be_person(key, k) or initials_of(name, k)]
                if len(likely) != 1:
                    continue
                places[key] = (name, likely[0], [])
            if key in places:
                places[key][2].append(s)
    columns = _plan().columns
    found = [Problem(shape, file=source, sheet=s.where, column=columns[s.origin]["coach"])
             for shape, s in shapes.values()]
    for name, coach, named_in in places.values():
        first = named_in[0]
        wheres = [s.where for s in named_in]
        listed = wheres[0] if len(wheres) == 1 else f"{', '.join(wheres[:-1])} and {wheres[-1]}"
        found.append(Problem(
            f'names the coach "{name}" ({listed}), whom the contract names "{coach}": the '
            f'hours of {"that session are" if len(named_in) == 1 else "those sessions are"} '
            f'credited to "{name}", apart from {coach}\'s, on the Coaches sheet and the ICF '
            f"log; if that is {coach}, type the name as the contract has it; if it is another "
            f"coach of team {team_id}, add them to its Coach cell on the cohort's Teams sheet",
            file=source, sheet=first.where, column=columns[first.origin]["coach"]))
    return found


_COACH_SHAPES = {
    "joined": 'which is credited as one coach of that name on the Coaches sheet and the ICF '
              'log, apart from each person it names: separate two coaches with ";"',
    "bracketed": "which is credited as one coach, its words in brackets too, apart from the "
                 "coach it names, on the Coaches sheet and the ICF log: type the coach's name "
                 'alone (a co-coach after ";"), and the note in Topic or Comments'}


def _coach_shape(name: str) -> str | None:
    """Say how a coach's name as typed would be credited otherwise than meant (see
    :func:`~docgen.values.one_name_or_how`); None for a name of one person."""
    how = one_name_or_how(name)
    return f'names the coach "{name}", {_COACH_SHAPES[how]}' if how else None


def row_sessions(ctx: SessionContext, rows: Iterable[tuple[int, list[str]]]
                 ) -> list[RecordedSession]:
    """Return the sessions of the COACHING RECORD rows, given as (row number, cell texts)."""
    return [
        build_session(ctx, dict(zip(TABLE_FIELDS, cells, strict=False)), Origin.TABLE,
                      f"COACHING RECORD row {number}",
                      untouched=ctx.prefilled.untouched_row(cells))
        for number, cells in rows
    ]
