"""Loading, chunking, embedding and storing news articles. Never imports qa, gradio or an LLM client."""

from index.ingest import IngestReport, ingest_articles
from index.loading import LoadError, LoadResult, load_file, load_paths
from index.models import Article, ArticleInfo, Chunk, StoredArticle
from index.settings import IndexSettings

__all__ = [
    "Article",
    "ArticleInfo",
    "Chunk",
    "IndexSettings",
    "IngestReport",
    "LoadError",
    "LoadResult",
    "StoredArticle",
    "ingest_articles",
    "load_file",
    "load_paths",
]
