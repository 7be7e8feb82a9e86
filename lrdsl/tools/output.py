"""What the command line writes: files (``-o FILE``) complete or untouched, never half written;
standard output and error, whose failures are clear errors.

The data goes to a new file beside the target (same directory, so the same file system), which
replaces the target in one rename (``os.replace``) once everything is written and closed. A
failure half-way (a schedule that is infinite at step 150000, a full disk, Ctrl-C) removes the
new file and leaves whatever the target held before. The target's permissions are kept; a new
one gets the usual ``0o666`` less the umask. A symbolic link is followed (its target is
replaced, the link stays). A target that is not a regular file (``/dev/null``, a named pipe, a
terminal) is written in place: it cannot be replaced, and holds no earlier content to lose; so is
an existing file in a directory where no new file may be created (it can be written, not replaced).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from lrdsl.errors import LrdslError


@contextmanager
def replacing(path: str | os.PathLike[str], binary: bool = False) -> Iterator[IO[Any]]:
    """A file open for writing whose content becomes ``path``'s when the block ends without an exception.

    ``OSError`` (cannot create, write, close or rename) propagates; the target is unchanged then.
    """
    target = Path(os.path.realpath(path))
    mode = "wb" if binary else "w"
    encoding = None if binary else "utf-8"
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    beside = None
    if existing is None or stat.S_ISREG(existing.st_mode):
        try:
            beside = _create_beside(target)
        except PermissionError:
            if existing is None:
                raise
    if beside is None:  # a device or pipe, or a file in a directory where no new file may be created
        with open(target, mode, encoding=encoding) as out:
            yield out
        return
    fd, temporary = beside
    try:
        if existing is not None:
            os.chmod(temporary, stat.S_IMODE(existing.st_mode))
        with open(fd, mode, encoding=encoding) as out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _create_beside(target: Path) -> tuple[int, str]:
    """A new, empty file in ``target``'s directory, named after it (``.name.<random>.tmp``)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = target.with_name(f".{target.name[:200]}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(name, flags, 0o666), str(name)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")  # pragma: no cover - 100 random names taken


class GuardedStream:
    """Standard output as the command line writes it: a closed stream (``lrdsl eval … >&-``, where
    Python's ``sys.stdout`` is ``None``) or a failing write (a full disk) is an :class:`LrdslError`
    with a clear message (exit 2), not an ``AttributeError`` or ``OSError`` traceback. A closed pipe
    (``| head``) still raises ``BrokenPipeError``: the reader has what it wanted."""

    def __init__(self, stream: Any, name: str = "standard output") -> None:
        self._stream = stream
        self._name = name

    def _failed(self, exc: OSError | None) -> LrdslError:
        if exc is None:
            return LrdslError(
                f"{self._name} is closed: there is nowhere to write the result",
                hint="redirect it to a file (> FILE), or give -o FILE where the command takes it",
            )
        with suppress(Exception):  # what stays buffered must not fail again when Python exits
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        return LrdslError(f"cannot write to {self._name}: {exc.strerror or exc}")

    def write(self, data: Any) -> int:
        if self._stream is None:
            raise self._failed(None)
        try:
            return int(self._stream.write(data))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    @property
    def buffer(self) -> GuardedStream:
        """The binary stream under it (``.npy`` output), guarded the same way."""
        return GuardedStream(None if self._stream is None else self._stream.buffer, self._name)

    def isatty(self) -> bool:
        return self._stream is not None and bool(self._stream.isatty())

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise self._failed(None)
        return getattr(self._stream, name)


@contextmanager
def standard_streams() -> Iterator[None]:
    """Standard output guarded (:class:`GuardedStream`) while the command runs; a closed standard error
    replaced by ``os.devnull``, so that an error message never goes into the data on standard output
    (``print(…, file=None)`` writes to ``sys.stdout``). A closed descriptor 1 or 2 is held open on
    ``os.devnull`` meanwhile, so that no file the command opens takes its number."""
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
    saved = sys.stdout, sys.stderr
    sys.stdout = GuardedStream(sys.stdout)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        yield
    finally:
        if sys.stderr is not saved[1]:
            sys.stderr.close()
        sys.stdout, sys.stderr = saved


CHUNK = 100_000
"""Steps evaluated at a time when streaming csv output."""


def write_text(text: str, output: str | None) -> None:
    with output_to(output) as out:
        out.write(text)


@contextmanager
def output_to(path: str | None, binary: bool = False) -> Iterator[IO[Any]]:
    """Standard output, or the file ``path`` (-o): failing to open, write or close it is an LrdslError.

    The file is written beside ``path`` and renamed over it at the end (:mod:`lrdsl.tools.output`): a
    failure half-way leaves ``path`` as it was, never a partial file that looks complete.
    """
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    try:
        with replacing(path, binary) as out:
            yield out
    except OSError as exc:
        raise cannot_write(path, exc) from None


def cannot_write(path: str, exc: OSError) -> LrdslError:
    return LrdslError(f"cannot write {path}: {exc.strerror or exc}")
