"""Run LibreOffice headless to convert files: the one place docgen starts ``soffice``.

Both directions use it: making PDFs of generated documents (``docgen generate --pdf``) and
reading records a coach saved as .doc or .rtf (``docgen log`` converts them to .docx first).
Each run gets its own throw-away user profile, so it never waits on or disturbs a LibreOffice
the user has open, and its whole process group is killed on a timeout (a stray soffice.bin
can hold gigabytes). Nothing here is POSIX-only: on Windows the process tree is ended with
``taskkill``, and LibreOffice is looked for where its installers put it as well as on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from html import escape  # &, <, >, " and ' (xml.sax.saxutils' imports urllib.request: ~10 ms)
from pathlib import Path

from docgen.atomic import work_folder

__all__ = ["Run", "convert", "soffice"]


def soffice() -> str | None:
    """Return the LibreOffice command, or None when it is not installed.

    The PATH first; then where LibreOffice's installers put it, which is not on the PATH:
    Program Files on Windows, the application bundle on macOS.
    """
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for place in _installed_places():
        if place.is_file():
            return str(place)
    return None


def _installed_places() -> list[Path]:
    """Return where LibreOffice's own installers put ``soffice`` on this system."""
    if sys.platform == "win32":
        roots = [os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432",
                                                   "ProgramFiles(x86)")]
        roots += ["C:\\Program Files", "C:\\Program Files (x86)"]
        places = [Path(root) / "LibreOffice" / "program" / "soffice.exe" for root in roots if root]
        return list(dict.fromkeys(places))
    if sys.platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
                Path.home() / "Applications/LibreOffice.app/Contents/MacOS/soffice"]
    return []


@dataclass(frozen=True, slots=True)
class Run:
    """How one LibreOffice run ended: whether it was stopped, and the errors it printed."""

    timed_out: bool
    errors: tuple[str, ...]  # its "Error: ..." lines, without the prefix, each once


def convert(exe: str, files: list[Path], to: str, outdir: Path, timeout: float,
            locale: str | None = None) -> Run:
    """Convert ``files`` into ``outdir`` as format ``to`` ("pdf", "docx") in one run.

    ``locale`` ("en-GB") is the locale LibreOffice runs in, whatever the machine's: it decides
    how a value kept with a format that follows the locale is written out (a date a coach's
    LibreOffice recognised in a table cell, kept in an .fodt as 2026-03-12 with its day and
    month "in the locale's order", comes out as "12/03/26" in en-GB, "03/12/26" in en-US).

    One run converts many files far faster than one run each (LibreOffice starts once).
    LibreOffice exits 0 even when a file failed, so the caller checks each output it expects
    (``outdir`` / the file's stem and the format's extension); the errors it printed (they do
    not name the file) come back in :class:`Run`.

    Two kinds of path LibreOffice 7.4 fails on, writing nothing: a file or folder whose bytes
    are not UTF-8 (named on an older system, on Linux), where it says nothing; and an output
    folder whose path holds ``;``, ``|`` or ``%`` and two hex digits ("Cohort%207", as a
    download names it), which it reads as URL or filter syntax ("no export filter"). Then it
    is given copies with plain names, or writes into a temporary folder, and the outputs are
    moved where they belong.
    """
    odd_names = not all(_utf8(f) for f in files)
    if not odd_names and _plain_folder(outdir):
        return _convert(exe, files, to, outdir, timeout, locale)
    extension = to.split(":", 1)[0]
    with work_folder("lo-names") as stage:
        given = files
        if odd_names:
            given = [Path(stage) / f"{n}{f.suffix}" for n, f in enumerate(files)]
            for f, copy in zip(files, given, strict=True):
                with suppress(OSError):  # unreadable: LibreOffice makes nothing, as it would
                    shutil.copyfile(f, copy)
        made = Path(stage) / "out"
        made.mkdir()
        run = _convert(exe, given, to, made, timeout, locale)
        for f, g in zip(files, given, strict=True):
            output = made / f"{g.stem}.{extension}"
            if output.exists():
                shutil.move(output, outdir / f"{f.stem}.{extension}")
    return run


_URL_SYNTAX = re.compile(r"[;|]|%[0-9A-Fa-f]{2}")


def _plain_folder(folder: Path) -> bool:
    """Tell whether LibreOffice can write into ``folder`` (see :func:`convert`)."""
    return _utf8(folder) and _URL_SYNTAX.search(os.fspath(folder)) is None


def _utf8(path: Path) -> bool:
    """Tell whether ``path`` is text LibreOffice can open: no byte that is not UTF-8."""
    try:
        os.fspath(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _convert(exe: str, files: list[Path], to: str, outdir: Path, timeout: float,
             locale: str | None = None) -> Run:
    """Run LibreOffice once over ``files`` (see :func:`convert`)."""
    with work_folder("lo") as profile, tempfile.TemporaryFile() as err:
        if locale is not None:
            _set_locale(Path(profile), locale)
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--convert-to", to, "--outdir", str(outdir), *map(str, files)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, **_own_group())
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            timed_out = True
        err.seek(0)
        text = err.read(64 * 1024).decode("utf-8", "replace")
    errors = dict.fromkeys(line.split(":", 1)[1].strip() for line in text.splitlines()
                           if line.startswith("Error:"))
    return Run(timed_out, tuple(e for e in errors if e))


def _set_locale(profile: Path, locale: str) -> None:
    """Start the fresh LibreOffice profile ``profile`` with its locale setting (Tools ›
    Options › Language Settings › Languages › Locale setting) at ``locale``."""
    write_options(profile, [("/org.openoffice.Setup/L10N", "ooSetupSystemLocale", locale)])


def write_options(profile: Path, options: list[tuple[str, str, str]]) -> None:
    """Write ``options`` (configuration path, property, value) into the fresh LibreOffice
    profile ``profile``, as Tools › Options leaves them, so that soffice starts with them."""
    items = "".join(
        f'<item oor:path="{escape(path)}"><prop oor:name="{escape(name)}" oor:op="fuse">'
        f"<value>{escape(value)}</value></prop></item>\n" for path, name, value in options)
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n", encoding="utf-8")


def _own_group() -> dict[str, object]:
    """Return the Popen options that start LibreOffice in a process group of its own."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop LibreOffice and what it started (soffice starts soffice.bin), then reap it."""
    killpg = getattr(os, "killpg", None)
    try:
        if killpg is not None:
            killpg(proc.pid, signal.SIGKILL)
        elif os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    except OSError:
        pass
    if proc.poll() is None:
        proc.kill()
    proc.wait()
