"""The overall deadline of a sync run (--deadline-seconds), checked before every request, sleep and poll."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import DeadlineExceeded


@dataclass
class Deadline:
    seconds: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def remaining(self) -> float:
        return self.started + self.seconds - self.clock()

    def check(self, before: str) -> None:
        """Raise DeadlineExceeded when the deadline has passed (nothing of `before` was done yet)."""
        if self.remaining() <= 0:
            raise DeadlineExceeded(
                f"the run's deadline of {self.seconds:g} s (--deadline-seconds) passed before {before}; "
                "nothing lost: pending writes stay recorded, rerun to continue"
            )

    def pause(self, seconds: float, before: str) -> None:
        """Sleep, unless the sleep would end past the deadline (then raise at once)."""
        self.check(before)
        if seconds > self.remaining():
            raise DeadlineExceeded(
                f"waiting {seconds:.1f} s before {before} would pass the run's deadline of {self.seconds:g} s "
                "(--deadline-seconds); nothing lost: pending writes stay recorded, rerun to continue"
            )
        if seconds > 0:
            self.sleep(seconds)
