"""Embedders: the interface, and the offline all-MiniLM-L6-v2 backends (chosen by name in qa.backends)."""

from index.embedding.base import Embedder, EmbedderError, Tokens, word_tokens

__all__ = ["Embedder", "EmbedderError", "Tokens", "word_tokens"]
