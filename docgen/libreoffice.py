"""Run LibreOffice headless to convert files: the one place docgen starts ``soffice``.

Both directions use it: making PDFs of generated documents (``docgen generate --pdf``) and
reading records a coach saved as .doc or .rtf (``docgen log`` converts them to .docx first).
Each run gets its own throw-away user profile, so it never waits on or disturbs a LibreOffice
the user has open, and its whole process group is killed on a timeout (a stray soffice.bin
can hold gigabytes).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docgen.atomic import work_folder

__all__ = ["Run", "convert", "soffice"]


def soffice() -> str | None:
    """Return the LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass(frozen=True, slots=True)
class Run:
    """How one LibreOffice run ended: whether it was stopped, and the errors it printed."""

    timed_out: bool
    errors: tuple[str, ...]  # its "Error: ..." lines, without the prefix, each once


def convert(exe: str, files: list[Path], to: str, outdir: Path, timeout: float) -> Run:
    """Convert ``files`` into ``outdir`` as format ``to`` ("pdf", "docx") in one run.

    One run converts many files far faster than one run each (LibreOffice starts once).
    LibreOffice exits 0 even when a file failed, so the caller checks each output it expects;
    the errors it printed (they do not name the file) come back in :class:`Run`.
    """
    with work_folder("lo") as profile, tempfile.TemporaryFile() as err:
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--convert-to", to, "--outdir", str(outdir), *map(str, files)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            timed_out = True
        err.seek(0)
        text = err.read(64 * 1024).decode("utf-8", "replace")
    errors = dict.fromkeys(line.split(":", 1)[1].strip() for line in text.splitlines()
                           if line.startswith("Error:"))
    return Run(timed_out, tuple(e for e in errors if e))
