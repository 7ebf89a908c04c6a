"""Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp, the local server) as an LLM."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from qa.llm.base import LLM, NOT_STATED, LLMError, Message, choice


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

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        import openai

        try:
            response = self._client.chat.completions.create(
                model=self.name,
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
            )
            for event in response:
                choices = getattr(event, "choices", None)
                if choices and choices[0].delta.content:
                    yield choices[0].delta.content
        except openai.APITimeoutError:
            raise LLMError(
                f"The LLM at {self.base_url} did not answer within {self._timeout:g} s "
                "(NEWSQA_LLM_TIMEOUT). The retrieved evidence is shown instead."
            ) from None
        except openai.APIConnectionError:
            raise LLMError(
                f"Cannot reach the LLM at {self.base_url}: is the server running? "
                "(set OPENAI_BASE_URL, or NEWSQA_LLM=local or extractive). "
                "The retrieved evidence is shown instead."
            ) from None
        except openai.AuthenticationError:
            raise LLMError(
                f"The LLM at {self.base_url} refused the API key: set OPENAI_API_KEY in the environment."
            ) from None
        except openai.NotFoundError:
            raise LLMError(
                f"The LLM at {self.base_url} has no model {self.name!r}: "
                "set NEWSQA_LLM_MODEL to one it serves."
            ) from None
        except openai.APIStatusError as exc:
            raise LLMError(
                f"The LLM at {self.base_url} answered HTTP {exc.status_code}: {exc.message}"
            ) from None

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
