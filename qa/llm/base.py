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

    def choose(
        self, messages: Sequence[Message], options: Sequence[str], *, max_tokens: int = 48
    ) -> str | None:
        """One of `options`, or None for "not stated": an endpoint that can force its reply to a list
        (a JSON schema) overrides this; here the free reply must name an option exactly, or counts as None."""
        return choice(complete(self, messages, max_tokens=max_tokens), options)

    def judge(self, messages: Sequence[Message]) -> float:
        """How likely the reply to a yes-or-no question is yes, from 0 to 1: an endpoint that returns
        log-probabilities overrides this; here a free reply counts 1 for yes, 0 for no, 0.5 for neither."""
        return yes_no(complete(self, messages, max_tokens=3))


NOT_STATED = "not stated"


def choice(reply: str, options: Sequence[str]) -> str | None:
    """The option a free-text reply names (exactly, or as its whole answer line); None for anything else."""
    text = reply.strip().strip('"').strip()
    if text.startswith("{"):  # a JSON reply: {"answer": "..."}
        import json

        try:
            text = str(json.loads(text).get("answer", ""))
        except (ValueError, AttributeError):
            return None
    by_form = {o.casefold(): o for o in options}
    return by_form.get(text.casefold().rstrip("."))


def yes_no(reply: str) -> float:
    """1.0 for a reply that says yes, 0.0 for no, 0.5 for anything else."""
    word = (reply.strip().strip('"{}').split(maxsplit=1) or [""])[0].strip(".,!").casefold()
    return {"yes": 1.0, "no": 0.0}.get(word, 0.5)


def complete(llm: LLM, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0) -> str:
    """The whole reply of `llm` as one string."""
    return "".join(llm.stream(messages, max_tokens=max_tokens, temperature=temperature))
