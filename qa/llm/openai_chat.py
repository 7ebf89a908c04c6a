"""Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp, the local server) as an LLM."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from typing import Any, cast

import httpx

from qa.llm.base import LLM, NOT_STATED, LLMError, Message, choice, yes_no

EVIDENCE_NOTE = "The retrieved evidence is shown instead."
_SHOWN = 120  # characters of a bad reply quoted in the message


class OpenAIChatLLM(LLM):
    """Any OpenAI-compatible chat endpoint: OpenAI, Ollama, vLLM, llama.cpp, the local server."""

    def __init__(
        self, model: str, *, base_url: str | None, api_key: str | None, timeout: float, max_retries: int = 1
    ) -> None:
        from openai import OpenAI

        self.name = model
        self.base_url = base_url or "https://api.openai.com/v1"
        # The client's own retries handle transient errors; a down server fails fast after them.
        self._client = OpenAI(
            base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=max_retries
        )
        self._timeout = timeout
        self._schemas = True  # until the endpoint rejects a JSON-schema reply format
        self._logprobs = True  # until it rejects a request for log-probabilities

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        import openai

        at = f"The LLM at {self.base_url}"
        try:
            response = self._client.chat.completions.create(
                model=self.name,
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
            )
            raw: httpx.Response = cast("openai.Stream[Any]", response).response
            kind = raw.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "text/event-stream":
                # Read as an event stream, a plain-text or HTML body has no events: an empty reply, which
                # would read as the model declining to answer.
                yield from _whole_reply(at, kind, raw.read())
                return
            events = 0
            for event in response:
                events += 1
                choices = getattr(event, "choices", None)
                if choices and choices[0].delta.content:
                    yield choices[0].delta.content
            if events == 0:
                raise LLMError(f"{at} sent an event stream with no events in it. {EVIDENCE_NOTE}")
        except UnicodeDecodeError as exc:
            raise LLMError(
                f"{at} sent bytes that are not UTF-8 text ({exc.object[exc.start : exc.start + 4]!r} at "
                f"byte {exc.start} of a line): not a working OpenAI-compatible reply. {EVIDENCE_NOTE}"
            ) from None
        except json.JSONDecodeError as exc:
            raise LLMError(
                f"{at} sent an event that is not JSON ({_quote(exc.doc)}: {exc.msg}): the event stream is "
                f"malformed. {EVIDENCE_NOTE}"
            ) from None
        except openai.APITimeoutError:
            raise LLMError(
                f"{at} did not answer within {self._timeout:g} s (NEWSQA_LLM_TIMEOUT). {EVIDENCE_NOTE}"
            ) from None
        except openai.APIConnectionError:
            raise LLMError(
                f"Cannot reach the LLM at {self.base_url}: is the server running? "
                f"(set OPENAI_BASE_URL, or NEWSQA_LLM=local or extractive). {EVIDENCE_NOTE}"
            ) from None
        except openai.AuthenticationError:
            raise LLMError(f"{at} refused the API key: set OPENAI_API_KEY in the environment.") from None
        except openai.NotFoundError:
            raise LLMError(
                f"{at} has no model {self.name!r}: set NEWSQA_LLM_MODEL to one it serves."
            ) from None
        except openai.APIStatusError as exc:
            raise LLMError(f"{at} answered HTTP {exc.status_code}: {exc.message}") from None
        except openai.APIError as exc:  # an error event inside the stream
            raise LLMError(
                f"{at} reported an error during its reply: {exc.message}. {EVIDENCE_NOTE}"
            ) from None
        except httpx.HTTPError as exc:  # the connection broke off mid-stream
            raise LLMError(
                f"{at} broke off its reply ({type(exc).__name__}: {exc}). {EVIDENCE_NOTE}"
            ) from None

    @property
    def structured_outputs(self) -> bool:
        """Whether the endpoint has taken (or not yet refused) a JSON-schema reply format."""
        return self._schemas

    def choose(
        self, messages: Sequence[Message], options: Sequence[str], *, max_tokens: int = 48
    ) -> str | None:
        """One of `options` or None ("not stated"), the reply forced to that list by a JSON schema (OpenAI
        Structured Outputs; llama.cpp, Ollama and vLLM read the same field). An endpoint that rejects the
        schema is asked in plain text instead, from then on."""
        import openai

        if self._schemas:
            schema = {
                "type": "object",
                "properties": {"answer": {"type": "string", "enum": [*options, NOT_STATED]}},
                "required": ["answer"],
                "additionalProperties": False,
            }
            try:
                reply = self._client.chat.completions.create(  # type: ignore[call-overload]
                    model=self.name,
                    messages=list(messages),
                    max_tokens=max_tokens,
                    temperature=0.0,
                    response_format={
                        "type": "json_schema",
                        "json_schema": {"name": "answer", "schema": schema, "strict": True},
                    },
                )
                return choice(reply.choices[0].message.content or "", options)
            except openai.BadRequestError:
                self._schemas = False  # no structured outputs here: plain text from now on
            except openai.OpenAIError as exc:
                raise LLMError(f"The LLM at {self.base_url} could not choose an answer: {exc}") from None
        return super().choose(messages, options, max_tokens=max_tokens)

    def judge(self, messages: Sequence[Message]) -> float:
        """P(yes) / (P(yes) + P(no)) for the reply's first token, from its top log-probabilities (OpenAI,
        llama.cpp and vLLM return them); an endpoint without them is judged by its reply's words."""
        import openai

        if self._logprobs:
            try:
                reply = self._client.chat.completions.create(
                    model=self.name,
                    messages=list(messages),  # type: ignore[arg-type]
                    max_tokens=1,
                    temperature=0.0,
                    logprobs=True,
                    top_logprobs=10,
                )
            except openai.BadRequestError:
                self._logprobs = False  # no log-probabilities here: the reply's words from now on
            except openai.OpenAIError as exc:
                raise LLMError(f"The LLM at {self.base_url} could not check an answer: {exc}") from None
            else:
                first = reply.choices[0].logprobs
                tops = first.content[0].top_logprobs if first and first.content else []
                yes = sum(math.exp(t.logprob) for t in tops if t.token.strip().casefold() == "yes")
                no = sum(math.exp(t.logprob) for t in tops if t.token.strip().casefold() == "no")
                if yes + no > 0:
                    return yes / (yes + no)
                return yes_no(reply.choices[0].message.content or "")
        return super().judge(messages)


def _whole_reply(at: str, kind: str, body: bytes) -> Iterator[str]:
    """The text of a reply that came as one JSON completion (a server that ignores stream=True)."""
    text = body.decode("utf-8", errors="replace")
    if kind == "application/json":
        try:
            data: Any = json.loads(text)
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            content = None
        if isinstance(content, str):
            yield content
            return
    shown = kind or "no content type"
    raise LLMError(
        f"{at} answered with {shown}, not an event stream of chat completions: {_quote(text)}. "
        + EVIDENCE_NOTE
    )


def _quote(text: str) -> str:
    """The start of a bad reply, on one line, for the message."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= _SHOWN else flat[:_SHOWN] + "…")
