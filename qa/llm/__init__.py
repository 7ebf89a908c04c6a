"""LLM backends: the interface, the OpenAI-compatible client, and the local llama.cpp server."""

from qa.llm.base import LLM, LLMError, Message, complete

__all__ = ["LLM", "LLMError", "Message", "complete"]
