"""Loading articles from every supported format; bad files and lines are reported, the rest loads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from index.loading import load_file, load_paths
from index.models import stable_article_id
from tests.conftest import FIXTURES, SEED_FILE, SEEDS

SYN = FIXTURES / "synthetic"


def test_jsonl_reports_bad_lines_with_numbers_and_loads_the_rest() -> None:
    result = load_file(SYN / "wire.jsonl")
    assert [a.id for a in result.articles] == ["syn-bridge-1", "syn-library-1"]
    assert [(e.line, e.path) for e in result.errors] == [
        (2, str(SYN / "wire.jsonl")),
        (3, str(SYN / "wire.jsonl")),
    ]
    assert "text" in result.errors[0].reason
    assert "invalid JSON" in result.errors[1].reason
    bridge = result.articles[0]
    assert bridge.published == date(2024, 10, 8)
    assert bridge.source == "Riverton Daily (synthetic)"
    assert result.articles[1].published == date(2024, 10, 15)  # a datetime is cut to its date


def test_markdown_front_matter_gives_metadata() -> None:
    (article,) = load_file(SYN / "festival.md").articles
    assert article.title == "Lakeside festival draws record crowd"
    assert article.published == date(2024, 9, 2)
    assert article.url == "https://lakeside-herald.example/festival"
    assert article.text.startswith("The Lakeside summer festival")


def test_text_with_date_line_and_headline() -> None:
    (article,) = load_file(SYN / "ferry.txt").articles
    assert article.published == date(2024, 11, 20)
    assert article.title == "Ferry service to Gull Island suspended"
    assert article.text.startswith("The ferry to Gull Island")


def test_seed_article_loads_with_its_date_and_text_as_is() -> None:
    (article,) = load_file(SEED_FILE).articles
    raw = SEED_FILE.read_text(encoding="utf-8")
    assert article.published == date(2025, 5, 21)
    assert article.text.startswith("YEREVAN—Armenian Foreign Minister")
    assert article.text in raw  # only the date prefix was taken off
    assert article.title and len(article.title) <= 121


def test_html_main_text_is_extracted_without_boilerplate() -> None:
    (article,) = load_file(SYN / "museum.html").articles
    assert "eighteen-month renovation" in article.text
    assert "Home | Local" not in article.text and "Copyright" not in article.text
    assert article.title == "Museum reopens after renovation"
    assert article.published == date(2024, 10, 30)
    assert article.url == "https://valley-times.example/museum"


def test_json_list_reports_bad_item() -> None:
    result = load_file(SYN / "list.json")
    assert len(result.articles) == 1
    assert len(result.errors) == 1 and "item 1" in result.errors[0].reason


def test_binary_file_is_an_error_not_a_crash() -> None:
    result = load_file(SYN / "binary.txt")
    assert not result.articles
    assert "binary" in result.errors[0].reason


def test_folder_loads_recursively_and_collects_errors() -> None:
    result = load_paths([SYN])
    titles = {a.title for a in result.articles}
    assert {"Lakeside festival draws record crowd", "Museum reopens after renovation"} <= titles
    assert len(result.articles) == 6
    assert len(result.errors) == 4  # two bad JSONL lines, one bad JSON item, one binary file


def test_a_missing_path_is_a_failure_and_the_rest_still_loads(tmp_path: Path) -> None:
    result = load_paths([tmp_path / "nope", SEEDS, tmp_path / "gone" / "x.jsonl"])
    assert len(result.articles) == 1, "the seed article beside the missing paths is loaded"
    assert [(e.path, e.reason) for e in result.errors] == [
        (str(tmp_path / "nope"), "No such file or folder"),
        (str(tmp_path / "gone" / "x.jsonl"), "No such file or folder"),
    ]


def test_a_file_over_the_size_limit_is_a_failure_naming_it(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text('{"text": "' + "word " * 60_000 + '"}\n', encoding="utf-8")  # 0.29 MB
    small = tmp_path / "small.md"
    small.write_text("A short synthetic note about the harbour crane.\n", encoding="utf-8")
    result = load_paths([tmp_path], max_bytes=100_000)
    assert [a.text for a in result.articles] == ["A short synthetic note about the harbour crane."]
    [err] = result.errors
    assert err.path == str(big)
    assert err.reason == (
        "the file is 0.286 MB; the limit is 0.0954 MB (NEWSQA_MAX_FILE_MB): split it or raise the limit"
    )
    assert len(load_paths([big]).articles) == 1, "no limit unless one is given"


def test_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    result = load_file(tmp_path / "a.pdf")
    assert "unsupported file type" in result.errors[0].reason


def test_bad_date_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text('{"text": "Some text here.", "published": "last tuesday"}\n', encoding="utf-8")
    result = load_file(f)
    assert result.errors[0].line == 1 and "ISO date" in result.errors[0].reason


def test_ids_are_stable_and_content_based_without_url(tmp_path: Path) -> None:
    assert stable_article_id("https://x.example/a", "t1") == stable_article_id("https://x.example/a", "t2")
    assert stable_article_id("", "same  text") == stable_article_id("", "same text")
    assert stable_article_id("", "a") != stable_article_id("", "b")
    first = load_file(SYN / "ferry.txt").articles[0]
    again = load_file(SYN / "ferry.txt").articles[0]
    assert first.id == again.id and first.content_hash == again.content_hash


def test_a_question_set_beside_the_articles_is_skipped_not_failed(tmp_path: Path) -> None:
    loaded = load_paths([SEEDS.parent])  # seeds/ holds the articles and seeds/questions.jsonl
    assert len(loaded.articles) == 1 and loaded.errors == []
    assert [(Path(s.path).name, s.reason) for s in loaded.skipped] == [
        ("questions.jsonl", "a question set (records with 'question' and no 'text'), not articles")
    ]
    as_json = tmp_path / "questions.json"
    as_json.write_text('[{"id": "q1", "question": "Who?", "answers": []}]', encoding="utf-8")
    assert load_file(as_json).skipped and not load_file(as_json).errors
