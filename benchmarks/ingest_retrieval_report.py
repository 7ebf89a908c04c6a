"""The printed report of benchmarks/ingest_retrieval.py: its tables, the dense overlaps, the target check."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ingest_retrieval_configs import MODES, PLAIN, THREADS, ConfigSpec, K


def dense_overlaps(
    results: Sequence[dict[str, Any]], specs: Sequence[ConfigSpec]
) -> dict[str, dict[str, Any]]:
    """For each configuration: mean share of its dense top-10 found in another one's with the same chunks."""
    by_name = {r["name"]: r for r in results if "retrieval" in r}
    out: dict[str, dict[str, Any]] = {}
    for a in specs:
        for b in specs:
            if a == b or (a.chunk_size, a.chunk_overlap) != (b.chunk_size, b.chunk_overlap):
                continue
            if a.name not in by_name or b.name not in by_name or a.name in out:
                continue
            ids_a = by_name[a.name]["retrieval"]["dense"]["ids"]
            ids_b = by_name[b.name]["retrieval"]["dense"]["ids"]
            shares = [
                len(set(x) & set(y)) / max(len(x), len(y), 1) for x, y in zip(ids_a, ids_b, strict=True)
            ]
            out[a.name] = {"vs": b.name, "overlap": round(sum(shares) / len(shares), 3) if shares else None}
    return out


def fmt(value: Any, digits: int = 1, unit: str = "") -> str:
    """A table cell: numbers rounded, None as an en dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return str(value)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table that is also Markdown."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def render(report: dict[str, Any]) -> str:
    """The whole printed report: header, ingest/retrieval table, answer table, target check."""
    results = [r for r in report["results"] if "ingest_s" in r]
    plain = next((r for r in results if r["kind"] == "plain"), None)
    corpus = report["corpus"]
    overlaps = report["dense_overlap"]
    lines = [
        f"# NewsQA ingest/retrieval benchmark, {report['date']}",
        "",
        f"Command: `{report['command']}`",
        f"Corpus: {corpus['articles']:,} articles, {corpus['mb']} MB, "
        f"{corpus['word_pieces']:,} MiniLM word pieces; "
        f"{report['questions']} dev questions, k={K}, threads={THREADS}.",
        f"Load before: {report['uptime_before']}",
        f"Load after:  {report['uptime_after']}",
        f"One-time model preparation (not in any ingest time): {report['model_prep_s']}",
        "",
    ]
    for r in report["results"]:
        if "error" in r:
            lines.append(
                f"FAILED: {r['name']}: {r['error']} (see the log; '–' marks what it did not measure)"
            )

    def col(r: dict[str, Any], fn: Callable[[dict[str, Any]], str]) -> str:
        try:
            return fn(r)
        except (KeyError, TypeError, ZeroDivisionError):
            return "–"

    def ratio(r: dict[str, Any], key: str) -> str:
        if plain is None:
            return "–"
        return f"{r[key] / plain[key]:.2f}x"

    def words(r: dict[str, Any]) -> str:
        w = r["words"]
        share = w["embedded_wp"] / corpus["word_pieces"]
        return f"{w['embedded_wp'] / 1e6:.2f}M / {corpus['word_pieces'] / 1e6:.2f}M ({share:.0%})"

    def embedded(r: dict[str, Any]) -> str:
        w = r["words"]
        if w["covered_chars"] == w["corpus_chars"]:
            return "100% (every character)"
        missed = w["corpus_chars"] - w["covered_chars"]
        return f"{w['coverage']:.3%} ({missed:,} chars of {w['articles_with_missed_text']} articles missed)"

    def lat(mode: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: f"{r['retrieval'][mode]['p50_ms']:.0f} / {r['retrieval'][mode]['p95_ms']:.0f}"

    def recall(mode: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: f"{r['retrieval'][mode]['recall_at_10']:.3f}"

    def part(*keys: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: fmt(next((r["breakdown_s"][k] for k in keys if k in r["breakdown_s"]), None), 1)

    def other(r: dict[str, Any]) -> str:
        if r["name"] != PLAIN:
            return "–"  # NewsQA embeds in the background while it chunks and writes: the parts overlap
        b = r["breakdown_s"]
        store = b.get("store total", b.get("chroma add", 0.0))  # the plain pipeline's store is its Chroma add
        return fmt(r["ingest_s"] - b.get("chunking", 0.0) - b.get("embed total", 0.0) - store, 1)

    def overlap(r: dict[str, Any]) -> str:
        o = overlaps.get(r["name"])
        return f"{o['overlap']:.3f} vs {o['vs']}" if o else "–"

    def batch(r: dict[str, Any]) -> str:
        if str(r["settings"].get("embedder", "")).startswith("minilm-onnx"):
            return f"1 text per run, {THREADS} worker processes"
        return str(r["settings"]["embed_batch_size"])

    spec_rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        (
            "chunking (word pieces / overlap)",
            lambda r: f"{r['settings']['chunk_size']} / {r['settings']['chunk_overlap']}",
        ),
        ("embed batch", batch),
        ("articles", lambda r: fmt(r["articles"])),
        ("chunks", lambda r: fmt(r["chunks"])),
        ("model load s", lambda r: fmt(r["setup_s"], 1)),
        ("ingest wall s", lambda r: fmt(r["ingest_s"], 1)),
        ("ingest wall vs plain", lambda r: ratio(r, "ingest_s")),
        ("ingest CPU s", lambda r: fmt(r["ingest_cpu_s"], 1)),
        ("ingest CPU vs plain", lambda r: ratio(r, "ingest_cpu_s")),
        ("articles/s", lambda r: fmt(r["articles"] / r["ingest_s"], 1)),
        ("chunks/s", lambda r: fmt(r["chunks"] / r["ingest_s"], 1)),
        ("word pieces embedded / corpus", words),
        ("chunks > 256 wp (truncated)", lambda r: fmt(r["words"]["truncated_chunks"])),
        (
            "mean / max chunk wp",
            lambda r: f"{r['words']['mean_chunk_wp']:.0f} / {r['words']['max_chunk_wp']:,}",
        ),
        ("corpus text embedded", embedded),
        ("- chunking s", part("chunking")),
        ("- embedding s (NewsQA: beside chunking and writing)", part("embed total")),
        ("  - in worker processes s", part("worker processes")),
        ("  - worker processes CPU s", lambda r: fmt(r.get("workers_cpu_s") or None, 1)),
        ("- store write s", part("store total", "chroma add")),
        ("  - Chroma add s", part("chroma add")),
        ("  - Chroma delete s", part("chroma delete")),
        ("  - manifest upsert s", part("manifest upsert")),
        ("  - BM25 index s", part("bm25 index")),
        ("- other s", other),
        ("load avg before / after ingest", lambda r: f"{r['load_before']} / {r['load_after']}"),
        ("peak RSS after model load MB", lambda r: fmt(r["peak_rss_setup_mb"], 0)),
        ("peak RSS after ingest MB", lambda r: fmt(r["peak_rss_ingest_mb"], 0)),
        ("peak RSS of an embedding worker MB", lambda r: fmt(r.get("peak_rss_workers_mb"), 0)),
        ("dense p50 / p95 ms", lat("dense")),
        ("bm25 p50 / p95 ms", lat("bm25")),
        ("hybrid p50 / p95 ms", lat("hybrid")),
        ("recall@10 dense", recall("dense")),
        ("recall@10 bm25", recall("bm25")),
        ("recall@10 hybrid", recall("hybrid")),
        ("dense top-10 wp (mean)", lambda r: fmt(r["retrieval"]["dense"]["mean_top10_wp"], 0)),
        ("dense top-10 overlap", overlap),
        ("peak RSS after retrieval MB", lambda r: fmt(r["peak_rss_retrieval_mb"], 0)),
    ]
    header = ["", *(r["name"] for r in results)]
    lines.append(md_table(header, [[label, *(col(r, fn) for r in results)] for label, fn in spec_rows]))

    answer_rows = []
    for r in results:
        for a in r.get("answers", []):
            answer_rows.append(
                [
                    r["name"],
                    a["llm"] if a["model"] is None else f"{a['llm']} ({a['model']})",
                    str(a["questions"]),
                    fmt(a["llm_load_s"], 1),
                    fmt(a["ttft_p50_s"], 2),
                    fmt(a["ttft_max_s"], 2),
                    fmt(a["total_p50_s"], 2),
                    f"{a['contains_gold']}/{a['questions']}",
                ]
            )
    if answer_rows:
        lines += ["", "Answer latency (retrieval hybrid, top_k 5, medians over the first N questions):", ""]
        head = [
            "config",
            "LLM",
            "N",
            "LLM load s",
            "TTFT p50 s",
            "TTFT max s",
            "total p50 s",
            "gold in answer",
        ]
        lines.append(md_table(head, answer_rows))

    lines += ["", "Targets:"]
    lines += check_targets(results, plain)
    return "\n".join(lines)


def check_targets(results: Sequence[dict[str, Any]], plain: dict[str, Any] | None) -> list[str]:
    """The issue's three targets, config by config."""
    out = []
    for r in results:
        if r["kind"] == "plain":
            continue
        if "retrieval" not in r or "words" not in r:
            out.append(f"- {r['name']}: incomplete run, not checked")
            continue
        w = r["words"]
        full = w["truncated_chunks"] == 0 and w["covered_chars"] == w["corpus_chars"]
        faster = plain is not None and r["ingest_s"] <= plain["ingest_s"]
        p50 = max(r["retrieval"][m]["p50_ms"] for m in MODES)
        ttft = [a for a in r.get("answers", []) if a["llm"] == "local" and a["model"] == "qwen2.5-0.5b"]
        ttft_text = (
            f"TTFT p50 {ttft[0]['ttft_p50_s']:.2f} s {'OK' if ttft[0]['ttft_p50_s'] < 3 else 'MISSED'}"
            if ttft
            else "TTFT not measured"
        )
        vs = f"{r['ingest_s'] / plain['ingest_s']:.2f}x plain" if plain else "no plain run"
        out.append(
            f"- {r['name']}: every word embedded {'OK' if full else 'MISSED'} "
            f"({w['corpus_chars'] - w['covered_chars']:,} characters missed, "
            f"{w['truncated_chunks']:,} truncated chunks); "
            f"ingest {vs} {'OK' if faster else 'MISSED'}; "
            f"slowest retrieval p50 {p50:.0f} ms {'OK' if p50 < 50 else 'MISSED'}; {ttft_text}"
        )
    return out
