"""Prove ahead of time that a compiled part always renders to well-formed XML.

A template's values are always escaped, so what could break a rendered part is its Jinja
blocks: a condition or loop that opens in one paragraph and closes in a table cell leaves
unclosed elements whenever it is false (or repeats unbalanced ones when it loops). If every
``if`` and ``for`` block leaves the same elements open as it found, every rendering of the
part is as well-formed as the template, whatever the values. Templates that use other blocks
(macros, ``{% filter %}``, ``{% raw %}``...) cannot be proved so; docgen parses what they
render instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"\{%-?\s*(\w*)(.*?)%\}|\{\{.*?\}\}|\{#.*?#\}|<([^>]*)>", re.DOTALL)
_OPEN, _MIDDLE, _CLOSE = {"if", "for"}, {"elif", "else"}, {"endif", "endfor"}


@dataclass(frozen=True)
class Unbalanced:
    """A block whose end is not where it started: the tag, and the two places."""

    tag: str
    start: str
    end: str
    position: int  # of the tag in the source


def place(stack: list[str]) -> str:
    """Return where an element stack is, as a person editing the document would say it."""
    if "w:txbxContent" in stack:
        return "a text box"
    if "w:tc" in stack:
        return "a table cell"
    if "w:tr" in stack:
        return "a table row (between its cells)"
    if "w:tbl" in stack:
        return "a table (between its rows)"
    if "w:t" in stack or "w:r" in stack:
        return "a paragraph's text"
    if "w:p" in stack:
        return "a paragraph (between its runs)"
    return "the document between paragraphs"


def _xml_tag(inner: str, stack: list[str]) -> bool | None:
    """Apply one XML tag to ``stack``; return False if it does not close the open element,
    None if it cannot be judged (a Jinja block inside the tag)."""
    if inner.startswith(("?", "!--")):
        return True
    if inner.startswith("!") or "{%" in inner or "{#" in inner or (
            inner.count("{{") != inner.count("}}")):
        return None
    if inner.startswith("/"):
        if not stack or stack[-1] != inner[1:].strip():
            return False
        stack.pop()
    elif not inner.endswith("/"):
        stack.append(inner.split(None, 1)[0])
    return True


def check_blocks(source: str) -> tuple[bool, Unbalanced | None]:
    """Return whether every block of ``source`` could be checked, and the first unbalanced one.

    ``(True, None)`` proves that each rendering of ``source`` is well-formed XML when the
    template with its tags removed is.
    """
    stack: list[str] = []
    frames: list[tuple[str, list[str]]] = []
    for m in _TOKEN.finditer(source):
        keyword, inner = m.group(1), m.group(3)
        if inner is not None:
            ok = _xml_tag(inner, stack)
            if not ok:
                return False, None  # unjudgeable, or unbalanced itself: parsed when rendered
            continue
        if keyword is None:
            continue
        if keyword in _OPEN:
            frames.append((m.group(0), list(stack)))
        elif keyword in _MIDDLE | _CLOSE:
            if not frames:
                return False, None
            tag, entry = frames[-1]
            if entry != stack:
                return True, Unbalanced(tag, place(entry), place(stack), m.start())
            if keyword in _CLOSE:
                frames.pop()
        elif not (keyword == "set" and "=" in m.group(2)):
            return False, None  # macro, call, filter, raw, with...: not provable here
    return True, None
