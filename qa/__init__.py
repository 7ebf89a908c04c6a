"""Ask questions of a news archive and get answers with checkable citations."""

from qa.llm.base import LLMError
from qa.models import Answer, Citation, Final, Partial, Passage, Retrieved
from qa.pipeline import NewsQA, QuestionError, ask
from qa.settings import Settings

__all__ = [
    "Answer",
    "Citation",
    "Final",
    "LLMError",
    "NewsQA",
    "Partial",
    "Passage",
    "QuestionError",
    "Retrieved",
    "Settings",
    "ask",
]
