"""Make the ids a loop repeats unique again: paragraph ids, bookmarks, comment anchors.

A ``{%p for %}`` or ``{%tr for %}`` loop copies its paragraphs or rows as they are, ids and
all. Word reports a document whose paragraphs share a ``w14:paraId`` (or ``w14:textId``), or
whose bookmarks share an id or a name, as needing repair; docxtpl leaves them so (it renumbers
only drawings). docgen keeps the first of each as the template has it and gives each copy a
fresh one:

* ``w14:paraId`` / ``w14:textId``: the next free 8-digit hex number from 00000001 up (below
  80000000, as the format requires), skipping every id the template already uses;
* a bookmark's ``w:id`` (its start and its end, paired in order) the next free number, and
  its ``w:name`` the name with ``_2``, ``_3``... (at most 40 characters, as Word allows); an
  end repeated without its start is dropped;
* a comment anchored in repeated text stays on the first copy: the copies' ranges and
  references to it are dropped (they would all point at the one comment, which Word refuses).

Everything is done on the rendered text with regular expressions, in one pass each, and only
for parts whose template holds such ids and a block that can repeat them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_PARA_ID = re.compile(r'(\sw14:(paraId|textId)=")([0-9A-Fa-f]{1,8})(")')
_BOOKMARK = re.compile(r"<w:bookmark(Start|End)\b[^>]*?/>")
_COMMENT = re.compile(r"<w:comment(RangeStart|RangeEnd|Reference)\b[^>]*?/>")
_ID = re.compile(r'\sw:id="([^"]*)"')
_NAME = re.compile(r'\sw:name="([^"]*)"')
_MARKERS = ("w14:paraId", "w14:textId", "<w:bookmarkStart", "<w:commentRangeStart",
            "<w:commentReference")
_NAME_MAX = 40  # Word's longest bookmark name


def has_ids(source: str) -> bool:
    """Return True if a part's template holds ids a loop would repeat (and a block to loop)."""
    return "{%" in source and any(m in source for m in _MARKERS)


@dataclass
class TakenIds:
    """The ids a template already uses in any part, which fresh ones must not take."""

    para: set[int] = field(default_factory=set)
    bookmarks: set[int] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def add(self, xml: str) -> None:
        """Add the ids used in one part's XML."""
        for m in _PARA_ID.finditer(xml):
            self.para.add(int(m.group(3), 16))
        for m in _BOOKMARK.finditer(xml):
            found = _ID.search(m.group(0))
            if found and found.group(1).lstrip("-").isdigit():
                self.bookmarks.add(int(found.group(1)))
            name = _NAME.search(m.group(0))
            if name:
                self.names.add(name.group(1))

    @classmethod
    def of(cls, parts: Iterable[str]) -> TakenIds:
        taken = cls()
        for xml in parts:
            taken.add(xml)
        return taken


def _fresh(used: set[int], start: int) -> int:
    n = start
    while n in used:
        n += 1
    used.add(n)
    return n


def _para_ids(xml: str, taken: TakenIds) -> str:
    seen: set[tuple[str, int]] = set()
    used = set(taken.para)

    def fix(m: re.Match[str]) -> str:
        kind, value = m.group(2), int(m.group(3), 16)
        if (kind, value) not in seen:
            seen.add((kind, value))
            return m.group(0)
        new = _fresh(used, 1)
        seen.add((kind, new))
        return f"{m.group(1)}{new:08X}{m.group(4)}"

    return _PARA_ID.sub(fix, xml)


def _renamed(name: str, names: set[str]) -> str:
    k = 2
    while True:
        suffix = f"_{k}"
        new = name[:_NAME_MAX - len(suffix)] + suffix
        if new not in names:
            names.add(new)
            return new
        k += 1


def _bookmarks(xml: str, taken: TakenIds) -> str:
    started: set[str] = set()  # ids as the template has them, already started once
    open_: dict[str, list[str]] = {}  # template id -> the new ids of copies still open
    ended: set[str] = set()
    names: set[str] = set()
    used = set(taken.bookmarks)
    first_free = max(used, default=0) + 1
    all_names = set(taken.names)

    def fix(m: re.Match[str]) -> str:
        tag = m.group(0)
        found = _ID.search(tag)
        if found is None:
            return tag
        old = found.group(1)
        if m.group(1) == "Start":
            name = _NAME.search(tag)
            if name is not None:
                if name.group(1) in names:
                    new_name = _renamed(name.group(1), all_names)
                    tag = tag[:name.start(1)] + new_name + tag[name.end(1):]
                names.add(name.group(1))
            if old not in started:
                started.add(old)
                open_.setdefault(old, []).append(old)
                return tag
            new = str(_fresh(used, first_free))
            open_.setdefault(old, []).append(new)
            at = _ID.search(tag) or found
            return tag[:at.start(1)] + new + tag[at.end(1):]
        pending = open_.get(old)
        if pending:
            new = pending.pop(0)
            ended.add(old)
            return tag[:found.start(1)] + new + tag[found.end(1):]
        if old in ended:
            return ""  # an end repeated without its start: dropped
        ended.add(old)
        return tag

    xml = _BOOKMARK.sub(fix, xml)
    unclosed = {new for copies in open_.values() for new in copies} - started
    if unclosed:  # copies of a start whose end the loop did not repeat: dropped
        xml = _BOOKMARK.sub(lambda m: "" if m.group(1) == "Start" and (
            (i := _ID.search(m.group(0))) is not None and i.group(1) in unclosed)
            else m.group(0), xml)
    return xml


def _comments(xml: str) -> str:
    seen: set[tuple[str, str]] = set()

    def fix(m: re.Match[str]) -> str:
        found = _ID.search(m.group(0))
        if found is None:
            return m.group(0)
        key = (m.group(1), found.group(1))
        if key in seen:
            return ""
        seen.add(key)
        return m.group(0)

    return _COMMENT.sub(fix, xml)


def unique_ids(xml: str, taken: TakenIds) -> str:
    """Return rendered ``xml`` with repeated paragraph, bookmark and comment ids made unique."""
    if "w14:" in xml:
        xml = _para_ids(xml, taken)
    if "<w:bookmark" in xml:
        xml = _bookmarks(xml, taken)
    if "<w:comment" in xml:
        xml = _comments(xml)
    return xml
