"""LLM slots: at most n replies written at once, the rest waiting in order, each able to say its place."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from qa.llm.base import LLM, Message

# report(place in line, replies being written): 0 once the reply holds a slot. Set per thread by a caller
# that wants to show the wait (the chat); others just wait.
Report = Callable[[int, int], None]
_local = threading.local()


@contextmanager
def reporting(report: Report) -> Iterator[None]:
    """Inside (in this thread), an LLM call that waits for a slot calls report about every second."""
    previous = getattr(_local, "report", None)
    _local.report = report
    try:
        yield
    finally:
        _local.report = previous


class AnswerSlots:
    """A fair semaphore over an LLM server's slots that can say how many are ahead of a waiting reply.

    Only the LLM's writing is gated: retrieval, reading and verification of other questions go on meanwhile.
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
    def hold(self) -> Iterator[None]:
        """Wait in line for a slot (reporting the place, see reporting()), hold it inside the block."""
        report: Report | None = getattr(_local, "report", None)
        with self.ticket() as t:
            while place := t.wait(1.0):
                if report:
                    report(place, self.running)
            if report:
                report(0, self.running)
            yield

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


class GatedLLM(LLM):
    """An LLM whose replies each wait for one of `slots` (the server's parallel slots) before they start."""

    def __init__(self, inner: LLM, slots: AnswerSlots) -> None:
        self.inner = inner
        self.slots = slots
        self.name = inner.name

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # base_url and the like, for messages

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        with self.slots.hold():
            yield from self.inner.stream(messages, max_tokens=max_tokens, temperature=temperature)

    def choose(
        self, messages: Sequence[Message], options: Sequence[str], *, max_tokens: int = 48
    ) -> str | None:
        with self.slots.hold():  # the inner LLM's own way of choosing (a JSON schema, say), in a slot
            return self.inner.choose(messages, options, max_tokens=max_tokens)

    def judge(self, messages: Sequence[Message]) -> float:
        with self.slots.hold():
            return self.inner.judge(messages)
