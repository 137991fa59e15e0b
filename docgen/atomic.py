"""Write files so that readers only ever see the old file or the new one, whole.

The new content goes to a temporary file in the same folder (``os.replace`` is atomic only
within one file system), named by process so parallel workers never share one, and is renamed
over the target once complete. A killed process leaves at most a temporary file, never half a
document; :func:`docgen.documents.outputs.remove_stale_temporaries` clears those.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def temporary_name(path: Path) -> Path:
    """Return the temporary file this process writes ``path`` through."""
    return path.with_name(f".{path.name[:100]}.{os.getpid()}.tmp")


@contextmanager
def atomic_file(path: Path, *, durable: bool = False) -> Iterator[BinaryIO]:
    """Yield a binary file whose content replaces ``path`` when the block ends without error.

    ``durable`` also flushes it to disk before the rename: needed against power loss, not
    against a killed process, and costly in bulk (~0.5 ms a file here), so single important
    files (the log, a workbook, the manifest) ask for it and bulk documents do not. On any
    error the temporary file is removed and ``path`` is left as it was.
    """
    tmp = temporary_name(path)
    try:
        try:
            fh = open(tmp, "wb")  # noqa: SIM115 (closed below)
        except FileNotFoundError:  # the folder is made only when missing: one call, not two
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(tmp, "wb")  # noqa: SIM115
        with fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def atomic_write(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`).

    The same steps as :func:`atomic_file`, through the descriptor itself rather than a
    buffered file object and a context manager: written once per document, where those
    took ~10 us of the ~40 a document's file costs on a memory file system.
    """
    tmp = temporary_name(path)
    try:
        try:
            fd = os.open(tmp, _CREATE, 0o666)
        except FileNotFoundError:  # the folder is made only when missing: one call, not two
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, _CREATE, 0o666)
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked (a signal, a full pipe)
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def copy_aside(path: Path, when: dt.datetime) -> Path:
    """Copy the file at ``path`` beside it as "<name> (edited <when>)<suffix>" (with a number
    after the time when that name is taken), before docgen replaces a file someone edited;
    return the copy's path."""
    stamp = when.strftime("%Y-%m-%d %H%M")
    copy = path.with_name(f"{path.stem} (edited {stamp}){path.suffix}")
    n = 2
    while copy.exists():
        copy = path.with_name(f"{path.stem} (edited {stamp} {n}){path.suffix}")
        n += 1
    shutil.copy2(path, copy)
    return copy


# --- what a killed run leaves behind -----------------------------------------------------------

_WORK_FOLDER = re.compile(r"^docgen-[a-z]+-(\d+)-")
_TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")


def work_folder(kind: str, inside: Path | None = None) -> tempfile.TemporaryDirectory[str]:
    """Return a temporary folder for one step's work, named by this process.

    ``kind`` names the step ("log", "pdf", "lo"). A run killed before it could remove the
    folder leaves its process number in the name, so :func:`clear_abandoned` of a later run
    knows it is nobody's and removes it.
    """
    return tempfile.TemporaryDirectory(prefix=f"docgen-{kind}-{os.getpid()}-", dir=inside,
                                       ignore_cleanup_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if _WINDOWS:
        return _running_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


_WINDOWS = os.name == "nt"
_STILL_ACTIVE, _ACCESS_DENIED = 259, 5


def _running_on_windows(pid: int, kernel32: object = None) -> bool:
    """Tell whether process ``pid`` runs, asking Windows itself.

    Never ``os.kill(pid, 0)`` there: signal 0 is CTRL_C_EVENT on Windows, which would press
    Ctrl-C in the console process group numbered ``pid``.
    """
    import ctypes

    if kernel32 is None:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:  # gone (or, denied, another user's: running)
        last_error = getattr(ctypes, "get_last_error", lambda: 0)
        return last_error() == _ACCESS_DENIED
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: keep its files
        return code.value == _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def clear_abandoned(folder: Path | None = None) -> int:
    """Remove what killed docgen runs left in ``folder`` (default: the system's temporary
    folder); return how many were removed.

    Only files and folders named as :func:`temporary_name` and :func:`work_folder` name
    them, and only those whose process is no longer running: a run still working keeps its
    own.
    """
    where = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    removed = 0
    try:
        entries = list(os.scandir(where))
    except OSError:
        return 0
    for entry in entries:
        m = _WORK_FOLDER.match(entry.name) or _TEMPORARY.match(entry.name)
        if not m or _alive(int(m[1])):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed += 1
    return removed
