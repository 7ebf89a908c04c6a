"""The LLM interface: one method that streams a reply. Real backends all talk through the `openai` client."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

Message = dict[str, str]


class LLMError(RuntimeError):
    """The LLM could not answer; the message says why in words a user can act on."""


class LLM(ABC):
    """Streams the reply to a chat as text pieces; `name` says which model answers."""

    name: str

    @abstractmethod
    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        """Yield the reply piece by piece; raise LLMError when the endpoint fails."""


def complete(llm: LLM, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0) -> str:
    """The whole reply of `llm` as one string."""
    return "".join(llm.stream(messages, max_tokens=max_tokens, temperature=temperature))
