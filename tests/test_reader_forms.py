"""Reader rules on the form an answer takes, found with a second quiz-style held-out set: the calendar date
asked for, spans of time that say no when, numbers on a scale, a people's adjective on a place, a web
page's words before a name, and quotes around a quoted word; and from a third, spans that run past their
sentence, a possessive, a number and a state's abbreviation taken for names, and links to other stories
(all passages synthetic)."""

from __future__ import annotations

from spacy.tokens import Span

from qa.pipeline.agreement import gather
from qa.pipeline.answer_types import answer_type
from qa.pipeline.answerability import MIN_SUPPORT
from qa.pipeline.candidates import Mention, extract
from qa.pipeline.evidence import Features
from qa.pipeline.headlines import links_elsewhere
from qa.pipeline.nlp import parse
from qa.pipeline.pronouns import antecedents
from qa.pipeline.reader import read
from qa.pipeline.support import terms
from tests.test_reader import _passage, _similarity

_REOPENING = (
    "Thousands gathered on Saturday for the reopening of Verrin Cathedral, five years after a fire nearly "
    "destroyed it. The fire broke out on April 15, 2019, and burned for fifteen hours."
)


def test_what_date_asks_the_calendar_date_not_a_weekday() -> None:
    question = "Verrin Cathedral reopened this weekend. On what date did the fire break out?"
    assert read(question, [_passage(_REOPENING)], _similarity).short == "April 15, 2019"
    # "when" may be answered by a weekday, which the report dates
    when = read("When did thousands gather for the reopening?", [_passage(_REOPENING)], _similarity)
    assert when.short == "Saturday" and when.support >= MIN_SUPPORT


def test_a_stretch_of_time_is_no_date() -> None:
    text = "The Verrin accord was signed months after the talks began, officials said."
    reading = read("When was the Verrin accord signed?", [_passage(text)], _similarity)
    assert "months" not in [c.text for c in reading.candidates]
    text = "The crew will stay until February, after a six-month mission that began as a week-long trip."
    until = read("Until what month will the crew stay?", [_passage(text)], _similarity)
    assert until.short == "February"
    assert not {"six-month", "week-long"} & {c.text for c in until.candidates}


def test_a_web_page_word_is_no_part_of_a_name() -> None:
    text = (
        "Latest Verrin Lions news. The Verrin Lions have played 84 games on Thanksgiving Day, more than any "
        "other team, and the Verrin Lions will host again this year."
    )
    reading = read("Which team has played the most games on Thanksgiving Day?", [_passage(text)], _similarity)
    assert reading.short == "Verrin Lions"


def test_a_quoted_word_is_answered_without_its_quotes() -> None:
    text = "Protesters held a poster of the minister with the word “traitor” written in three languages."
    reading = read("What word appeared on the protesters' poster?", [_passage(text)], _similarity)
    assert reading.short == "traitor"


def test_a_number_on_a_scale_has_no_unit() -> None:
    question = "A strong earthquake struck near Port Verrin, felling buildings. What magnitude was the quake?"
    text = "The quake struck less than 20 miles from Port Verrin. It had a magnitude of 7.3, the survey said."
    reading = read(question, [_passage(text)], _similarity)
    assert "less than 20 miles" not in [c.text for c in reading.candidates]
    assert "7.3" in reading.short


def test_a_peoples_adjective_on_a_place_names_no_group() -> None:
    text = "Rebels seized the city of Osk on Sunday, reviving the Middle Eastern country's long civil war."
    reading = read("Which rebel group seized the city of Osk?", [_passage(text)], _similarity)
    assert "Middle Eastern" not in [c.text for c in reading.candidates]


def test_a_line_above_a_blank_line_is_no_part_of_the_sentence_below() -> None:
    text = (
        "Orla Venn\n\nSpecial to the Verrin Courier\n\nWhen pianist Ann Oster finished school in Osk, the "
        "Brask Conservatory accepted her."
    )
    reading = read("Which school accepted pianist Ann Oster?", [_passage(text)], _similarity)
    assert reading.short == "Brask Conservatory" and reading.evidence is not None
    assert reading.evidence.claim.startswith("When pianist Ann Oster")


def test_a_heading_says_what_the_paragraph_below_it_is_about() -> None:
    question = "Which team has played the most Thanksgiving football games?"
    below = "\n\nThe Verrin Lions have played 84 times on the holiday."
    headed = read(question, [_passage("Thanksgiving football in Osk" + below)], _similarity)
    assert headed.short == "Verrin Lions"
    assert headed.evidence is not None and headed.evidence.claim.startswith("The Verrin Lions have played")
    # a sentence above is only context, worth half
    after = read(question, [_passage("Osk hosted Thanksgiving football." + below)], _similarity)
    assert headed.support > after.support


def test_an_ampersand_is_inside_a_name() -> None:
    text = "The program is run by the Boys & Girls Clubs of Verrin, prosecutor Ann Oster said on Monday."
    reading = read("Which organization runs the program?", [_passage(text)], _similarity)
    assert reading.short == "Boys & Girls Clubs of Verrin"
    assert "Boys" not in {c.text for c in reading.candidates}  # a name cut at its ampersand


def test_a_capitalised_run_ends_with_its_sentence() -> None:
    question = "Who coaches the Rovers?"
    doc = parse(["The Osk Rovers beat the Verrin Bucks. The Rovers are unbeaten under coach Lena Dask."])[0]
    mentions = extract(doc, answer_type(question), terms(question).stems, 0)
    assert {m.text for m in mentions if m.label == "CAPS"} >= {"Osk Rovers", "Verrin Bucks", "Lena Dask"}
    assert not [m.text for m in mentions if ". " in m.text]  # "Verrin Bucks. The Rovers" was one run


def test_a_number_joins_no_name() -> None:
    # a score line's "Verrin State 2" gathered every "two" of the passages ("the two teams") as its votes
    passages = [_passage("Verrin State 2", article="a"), _passage("The two teams", article="b")]
    scored = [
        (Mention("Verrin State 2", "ORG", 0, 0, 0, 3), Features(sentence=0.5, context=0.5)),
        (Mention("two", "CARDINAL", 1, 0, 1, 2), Features(sentence=0.5, context=0.5)),
    ]
    assert {a.key for a in gather(scored, passages, "ORG", head="team")} == {"verrin state 2", "2"}


def test_a_state_as_a_dateline_abbreviates_it_is_no_company() -> None:
    text = (
        "A noose was found hanging at a Millville, N.J., construction site where two men were working. "
        "The men were building a furnace at the Verrin Glass site."
    )
    reading = read("At which glass company's site were the men working?", [_passage(text)], _similarity)
    assert "N.J." not in [c.text for c in reading.candidates]


def test_a_pronoun_stands_for_the_name_without_its_possessive() -> None:
    doc = parse(["Agents searched the home of Mara Lee Holt's family. She was arrested on Tuesday."])[0]
    at = next(t.i for t in doc if t.text == "'s")
    doc.ents = [Span(doc, at - 3, at + 1, label="PERSON")]  # the name as the tagger took one report's
    assert list(antecedents(doc).values()) == ["Mara Lee Holt"]


def test_a_link_to_another_story_states_nothing_of_this_one() -> None:
    text = (
        "The machinists went back to work on Monday after a seven-day strike.\n\n"
        "Labor strikes:Osk Motors, striking union to continue negotiations\n\n"
        "The company that owns the brewery, Verrin Beverage Co., reached a deal with the union."
    )
    reading = read("Which company's workers ended a strike?", [_passage(text)], _similarity)
    assert "Osk Motors" not in [c.text for c in reading.candidates]
    text = (
        "The Verrin council met on Monday to discuss the budget.\n\n"
        "More:Verrin council approves ferry link to Osk\n\n"
        "The council will vote on the harbour plan next month, its chair said."
    )
    reading = read("Did the Verrin council approve the ferry link to Osk?", [_passage(text)], _similarity)
    assert reading.evidence is None or "More:" not in reading.evidence.claim  # it was quoted for "yes"
    assert links_elsewhere("More:Which hurricanes damaged Ocean City the most?")
    assert not links_elsewhere("At 10:30 a.m. police closed the bridge.")  # a time, no label


def test_a_name_the_tagger_cut_is_written_as_the_reports_write_it() -> None:
    # "the startup Argo AI" tagged "AI" (an ORG here, a place there): the answer is written "Argo AI"
    text = "Ford shut down the startup Argo AI. Argo AI had 2,000 employees."
    passages = [_passage(text, article="a"), _passage(text, article="b")]
    scored = [
        (Mention("AI", "ORG", 0, 0, 5, 6), Features(sentence=0.5, context=0.5)),
        (Mention("Argo AI", "CAPS", 0, 0, 4, 6), Features(sentence=0.5, context=0.5)),
        (Mention("Argo AI", "CAPS", 0, 1, 7, 9), Features(sentence=0.3, context=0.3)),
        (Mention("AI", "GPE", 1, 0, 5, 6), Features(sentence=0.4, context=0.4)),
        (Mention("Argo AI", "CAPS", 1, 0, 4, 6), Features(sentence=0.4, context=0.4)),
    ]
    answers = gather(scored, passages, "ORG", head="company")
    assert [a.text for a in answers] == ["Argo AI"]
    # nor is a web page's word, or a list the name ends, part of the name
    lions = [
        (Mention("Verrin Lions", "ORG", 0, 0, 1, 3), Features(sentence=0.5, context=0.5)),
        (Mention("Latest Verrin Lions", "CAPS", 0, 0, 0, 3), Features(sentence=0.5, context=0.5)),
        (Mention("Osk Owls and Verrin Lions", "CAPS", 1, 0, 0, 5), Features(sentence=0.5, context=0.5)),
        (Mention("Osk Owls and Verrin Lions", "CAPS", 1, 1, 0, 5), Features(sentence=0.5, context=0.5)),
    ]
    tagged = [
        a for a in gather(lions, passages, "ORG", head="team") if any(m.label == "ORG" for m, _ in a.mentions)
    ]
    assert [a.text for a in tagged] == ["Verrin Lions"]
    # a person is written as tagged: a capitalised run carries a title ("President Joe Biden")
    people = [
        (Mention("Joe Biden", "PERSON", 0, 0, 1, 3), Features(sentence=0.5, context=0.5)),
        (Mention("President Joe Biden", "CAPS", 0, 0, 0, 3), Features(sentence=0.5, context=0.5)),
        (Mention("President Joe Biden", "CAPS", 1, 0, 0, 3), Features(sentence=0.5, context=0.5)),
    ]
    assert [a.text for a in gather(people, passages, "PERSON")] == ["Joe Biden"]
