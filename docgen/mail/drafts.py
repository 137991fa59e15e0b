"""The drafts: one .eml per addressed coach in ``OUTDIR/mail``, with their documents attached.

A coach's documents are their teams' contracts as ``docgen generate`` wrote them, and each
one's .pdf when it is there and not older than the .docx; a contract made from other data than
the cohort now gives is left out (and the draft held back from sending), one changed since
docgen wrote it is attached and named (see :func:`docgen.jobs.mail.contract_states`). Drafts
of coaches no longer listed are removed, so none is sent by mistake; a draft is told apart
from the admin's own .eml files by its header alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.errors import MessageError
from email.parser import BytesParser
from pathlib import Path

from docgen.atomic import atomic_write
from docgen.errors import DocgenError, Problem, os_problem
from docgen.mail.addresses import Addressed, Unaddressed
from docgen.mail.message import (
    DRAFT_HEADER,
    FILE_POLICY,
    build_message,
    message_digest,
    message_fields,
    subject_and_text,
    subject_lines,
)
from docgen.mail.sent import SENT_RECORD, mark_sent
from docgen.models import Cohort, Team

MAIL_FOLDER = "mail"  # under the output folder

Render = Callable[[Mapping[str, object]], str]  # the message template, compiled


@dataclass(frozen=True)
class ContractState:
    """What is known of a contract on disk that is not as generate makes it now: held back
    (made from other data: not attached), or attached as it is; and why."""

    held: bool
    why: str


@dataclass
class CoachMail:
    """One coach's message: their teams, the documents attached, and where the draft is."""

    coach: str
    address: str
    teams: list[Team] = field(default_factory=list)
    attachments: list[Path] = field(default_factory=list)  # files found, attached
    missing: list[Path] = field(default_factory=list)  # documents expected but not found
    stale_pdfs: list[Path] = field(default_factory=list)  # older than their .docx: left out
    held: list[tuple[Path, str]] = field(default_factory=list)  # out of date: left out, why
    noted: list[tuple[Path, str]] = field(default_factory=list)  # attached as they are, why
    draft: Path | None = None
    subject: str = ""
    digest: str = ""  # of recipient, subject, text and attachments (see message_digest)
    sent_before: str | None = None  # when this very message was last sent to the address
    changed_since: str | None = None  # when another version was last sent to it

    @property
    def complete(self) -> bool:
        """Tell whether every document of this coach is attached, as generate makes it now."""
        return not self.missing and not self.held

    @property
    def to_send(self) -> bool:
        """Tell whether :func:`docgen.mail.smtp.send` sends it: complete, and not sent before
        as it is."""
        return self.draft is not None and self.complete and self.sent_before is None


@dataclass
class MailReport:
    outdir: Path
    folder: Path  # OUTDIR/mail
    template: str  # the message template used, and why
    mails: list[CoachMail] = field(default_factory=list)
    unaddressed: list[Unaddressed] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # e.g. an address cell unclear
    skipped: list[Problem] = field(default_factory=list)  # cohort rows left out
    agreements: int = 0  # mentor agreements, never e-mailed
    agreement_files: list[Path] = field(default_factory=list)  # each one, where generate puts it
    removed: list[Path] = field(default_factory=list)  # drafts of coaches no longer listed

    @property
    def to_send(self) -> list[CoachMail]:
        return [m for m in self.mails if m.to_send]

    @property
    def incomplete(self) -> list[CoachMail]:
        """Coaches some of whose documents are missing or out of date (held back from
        sending)."""
        return [m for m in self.mails if not m.complete]

    @property
    def already_sent(self) -> list[CoachMail]:
        return [m for m in self.mails if m.sent_before is not None]

    @property
    def sent_record(self) -> Path:
        """The record of the messages sent (see :mod:`docgen.mail.sent`)."""
        return self.folder / SENT_RECORD


def write_drafts(report: MailReport, cohort: Cohort, addressed: list[Addressed],
                 names: list[str], files: Mapping[str, Path], render: Render, *,
                 sender: str | None, sent: list[dict[str, str]],
                 states: Mapping[str, ContractState] | None = None,
                 subject: Render | None = None, template: Path | None = None) -> None:
    """Write the draft of each addressed coach with a document found, as ``names`` (one per
    coach), into ``report.folder``; add each coach's mail to the report, and remove the drafts
    of coaches no longer listed.

    ``files`` is where each team's contract is, by Team ID; ``sent`` the sent record;
    ``states`` what is known of the contracts not as generate makes them now, by Team ID;
    ``subject`` the template's Subject line alone, compiled (``template`` is its file).
    """
    written = set()
    for (coach, address, teams), name in zip(addressed, names, strict=True):
        mail = _found(coach, address, teams, files, states or {})
        if mail.attachments:
            mail.draft = report.folder / name
            data, lines = _draft_bytes(mail, cohort, files, render, sender, subject)
            _write(mail.draft, data)
            if lines > 1:
                report.warnings.append(Problem(
                    f"the subject of {mail.coach}'s message ran over {lines} lines (a value "
                    f'with a line break in it): it is sent on one, "{mail.subject}"; if that '
                    "is not meant, correct the value or the Subject line",
                    file=str(template) if template else None))
            written.add(name)
            mark_sent(mail, sent)
        report.mails.append(mail)
    report.removed, problems = _remove_stale_drafts(report.folder, written)
    report.warnings += problems


def _found(coach: str, address: str, teams: list[Team], files: Mapping[str, Path],
           states: Mapping[str, ContractState]) -> CoachMail:
    """Return one coach's mail with the documents found on disk (the draft not yet written)."""
    mail = CoachMail(coach, address, teams)
    for team in teams:
        docx = files[team.team_id]
        if not docx.is_file():
            mail.missing.append(docx)
            continue
        state = states.get(team.team_id)
        if state is not None and state.held:
            mail.held.append((docx, state.why))
            continue
        if state is not None:
            mail.noted.append((docx, state.why))
        mail.attachments.append(docx)
        pdf = docx.with_suffix(".pdf")
        if pdf.is_file():
            if pdf.stat().st_mtime >= docx.stat().st_mtime:
                mail.attachments.append(pdf)
            else:
                mail.stale_pdfs.append(pdf)
    return mail


def _draft_bytes(mail: CoachMail, cohort: Cohort, files: Mapping[str, Path], render: Render,
                 sender: str | None, subject: Render | None) -> tuple[bytes, int]:
    """Return the draft's bytes, and how many lines its Subject line rendered into."""
    documents = sum(1 for p in mail.attachments if p.suffix.lower() == ".docx")
    fields = message_fields(cohort, mail.coach, mail.address, mail.teams, files, documents)
    fields["attachments"] = [p.name for p in mail.attachments]
    first = subject(fields) if subject is not None else None
    mail.subject, text = subject_and_text(render(fields), fields, first)
    try:
        msg = build_message(mail.coach, mail.address, mail.subject, text, mail.attachments,
                            sender)
    except OSError as exc:
        raise DocgenError(os_problem(exc, "cannot be read", exc.filename)) from None
    mail.digest = message_digest(msg)
    return msg.as_bytes(policy=FILE_POLICY), subject_lines(first) if first is not None else 1


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise DocgenError(os_problem(exc, "could not be written", path)) from None


def _remove_stale_drafts(folder: Path, kept: set[str]) -> tuple[list[Path], list[Problem]]:
    """Remove drafts docgen wrote for coaches no longer listed, so none is sent by mistake;
    return those removed, and a warning for each that could not be (open in a mail program)."""
    removed, problems = [], []
    for path in sorted(folder.glob("*.eml")):
        if path.name in kept:
            continue
        try:
            with open(path, "rb") as fh:
                headers = BytesParser(policy=FILE_POLICY).parse(fh, headersonly=True)
        except (OSError, MessageError, ValueError):
            continue  # not readable as a message: not known to be docgen's
        if headers[DRAFT_HEADER] is None:
            continue  # not one of docgen's
        try:
            path.unlink()
        except OSError as exc:
            failed = os_problem(exc, "could not be removed", path)
            problems.append(Problem(
                f"an earlier draft, for a coach who gets none now, {failed.message}: delete it "
                "(close it first if it is open), so it is not sent by mistake", file=str(path)))
            continue
        removed.append(path)
    return removed, problems
