"""Storage of chunks, vectors and article metadata: the Store interface and its Chroma implementation."""

from index.store.base import EmbedderMismatchError, Hit, Store, StoreError, WriteItem
from index.store.chroma import ChromaStore
from index.store.filters import Filters

__all__ = ["ChromaStore", "EmbedderMismatchError", "Filters", "Hit", "Store", "StoreError", "WriteItem"]
