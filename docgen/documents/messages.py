"""Say what is wrong with a template the way its admin sees it: which tag, where, what to do."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

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
    if part.startswith("docProps/core.xml"):
        prop = part.partition("(")[2].rstrip(")") or "a"
        return f"the document's {prop} property (File › Properties)"
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


def _hint(message: str) -> str:
    return next((h for pattern, h in _HINTS if pattern.search(message)), _DEFAULT_HINT)


def syntax_message(part: str, source: str, lineno: int | None, message: str,
                   typed: str = "", env: object = None) -> str:
    """Return the message for a Jinja error at ``lineno`` of a part's prepared ``source``.

    ``typed`` is the part's XML as saved (before docxtpl's preparation) and ``env`` the Jinja
    environment: with both, the message quotes the tag as the admin typed it and says where
    it is; without, or when no one tag can be blamed, it quotes the paragraph Jinja read.
    """
    tag, at = culprit(env, source, lineno, message) if env is not None else ("", -1)
    own = _PLACEHOLDER_TAG.fullmatch(tag)
    if own is not None:  # Jinja's words are about docgen's tag: ask about the admin's own
        try:
            env.parse("{{ " + own.group(1) + " }}")  # type: ignore[union-attr]
        except Exception as exc:
            message = getattr(exc, "message", None) or message
    hint = _hint(message)
    found = as_typed(part, typed, source, tag, at) if typed else None
    if found is not None:
        return f"template error in {part}: {found.quoted()}: {message}; {hint}"
    lines = source.splitlines()
    where = part_place(part)
    near = ""
    if lineno and 0 < lineno <= len(lines):
        near = shown(lines[lineno - 1])
        upto = sum(len(line) + 1 for line in lines[:lineno - 1])
        if _in_table(source, upto):
            where += ", in a table"
    if tag:
        return (f'template error in {where} ({part}): the tag "{shown(tag)}": {message}; '
                f"{hint}")
    quoted = f' in "{near[:100]}"' if near else ""
    return f"template error in {where} ({part}){quoted}: {message}; {hint}"


def unbalanced_message(part: str, source: str, block: Unbalanced, typed: str = "") -> str:
    """Return the message for a block that starts in one place and ends in another."""
    found = as_typed(part, typed, source, block.tag, block.position) if typed else None
    if found is not None:
        what = found.quoted()
    else:
        line_start = source.rfind("\n", 0, block.position) + 1
        line_end = source.find("\n", block.position)
        near = shown(source[line_start:line_end if line_end >= 0 else None])
        what = (f'the tag "{shown(block.tag)}" in {part_place(part)} '
                f'(near "{near[:100]}")')
    return (f"template error in {part}: {what} starts in {block.start} but its block ends "
            f"in {block.end}, which would write a broken document; a condition or "
            "loop written {% ... %} must start and end in the same paragraph, table cell or "
            "row: to repeat or hide whole paragraphs or table rows, write {%p ... %} or "
            "{%tr ... %} alone in their own paragraph or row")


def render_message(part: str, source: str, typed: str, env: object, lineno: int | None,
                   message: str, fails: Callable[[str], bool] | None = None) -> str:
    """Return where a tag failed while rendering: the tag as typed, else "" if none is found.

    ``lineno`` is the line of the prepared ``source`` (a paragraph a line) being rendered;
    ``fails`` as for :func:`culprit`.
    """
    tag, at = culprit(env, source, lineno, message, fails)
    found = as_typed(part, typed, source, tag, at) if typed else None
    if found is not None:
        return found.quoted()
    if tag:
        return f'the tag "{shown(tag)}" in {part_place(part)}'
    return ""


# --- the tag as typed ---------------------------------------------------------------------------
#
# docxtpl's preprocessing rewrites the tags before Jinja sees them ({%p for %} becomes
# {% for %}, runs are joined, entities read), so a Jinja error quotes text the admin never
# typed. The functions below find the tag Jinja stumbled on in the prepared source, then the
# same tag in the document's visible text: the text of its runs, as Word shows it.

_JINJA_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
_OPEN_TAG = re.compile(r"\{[{%#](?:(?![}%#]\}).)*$", re.DOTALL)
_TYPED_TAG = re.compile(r"\{[{%#].*?[}%#]\}|\{[{%#][^{}]*$", re.DOTALL)
_DOCXTPL_PREFIX = re.compile(r"^(?:p|tr|tc|r)(?=\s)")
_KEYWORD = re.compile(r"^\{%-?\s*(?:(?:p|tr|tc|r)\s+)?(\w*)")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape", "set"}
_NAMED = re.compile(r"'([A-Za-z_]\w*)'")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The Jinja test docgen's own tags use to show a content control's placeholder when its field
# is blank: ``{% if (field) is docgen_blank %}`` stands for the admin's ``{{ field }}``.
BLANK_TEST = "docgen_blank"
_PLACEHOLDER_TAG = re.compile(r"\{%-?\s*if \((.*)\) is " + BLANK_TEST + r"\s*-?%\}", re.DOTALL)


@dataclass(frozen=True)
class TypedTag:
    """A tag as the admin typed it: its visible text, where it is, its paragraph's opening."""

    text: str
    where: str  # "the document's text, in a table cell", "a header"...
    opening: str  # the paragraph's first words

    def quoted(self) -> str:
        """Return 'the tag "…" in <where> (paragraph "…")' for a message."""
        para = f' (in the paragraph beginning "{self.opening}")' if self.opening else ""
        return f'the tag "{self.text}" in {self.where}{para}'


def tag_key(tag: str) -> str:
    """Return a tag reduced to what Jinja reads of it, to match a typed tag to a prepared one.

    Markup and entities are dropped, docxtpl's ``p``/``tr``/``tc``/``r`` prefixes and
    whitespace-control dashes removed, typographic quotes made plain, spaces collapsed.
    """
    text = html.unescape(strip_markup(tag)).translate(_QUOTES)
    inner = text[2:]
    if inner[-2:] in ("}}", "%}", "#}"):
        inner = inner[:-2]
    inner = _DOCXTPL_PREFIX.sub("", inner.strip("-+ \t\n"))
    return " ".join(inner.strip("-+ ").split())


def typed_tags(part: str, xml: str) -> list[TypedTag]:
    """Return every tag of a part's XML as typed in its paragraphs' visible text, in order."""
    from docgen.safezip import parse_xml

    try:
        root = parse_xml(xml.encode("utf-8"), None, part)
    except Exception:  # only ever used to word a message: no tag found is the fallback
        return []
    paragraphs: dict[object, tuple[list[str], str]] = {}  # keyed by element: kept alive
    for t in root.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        para = None
        cell = box = False
        for anc in t.iterancestors():
            if para is None and anc.tag == f"{_W}p":
                para = anc
            elif para is not None and anc.tag == f"{_W}tc":
                cell = True
            elif anc.tag == f"{_W}txbxContent":
                box = True
                break
            elif para is not None and anc.tag == f"{_W}p":
                break
        if para is None:
            continue
        where = part_place(part) + (", in a text box" if box else
                                    ", in a table cell" if cell else "")
        text = (t.text or "") if t.tag == f"{_W}t" else " "  # a tab or break: a space
        paragraphs.setdefault(para, ([], where))[0].append(text)
    out: list[TypedTag] = []
    for texts, where in paragraphs.values():
        text = "".join(texts)
        opening = " ".join(text.split()[:8])
        if len(opening) > 60:
            opening = opening[:60] + "…"
        out += [TypedTag(m.group(0), where, opening) for m in _TYPED_TAG.finditer(text)]
    return out


def _keyword(tag: str) -> str:
    m = _KEYWORD.match(tag)
    return m.group(1) if m else ""


def _parses_alone(env: object, tag: str) -> bool:
    """Return True if ``tag`` is valid Jinja on its own (blocks given an end)."""
    keyword = _keyword(tag)
    text = tag
    if keyword in _BLOCKS and not (keyword == "set" and "=" in tag):
        text = tag + "{% end" + keyword + " %}"
    elif keyword in ("else", "elif"):
        text = "{% if x %}" + tag + "{% endif %}"
    elif keyword.startswith("end"):
        text = "{% " + keyword[3:] + " x %}" + tag if keyword[3:] in ("if", "filter") else ""
    try:
        env.parse(text)  # type: ignore[attr-defined]
    except Exception:
        return False
    return True


def _line(source: str, lineno: int | None) -> tuple[int, str]:
    """Return where line ``lineno`` of ``source`` starts, and the line."""
    if not lineno or lineno < 1:
        return 0, ""
    start = 0
    for _ in range(lineno - 1):
        start = source.find("\n", start) + 1
        if start == 0:
            return 0, ""
    end = source.find("\n", start)
    return start, source[start:end if end >= 0 else None]


def _unclosed(source: str) -> re.Match[str] | None:
    """Return the innermost block tag left open at the end of ``source``."""
    stack: list[re.Match[str]] = []
    for m in _JINJA_TAG.finditer(source):
        keyword = _keyword(m.group(0))
        if keyword in _BLOCKS and not (keyword == "set" and "=" in m.group(0)):
            stack.append(m)
        elif keyword.startswith("end") and stack:
            stack.pop()
    return stack[-1] if stack else None


def culprit(env: object, source: str, lineno: int | None, message: str,
            fails: Callable[[str], bool] | None = None) -> tuple[str, int]:
    """Return the prepared tag a Jinja error is about, and where it is in ``source``.

    ``fails(tag)`` tells whether a tag alone fails as the part did (for errors raised while
    rendering). ``("", -1)`` when no single tag can be blamed (the message then quotes the
    paragraph).
    """
    start, line = _line(source, lineno)
    tags = list(_JINJA_TAG.finditer(line))
    unknown = re.search(r"unknown tag '(\w+)'", message)
    if unknown:
        for m in _JINJA_TAG.finditer(source):
            if _keyword(m.group(0)) == unknown.group(1) and (
                    not line or start <= m.start() < start + len(line)):
                return m.group(0), m.start()
    if "nexpected end of template" in message and "innermost block" in message:
        m = _unclosed(source)
        if m is not None:
            return m.group(0), m.start()
    names = _NAMED.findall(message)
    for m in tags:
        if names and any(re.search(rf"\b{re.escape(n)}\b", m.group(0)) for n in names):
            return m.group(0), start + m.start()
    for m in tags:
        if fails is not None and m.group(0).startswith("{{") and fails(m.group(0)):
            return m.group(0), start + m.start()
    for m in tags:
        if fails is None and not _parses_alone(env, m.group(0)):
            return m.group(0), start + m.start()
    tail = _OPEN_TAG.search(strip_markup(line))
    if tail is not None:  # a tag never closed: quote what follows its opening
        at = line.find(tail.group(0)[:2])
        return tail.group(0)[:60], start + max(at, 0)
    if len(tags) == 1:
        return tags[0].group(0), start + tags[0].start()
    return "", -1


def as_typed(part: str, xml: str, source: str, tag: str, position: int) -> TypedTag | None:
    """Return the typed tag that the prepared ``tag`` at ``position`` of ``source`` came from.

    Tags Jinja reads alike are told apart by their order: the third such tag prepared is the
    third typed.
    """
    if not tag:
        return None
    own = _PLACEHOLDER_TAG.fullmatch(tag)
    if own is not None:  # docgen's tag around a control: the admin typed the field in it
        tag = "{{ " + own.group(1) + " }}"
        # the control's {{ field }} follows this tag: counted as the one to find
        position = source.find("{{", position + 1)
    key = tag_key(tag)
    if not key:
        return None
    typed = typed_tags(part, xml)
    same = [t for t in typed if tag_key(t.text) == key]
    if same:
        nth = sum(1 for m in _JINJA_TAG.finditer(source[:max(position, 0)])
                  if tag_key(m.group(0)) == key)
        return same[min(nth, len(same) - 1)]
    near = [t for t in typed if tag_key(t.text).startswith(key[:20])
            or key.startswith(tag_key(t.text)[:20] or "\0")]
    return near[0] if near else None
