"""The sent record, ``OUTDIR/mail/sent.jsonl``: one line per message sent, so none goes twice.

Each line holds the coach, the address, the message's digest (of recipient, subject, text and
attachments), when it was sent, its subject and its attachments' names. A draft whose digest
was the last one sent to its coach at its address is not sent again; a changed one is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import DocgenError, Problem, os_problem
from docgen.values.people import person_key

if TYPE_CHECKING:
    from docgen.mail.drafts import CoachMail

SENT_RECORD = "sent.jsonl"


def read_sent(folder: Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """Return the messages recorded as sent, oldest first, and a warning when lines of the
    record cannot be read (their messages count as not sent, so they would go again).

    The last line cut short by a run stopped while writing it is passed over in silence: its
    message was never recorded, so it is sent again either way.
    """
    path = folder / SENT_RECORD
    try:
        lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        raise DocgenError(os_problem(exc, "cannot be read", path)) from None
    entries = []
    damaged = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            entry = None
        if isinstance(entry, dict) and isinstance(entry.get("digest"), str):
            entries.append(entry)
        elif number < len(lines):  # a line with its end: damaged, not cut short
            damaged.append(number)
    notes = [Problem(
        f"line{'s' if len(damaged) != 1 else ''} {', '.join(map(str, damaged))} of the record "
        "of messages sent cannot be read: the messages recorded there count as not sent, so "
        "they would be sent again; check them before sending", file=str(path))] if damaged else []
    return entries, notes


def record_sent(folder: Path, mail: CoachMail, when: str) -> None:
    """Append one sent message to the record, on disk before the next is sent."""
    entry = {"coach": mail.coach, "address": mail.address, "digest": mail.digest,
             "sent": when, "subject": mail.subject,
             "attachments": [p.name for p in mail.attachments]}
    with open(folder / SENT_RECORD, "ab") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


def mark_sent(mail: CoachMail, sent: list[dict[str, str]]) -> None:
    """Note whether this message is the one last sent to its coach at its address, or another
    was.

    By coach and address both: two coaches sharing one address each get their own message,
    and one's sending does not make the other's look changed (sent again on every run).
    """
    address, coach = mail.address.casefold(), person_key(mail.coach)
    last = next((e for e in reversed(sent)
                 if str(e.get("address", "")).casefold() == address
                 and person_key(str(e.get("coach", ""))) == coach), None)
    if last is None:
        return
    if last["digest"] == mail.digest:
        mail.sent_before = str(last.get("sent", ""))
    else:
        mail.changed_since = str(last.get("sent", ""))
