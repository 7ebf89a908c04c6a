"""Agreement across reports: mentions of one answer ("Biden", "Joe Biden") gathered, and their support summed
over independent stories, so that what several outlets state counts for more; copies of one story count once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.models import Passage
from qa.normalization import normalize_answer
from qa.pipeline.answer_heads import TYPE_LABELS
from qa.pipeline.candidates import Mention
from qa.pipeline.evidence import Features, W

STORIES_COUNTED = 5  # the best-supported stories that vote for an answer
# Types whose answers are things named by a common noun ("which drink": "lemonade"): the candidate must be
# like the head noun, as the embedder sees it.
_LIKE_HEAD = ("NP", "NAME", "PRODUCT", "EVENT", "WORK", "LAW")

_NAMES = frozenset("PERSON ORG PLACE NORP LANGUAGE EVENT WORK".split())

Similarity = Callable[[str, Sequence[str]], Sequence[float]]


@dataclass
class Answer:
    """One answer the passages give, with every mention of it."""

    key: str  # the normalised answer
    text: str  # its surface form
    mentions: list[tuple[Mention, Features]]
    vote: float = 0.0  # the best mention's score of each story, summed over the best stories
    best: tuple[Mention, Features] | None = None
    stories: int = 0


def _same_answer_key(keys: Sequence[str]) -> dict[str, str]:
    """Each key to the key it joins: a short name joins a longer one it ends ("biden" -> "joe biden")."""
    reps: list[str] = []
    rep_of: dict[str, str] = {}
    for key in sorted(keys, key=lambda k: -len(k.split())):
        words = key.split()
        target = next(
            (
                r
                for r in reps
                if len(r.split()) > len(words)
                and r.split()[-len(words) :] == words
                and len(r) - len(key) <= 25
            ),
            None,
        )
        if target is None:
            reps.append(key)
        rep_of[key] = rep_of.get(target, target) if target else key
    return rep_of


def gather(
    scored: Sequence[tuple[Mention, Features]], passages: Sequence[Passage], kind: str, plural: bool = False
) -> list[Answer]:
    """The answers the mentions give, each with its type fit, vote and surface form."""
    by_key: dict[str, list[tuple[Mention, Features]]] = defaultdict(list)
    for m, f in scored:
        if key := normalize_answer(m.text):
            by_key[key].append((m, f))
    rep_of = _same_answer_key(list(by_key))
    groups: dict[str, list[tuple[Mention, Features]]] = defaultdict(list)
    for key, items in by_key.items():
        groups[rep_of[key]].extend(items)
    answers = []
    labels = TYPE_LABELS.get(kind, {})
    for key, items in groups.items():
        counts: dict[str, int] = defaultdict(int)
        for m, _ in items:
            counts[m.label] += 1
        top = max(counts.values())
        forms: dict[str, float] = defaultdict(float)
        for m, _ in items:
            forms[m.text] += 1 + 0.01 * len(m.text)  # the most frequent form; ties go to the longer
        text = max(forms, key=lambda t: forms[t])
        if kind == "PERSON":  # people by their fullest name
            names = [m.text for m, _ in items if m.label == "PERSON" and len(m.text.split()) <= 4]
            text = max(names, key=len) if names else text
        # The tagger is noisy: a label seen in a minority of the mentions counts three quarters; and a name is
        # written with a capital ("pro-European" is no person, whatever the tagger says).
        fit = max(labels.get(label, 0.0) * (0.75 + 0.25 * n / top) for label, n in counts.items())
        if kind in _NAMES and not (text[:1].isupper() or text[:1].isdigit()):
            fit *= 0.3
        for _, f in items:
            f.type_fit = fit
        # A list question wants the whole list ("Baku and Yerevan"), not its first item.
        boost = W["list"] if plural and any(m.is_list for m, _ in items) else 1.0
        best = max(items, key=lambda mf: mf[1].score())
        per_story: dict[str, float] = {}
        for m, f in items:
            story = passages[m.passage].chunk.article.story
            per_story[story] = max(per_story.get(story, 0.0), boost * f.score())
        vote = sum(sorted(per_story.values(), reverse=True)[:STORIES_COUNTED])
        answers.append(Answer(key, text, items, vote, best, len(per_story)))
    return answers


def like_head(
    answers: list[Answer], kind: str, head: str, similarity: Similarity | None, top: int = 40
) -> None:
    """For things named by a common noun, scale each answer's vote by how like the head noun it is."""
    if not (similarity and head and kind in _LIKE_HEAD and answers):
        return
    ranked = sorted(answers, key=lambda a: -a.vote)
    sims = list(similarity(head, [a.text for a in ranked[:top]])) + [0.0] * max(0, len(ranked) - top)
    for a, sim in zip(ranked, sims, strict=True):
        a.vote *= 0.6 + 0.8 * float(sim)
