"""Evaluation: question sets, running them through the pipeline, metrics, and the report."""

from qa.eval.command import run_eval
from qa.eval.dataset import EvalError, EvalQuestion, load_questions
from qa.eval.run import evaluate

__all__ = ["EvalError", "EvalQuestion", "evaluate", "load_questions", "run_eval"]
