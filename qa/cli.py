"""The `newsqa` command: ingest, follow, unfollow, refresh, ask, stats, serve, eval, llm-server."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

from index.dates import parse_day
from qa.exit_statuses import EXIT_LLM_FAILED, EXIT_USAGE, UsageError
from qa.follow_command import add_parsers as add_follow_parsers
from qa.ingest_command import add_parser as add_ingest_parser
from qa.models import Answer
from qa.settings import load_settings

UI_GROUP = "newsqa.ui"  # entry point group of the browser chat (app.py registers itself in pyproject.toml)


def _iso_date(value: str) -> date:
    try:
        day = parse_day(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if day is None:
        raise argparse.ArgumentTypeError("expected a date like 2024-10-31, got nothing")
    return day


def _print_answer(answer: Answer, as_json: bool) -> None:
    # A failed answer's message goes to stderr once (as newsqa: error:), its evidence to stdout.
    notes = [n for n in answer.notes if n != answer.failure]
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        return
    if answer.rewritten_question:
        print(f"(searched for: {answer.rewritten_question})")
    if not answer.failure:
        print(answer.text)
    if answer.short and not answer.refused:
        print(f"\nShort answer: {answer.short}")
    if answer.citations:
        print("\nClosest evidence:" if answer.refused else "\nSources:")
        for c in answer.citations:
            meta = " · ".join(
                x for x in (c.source, c.published.isoformat() if c.published else "", c.url) if x
            )
            print(f"[{c.n}] {c.title}" + (f" ({meta})" if meta else ""))
            print(f"    “{' '.join(c.quote.split())}”")
            for a in c.also_reported_by:
                when = a.published.isoformat() if a.published else "undated"
                outlet = a.source or "an unknown outlet"
                print(f"    also reported by {outlet} ({when}): {a.title} {a.url}".rstrip())
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.pipeline import NewsQA

    qa = NewsQA(load_settings(llm=args.llm))
    answer = qa.ask(args.question, top_k=args.top_k, as_of=args.as_of)
    _print_answer(answer, args.json)
    if answer.failure:
        print(f"newsqa: error: {answer.failure}", file=sys.stderr)
        return EXIT_LLM_FAILED
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from qa.pipeline import NewsQA

    qa = NewsQA(load_settings(), llm=None)
    store = qa.store
    stats = {
        "articles": store.count_articles(),
        "chunks": store.count_chunks(),
        "embedder": qa.embedder.name,
        "store": store.location,
    }
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            print(f"{key}: {value}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # The chat lives above this package (app.py) and registers itself as an entry point, so that qa never
    # imports the UI and `newsqa ask` never pays for importing Gradio.
    found = entry_points(group=UI_GROUP, name="serve")
    if not found:
        raise UsageError("the browser chat is not installed: run `pip install -e .` in the project folder")
    next(iter(found)).load()(host=args.host, port=args.port)
    return 0


def cmd_llm_server(args: argparse.Namespace) -> int:
    import time

    from qa.backends import local_server

    server = local_server(load_settings(local_port=args.port))
    print(f"Serving {server.alias} at {server.base_url} (OpenAI-compatible). Ctrl-C stops.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.eval.command import run_eval

    summary, out = run_eval(
        args.questions,
        load_settings(llm=args.llm),
        corpus=args.corpus,
        top_k=args.top_k,
        limit=args.limit,
        out=args.out,
    )
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        from qa.eval.summary import format_table

        print(format_table(summary))
        print(f"Wrote {out}/results.jsonl, summary.json and report.html")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs)."""
    p = argparse.ArgumentParser(prog="newsqa", description="Ask questions of a news archive, with citations.")
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = p.add_subparsers(dest="command", required=True)

    add_ingest_parser(sub)
    add_follow_parsers(sub)

    s = sub.add_parser("ask", help="ask a question of the indexed articles")
    s.add_argument("question")
    s.add_argument("--json", action="store_true", help="print the Answer as JSON")
    s.add_argument("--top-k", type=int, default=None, help="passages to retrieve (default NEWSQA_TOP_K)")
    s.add_argument("--as-of", type=_iso_date, default=None, help="leave out articles published after DATE")
    s.add_argument(
        "--llm", choices=["local", "openai", "extractive"], default=None, help="override NEWSQA_LLM"
    )
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("stats", help="what the index holds")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser("serve", help="start the browser chat")
    s.add_argument("--host", default=None, help="address to bind (default NEWSQA_HOST, 127.0.0.1)")
    s.add_argument("--port", type=int, default=None, help="port (default NEWSQA_PORT, 7860)")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("llm-server", help="serve the local model on 127.0.0.1 for other OpenAI clients")
    s.add_argument("--port", type=int, default=8080)
    s.set_defaults(func=cmd_llm_server)

    s = sub.add_parser("eval", help="score answers against a question set (JSONL)")
    s.add_argument("questions", type=Path)
    s.add_argument("--corpus", nargs="+", default=None, help="index this corpus into its own collection")
    s.add_argument("--llm", choices=["local", "openai", "extractive"], default=None)
    s.add_argument("--top-k", type=int, default=None)
    s.add_argument("--limit", type=int, default=None, help="only the first N questions")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.add_argument(
        "--out", type=Path, default=None, help="folder for results.jsonl, summary.json, report.html"
    )
    s.set_defaults(func=cmd_eval)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; user errors print one line and exit non-zero, never a traceback."""
    from index.embedding.base import EmbedderError
    from index.loading import ArticleFormatError
    from index.store.base import StoreError
    from qa.eval.dataset import EvalError
    from qa.llm.base import LLMError
    from qa.pipeline.questions import QuestionError
    from qa.settings import SettingsError

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    parser = build_parser()
    args = parser.parse_args(argv)
    user_errors = (
        UsageError,
        SettingsError,
        EvalError,
        QuestionError,
        LLMError,
        EmbedderError,
        StoreError,
        ArticleFormatError,
        FileNotFoundError,
    )
    try:
        return int(args.func(args))
    except user_errors as exc:
        if args.debug:
            raise
        print(f"newsqa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("newsqa: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal fault: one line, with how to see more
        if args.debug:
            raise
        print(
            f"newsqa: unexpected error ({type(exc).__name__}): {exc} (rerun with --debug for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
