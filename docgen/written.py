"""What docgen wrote in a document, where the log reads no sessions: a mentor agreement, and
a contract's own text before its Record of Coaching forms.

The log reads from a returned agreement only that it came back, and from a contract only its
forms and table. So that what is typed there (a paragraph added, a field changed, a line
typed beside the text) is named rather than dropped in silence, docgen records at generation,
in the custom property ``docgen.written``, a short digest of every line of text it wrote in
the document's body (a contract's: before its first form, and the headings of its forms and
table; a body paragraph's lines, a table cell's lines), each cleaned as the reader cleans
typed text: spacing and tabs as single spaces, docgen's prompts left out by the reader. A
line the returned document holds that is none of them was typed. The lines are made from the
template's text and the values merged
(:func:`docgen.documents.render.CompiledTemplate.written_lines`, cheap) when a sample shows
that is what the document says; otherwise each document is read back.

A contract's record also holds, apart, the lines of the header row of its COACHING RECORD
table (the column headings, as its template words them), so that text typed into a heading
is named and a heading an admin reworded in the template is not: the header row sits among
the forms, where the lines of the contract's own text are not compared.

The property is JSON: ``{"lines": [digest, ...]}``; a contract's, ``{"lines": [...],
"headers": [...]}`` (a contract made before docgen recorded its headings has no "headers").
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable

from docgen.values import clean_text

__all__ = ["decode", "decode_headers", "digest", "digests", "encode", "holds", "json_lines",
           "key_digest", "line_key"]


def line_key(text: str) -> str:
    """Return a line as it is compared: cleaned, its spacing and tabs single spaces."""
    return " ".join(clean_text(text.replace("\t", " ")).split())


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


_KNOWN: dict[str, str] = {}  # line -> its digest ("" when blank): most lines come in every
_KEPT = 8192  # document made from one template, so each is cleaned and digested once


def _line_digest(line: str) -> str:
    found = _KNOWN.get(line)
    if found is None:
        if len(_KNOWN) >= _KEPT:
            _KNOWN.clear()
        key = line_key(line)
        found = _KNOWN[line] = _digest(key) if key else ""
    return found


def digests(lines: Iterable[str]) -> frozenset[str]:
    """Return the digests of the non-blank ``lines`` (each a line, or text of several)."""
    every = "\n".join(lines).split("\n")  # the lines of each text, as splitting each gives
    found = set(map(_KNOWN.get, every))  # in C: the lines of a template's documents are known
    if None in found:  # a line not seen before (or forgotten): cleaned and digested once
        found.discard(None)
        found.update(_line_digest(line) for line in every if line not in _KNOWN)
    found.discard("")
    return frozenset(found)


def encode(lines: Iterable[str], headers: Iterable[str] | None = None) -> str:
    """Return the property's value for the ``lines`` docgen wrote, and a contract's
    ``headers``: the lines of its COACHING RECORD table's header row (none: not recorded)."""
    if headers is None:
        return json_lines(digests(lines))
    return json_lines(digests(lines), headers=digests(headers))


def json_lines(found: Iterable[str], **more: Iterable[str]) -> str:
    """Return ``{"lines": [...], ...}``, each list sorted, as ``json.dumps`` writes it without
    spaces, in a third of its time: digests (hexadecimal) need no escaping; anything else
    that might (a part's name) is escaped by json."""
    lists = {"lines": found, **more}
    return "{" + ",".join(f'"{name}":[{_json_list(sorted(items))}]'
                          for name, items in lists.items()) + "}"


def _json_list(items: list[str]) -> str:
    """Return ``items`` as the inside of a JSON list: in one join when none needs escaping
    (the digests: a fifth of the time), else item by item."""
    body = '","'.join(items)
    if (body.isascii() and body.isprintable() and "\\" not in body
            and body.count('"') == 2 * max(len(items) - 1, 0)):  # no quote but the joins
        return f'"{body}"' if items else ""
    return ",".join(_json_string(item) for item in items)


def _json_string(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


@functools.lru_cache(maxsize=4)  # decode and decode_headers read one property: parsed once
def _parsed(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _digests(text: str, key: str) -> frozenset[str] | None:
    """Return the digests under ``key`` of the property ``text``; None when it has none or
    cannot be read."""
    if not text:
        return None
    try:
        return frozenset(str(x) for x in _parsed(text)[key])  # type: ignore[index]
    except (KeyError, TypeError):
        return None


def decode(text: str) -> frozenset[str] | None:
    """Return the digests the property holds; None when it is absent or cannot be read."""
    return _digests(text, "lines")


def decode_headers(text: str) -> frozenset[str] | None:
    """Return the digests of the header row's lines the property holds (see :func:`encode`);
    None when it holds none: a contract made before docgen recorded them, or no property."""
    return _digests(text, "headers") if '"headers"' in text else None


def digest(line: str) -> str:
    """Return the digest a line (as the reader found it) is compared by; "" when blank."""
    return _line_digest(line)


def key_digest(key: str) -> str:
    """Return the digest of a line already as it is compared (:func:`line_key`), not kept
    among the lines seen: for the many pieces of one line tried against what docgen wrote."""
    return _digest(key) if key else ""


def holds(written: frozenset[str], line: str) -> bool:
    """Tell whether ``line`` (as the reader found it) is one docgen wrote, or blank."""
    found = _line_digest(line)
    return not found or found in written
