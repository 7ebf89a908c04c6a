"""The answering pipeline: question -> retrieval -> reading or generation -> verification -> cited Answer."""

from qa.pipeline.newsqa import NewsQA, ask
from qa.pipeline.questions import QuestionError

__all__ = ["NewsQA", "QuestionError", "ask"]
