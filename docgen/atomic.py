"""Write files so that readers only ever see the old file or the new one, whole.

The new content goes to a temporary file in the same folder (``os.replace`` is atomic only
within one file system), named by process so parallel workers never share one, and is renamed
over the target once complete. A killed process leaves at most a temporary file, never half a
document; :func:`docgen.documents.outputs.remove_stale_temporaries` clears those.
"""

from __future__ import annotations

import os
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


def atomic_write(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path, durable=durable) as fh:
        fh.write(data)
