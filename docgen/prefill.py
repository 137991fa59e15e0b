"""What docgen pre-filled into a record's forms and table rows, so an untouched one is known.

A session planned on the cohort's Sessions sheet is written into a Record of Coaching form and
a COACHING RECORD row. Left as docgen wrote it, it says nothing about what happened: once its
date passes it is *planned, not confirmed* (listed, not counted) until a coach answers the
form's Held field or changes any of its values.

At generation docgen records, in the custom property ``docgen.prefilled``, a short digest of
each pre-filled form and row: the texts of its fields (``schema.RECORD_FIELDS`` but Held; the
table's four cells), each cleaned as the reader cleans typed text, so what is compared is
what reading the document gives. The digests are made from the values
docgen merged (:func:`from_context`, cheap) when the template shows them as they are, which
is checked once per template on a sample (:func:`docgen.records.prefill.read_back` of the
rendered document); a template that words them otherwise ("Friday 3 April 2026") has each
document read back.

The property is JSON: ``{"fields": [form field names], "forms": [digest, ...], "rows":
[digest, ...]}``; the field names make old documents readable after the form gains a field.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from docgen import schema
from docgen.values import clean_text

__all__ = ["HELD_FIELD", "Prefilled", "decode", "encode", "form_digest", "from_context",
           "row_digest"]

HELD_FIELD = "held"  # the form's answer to "did it take place?": never part of a digest
ROW_FIELDS = ("coach", "date_of_coaching", "topic", "comments")  # the table's cells, in order


# (schema.RECORD_FIELDS, the form's fields but Held, those the team gives): made again only
# when the fields are other than the ones they were made of (a test may change them).
_FIELDS: tuple[object, tuple[str, ...], frozenset[str]] = ((), (), frozenset())


def _fields() -> tuple[tuple[str, ...], frozenset[str]]:
    """Return the form's fields but Held, and those of them its team gives: made once for
    the schema's fields, not once a document."""
    global _FIELDS
    if _FIELDS[0] is not schema.RECORD_FIELDS:
        record = schema.RECORD_FIELDS
        _FIELDS = (record, tuple(f.name for f in record if f.name != HELD_FIELD),
                   frozenset(f.name for f in record if f.team))
    return _FIELDS[1], _FIELDS[2]


def _form_fields() -> tuple[str, ...]:
    return _fields()[0]


def _carries_session(values: Mapping[str, str], fields: Sequence[str]) -> bool:
    """Tell whether a form holds session values, not only the people its team gives."""
    team = _fields()[1]
    return any(values.get(name) for name in fields if name not in team)


_EDGES = " :-–"  # what the reader strips from either end of a typed value


def _clean(text: str) -> str:
    """Return text as the reader takes a typed value (``records.forms.typed_value``), folded."""
    if not text or (text.isprintable() and "  " not in text and text[0] not in _EDGES
                    and text[-1] not in _EDGES
                    and (text.isascii() or unicodedata.is_normalized("NFC", text))):
        return text  # the common value: nothing to drop, strip or fold
    return " ".join(clean_text(text.replace("\t", " ")).strip(" :-–").split())


def _digest(texts: Iterable[str]) -> str:
    return _digest_cleaned(list(map(_clean, texts)))


def _digest_cleaned(cleaned: list[str]) -> str:
    """Return the digest of texts already as :func:`_clean` makes them."""
    return hashlib.sha256("\x1f".join(cleaned).encode("utf-8")).hexdigest()[:16]


def _cleaned(texts: list[str]) -> list[str]:
    """Return ``texts`` each as :func:`_clean` makes it: the common value (its test, the same
    as _clean's first, made here in line) without a call for each, as a document's ~40 are."""
    return [t if not t or (t.isprintable() and "  " not in t and t[0] not in _EDGES
                           and t[-1] not in _EDGES
                           and (t.isascii() or unicodedata.is_normalized("NFC", t)))
            else _clean(t) for t in texts]


def form_digest(form: Mapping[str, str], fields: Sequence[str]) -> str:
    """Return the digest of a form's ``fields`` (missing ones blank)."""
    return _digest(str(form.get(name) or "") for name in fields)


def row_digest(cells: Sequence[str]) -> str:
    """Return the digest of a COACHING RECORD row's four cells."""
    return _digest([*cells[:4], *[""] * (4 - len(cells))])


@dataclass(frozen=True)
class Prefilled:
    """The digests of what docgen pre-filled in one record (empty: nothing, or not known)."""

    fields: tuple[str, ...] = ()
    forms: frozenset[str] = frozenset()
    rows: frozenset[str] = frozenset()

    def untouched_form(self, form: Mapping[str, str]) -> bool:
        """Tell whether a form is still exactly as docgen pre-filled one (Held aside)."""
        return bool(self.forms) and form_digest(form, self.fields) in self.forms

    def untouched_row(self, cells: Sequence[str]) -> bool:
        """Tell whether a table row is still exactly as docgen pre-filled one."""
        return bool(self.rows) and row_digest(cells) in self.rows


def encode(forms: Iterable[Mapping[str, str]], rows: Iterable[Sequence[str]]) -> str:
    """Return the property's value for the pre-filled ``forms`` and table ``rows``.

    Forms that carry no session value (a blank form with the team's names) and blank rows are
    left out: they are no session whatever happens to them. "" when nothing was pre-filled.
    """
    fields = _form_fields()
    digests = [form_digest(f, fields) for f in forms if _carries_session(f, fields)]
    row_digests = [row_digest(r) for r in rows if any(_clean(c) for c in r)]
    if not digests and not row_digests:
        return ""
    return _COMPACT_JSON({"fields": list(fields), "forms": digests, "rows": row_digests})


# json.dumps(..., separators=(",", ":")), its encoder made once, not once a document
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":")).encode


def decode(text: str) -> Prefilled:
    """Read the property back; anything odd reads as nothing known (every form as typed)."""
    if not text:
        return Prefilled()
    try:
        data = json.loads(text)
        fields = tuple(str(x) for x in data["fields"])
        forms = frozenset(str(x) for x in data.get("forms", ()))
        rows = frozenset(str(x) for x in data.get("rows", ()))
    except (ValueError, KeyError, TypeError, AttributeError):
        return Prefilled()
    return Prefilled(fields, forms, rows)


def from_context(context: Mapping[str, object]) -> str:
    """Return the property from the values a contract's context gives its forms and rows.

    What :func:`encode` returns for them, each form's fields taken as text once (not every
    value of the form, then the fields again) and cleaned in one pass: made once a contract.
    """
    fields, team = _fields()
    session = [n not in team for n in fields]  # the fields a form's session fills
    digests = []
    for form in _list(context.get("records")):
        if type(form) is dict or isinstance(form, Mapping):
            texts = [str(form.get(name) or "") for name in fields]  # type: ignore[attr-defined]
            if any(t for t, own in zip(texts, session, strict=True) if own):
                digests.append(_digest_cleaned(_cleaned(texts)))
    row_digests = []
    for s in _list(context.get("sessions")):
        if type(s) is dict or isinstance(s, Mapping):
            cells = _cleaned([str(s.get(c) or "") for c in ROW_FIELDS])  # type: ignore[attr-defined]
            if any(cells):
                row_digests.append(_digest_cleaned(cells))
    if not digests and not row_digests:
        return ""
    return _COMPACT_JSON({"fields": list(fields), "forms": digests, "rows": row_digests})


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []
