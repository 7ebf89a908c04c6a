"""Paths in a dependency parse: the distance between two words, and the clause a word hangs on."""

from __future__ import annotations

from qa.pipeline.nlp import clause_verb, parse, tree_distance


def _sentence(text: str) -> list:
    return list(next(iter(parse([text])[0].sents)))


def test_a_path_through_the_root_is_as_long_as_its_steps() -> None:
    words = _sentence("Putin said that Lavrov met Mirzoyan in Yerevan.")
    by = {t.text: t for t in words}
    root = next(t for t in words if t.dep_ == "ROOT")
    assert root.text == "said"
    # Putin -> said <- met <- in <- Yerevan: four steps, the root among them
    assert tree_distance(by["Putin"], by["Yerevan"]) == 4
    assert tree_distance(by["Yerevan"], by["Putin"]) == 4
    assert tree_distance(root, by["Putin"]) == 1
    assert tree_distance(by["Mirzoyan"], by["Yerevan"]) == 3


def test_a_word_climbs_to_its_clause_verb_and_stops_at_a_verbless_root() -> None:
    words = _sentence("Putin said that Lavrov met Mirzoyan in Yerevan.")
    assert clause_verb(next(t for t in words if t.text == "Yerevan")).text == "met"
    heading = _sentence("Borel Fire updates: Kern County evacuations")
    top = clause_verb(next(t for t in heading if t.text == "Kern"))
    assert top.head.i == top.i
