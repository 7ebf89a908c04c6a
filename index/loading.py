"""Load articles from JSONL, JSON, Markdown, plain text and HTML files or folders."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from index.dates import parse_day
from index.models import Article, stable_article_id

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = JSONL_SUFFIXES | JSON_SUFFIXES | MARKDOWN_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES

# A leading "date 2025-05-21" (as in the seed article) gives the publication date.
_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_MAX_TITLE = 120


@dataclass(frozen=True)
class LoadError:
    """A file or line that could not be loaded, and why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass
class LoadResult:
    """Articles that loaded, errors met on the way (each already skipped), and files left out on purpose."""

    articles: list[Article] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    skipped: list[LoadError] = field(default_factory=list)  # not articles (a question set), and no error

    def extend(self, other: LoadResult) -> None:
        """Add another file's result to this one."""
        self.articles.extend(other.articles)
        self.errors.extend(other.errors)
        self.skipped.extend(other.skipped)


QUESTION_SET = "a question set (records with 'question' and no 'text'), not articles"


def _is_question(record: Any) -> bool:
    return isinstance(record, dict) and "question" in record and "text" not in record


class ArticleFormatError(ValueError):
    """A record is not a usable article."""


def parse_date(value: Any) -> date | None:
    """An article's publication date from an ISO date or datetime (string or date); empty to None."""
    if value is not None and not isinstance(value, (str, date)):
        raise ArticleFormatError(f"published must be an ISO date string, got {type(value).__name__}")
    try:
        return parse_day(value)
    except ValueError:
        raise ArticleFormatError(f"published {value!r} is not an ISO date (expected YYYY-MM-DD)") from None


def article_from_record(record: Any, path: str = "") -> Article:
    """Build an Article from a JSON object with at least a non-empty 'text'."""
    if not isinstance(record, dict):
        raise ArticleFormatError(f"expected a JSON object with a 'text' field, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        keys = ", ".join(sorted(record)) or "none"
        raise ArticleFormatError(f"missing or empty 'text' field (fields present: {keys})")
    fields: dict[str, str] = {}
    for name in ("title", "url", "source", "author"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise ArticleFormatError(f"field {name!r} must be a string, got {type(value).__name__}")
        fields[name] = (value or "").strip()
    published = parse_date(record.get("published", record.get("date")))
    source = fields["source"] or _host(fields["url"])
    given_id = record.get("id")
    article_id = str(given_id) if given_id not in (None, "") else stable_article_id(fields["url"], text)
    return Article(
        id=article_id,
        text=text,
        title=fields["title"] or _title_from_text(text),
        url=fields["url"],
        source=source,
        author=fields["author"],
        published=published,
        path=path,
    )


def article_from_text(raw: str, path: str, *, markdown: bool) -> Article:
    """Plain text or Markdown: front matter or first line for the title, a leading date line."""
    meta: dict[str, Any] = {}
    body = raw.lstrip("\ufeff")
    if markdown and (m := _FRONT_MATTER.match(body)):
        meta = _parse_front_matter(m.group(1))
        body = body[m.end() :]
    if m := _DATE_LINE.match(body):
        meta.setdefault("published", m.group(1))
        body = body[m.end() :]
    body = body.strip("\n")
    title = str(meta.get("title", "")).strip()
    if not title:
        first, _, rest = body.partition("\n")
        heading = first.strip().lstrip("#").strip()
        # A short first line followed by more text is a headline; a long one is the first paragraph.
        if heading and rest.strip() and len(heading) <= _MAX_TITLE and not heading.endswith((".", ",")):
            title, body = heading, rest.strip("\n")
    record = {**meta, "text": body, "title": title}
    return article_from_record(record, path)


def article_from_html(raw: str, path: str) -> Article:
    """Main text and metadata of an HTML page, extracted with trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ArticleFormatError("no article text found in the HTML page")
    title = (getattr(doc, "title", None) or "").strip()
    # trafilatura repeats the headline as the first line of the text; keep the text as the page has it.
    try:
        published = parse_date(getattr(doc, "date", None))
    except ArticleFormatError:
        published = None
    return article_from_record(
        {
            "text": text,
            "title": title,
            "url": getattr(doc, "url", None) or "",
            "source": getattr(doc, "sitename", None) or getattr(doc, "hostname", None) or "",
            "author": getattr(doc, "author", None) or "",
            "published": published.isoformat() if published else None,
        },
        path,
    )


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under the given paths, folders walked recursively in name order; hidden entries skipped."""
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise FileNotFoundError(f"No such file or folder: {path}")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    yield child
        else:
            yield path


def load_file(path: Path, max_bytes: int | None = None) -> LoadResult:
    """Load every article in one file; bad records become errors and the rest still load.

    A file larger than max_bytes (NEWSQA_MAX_FILE_MB) is one error naming it, and is not read.
    """
    result = LoadResult()
    suffix = path.suffix.lower()
    spath = str(path)
    size = path.stat().st_size if max_bytes is not None and path.is_file() else 0
    if max_bytes is not None and size > max_bytes:
        mb = f"{size / 2**20:.3g} MB; the limit is {max_bytes / 2**20:.3g} MB (NEWSQA_MAX_FILE_MB)"
        return LoadResult(errors=[LoadError(spath, None, f"the file is {mb}: split it or raise the limit")])
    if suffix not in SUPPORTED_SUFFIXES:
        result.errors.append(
            LoadError(
                spath,
                None,
                f"unsupported file type {suffix or '(none)'!r}; expected one of "
                + ", ".join(sorted(SUPPORTED_SUFFIXES)),
            )
        )
        return result
    try:
        raw = _read_text(path)
    except (OSError, ArticleFormatError) as exc:
        result.errors.append(LoadError(spath, None, str(exc)))
        return result
    if suffix in JSONL_SUFFIXES:
        first = True
        for lineno, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if first and _is_question(record):  # an evaluation set kept beside the articles
                    return LoadResult(skipped=[LoadError(spath, None, QUESTION_SET)])
                first = False
                result.articles.append(article_from_record(record, spath))
            except json.JSONDecodeError as exc:
                result.errors.append(
                    LoadError(spath, lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
                )
            except ArticleFormatError as exc:
                result.errors.append(LoadError(spath, lineno, str(exc)))
        return result
    if suffix in JSON_SUFFIXES:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            result.errors.append(
                LoadError(spath, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
            )
            return result
        records = data if isinstance(data, list) else [data]
        if records and _is_question(records[0]):
            return LoadResult(skipped=[LoadError(spath, None, QUESTION_SET)])
        for i, record in enumerate(records):
            try:
                result.articles.append(article_from_record(record, spath))
            except ArticleFormatError as exc:
                where = f"item {i}: " if isinstance(data, list) else ""
                result.errors.append(LoadError(spath, None, where + str(exc)))
        return result
    try:
        if suffix in HTML_SUFFIXES:
            result.articles.append(article_from_html(raw, spath))
        else:
            result.articles.append(article_from_text(raw, spath, markdown=suffix in MARKDOWN_SUFFIXES))
    except ArticleFormatError as exc:
        result.errors.append(LoadError(spath, None, str(exc)))
    return result


def missing_path_error(path: str | Path) -> LoadError:
    """The failure reported for a path that does not exist (the other paths still load)."""
    return LoadError(str(path), None, "No such file or folder")


def load_paths(paths: Iterable[str | Path], max_bytes: int | None = None) -> LoadResult:
    """Load all articles under the given files and folders; a missing path is one error, the rest load."""
    total = LoadResult()
    for p in paths:
        if not Path(p).exists():
            total.errors.append(missing_path_error(p))
            continue
        for path in iter_files([p]):
            total.extend(load_file(path, max_bytes))
    return total


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ArticleFormatError("binary file (contains NUL bytes), not a text article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleFormatError(f"not UTF-8 text (undecodable byte at line {line})") from None


def _parse_front_matter(block: str) -> dict[str, Any]:
    import yaml

    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        raise ArticleFormatError(f"front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ArticleFormatError("front matter must be a mapping of key: value lines")
    # YAML turns 2024-10-12 into a date and numbers into ints; the record wants strings.
    return {str(k).lower(): (v.isoformat() if isinstance(v, date) else v) for k, v in meta.items()}


def _title_from_text(text: str) -> str:
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= _MAX_TITLE:
        return first
    cut = first[:_MAX_TITLE].rsplit(" ", 1)[0]
    return cut + "…"


def _host(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")
