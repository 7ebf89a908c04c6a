"""Question sets for `newsqa eval`: one JSON object a line, checked with path:line errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from qa.pipeline.reading import question_type


class EvalError(ValueError):
    """An evaluation input that cannot be used; the message says which and why, in one line."""


class QuestionsFileError(EvalError):
    """A questions file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class EvalQuestion:
    """One question of an evaluation set."""

    id: str
    question: str
    answers: tuple[str, ...]
    answerable: bool
    evidence: tuple[str, ...] = ()
    type: str = ""
    asked_on: date | None = None
    choices: tuple[str, ...] = ()


def _str_list(record: dict[str, Any], key: str) -> tuple[str, ...]:
    """record[key] as a tuple of strings (missing or null gives ()), else ValueError."""
    value = record.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return tuple(value)


def parse_question(record: Any) -> EvalQuestion:
    """An EvalQuestion from one JSON object, or ValueError saying what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    qid = record.get("id")
    if isinstance(qid, int) and not isinstance(qid, bool):
        qid = str(qid)
    if not isinstance(qid, str) or not qid.strip():
        raise ValueError("missing or empty 'id'")
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("missing or empty 'question'")
    if "answers" not in record:
        raise ValueError("missing 'answers' (use [] for an unanswerable question)")
    answers = tuple(a for a in _str_list(record, "answers") if a.strip())
    answerable = record.get("answerable", bool(answers))
    if not isinstance(answerable, bool):
        raise ValueError("'answerable' must be true or false")
    if answerable and not answers:
        raise ValueError("an answerable question needs at least one non-empty answer")
    qtype = record.get("type")
    if qtype is not None and not isinstance(qtype, str):
        raise ValueError("'type' must be a string")
    asked_on = record.get("asked_on")
    if asked_on is not None:
        if not isinstance(asked_on, str):
            raise ValueError("'asked_on' must be a date string like 2024-10-31")
        try:
            asked_on = date.fromisoformat(asked_on.strip())
        except ValueError:
            raise ValueError(f"'asked_on' must be a date like 2024-10-31, got {asked_on!r}") from None
    return EvalQuestion(
        id=qid.strip(),
        question=question.strip(),
        answers=answers,
        answerable=answerable,
        evidence=_str_list(record, "evidence"),
        # Untyped questions (RealTime QA) are grouped by the pipeline's own guess, marked as such.
        type=qtype.strip() if qtype and qtype.strip() else f"{question_type(question)} (auto)",
        asked_on=asked_on,
        choices=_str_list(record, "choices"),
    )


def load_questions(path: str | Path) -> list[EvalQuestion]:
    """Every question of a JSONL file; QuestionsFileError at the first bad line (path:line: reason)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionsFileError(f"{path}: no such questions file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionsFileError(f"{path}: cannot read the questions file ({exc})") from None
    questions: list[EvalQuestion] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            q = parse_question(json.loads(line))
        except json.JSONDecodeError as exc:
            raise QuestionsFileError(
                f"{path}:{lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
            ) from None
        except ValueError as exc:
            raise QuestionsFileError(f"{path}:{lineno}: {exc}") from None
        if q.id in seen:
            raise QuestionsFileError(f"{path}:{lineno}: duplicate id {q.id!r} (first on line {seen[q.id]})")
        seen[q.id] = lineno
        questions.append(q)
    if not questions:
        raise QuestionsFileError(f"{path}: no questions in the file")
    return questions
