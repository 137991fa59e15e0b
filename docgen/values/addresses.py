"""E-mail addresses as admins type them in a cell: split, read, and checked.

A cell may hold several ("jo@nhs.scot; sam@nhs.scot"), each with a name ("Jo Bloggs
<jo@nhs.scot>") or a "mailto:". The cohort's reader warns of an address that is not one (it
would be printed in the documents as typed); the mail step sends only to valid ones.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

__all__ = ["Written", "parsed_valid", "read_address", "split_addresses", "valid_address",
           "why_not"]

_CELL_SEPARATORS = re.compile(r"[;\n]+")
# Within one of those: a comma, "and", "&" or "/" between addresses ("a@x.org and b@y.org").
_LIST_SEPARATORS = re.compile(r"\s*,\s*|\s+(?:and|&)(?:\s+|$)|\s*/\s*", re.IGNORECASE)
_NAMED = re.compile(r"(?s)(.*?)<([^<>]*)>")  # "Jo Bloggs <jo@nhs.scot>"
_MAILTO = re.compile(r"(?i)\s*mailto:\s*")
# An address of the usual shape (dot-separated words of letters, digits and _%+- before the
# @, a dotted domain of letters, digits and hyphens after it) is one the e-mail parser takes
# as typed: a property test holds the two to the same answer. Only other addresses go to
# the parser, whose package costs ~12 ms to import, paid by every cohort read otherwise.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.ASCII)


@dataclass(frozen=True)
class Written:
    """One address of a Coach email cell: as typed, the address read, the name typed with it."""

    text: str
    address: str
    name: str = ""


def split_addresses(cell: str) -> list[str]:
    """Return the addresses of a Coach email cell as typed, in order.

    Separated by ";", new lines, ",", "and", "&" or "/"; a name before an address in angle
    brackets keeps its comma ("Bloggs, Jo <jo@nhs.scot>").
    """
    out: list[str] = []
    for piece in _CELL_SEPARATORS.split(cell or ""):
        pending = ""
        for part in _LIST_SEPARATORS.split(piece.strip()):
            part = part.strip()
            if not part:
                continue
            if pending and _NAMED.fullmatch(part):
                out.append(f"{pending}, {part}")  # "Bloggs", "Jo <jo@nhs.scot>": one
                pending = ""
                continue
            if pending:
                out.append(pending)
            pending = part if "@" not in part and "<" not in part else ""
            if not pending:
                out.append(part)
        if pending:
            out.append(pending)
    return out


def read_address(text: str) -> Written:
    """Read one address as typed: "Jo Bloggs <jo@nhs.scot>", "mailto:jo@nhs.scot", or the
    address alone; a domain with letters beyond ASCII ("bücher.de") is written as mail
    servers take it ("xn--bcher-kva.de")."""
    name, address = "", text.strip()
    m = _NAMED.fullmatch(address)
    if m:
        name, address = m[1].strip().strip("\"'").strip(), m[2]
    address = _MAILTO.sub("", address, count=1).strip()
    if name.casefold() == address.casefold():
        name = ""  # "jo@nhs.scot <jo@nhs.scot>": a mail program's address without a name
    local, at, domain = address.rpartition("@")
    if at and local.isascii() and domain and not domain.isascii():
        with contextlib.suppress(UnicodeError):  # a domain IDNA refuses stays, and is named
            address = f"{local}@{domain.encode('idna').decode('ascii')}"
    return Written(text.strip(), address, name)


def valid_address(address: str) -> bool:
    """Tell whether ``address`` is one plain address (ASCII: what every mail server takes),
    with a dot in its domain (``jo@nhsscot`` is a typo, not a mail server)."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return True
    return address.isascii() and parsed_valid(address)


def parsed_valid(address: str) -> bool:
    """:func:`valid_address`'s answer from Python's e-mail parser, which it asks only for an
    address not of the usual shape (a property test holds the two to the same answer)."""
    from email.errors import MessageError
    from email.headerregistry import Address

    try:
        parsed = Address(addr_spec=address)
    # the parser itself fails on some ("x@[": AttributeError in Python 3.11)
    except (ValueError, IndexError, TypeError, AttributeError, MessageError):
        return False
    return (bool(parsed.username and parsed.domain) and parsed.addr_spec == address
            and "." in parsed.domain.strip("."))


def why_not(written: Written) -> str:
    """Say why an address cannot be used, in the admin's words."""
    text, address = written.text, written.address
    if address.count("@") == 0:
        return f'"{text}" is not an e-mail address (no @)'
    if address.count("@") > 1:
        return f'"{text}" is not an e-mail address (more than one @)'
    if any(c.isspace() for c in address):
        return f'"{text}" is not an e-mail address (it has a space)'
    if not address.isascii():
        return (f'"{text}" is not an e-mail address docgen can send to (it has letters '
                "beyond ASCII)")
    if "." not in address.rpartition("@")[2].strip("."):
        return f'"{text}" is not an e-mail address (no dot after the @)'
    return f'"{text}" is not an e-mail address'
