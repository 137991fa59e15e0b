"""Write values as text for the XML, and lay a part's paragraphs out one to a line for Jinja."""

from __future__ import annotations

import re

# What value_text changes: a text without any of these is its own markup (the common case).
NEEDS_CARE = re.compile("[&<>\"'\x00-\x1f\ufffe\uffff\ud800-\udfff]")
_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")


# What XML 1.0 forbids, less the characters docxtpl turns into markup (tab, \a, \f) and the
# line ends value_text turns into new lines.
_FORBIDDEN = re.compile("[\x00-\x06\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def value_text(text: str) -> str:
    """Return a value as Jinja's autoescape writes it, with line ends made new lines.

    Tabs, new lines, ``\\a`` and ``\\f`` are kept: after rendering, docxtpl's listing step
    turns them into markup where they land in a run's text (see :mod:`docgen.ooxml.listing`).
    ``\\r\\n``, ``\\r`` and a vertical tab (Word's manual line break) become ``\\n``;
    characters XML forbids are dropped (docxtpl would write them, and no reader opens that).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    text = _FORBIDDEN.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def clean_markup(text: str) -> str:
    """Return already-escaped text without the characters XML forbids."""
    return _FORBIDDEN.sub("", text.replace("\x0b", "\n"))


def paragraphs_on_lines(xml: str) -> str:
    """Return ``xml`` with each paragraph starting a line, as docxtpl lays a part out.

    Jinja then counts a paragraph as a line, so an error can quote the paragraph it is in.
    """
    return _PARAGRAPH.sub(r"\n<w:p\1", xml)


def paragraphs_joined(xml: str) -> str:
    """Undo :func:`paragraphs_on_lines` in rendered XML, exactly as docxtpl undoes it."""
    return xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")


def strip_markup(xml: str) -> str:
    """Return the text of a piece of XML with its tags dropped (for quoting it in a message)."""
    return _TAG.sub("", xml)
