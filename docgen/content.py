"""The digest of a package's parts as docgen wrote them (``docgen.content``).

docgen records it in each document it writes; a document whose parts still match it is
untouched. Worked out from the zip's own checksums, so checking a file inflates nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["content_digest", "content_entry", "entries_digest"]


def content_digest(parts: Iterable[tuple[str, int, int]], leave_out: str) -> str:
    """Return a digest of a package's parts, given as (name, CRC-32, size), but one.

    The zip's own checksums stand for the parts, so a document on disk is checked from its
    directory without inflating anything. ``leave_out`` is the part that carries the digest.
    """
    return entries_digest(content_entry(name, crc, size) for name, crc, size in parts
                          if name != leave_out)


def content_entry(name: str, crc: int, size: int) -> str:
    """Return how one part stands in :func:`content_digest` (a template's parts copied into
    every document are written once and their entries kept)."""
    return f"{name}\0{crc:08x}\0{size}"


def entries_digest(entries: Iterable[str]) -> str:
    """Return :func:`content_digest` of the parts whose :func:`content_entry` are ``entries``."""
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()[:32]
