"""Fold and split people's names and Team IDs, so spellings of one person or team match."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from docgen.values.text import clean_text

_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"})
_APOSTROPHES = "'’‘ʼ`´"
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)  # before NFKD splits "´" in two
_NAME_SEPARATORS = re.compile(r"[;\n]")
# Characters that show nothing, so two spellings that look the same may differ only by them:
# zero-width space, non-joiner and joiner, word joiner, byte-order mark, soft hyphen, and the
# bidi marks, embeddings, overrides and isolates. Keys leave them out.
_INVISIBLE = str.maketrans(dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def _visible(text: str) -> str:
    """Return ``text`` without invisible characters, in NFKC ("ｔ０５" is "t05")."""
    if text.isascii():
        return text  # the common ID or name: nothing invisible, nothing to normalise
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


@functools.lru_cache(maxsize=8192)  # the same coaches and members recur on every record
def person_key(name: str) -> str:
    """Fold a person's name so spellings of one person match: "Dr. Áine O'Brien", "aine obrien".

    Accents, case, dots, apostrophes, invisible characters (zero-width spaces, soft hyphens,
    bidi controls) and a leading title go; other punctuation (hyphens, commas) counts as a
    space, and whitespace runs as one space.
    """
    text = unicodedata.normalize("NFKD", _visible(str(name).translate(_DROP_APOSTROPHES)))
    text = unicodedata.normalize("NFKD", text.casefold())
    chars = []
    for c in text:
        category = unicodedata.category(c)
        if c == "." or c in _APOSTROPHES or category == "Mn":
            continue
        chars.append(" " if category[0] in "PZC" else c)
    words = "".join(chars).split()
    while len(words) > 1 and words[0] in _TITLES:
        del words[0]
    return " ".join(words)


NEAR_NAME = 0.85  # two folded names this alike (difflib's ratio) may be one misspelt


def may_be_person(typed: str, known: str) -> bool:
    """Whether a name (folded by :func:`person_key`) may be a known person's (folded) written
    otherwise: each of its words one of theirs or the initial of one ("fiona", "f macleod"
    for "fiona macleod"), or the whole spelt nearly alike with a word of three letters or
    more in common ("fiona mcleod"; not "jo read" for "jo reid", nor "coach 1" for "coach 0":
    names with digits are labels, compared whole)."""
    words = known.split()
    if all(w in words or (len(w) == 1 and w.isalpha() and any(k.startswith(w) for k in words))
           for w in typed.split()):
        return True
    if any(c.isdigit() for c in typed + known) or not any(
            len(w) >= 3 and w in words for w in typed.split()):
        return False
    matcher = difflib.SequenceMatcher(None, typed, known)
    return (matcher.real_quick_ratio() >= NEAR_NAME and matcher.quick_ratio() >= NEAR_NAME
            and matcher.ratio() >= NEAR_NAME)


# A name written as initials only ("FM", "F.M."), compared with a known person's initials
_INITIALS = re.compile(r"(?:[A-Z]\.?\s?){2,3}")


def initials_of(typed: str, known: str) -> bool:
    """Whether a name typed as capital initials only ("FM", "F.M.") is a known person's
    (``known`` folded by :func:`person_key`: "fiona macleod")."""
    return (_INITIALS.fullmatch(typed) is not None
            and person_key(typed) == "".join(word[0] for word in known.split()))


# A note in brackets beside a name: "Ravi Mehta (covering)", "Sam Coach [cover]"
_BRACKETED = re.compile(r"[(\[].*[)\]]")


def one_name_or_how(name: str) -> str | None:
    """Say how a name someone is credited under may be more than one person's: "joined" for
    names joined by a comma, "/", "&", "+" or "and" ("Fiona MacLeod / Ravi Mehta"),
    "bracketed" for a note in brackets ("Ravi Mehta (covering)"); None for a plain name."""
    parts = [p for p in _LISTED.split(name) if p]
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return "joined"
    if _BRACKETED.search(name):
        return "bracketed"
    return None


def team_key(team_id: str) -> str:
    """Fold a Team ID so spellings of one team match: "T05", "t05 ", "Ｔ０５", "T05" + ZWSP.

    Case, runs of spaces, invisible characters (zero-width spaces, soft hyphens, bidi
    controls) and compatibility forms (full-width letters) do not count. The one rule used
    wherever teams are compared: the cohort's duplicate check, sessions matched to their
    team, and records of one team merged in the log.
    """
    text = str(team_id)
    if text.isascii():
        return " ".join(text.split()).lower()  # casefold is lower for ASCII, sooner
    folded = unicodedata.normalize("NFKC", _visible(text).casefold())  # casefold may unfold
    return " ".join(folded.split())


def parse_names(value: object) -> tuple[str, ...]:
    """Split a cell listing people on ";" and new lines (not commas: "Smith, John" is one name).

    Each name is cleaned and its whitespace collapsed; blanks and repeats of a person already
    listed (same :func:`person_key`) are dropped, keeping the first spelling.
    """
    if value is None:
        return ()
    names: list[str] = []
    seen: set[str] = set()
    for part in _NAME_SEPARATORS.split(clean_text(value)):
        name = " ".join(part.split())
        key = person_key(name) or name
        if name and key not in seen:
            seen.add(key)
            names.append(name)
    return tuple(names)


_LISTED = re.compile(r"\s*(?:,|/|&|\+|\band\b)\s*")


def names_read_as(value: object) -> list[str]:
    """Say how a cell of names is read where that may not be as meant, one note each.

    - a name dropped as a repeat of one already listed: the same person spelt otherwise
      ("Sean Kelly" after "Seán Kelly", "Jo Reid" after "Dr Jo Reid"), or listed twice;
    - a name that looks like several joined by commas, "/", "&" or "and" ("Ann One, Bob Two"):
      only ";" and new lines separate names (a comma may be "Smith, John").
    """
    notes: list[str] = []
    first: dict[str, str] = {}
    for part in _NAME_SEPARATORS.split(clean_text(value)):
        name = " ".join(part.split())
        if not name:
            continue
        key = person_key(name) or name
        if key in first:
            kept = first[key]
            notes.append(f'"{name}" is read as the same person as "{kept}" (one signature '
                         "row): if they are two people, tell them apart, e.g. by an initial"
                         if name != kept else
                         f'"{name}" is listed twice and read once: if they are two people, '
                         "tell them apart, e.g. by an initial")
            continue
        first[key] = name
        parts = [p for p in _LISTED.split(name) if p]
        if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
            notes.append(f'"{name}" is read as one name: separate names with ";" or a new '
                         "line in the cell")
    return notes
