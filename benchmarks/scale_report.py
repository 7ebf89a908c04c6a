"""The table, the target check and the growth curves of benchmarks/scale.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

COMBOS = [f"{m} {f}" for m in ("dense", "bm25", "hybrid") for f in ("none", "as_of", "as_of+outlet")]


def _get(rec: dict[str, Any] | None, *path: str) -> Any:
    for key in path:
        if not isinstance(rec, dict):
            return None
        rec = rec.get(key)
    return rec


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def columns(state: dict[str, Any], label: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(heading, build record, measurement) per step, and a server column where one was measured."""
    suffix = f"-{label}" if label else ""
    cols = []
    for key, rec in sorted(state["steps"].items(), key=lambda kv: float(kv[0])):
        cols.append((f"{key}x", rec.get("build", {}), rec.get("embedded" + suffix, {})))
        if "server" + suffix in rec:
            cols.append((f"{key}x server", rec.get("build", {}), rec["server" + suffix]))
    return cols


def sample_ingest(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The sample ingests by the size of the store they went into (a step's sample: into the one before)."""
    out = {}
    for rec in state["steps"].values():
        sample = _get(rec, "build", "sample")
        if sample and sample.get("articles") and "into_step" in rec["build"]:
            out[f"{rec['build']['into_step']:g}x"] = sample
    return out


def render(state: dict[str, Any], label: str = "") -> str:
    """A Markdown table: one column per step (and per server measurement), one row per figure."""
    cols = columns(state, label)
    samples = sample_ingest(state)
    first_build = _get(state, "steps", "1", "build") or {}
    rows: list[tuple[str, Callable[[str, dict[str, Any], dict[str, Any]], Any]]] = [
        ("articles", lambda h, b, m: m.get("articles")),
        ("chunks", lambda h, b, m: m.get("chunks")),
        ("disk MB (Chroma + search index)", lambda h, b, m: _disk(m)),
        ("disk MB per 1,000 articles", lambda h, b, m: _per_k(m)),
        (
            "ingest ms/article, 300 more into a store this size (wall / CPU)",
            lambda h, b, m: _ingest(samples, h),
        ),
        ("ingest ms/chunk, the same", lambda h, b, m: _get(samples.get(h.split()[0]), "ms_per_chunk")),
        ("load average during that ingest", lambda h, b, m: _load(samples.get(h.split()[0]))),
    ]
    for combo in COMBOS:
        rows.append((f"{combo} p50 / p95 ms", _lat_cell(combo)))
    rows += [
        ("dense queries past the over-fetch, hybrid as_of+outlet: by ids / Chroma filter / all", _fallbacks),
        ("extractive answer p50 / max s", lambda h, b, m: _pair(m, "answers", "total_p50_s", "total_max_s")),
        ("start: imports s", lambda h, b, m: m.get("import_s")),
        ("start: open store + embedder s", lambda h, b, m: m.get("open_s")),
        ("start: outlets + counts s", lambda h, b, m: _sum(m.get("sources_s"), m.get("count_s"))),
        ("start: first answer s", lambda h, b, m: m.get("first_answer_s")),
        ("start to first answer s", lambda h, b, m: m.get("start_to_first_answer_s")),
        ("library table (every article) s", lambda h, b, m: m.get("library_s")),
        ("RSS after first answer MB", lambda h, b, m: _get(m, "rss_after_first_answer_mb", "VmRSS")),
        ("peak RSS of the serving process MB", lambda h, b, m: _get(m, "rss_end_mb", "VmHWM")),
        ("Chroma server peak RSS MB", lambda h, b, m: m.get("server_rss_mb")),
        (
            "load average at start / end of measuring",
            lambda h, b, m: _pair(m, None, "load1_start", "load1_end"),
        ),
    ]
    lines = [
        "| | " + " | ".join(h for h, _, _ in cols) + " |",
        "|---" * (len(cols) + 1) + "|",
    ]
    for name, cell in rows:
        lines.append(f"| {name} | " + " | ".join(_fmt(cell(h, b, m)) for h, b, m in cols) + " |")
    if first_build:
        lines.append("")
        fb = first_build
        lines.append(
            f"1x from empty: {_fmt(fb.get('articles'))} articles, {_fmt(fb.get('chunks'))} chunks in "
            f"{_fmt(fb.get('ingest_s'))} s wall, {_fmt(fb.get('ingest_cpu_s'))} s CPU "
            f"({_fmt(fb.get('ms_per_article'))} / {_fmt(fb.get('cpu_ms_per_article'))} ms per article), "
            f"load {fb.get('load_before')} -> {fb.get('load_after')}."
        )
    lines += ["", *targets(state, label)]
    return "\n".join(lines)


def targets(state: dict[str, Any], label: str = "") -> list[str]:
    """The issue's targets, each met, missed, or not measured."""
    cols = {h: m for h, _, m in columns(state, label)}
    samples = sample_ingest(state)
    out = []
    one, four = samples.get("1x"), samples.get("4x")
    if one and four:
        ratio = four["ms_per_article"] / one["ms_per_article"]
        cpu = four["cpu_ms_per_article"] / one["cpu_ms_per_article"]
        out.append(f"- ingest per article at 4x / at 1x: {ratio:.2f} wall, {cpu:.2f} CPU (target <= 1.15)")
    big = [h for h, m in cols.items() if not h.endswith("server") and m.get("retrieval")]
    if big:
        top = big[-1]
        m = cols[top]
        p50, p95 = (
            _get(m, "retrieval", "hybrid as_of", "p50_ms"),
            _get(m, "retrieval", "hybrid as_of", "p95_ms"),
        )
        out.append(
            f"- {top} hybrid as-of p50 {_fmt(p50)} ms (target < 150), p95 {_fmt(p95)} ms (target < 300)"
        )
        out.append(f"- {top} serving RSS peak {_fmt(_get(m, 'rss_end_mb', 'VmHWM'))} MB (target < 4,096)")
        out.append(f"- {top} start to first answer {_fmt(m.get('start_to_first_answer_s'))} s (target < 20)")
        server = cols.get(f"{top} server")
        if server:
            for combo in ("hybrid as_of", "hybrid none", "dense as_of"):
                a, b = _get(m, "retrieval", combo, "p50_ms"), _get(server, "retrieval", combo, "p50_ms")
                if a and b:
                    out.append(f"- {top} server / embedded, {combo} p50: {b / a:.2f} (target <= 1.5)")
    return out


def _lat_cell(combo: str) -> Callable[[str, dict[str, Any], dict[str, Any]], Any]:
    return lambda h, b, m: _pair(m, ("retrieval", combo), "p50_ms", "p95_ms")


def _series(combo: str, key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda m: _get(m, "retrieval", combo, key)


def _disk(m: dict[str, Any]) -> Any:
    disk = m.get("disk_mb")
    return round(sum(disk.values())) if disk else None


def _per_k(m: dict[str, Any]) -> Any:
    disk = _disk(m)
    return round(1000 * disk / m["articles"]) if disk and m.get("articles") else None


def _ingest(samples: dict[str, dict[str, Any]], heading: str) -> Any:
    s = samples.get(heading)
    return f"{_fmt(s['ms_per_article'])} / {_fmt(s['cpu_ms_per_article'])}" if s else None


def _load(s: dict[str, Any] | None) -> Any:
    return f"{s['load_before']} -> {s['load_after']}" if s else None


def _pair(m: dict[str, Any], where: Any, a: str, b: str) -> Any:
    rec = m if where is None else _get(m, *((where,) if isinstance(where, str) else where))
    if not isinstance(rec, dict) or rec.get(a) is None:
        return None
    return f"{_fmt(rec.get(a))} / {_fmt(rec.get(b))}"


def _sum(*values: Any) -> Any:
    return round(sum(values), 3) if all(v is not None for v in values) else None


def _fallbacks(h: str, b: dict[str, Any], m: dict[str, Any]) -> Any:
    run = _get(m, "retrieval", "hybrid as_of+outlet")
    return f"{run.get('by_ids', 0)} / {run['fallbacks']} / {run['dense']}" if run else None


def plot(state: dict[str, Any], png: Path, label: str = "") -> None:
    """The growth curves against the archive's size in chunks (log-log, with a linear guide)."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = [(h, m) for h, _, m in columns(state, label) if not h.endswith("server") and m.get("chunks")]
    if len(cols) < 2:
        return
    x = [m["chunks"] for _, m in cols]
    fig, axes = plt.subplots(2, 3, figsize=(14, 8))
    panels: list[tuple[str, dict[str, Callable[[dict[str, Any]], Any]]]] = [
        ("retrieval p50 ms", {c: _series(c, "p50_ms") for c in COMBOS[6:]}),
        ("retrieval p95 ms", {c: _series(c, "p95_ms") for c in COMBOS[6:]}),
        (
            "dense / bm25 p50 ms, as-of",
            {
                "dense as_of": lambda m: _get(m, "retrieval", "dense as_of", "p50_ms"),
                "bm25 as_of": lambda m: _get(m, "retrieval", "bm25 as_of", "p50_ms"),
                "dense as_of+outlet": lambda m: _get(m, "retrieval", "dense as_of+outlet", "p50_ms"),
            },
        ),
        (
            "start-up s",
            {
                "start to first answer": lambda m: m.get("start_to_first_answer_s"),
                "open store + embedder": lambda m: m.get("open_s"),
                "library table": lambda m: m.get("library_s"),
            },
        ),
        ("memory MB", {"serving peak RSS": lambda m: _get(m, "rss_end_mb", "VmHWM")}),
        ("disk MB", {"Chroma + search index": _disk}),
    ]
    for ax, (title, series) in zip(axes.flat, panels, strict=True):
        for name, get in series.items():
            ys = [get(m) for _, m in cols]
            pts = [(a, b) for a, b in zip(x, ys, strict=True) if b]
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=name)
        if ax.lines:
            x0, y0 = ax.lines[0].get_xdata()[0], ax.lines[0].get_ydata()[0]
            ax.plot([x0, x[-1]], [y0, y0 * x[-1] / x0], ":", color="grey", label="linear in size")
        ax.set(xscale="log", yscale="log", title=title, xlabel="archive size (1x = 29,398 chunks)")
        ax.set_xticks(x, labels=[h for h, _ in cols])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        if ax.lines:
            ax.legend(fontsize=7)
    fig.suptitle("NewsQA cost against archive size (1x = 2,359 articles; benchmarks/scale.py)")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=90)
    print(f"curves: {png}")
