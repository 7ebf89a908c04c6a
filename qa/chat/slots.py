"""Answer slots: at most n answers written by the LLM at once, the rest waiting in order, told their place."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class AnswerSlots:
    """A fair semaphore over the LLM's slots that can say how many questions are ahead of a waiting one.

    Only the LLM's writing is gated: retrieval, reading and verification of other sessions go on meanwhile.
    """

    def __init__(self, n: int) -> None:
        self.n = max(1, n)
        self._cond = threading.Condition()
        self._running = 0
        self._queue: list[int] = []  # tickets waiting, in arrival order
        self._tickets = itertools.count()

    @property
    def running(self) -> int:
        """Answers being written now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Questions waiting for a slot."""
        return len(self._queue)

    @contextmanager
    def ticket(self) -> Iterator[Ticket]:
        """Queue for a slot; the slot (if taken) is given back when the block ends, however it ends."""
        t = Ticket(self, next(self._tickets))
        with self._cond:
            self._queue.append(t.number)
        try:
            yield t
        finally:
            with self._cond:
                if t.number in self._queue:
                    self._queue.remove(t.number)
                if t.holding:
                    self._running -= 1
                self._cond.notify_all()

    def _wait(self, t: Ticket, timeout: float) -> int:
        """0 once t holds a slot; else, after at most `timeout` seconds, its place in line (1: next)."""
        with self._cond:
            self._cond.wait_for(lambda: self._free(t), timeout)
            if self._free(t):
                self._queue.remove(t.number)
                self._running += 1
                t.holding = True
                return 0
            return self._queue.index(t.number) + 1

    def _free(self, t: Ticket) -> bool:
        return self._running < self.n and self._queue[0] == t.number


class Ticket:
    """One question's place in the queue for a slot."""

    def __init__(self, slots: AnswerSlots, number: int) -> None:
        self.slots = slots
        self.number = number
        self.holding = False

    def wait(self, timeout: float) -> int:
        """0 once this question holds a slot; else, after at most `timeout` seconds, its place in line."""
        if self.holding:
            return 0
        return self.slots._wait(self, timeout)
