"""Ask questions of a news archive and get answers with checkable citations."""

from index.settings import Settings
from qa.answering import NewsQA, QuestionError, ask
from qa.llm import LLMError
from qa.models import Answer, Citation

__all__ = ["Answer", "Citation", "LLMError", "NewsQA", "QuestionError", "Settings", "ask"]
