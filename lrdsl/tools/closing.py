"""``with x: …`` for the objects that hold something open until ``close()``: a recording, a progress bar."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self


class Closing:
    """A context manager whose ``__exit__`` is ``self.close()``, after an error too (the error then goes on)."""

    def close(self) -> None:
        """Release what is held; a subclass says what (the base holds nothing)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
