"""Say what is wrong with a template the way its admin sees it: which tag, where, what to do."""

from __future__ import annotations

import html
import re

from docgen.ooxml.markup import strip_markup
from docgen.ooxml.structure import Unbalanced

_HINTS = (
    (re.compile(r"unexpected end of template|looking for .*'end", re.I),
     "every {%p for %} needs its {%p endfor %} and every {% if %} its {% endif %}; check "
     "that neither was deleted (also with Track Changes on) or mistyped"),
    (re.compile(r"unknown tag", re.I),
     "check the tag's spelling; docxtpl's forms are {%p ... %} (paragraphs), {%tr ... %} "
     "(table rows), {%tc ... %} (table columns) and {%r ... %} (runs)"),
    (re.compile(r"no (filter|test) named", re.I),
     "check the filter's name; docgen offers Jinja's filters (but not |safe, |urlize or "
     "|xmlattr, which write markup Word cannot read) and |ukdate, |longdate, |shortdate"),
    (re.compile(r"unexpected char|unexpected '|expected token", re.I),
     "retype the tag in one go: it holds a character Jinja cannot read"),
)
_DEFAULT_HINT = "retype the tag in one go, in one formatting, or restore it from the original"


def part_place(part: str) -> str:
    """Return what a part is to an admin: the document's text, a header, a footer..."""
    for key, words in (("header", "a header"), ("footer", "a footer"),
                       ("footnotes", "the footnotes"), ("endnotes", "the endnotes")):
        if key in part:
            return words
    return "the document's text"


def _in_table(source: str, upto: int) -> bool:
    before = source[:upto]
    return before.count("<w:tbl>") + before.count("<w:tbl ") > before.count("</w:tbl>")


def shown(xml: str) -> str:
    """Return a piece of XML as the text an admin sees (tags dropped, references read)."""
    return " ".join(html.unescape(strip_markup(xml)).split())


def syntax_message(part: str, source: str, lineno: int | None, message: str) -> str:
    """Return the message for a Jinja syntax error at ``lineno`` of a part's ``source``."""
    lines = source.splitlines()
    near = ""
    where = part_place(part)
    if lineno and 0 < lineno <= len(lines):
        near = shown(lines[lineno - 1])
        upto = sum(len(line) + 1 for line in lines[:lineno - 1])
        if _in_table(source, upto):
            where += ", in a table"
    quoted = f' in "{near[:100]}"' if near else ""
    hint = next((h for pattern, h in _HINTS if pattern.search(message)), _DEFAULT_HINT)
    return f"template error in {where} ({part}){quoted}: {message}; {hint}"


def unbalanced_message(part: str, source: str, block: Unbalanced) -> str:
    """Return the message for a block that starts in one place and ends in another."""
    line_start = source.rfind("\n", 0, block.position) + 1
    line_end = source.find("\n", block.position)
    near = shown(source[line_start:line_end if line_end >= 0 else None])
    return (f'template error in {part_place(part)} ({part}): the tag "{shown(block.tag)}" '
            f"starts in {block.start} but its block ends in {block.end} "
            f'(near "{near[:100]}"), which would write a broken document; a condition or '
            "loop written {% ... %} must start and end in the same paragraph, table cell or "
            "row: to repeat or hide whole paragraphs or table rows, write {%p ... %} or "
            "{%tr ... %} alone in their own paragraph or row")
