"""Sending the drafts over SMTP: connecting, logging in, one message per coach, each recorded.

A recipient the server refuses is reported with the server's reason and the others go on; a
lost connection (or the server's 421) stops the run, naming what was not sent, so a re-run
sends exactly those. Each message sent is in the sent record before the next one goes.

No click here, and no lock: the caller asks for the password and the confirmation, and holds
the mail folder's lock while :func:`send` runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from docgen.errors import DocgenError, Problem, os_problem
from docgen.mail.addresses import valid_address
from docgen.mail.drafts import CoachMail, MailReport
from docgen.mail.message import DRAFT_HEADER, message_digest, read_draft
from docgen.mail.sent import record_sent

PASSWORD_VARIABLE = "DOCGEN_SMTP_PASSWORD"
PORTS = {"starttls": 587, "ssl": 465, "none": 25}  # each security's usual port
_CLOSING = 421  # the server's "service closing": nothing more goes through this connection


@dataclass(frozen=True)
class SmtpServer:
    """Where to send: host and port, STARTTLS or SSL (or neither, on a trusted relay), user."""

    host: str
    port: int = 587
    security: str = "starttls"  # "starttls", "ssl" or "none"
    user: str | None = None
    timeout: float = 30.0


@dataclass
class SendReport:
    sent: list[CoachMail] = field(default_factory=list)
    refused: list[tuple[CoachMail, str]] = field(default_factory=list)  # with the reason
    not_sent: list[tuple[CoachMail, str]] = field(default_factory=list)  # the run stopped


def _reason(exc: smtplib.SMTPException) -> str:
    """Return the server's words for a refusal: "550 5.1.1 no such user"."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(_reason_of(code, text) for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reason_of(exc.smtp_code, exc.smtp_error)
    return str(exc) or type(exc).__name__


def _reason_of(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()


def connect(server: SmtpServer, password: str | None) -> smtplib.SMTP:
    """Open and log in to the SMTP server; any failure is a :class:`DocgenError` saying what to
    check."""
    where = f"{server.host}:{server.port}"
    try:
        if server.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout,
                context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise DocgenError(Problem(
            f"cannot connect to the mail server {where} ({_describe(exc)}): check the host "
            "and port (and --ssl or --starttls), and that this computer may reach it")) from None
    step = "starttls"
    try:
        if server.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        step = "login"
        if server.user:
            _login(smtp, server.user, password or "")
    except smtplib.SMTPNotSupportedError as exc:
        _quit(smtp)
        if step == "starttls":
            raise DocgenError(Problem(
                f"the mail server {where} does not offer STARTTLS: use --ssl (often port "
                "465), or ask which security it uses")) from None
        raise DocgenError(Problem(
            f"the mail server {where} does not take a login ({exc}): leave out --smtp-user, "
            "or ask which server to use")) from None
    except smtplib.SMTPAuthenticationError as exc:
        _quit(smtp)
        raise DocgenError(Problem(
            f"the mail server {where} refused the login of {server.user} ({_reason(exc)}): "
            f"check the user and the password (in {PASSWORD_VARIABLE}, or typed when asked)"
        )) from None
    except (OSError, smtplib.SMTPException) as exc:
        _quit(smtp)
        raise DocgenError(Problem(
            f"the mail server {where} could not be used ({_describe(exc)})")) from None
    return smtp


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a password with characters beyond ASCII ("£", "é") is sent as UTF-8 with AUTH
    PLAIN, which smtplib's own login cannot do."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError(
            "the server does not take a password with accents or symbols (no AUTH PLAIN)")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, text = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, text)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPException):
        return _reason(exc)
    if isinstance(exc, ssl.SSLError):
        return f"secure connection failed: {exc.reason or exc}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(exc, socket.gaierror):
        return "no such host"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def envelope_sender(server: SmtpServer, sender: str | None) -> str:
    """Return the address messages are sent from: ``sender`` ("QI Academy <qi@nhs.scot>" or
    the address alone), else the login if it is an address."""
    chosen = email.utils.parseaddr(sender or server.user or "")[1]
    if not valid_address(chosen):
        raise DocgenError(Problem(
            "no address to send from: give --from (your e-mail address), or a --smtp-user "
            "that is an e-mail address"))
    return chosen


def send(report: MailReport, server: SmtpServer, password: str | None, *, from_addr: str,
         sender: str | None = None, progress: Callable[[CoachMail], object] | None = None,
         now: Callable[[], dt.datetime] | None = None) -> SendReport:
    """Send each draft still to send, one message per coach from ``from_addr`` (see
    :func:`envelope_sender`), recording each one sent.

    A recipient the server refuses (at RCPT or after the message) is reported with the
    server's reason, and the others go on; a lost connection stops the run, naming what was
    not sent (a re-run sends exactly those). Nothing to send: no connection is made.
    """
    todo = report.to_send
    result = SendReport()
    if not todo:
        return result
    now = now or (lambda: dt.datetime.now().astimezone())
    smtp = connect(server, password)
    try:
        for n, mail in enumerate(todo):
            assert mail.draft is not None
            msg = _outgoing(mail.draft, sender or from_addr, from_addr)
            if message_digest(msg) != mail.digest:
                result.not_sent.append((mail, "the draft was changed since docgen wrote "
                                              "it: run docgen mail again"))
                continue
            try:
                refused = smtp.send_message(msg, from_addr=from_addr, to_addrs=[mail.address])
            except (OSError, smtplib.SMTPException) as exc:
                if not _closing(exc):  # the server refused this one message
                    result.refused.append((mail, _reason(exc)))
                    continue
                lost = _describe(exc)
                if isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                    result.not_sent.append((mail, f"the server closed the connection ({lost}) "
                                                  "before taking it: run it again"))
                else:  # cut off: the server may have taken the message before its answer
                    result.not_sent.append((mail, (
                        f"the connection was lost while it was being sent ({lost}): it may "
                        "have arrived or not; run the command again to send it")))
                why = f"the connection was lost ({lost}) before it was sent: run it again"
                result.not_sent += [(m, why) for m in todo[n + 1:]]
                break
            if refused:  # accepted for nobody: the one recipient is refused
                result.refused.append((mail, "; ".join(
                    _reason_of(code, text) for code, text in refused.values())))
                continue
            _record(report, mail, now().replace(microsecond=0).isoformat())
            result.sent.append(mail)
            if progress is not None:
                progress(mail)
    finally:
        _quit(smtp)
    return result


def _record(report: MailReport, mail: CoachMail, when: str) -> None:
    """Record one message sent; if that fails, stop: a re-run would send it again."""
    try:
        record_sent(report.folder, mail, when)
    except OSError as exc:
        path = report.sent_record
        raise DocgenError([os_problem(exc, "could not be written", path), Problem(
            f"the message to {mail.coach} <{mail.address}> was sent but could not be "
            "recorded, so the run stopped; those sent before it are recorded",
            file=str(path))]) from None
    mail.sent_before = when


def _closing(exc: BaseException) -> bool:
    """Tell whether ``exc`` ends the connection (lost, or the server's 421), not one message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == _CLOSING for code, _text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == _CLOSING
    return True


def _outgoing(path: Path, sender: str, from_addr: str) -> EmailMessage:
    """Return the draft as it goes out: From set, a date and message id, the draft mark off."""
    msg = read_draft(path)
    del msg["X-Unsent"]
    del msg[DRAFT_HEADER]
    if msg["From"] is None:
        msg["From"] = sender
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(domain=from_addr.rpartition("@")[2])
    return msg
