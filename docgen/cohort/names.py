"""Tell which known name an unknown one resembles: a misspelt header, a renamed sheet or file.

Names are compared by key (:func:`docgen.values.header_key`): "Teamname" is "Team name" without
its space, "Organization" is "Organisation" spelt the American way, "Session date" holds the
word "Date", "Start" is the start of "Start time", "Sessions 2026" holds "Sessions". A name
resembles a known one when their keys are alike as a whole (difflib) or when the words of one
are all, give or take a letter or two, among the words of the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

from docgen.schema import Sheet
from docgen.values import header_key

ALIKE = 0.8  # difflib's ratio for two words or keys taken to be one misspelt


def _alike(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def resemblance(key: str, known: str) -> float:
    """Return how closely ``key`` resembles the ``known`` key, from 0 to 1 (0 when not at all).
    """
    if not key or not known:
        return 0.0
    if key.replace("_", "") == known.replace("_", ""):
        return 1.0
    whole = _alike(key, known)
    if whole >= ALIKE:
        return whole
    words, known_words = key.split("_"), known.split("_")

    def within(some: list[str], others: list[str]) -> bool:
        return all(any(w == o or (len(w) > 3 and _alike(w, o) >= ALIKE) for o in others)
                   for w in some)

    if within(known_words, words) or within(words, known_words):
        return ALIKE * 0.9 + whole * 0.1  # below a whole match, ranked among themselves
    return 0.0


# Other words admins use for docgen's columns (keys): taken to mean the column when the sheet
# lacks it, as a misspelling is. A sheet that has the column keeps the other as an extra field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "location": ("venue",), "room": ("venue", "location"), "place": ("venue", "location"),
    "venue": ("location",), "start_date": ("first_session",), "end_time": ("finish_time",),
    "end": ("finish_time",), "to": ("finish_time",), "from": ("start_time",),
    "notes": ("comments",), "note": ("comments",), "remarks": ("comments",),
    "frequency_weeks": ("meet_every_weeks",), "every_weeks": ("meet_every_weeks",),
    "weeks": ("meet_every_weeks",), "email": ("coach_email", "contact_email"),
    "session_type": ("mode",), "type": ("mode",), "issues": ("issues_arising",),
    "actions": ("action",), "next_meeting": ("date_of_next_meeting",),
    "members": ("team_members",), "practitioner": ("qi_practitioner",),
}


def nearest(key: str, known: Iterable[str]) -> str | None:
    """Return the known key that ``key`` means (:data:`SYNONYMS`) or most resembles, or None
    if it resembles none."""
    known = set(known)
    meant = next((k for k in SYNONYMS.get(key, ()) if k in known), None)
    if meant is not None:
        return meant
    scored = [(resemblance(key, k), k) for k in known]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] > 0 else None


# Words of a setting's name, shortened or put otherwise ("Min. coaching hours", "Length of
# session"), and words that add nothing to what a setting is ("total", "of").
_SETTING_WORDS = {"min": "minimum", "mins": "minutes", "hrs": "hours", "hr": "hours",
                  "length": "duration", "freq": "frequency", "sessions": "session",
                  "months": "month", "days": "day", "no": "number"}
_FILLER = frozenset({"of", "the", "a", "per", "in", "for", "total", "each", "every"})


def _setting_words(key: str) -> frozenset[str]:
    return frozenset(_SETTING_WORDS.get(w, w) for w in key.split("_") if w not in _FILLER)


def resembled_setting(key: str, known: Iterable[str]) -> str | None:
    """Return the known setting (key) a setting's ``key`` resembles, or None: as
    :func:`nearest`, or when every word of one known setting is among its words, shortened
    or said otherwise ("Min. coaching hours (total)", "Length of session"), and of no other.
    """
    known = set(known)
    found = nearest(key, known)
    if found is not None:
        return found
    words = _setting_words(key)
    within = [k for k in known if _setting_words(k) <= words]
    return within[0] if len(within) == 1 else None


def sheet_of_file(path: Path, sheets: Iterable[Sheet]) -> Sheet | None:
    """Return the sheet a CSV file holds by its name: ``teams.csv``, ``Teams.csv`` (as Excel
    names a sheet saved as CSV), ``cohort - Teams.csv`` (as Google Sheets names it) or
    ``cohort-Teams.csv`` (as LibreOffice names each sheet it saves as CSV)."""
    candidates = _sheet_keys(path)
    return next((s for s in sheets if header_key(s.name) in candidates
                 or path.name.lower() == s.csv_name), None)


def file_named(path: Path, sheet: str) -> bool:
    """Tell whether a CSV file is named after the sheet ``sheet``, as :func:`sheet_of_file`
    reads a name."""
    return header_key(sheet) in _sheet_keys(path)


def _sheet_keys(path: Path) -> set[str]:
    stem = path.stem
    candidates = {header_key(stem)}
    for between in (" - ", "-"):
        if between in stem:
            candidates.add(header_key(stem.rsplit(between, 1)[1]))
    return candidates


def resembled_sheet(name: str, sheets: Iterable[Sheet]) -> Sheet | None:
    """Return the sheet a sheet or file name resembles without being its name, if any."""
    key = header_key(name)
    by_key = {header_key(s.name): s for s in sheets}
    found = nearest(key, by_key)
    return by_key[found] if found else None
