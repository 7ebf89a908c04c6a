"""Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp, the local server) as an LLM."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from qa.llm.base import LLM, LLMError, Message


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
