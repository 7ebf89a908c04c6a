"""The `newsqa` command as a user runs it: bad input gets one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import run
from tests.conftest import FIXTURES, SEEDS

pytestmark = pytest.mark.slow  # each command is a new process with the real embedder


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-home")
    result = run(home, "ingest", str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert "added 1," in result.stdout
    return home


def test_ingesting_the_seeds_folder_skips_the_question_set(tmp_path: Path) -> None:
    result = run(tmp_path, "ingest", str(SEEDS.parent))
    assert result.returncode == 0, result.stderr
    assert "added 1," in result.stdout and "failed 0" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 1 and "questions.jsonl" in skipped[0] and "a question set" in skipped[0]


def test_reingest_reports_skipped(home: Path) -> None:
    result = run(home, "ingest", str(SEEDS))
    assert result.returncode == 0
    assert "added 0, updated 0, skipped 1" in result.stdout


def test_ask_json_has_exactly_the_documented_fields(home: Path) -> None:
    result = run(home, "ask", "Where will Russia open a consulate general?", "--json", "--top-k", "3")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"question", "text", "short", "citations", "refused", "newest_source", "notes"}
    assert data["newest_source"] == max(c["published"] for c in data["citations"])
    assert data["short"] == "Kapan" and data["refused"] is False
    cit = data["citations"][0]
    assert set(cit) == {"n", "article_id", "chunk_id", "title", "source", "url", "published", "quote"}
    assert cit["published"] == "2025-05-21"


def test_ask_as_of_before_the_article_refuses(home: Path) -> None:
    result = run(
        home, "ask", "Where will Russia open a consulate general?", "--json", "--as-of", "2024-01-01"
    )
    assert json.loads(result.stdout)["refused"] is True


def test_stats_json(home: Path) -> None:
    result = run(home, "stats", "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"articles", "chunks", "embedder", "store"}
    assert data["articles"] == 1 and data["chunks"] > 1 and data["embedder"] == "all-MiniLM-L6-v2-int8"


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("ask", ""), "empty"),
        (("ask", "x" * 100_000), "100,000 characters"),
        (("ask", "q", "--top-k", "0"), "top_k"),
        (("ingest", "/no/such/path"), "No such file"),
        (("ingest", str(FIXTURES / "synthetic" / "binary.txt")), "binary"),
    ],
)
def test_bad_input_one_line_error(home: Path, args: tuple[str, ...], expected: str) -> None:
    assert expected in _one_line_error(run(home, *args))


def test_bad_setting_is_one_line(home: Path) -> None:
    line = _one_line_error(run(home, "ask", "q", NEWSQA_TOP_K="many"))
    assert "NEWSQA_TOP_K" in line


def test_malformed_lines_are_listed_and_rest_loads(tmp_path: Path) -> None:
    result = run(tmp_path, "ingest", str(FIXTURES / "synthetic" / "wire.jsonl"))
    assert result.returncode == 1
    assert "wire.jsonl:2:" in result.stderr and "wire.jsonl:3:" in result.stderr
    assert "added 2," in result.stdout
    assert "Traceback" not in result.stderr


def test_ask_lists_the_outlets_that_carried_the_same_story(tmp_path: Path) -> None:
    stories = FIXTURES / "stories" / "stories.jsonl"
    assert run(tmp_path, "ingest", str(stories)).returncode == 0
    result = run(
        tmp_path, "ask", "How much fresh water a day does the Port Calder desalination plant produce?"
    )
    assert result.returncode == 0, result.stderr
    also = [line for line in result.stdout.splitlines() if line.strip().startswith("also reported by")]
    assert len(also) == 2 and all("(2024-10-1" in line and "https://" in line for line in also)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("not-utf8", "sent bytes that are not UTF-8 text"),
        ("bad-json", "sent an event that is not JSON ('{not json'"),
        ("plain-text", "answered with text/plain, not an event stream"),
        ("unreachable", "Cannot reach the LLM at"),
    ],
)
def test_llm_faults_print_one_message_and_the_evidence_and_exit_3(
    home: Path, mode: str, expected: str
) -> None:
    from qa.llm.local import free_port
    from tests.llm_endpoint import fake_llm_endpoint

    with fake_llm_endpoint() as endpoint:
        base = f"http://127.0.0.1:{free_port()}/v1" if mode == "unreachable" else f"{endpoint}/{mode}/v1"
        result = run(
            home,
            "ask",
            "Where will Russia open a consulate general?",
            NEWSQA_LLM="openai",
            OPENAI_BASE_URL=base,
            NEWSQA_LLM_TIMEOUT="10",
        )
    assert result.returncode == 3, result.stderr
    line = _one_line_error(result)
    assert line.startswith("newsqa: error: ") and expected in line, line
    assert "unexpected error" not in line
    assert result.stdout.startswith("Closest evidence:") or "\nClosest evidence:" in result.stdout
    assert "[1] " in result.stdout and "Kapan" in result.stdout, "the retrieved evidence is printed"
    assert expected not in result.stdout, "the message is printed once"


def test_a_question_of_control_characters_is_refused(home: Path) -> None:
    line = _one_line_error(run(home, "ask", "\x01\x02\x1b"))
    assert "only control characters (U+0001, U+0002, U+001B)" in line
