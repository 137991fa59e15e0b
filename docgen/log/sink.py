"""The file XlsxWriter writes the log into, which can be abandoned when writing fails."""

from __future__ import annotations

from typing import BinaryIO

__all__ = ["Sink"]


class Sink:
    """The log's file as XlsxWriter's zip sees it, until the write is abandoned.

    When writing fails, XlsxWriter leaves its ``ZipFile`` open; collected later, that zip
    would try to finish itself in a file already closed and removed, and Python would print
    its traceback ("Exception ignored in ZipFile.__del__") after docgen's message. Abandoned,
    the sink takes whatever the zip still writes and drops it, so nothing can fail later.
    """

    def __init__(self, fh: BinaryIO) -> None:
        self._fh: BinaryIO | None = fh
        self._at = 0

    def abandon(self) -> None:
        """Drop everything written from now on: the file is being thrown away."""
        self._fh = None

    def write(self, data: bytes) -> int:
        if self._fh is None:
            return len(data)
        try:
            return self._fh.write(data)
        except OSError:
            self._fh = None  # the zip's own clean-up must not raise a second error
            raise

    def tell(self) -> int:
        return self._fh.tell() if self._fh is not None else self._at

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._fh is None:
            return self._at
        self._at = self._fh.seek(offset, whence)
        return self._at

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()
