"""A team of a named league answers "Which NFL team ...?" (all passages synthetic)."""

from __future__ import annotations

from qa.pipeline.checker import as_written, checkable, checker_messages
from qa.pipeline.leagues import asked_league, full_names, names_team
from qa.pipeline.reader import read
from tests.test_reader import _passage, _similarity


def test_the_league_a_question_asks_a_team_of() -> None:
    assert asked_league("Lars Penn became a part owner of which NFL team?", "team") == "NFL"
    assert asked_league("Which two baseball teams are facing off in the World Series?", "team") == "MLB"
    assert asked_league("Which WNBA team drafted Ona Reyes?", "team") == "WNBA"
    # a college game, two leagues, or no team asked for: no closed set
    assert asked_league("Which team won the College World Series?", "team") == ""
    assert asked_league("Which NBA star bought an NFL team?", "team") == ""
    assert asked_league("Which NFL stadium hosted the draft?", "stadium") == ""


def test_only_the_leagues_teams_answer_and_they_are_written_in_full() -> None:
    assert names_team("MLB", "New York Yankees and Los Angeles Dodgers")
    assert names_team("NFL", "the Lions") and full_names("NFL", "the Lions") == "Detroit Lions"
    assert names_team("NFL", "Kansas City") and full_names("NFL", "Kansas City") == "Kansas City"
    assert full_names("NBA", "Cavs") == "Cleveland Cavaliers"
    assert full_names("NBA", "Hornets") == "Charlotte Hornets"  # today's team, not New Orleans's old name
    for other in ("Birmingham City", "Texas A&M Aggies and Tennessee Volunteers", "Patriots teammates"):
        assert not names_team("NFL", other) and not names_team("MLB", other)


def test_a_soccer_club_is_no_answer_to_which_nfl_team() -> None:
    text = (
        "Lars Penn, who already owns a stake in English soccer club Birmingham City, has become a minority "
        "owner of the Las Vegas Raiders after league owners approved the deal on Tuesday."
    )
    thanks = "Penn thanked his former Patriots teammates for their support."
    question = "Quarterback Lars Penn became a part owner of which NFL team?"
    got = read(question, [_passage(text), _passage(thanks, article="b")], _similarity)
    assert got.short == "Las Vegas Raiders"
    assert all(c.text != "Birmingham City" for c in got.candidates)
    # a team is written in full, not with the asked noun a word of the sentence shares ("Patriots teammates")
    assert "New England Patriots" in [c.text for c in got.candidates]


def test_a_team_called_by_its_nickname_is_answered_in_full_and_checked_as_written() -> None:
    question = "Which NBA team recorded the best start to a season in its history?"
    passages = [
        _passage("The Cavs opened the season 15-0 with a win on Friday, the best start in team history.")
    ]
    reading = read(question, passages, _similarity)
    assert reading.short == "Cleveland Cavaliers"
    assert as_written(reading, passages) == "Cavs" and checkable(reading, passages)
    assert checker_messages(question, reading, passages)[1]["content"].endswith(
        "Does the sentence state that the answer is Cavs? Reply yes or no."
    )
