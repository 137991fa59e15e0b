"""Clean cell text and fold headers: the text rules every other parser starts from."""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters XML 1.0 forbids (after \x0b and \x0c became new lines), DEL, and the bidi
# embedding/override/isolate controls that can make a document display text out of order.
_DROPPED_CHARS = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c]")
_NON_ALNUM_RUN = re.compile(r"[\W_]+")
_SHOWN_MAX = 60  # longest value quoted in full in an error message


def header_key(text: object) -> str:
    """Fold a header to the key columns are matched by, so "Team ID" and "team-id" agree.

    Combining marks left over after NFKC (the dot of "İ" lower-cased) are dropped rather than
    splitting a word.
    """
    return _text_key(text) if type(text) is str else _key(text)


@functools.lru_cache(maxsize=8192)  # headers and labels repeat in every record
def _text_key(text: str) -> str:
    return _key(text)


def _key(text: object) -> str:
    folded = unicodedata.normalize("NFKC", clean_text(text)).lower()
    folded = unicodedata.normalize("NFKC", folded)
    folded = "".join(c for c in folded if unicodedata.category(c) != "Mn")
    return _NON_ALNUM_RUN.sub("_", folded).strip("_")


def clean_text(value: object) -> str:
    """Turn any cell value into text that is safe to put in a Word document (valid XML).

    ``None`` gives ""; whole floats lose their ``.0``. New lines are normalised to ``\\n``,
    XML-illegal and bidi control characters dropped, trailing spaces of each line and blank
    lines and whitespace around the whole value stripped. The result is in NFC.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if text.isascii() and text.isprintable():
        return text.strip()  # the common cell: one line, nothing to drop or normalise
    text = _LINE_BREAKS.sub("\n", text)
    text = _DROPPED_CHARS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip(" \t") for line in text.split("\n")).strip()


def escaped_name(name: str) -> str:
    """Return a file's name as text any file, workbook or database can hold.

    On Linux a name is bytes, and one made on an older system (a Latin-1 "é") is not UTF-8:
    Python holds each such byte as a lone surrogate, which UTF-8 cannot encode and
    :func:`clean_text` would drop (naming a file that does not exist). Each is written as
    its escape instead, ``caf\\xe9``, as a terminal shows it; a name that is UTF-8 is
    returned as it is.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate of another kind (a Windows name)
            raw = name.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "backslashreplace")
    return name


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def dropped_characters(text: str) -> str | None:
    """Return, for a warning, the invisible characters that reorder how ``text`` is shown
    (bidi embeddings, overrides and isolates, by code: "U+202E"), which :func:`clean_text`
    leaves out: the spreadsheet shows the text in one order and the documents in another.
    None for the common text, which has none. (Control characters a document cannot hold
    are left out too, without a word: they show as nothing, or as a box, in the spreadsheet.)
    """
    if text.isascii():
        return None
    found = sorted(set(_BIDI.findall(text)))
    if not found:
        return None
    return ("invisible characters that change the order its text is shown in ("
            + ", ".join(f"U+{ord(c):04X}" for c in found) + ")")


def is_blank(value: object) -> bool:
    """Tell whether a cell is empty for our purposes: ``None`` or only whitespace."""
    return value is None or clean_text(value) == ""


def _norm(value: object) -> str:
    """Return a cell's text folded for parsing: NFKC, lower case, whitespace runs as one space."""
    return " ".join(unicodedata.normalize("NFKC", clean_text(value)).lower().split())


def _shown(value: object) -> str:
    """Quote a value for an error message, on one line and cut short if very long."""
    text = " ".join(clean_text(value).split())
    if len(text) > _SHOWN_MAX:
        text = text[: _SHOWN_MAX - 1].rstrip() + "…"
    return f'"{text}"'


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
