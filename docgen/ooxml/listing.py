"""Find the paragraphs of rendered XML in which docxtpl turns tabs and breaks into markup.

docxtpl's ``resolve_listing`` runs over every paragraph of a rendered part and, inside the
text of its runs, turns a tab into a ``<w:tab/>`` run, a new line into ``<w:br/>``, ``\\a``
into a new paragraph and ``\\f`` into a page break. Running it over a whole part costs twice
the rendering itself, and it changes only the paragraphs holding one of those characters; so
docgen finds those paragraphs exactly as its regular expressions would, and resolves only them
(:func:`resolve`, which does what docxtpl's function does: a test compares the two on
generated paragraphs). docxtpl itself is not imported: that alone took
0.07-0.15 s of each run's start, before the first document.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CONTROLS = ("\n", "\t", "\x07", "\x0c")
# docxtpl's paragraph: an opening "<w:p>" or "<w:p ...>", up to the first "</w:p>" after it.
PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_START = re.compile(r"<w:p(?: [^>]*)?>")
_CLOSE = "</w:p>"
# Within a paragraph, as docxtpl finds them: its runs and their texts (across lines), and the
# first paragraph and run properties (on one line: "." there does not match a new line).
_RUN = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>.*?</w:t>", re.DOTALL)
_PARAGRAPH_PROPERTIES = re.compile(r"<w:pPr>.*?</w:pPr>")
_RUN_PROPERTIES = re.compile(r"<w:rPr>.*?</w:rPr>")
_OPEN_TEXT = '<w:t xml:space="preserve">'


def has_controls(xml: str) -> bool:
    """Return True if ``xml`` holds a character docxtpl's listing turns into markup."""
    return "\n" in xml or "\t" in xml or "\x07" in xml or "\x0c" in xml


def _next_control(xml: str, start: int) -> int:
    """Return the position of the first of :data:`CONTROLS` at or after ``start``, or -1.

    Four ``str.find`` calls: a hundred times faster than one character-class search over
    the non-ASCII text of a rendered part.
    """
    best = -1
    for ch in CONTROLS:
        at = xml.find(ch, start, best if best >= 0 else len(xml))
        if at >= 0:
            best = at
    return best


def is_flat(xml: str) -> bool:
    """Return True if no paragraph of ``xml`` (as docxtpl delimits them) holds the start of
    another: then the paragraph around any point is the last one opened before it."""
    return not any(_START.search(m.group(0), 1) for m in PARAGRAPH.finditer(xml))


def _around(xml: str, pos: int) -> tuple[int, int] | None:
    """Return the span of the paragraph holding ``pos`` in flat ``xml``, if any."""
    start = pos
    while True:
        start = xml.rfind("<w:p", 0, start)
        if start < 0:
            return None
        if xml[start + 4:start + 5] in (" ", ">"):
            break
    end = xml.find(_CLOSE, xml.find(">", start) + 1)
    if end < 0 or end + len(_CLOSE) <= pos:
        return None
    return start, end + len(_CLOSE)


def resolve(xml: str) -> str:
    """Return ``xml`` with the tabs and breaks in the text of its paragraphs' runs made
    markup, as docxtpl's listing step makes them (see :func:`_paragraph`)."""
    return PARAGRAPH.sub(_paragraph, xml)


def _paragraph(m: re.Match[str]) -> str:
    """Resolve one paragraph (a :data:`PARAGRAPH` match).

    In each text of each run, in this order: a tab ends the text and its run and adds a run
    holding ``<w:tab/>`` (both with the run's properties); ``\\a`` ends the paragraph and
    opens another with the paragraph's and the run's properties; a new line becomes
    ``<w:br/>`` between two texts; ``\\f`` ends the paragraph, adds one holding a page break,
    and opens another as ``\\a`` does. Each step also applies to what the steps before it
    inserted, as docxtpl's successive replacements do.
    """
    paragraph = m.group(0)
    found = _PARAGRAPH_PROPERTIES.search(paragraph)
    p_pr = found.group(0) if found else ""

    def run(r: re.Match[str]) -> str:
        found = _RUN_PROPERTIES.search(r.group(0))
        r_pr = found.group(0) if found else ""
        tab = f"</w:t></w:r><w:r>{r_pr}<w:tab/></w:r><w:r>{r_pr}{_OPEN_TEXT}"
        new_paragraph = f"</w:t></w:r></w:p><w:p>{p_pr}<w:r>{r_pr}{_OPEN_TEXT}"
        page = ('</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p>'
                f"<w:p>{p_pr}<w:r>{r_pr}{_OPEN_TEXT}")

        def text(t: re.Match[str]) -> str:
            return (t.group(0).replace("\t", tab).replace("\x07", new_paragraph)
                    .replace("\n", f"</w:t><w:br/>{_OPEN_TEXT}").replace("\x0c", page))

        return _TEXT.sub(text, r.group(0))

    return _RUN.sub(run, paragraph)


def resolve_listing(xml: str, resolve: Callable[[str], str], flat: bool) -> str:
    """Return ``xml`` with ``resolve`` applied to each paragraph holding a tab or break.

    The result equals ``resolve(xml)`` when ``resolve`` changes only such paragraphs, one at
    a time (docxtpl's does). ``flat`` says :func:`is_flat` held for the template, which lets
    the paragraph around a character be found without scanning the part from its start.
    """
    if not has_controls(xml):
        return xml
    out: list[str] = []
    done = 0
    if not flat:
        for m in PARAGRAPH.finditer(xml):
            if has_controls(m.group(0)):
                out += (xml[done:m.start()], resolve(m.group(0)))
                done = m.end()
    else:
        at = _next_control(xml, 0)
        while at >= 0:
            span = _around(xml, at)
            if span is None or span[0] < done:
                at = _next_control(xml, at + 1)
                continue
            out += (xml[done:span[0]], resolve(xml[span[0]:span[1]]))
            done = span[1]
            at = _next_control(xml, done)
    out.append(xml[done:])
    return "".join(out)


def drop_controls(xml: str) -> str:
    """Drop the bell and form feed characters left outside text (XML forbids them)."""
    if "\x07" in xml or "\x0c" in xml:
        return xml.replace("\x07", "").replace("\x0c", "")
    return xml
