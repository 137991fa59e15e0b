"""E-mail each coach their own documents: a draft per coach, and sending them over SMTP.

:mod:`~docgen.mail.addresses` works out whom each contract goes to (every coach of the team,
at the address in the same place of the Teams sheet's Coach email cell);
:mod:`~docgen.mail.drafts` writes one standard .eml draft per coach into ``OUTDIR/mail``, with
that coach's documents (the .docx, and its .pdf when one was made) attached and a short message
(:mod:`~docgen.mail.message`). Outlook opens a draft ready to send (``X-Unsent: 1``);
Thunderbird and Apple Mail open it as a message. :mod:`~docgen.mail.smtp` sends the drafts and
:mod:`~docgen.mail.sent` records each one sent, so a re-run sends only what was not sent.

Mentor agreements are not e-mailed: a mentoring pair has no coach, and the Mentoring sheet no
address; the report names each one so nobody expects them in a coach's mail.

This step reads no cohort and renders no template: :func:`docgen.jobs.mail` reads the cohort,
compiles the message template and finds the contracts, then hands them in.
"""
