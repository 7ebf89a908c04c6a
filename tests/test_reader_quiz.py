"""Reader rules found with quiz-style questions of a held-out set: lead-ins, reporters, stranded "as", yes/no
contradictions (all passages synthetic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.pipeline.actors import office_words
from qa.pipeline.answer_heads import HEAD_TYPE
from qa.pipeline.answer_types import answer_type
from qa.pipeline.answerability import MIN_SUPPORT
from qa.pipeline.conjunctions import both_parts
from qa.pipeline.gazetteer import answer_filter, member
from qa.pipeline.nlp import parse
from qa.pipeline.question_facts import Question, question
from qa.pipeline.quiz_sentences import lead_in
from qa.pipeline.reader import read
from qa.pipeline.support import terms
from tests.conftest import MakeQA
from tests.test_reader import _passage, _similarity

_REPORTED = (
    "In response to criticism, Foreign Minister Mara Oslen said Tarvania and the Verrin Pact had proposed "
    "deploying an observation mission, an offer she claimed was rejected by the Ostrian government in favour "
    "of a European Union observer mission."
)


def test_the_one_who_reports_a_deed_is_not_who_did_it() -> None:
    # Oslen only tells of the offer and its rejection: she neither rejected it nor heads a mission
    passages = [_passage(_REPORTED)]
    heads = read("Who heads the European Union observer mission in Ostria?", passages, _similarity)
    assert heads.short != "Mara Oslen" and heads.support < MIN_SUPPORT
    # the "by" of the passive did it, an institution named by a common noun and its nationality
    assert read("Who rejected the observation mission offer?", passages, _similarity).short == (
        "Ostrian government"
    )


def test_an_organisation_that_did_not_do_the_asked_thing_is_no_answer_to_who() -> None:
    text = (
        "Oslen said Tarvania and the Verrin Security Treaty Organization had proposed deploying an "
        "observation mission, an offer she claimed was rejected by the Ostrian government in favor of a "
        "European Union observer mission."
    )
    reading = read("Who heads the European Union observer mission in Ostria?", [_passage(text)], _similarity)
    organisation = [c for c in reading.candidates if c.text == "Verrin Security Treaty Organization"]
    assert organisation and organisation[0].support == 0.0  # no person: it proposed, it heads nothing


def test_the_reporter_answers_who_said_it() -> None:
    text = "Foreign Minister Mara Oslen confirmed that the consulate in Verrin would open in June."
    assert read("Who confirmed that the consulate would open?", [_passage(text)], _similarity).short == (
        "Mara Oslen"
    )


def test_who_said_it_is_answered_by_the_one_who_said_it() -> None:
    # "say" is a stop word, which no stem of the question holds: the speaker was taken for a mere reporter
    text = (
        "Orla Venn, deputy chair of the harbour board, met Mayor Arne Tollis on Monday. Venn said the Verrin "
        "harbour must reopen within days."
    )
    reading = read("Who said the Verrin harbour must reopen within days?", [_passage(text)], _similarity)
    assert reading.short == "Orla Venn" and reading.support >= MIN_SUPPORT
    # a lead-in's "said" asks no one's words: who rejected it is not who told of it
    lead_in = (
        "Oslen said on Tuesday that the offer had been rejected. Who rejected the observation mission offer?"
    )
    assert read(lead_in, [_passage(_REPORTED)], _similarity).short == "Ostrian government"


def test_who_holds_an_office_is_answered_by_the_holder_reported_speaking() -> None:
    # "Who is ...?" asks who holds the office, not who did what the lead-in tells: the holder may be
    # introduced saying something (the passage is synthetic, as the name is)
    text = (
        '"We are in discussion with about 10 cities actively now," USOC chief executive Scott Blackwell said '
        "in an interview after speaking to the Associated Press Sports Editors (APSE)."
    )
    question = (
        "The U.S. Olympic Committee says it is talking with about 10 cities about a bid for the 2036 Summer "
        "Games. Who is the USOC's chief executive?"
    )
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == "Scott Blackwell" and reading.support >= 0.1  # 0.013 with the speaker cue


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Were the activists aligned with a pro-Western party?", "no"),
        # each of the question's values counts, not only the last of one prefix
        ("Were the activists aligned with a pro-Western and a pro-Tarvan party?", "no"),
        ("Were the activists aligned with a pro-Tarvan party?", "yes"),
        ("Is the party the activists were aligned with described in the article as pro-Western?", "no"),
        ("Was the Verrin Declaration signed in 2021?", "no"),
        ("Was the Verrin Declaration signed in 2022?", "yes"),
    ],
)
def test_a_yes_no_question_is_answered_no_when_the_sentence_gives_another_value(
    question: str, answer: str
) -> None:
    text = (
        "On the day of the visit, activists aligned with the pro-Tarvan Unity party displayed a poster. "
        "The Verrin Declaration was signed in 2022 by both governments."
    )
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == answer
    assert reading.support >= 0.28  # stated, not refused


def test_what_something_was_taken_as_is_the_object_of_that_as() -> None:
    text = (
        "The Verrin Declaration, in which both sides agreed on the old border, effectively recognised the "
        "valley as part of Tarvania. Oslen presented the corridor plan as a strategic vision to transform "
        "the region into a trade hub."
    )
    passages = [_passage(text)]
    reading = read("What did the Verrin Declaration recognise the valley as?", passages, _similarity)
    assert reading.short == "part of Tarvania"
    assert reading.support >= 0.45  # a noun phrase well stated
    assert read("What did Oslen present the corridor plan as?", passages, _similarity).short == (
        "a strategic vision"
    )


def test_a_noun_of_what_is_answered_by_its_whole_of_phrase() -> None:
    # the small parser hangs "economic exchange and reconciliation" on "corridor", not on "connectivity"
    text = (
        "Oslen presented the plan as a way to turn the region into a corridor of connectivity, economic "
        "exchange and reconciliation."
    )
    reading = read("Oslen said the plan would turn the region into a corridor of what?", [_passage(text)])
    assert reading.short == "connectivity, economic exchange and reconciliation"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Under the proposed age limit, will children with their parents' consent be exempt?", "YESNO"),
        ("According to Oslen, did Tarvania respond?", "YESNO"),
        ("In which city, did the talks take place?", "PLACE"),
        ("Besides Tarvania, which country attended?", "PLACE"),
        ("Which toymaker apologized for the error?", "ORG"),
        ("What bonus is each player on the winning side set to take home?", "MONEY"),
    ],
)
def test_question_kinds_of_quizzes(question: str, kind: str) -> None:
    assert answer_type(question).kind == kind


def test_the_united_states_is_no_state_and_no_company() -> None:
    assert member("state", "Maryland") and member("state", "France")  # a US state, or a sovereign one
    assert not member("state", "U.S.") and not member("state", "the United States")
    company = answer_filter("ORG", "company", (), "Which company ended a strike?")
    town = answer_filter("PLACE", "town", (), "Which small town calls itself the pumpkin capital?")
    assert not company("U.S.") and not town("U.S.") and not town("Illinois") and town("Morton")
    city = answer_filter("PLACE", "city", (), "A tsunami warning was issued for which major city?")
    assert not city("West Coast") and not city("Orange County") and city("Green Bay") and city("Sun Valley")
    assert HEAD_TYPE["filmmaker"] == "PERSON"


def test_a_lead_in_tells_the_story_and_the_last_sentence_what_is_asked() -> None:
    question = (
        "Hurricane Milton came ashore this week, tearing apart a stadium roof. "
        "Near which barrier island did it make landfall?"
    )
    lead = lead_in(question)
    assert terms("ashore roof").stems <= lead
    assert not terms("Milton island landfall").stems & lead  # names, and what the last sentence asks
    assert lead_in("Mexico inaugurated its first woman president this week. Who is she?") == frozenset()
    assert lead_in("Near which barrier island did Hurricane Milton make landfall?") == frozenset()


def test_a_clause_answer_is_no_word_the_questions_last_word_qualifies() -> None:
    # the clause after the question's last word was "team", of "transition team"
    stated = (
        "On Thursday, Mara Oslen withdrew her nomination, saying it had become a distraction for the "
        "president's transition team."
    )
    question = "What did Mara Oslen do on Thursday, saying it had become a distraction for the transition?"
    got = read(question, [_passage(stated)], _similarity)
    assert got.short != "team" and "withdrew her nomination" in got.short


def test_a_both_in_the_lead_in_joins_no_two_questions() -> None:
    lead = "The pitcher won both the top rookie and the top pitcher honors in 1981. Who died this week at 63?"
    assert both_parts(lead) is None
    assert both_parts("Which city both hosted the talks and will host the next session?") is not None


def test_a_year_in_a_question_keeps_a_later_report_of_it(make_qa: MakeQA, tmp_path: Path) -> None:
    # "launched Fernandomania in 1981" names the year of an event a 2024 report tells of
    articles = [
        {
            "id": "dated",
            "title": "Pitcher dies at 63 (synthetic)",
            "url": "https://dated.example",
            "source": "Daily (synthetic)",
            "published": "2024-10-23",
            "text": "Tomas Verrano, who launched Verranomania with the Rivets in 1981, died Tuesday at 63.",
        },
        {
            "id": "undated",
            "title": "Baseball legends (synthetic)",
            "url": "https://undated.example",
            "source": "Weekly (synthetic)",
            "text": "Baseball has many legends of the left arm, and the Rivets have had several of them.",
        },
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in articles), encoding="utf-8")
    qa = make_qa(store="chroma")
    qa.ingest([path], progress=False)
    answer = qa.ask("Who launched Verranomania with the Rivets in 1981?", as_of="2024-10-25")
    assert "Searched articles published 1981-01-01 to 2024-10-25 (from “in 1981”)." in answer.notes
    assert answer.short == "Tomas Verrano"


def test_a_lead_in_may_gather_its_story_from_the_sentences_beside_the_answer() -> None:
    question = (
        "Some 45,000 dockworkers at ports from Maine to Texas have walked off the job in a fight over pay "
        "and automation, the first such walkout in nearly half a century. Which union is on strike?"
    )
    story = (
        "About 45,000 dockworkers walked off the job at ports from Maine to Texas on Tuesday in a fight over "
        "pay and automation."
    )
    told = "The Verrin Longshore Union is on strike for the first time since 1977."
    other = "Port officials said cargo was piling up."
    # the same three sentences: the story told right after the answer's sentence counts for it, not two away
    beside = read(question, [_passage(f"{other} {told} {story}")], _similarity)
    apart = read(question, [_passage(f"{told} {other} {story}")], _similarity)
    assert beside.short == apart.short == "Verrin Longshore Union"
    assert beside.support > apart.support


def test_the_tense_is_the_asked_sentences_not_the_lead_ins() -> None:
    # "will ... next month" in the lead-in made the question ask of the future, and a sentence that says
    # "last" then seemed to tell of another time
    question = (
        "Ann Oster will step down as council leader next month. "
        "Which group hosted the private forum where she spoke on Wednesday?"
    )
    text = (
        "Ann Oster will step down as council leader next month. The Verrin Chamber of Commerce hosted the "
        "private forum where she spoke on Wednesday, its last forum of the year."
    )
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == "Verrin Chamber of Commerce" and reading.support >= MIN_SUPPORT


def _facts(text: str) -> Question:
    return question(text, answer_type(text), parse([text])[0])


def test_who_acts_is_the_asked_sentences_subject_not_the_lead_ins() -> None:
    # the lead-in's "President Tomas Adler" made every sentence where he does not act a cue of another actor
    lead = "President Tomas Adler toured the Verrin plant of Oskco Inc. on Thursday. "
    assert _facts(lead + "How much is Oskco investing in the plant?").agent == frozenset()
    said = "Ann Oster spoke in Verrin on Tuesday. What did she say about the ferry link?"
    assert _facts(said).agent == terms("Ann Oster").stems  # "she" stands for the lead-in's actor
    asked = "Ann Oster lost the council primary on Tuesday. Who defeated her?"
    assert _facts(asked).agent == frozenset()  # the asked one acts
    sentenced = "Ann Oster pleaded guilty in federal court on Monday. When is she scheduled to be sentenced?"
    assert _facts(sentenced).agent == frozenset()  # acted on, not acting
    text = "Ann Oster, who pleaded guilty in federal court, is scheduled to be sentenced on Feb. 12."
    reading = read(sentenced, [_passage(text)], _similarity)
    assert reading.short == "February 12" and reading.support >= MIN_SUPPORT
    text = "Mara Oslen defeated Ann Oster in the council primary on Tuesday, taking 60 percent of the vote."
    reading = read(asked, [_passage(text)], _similarity)
    assert reading.short == "Mara Oslen" and reading.support >= MIN_SUPPORT


def test_what_a_question_is_about_is_the_asked_sentences_subject_not_the_lead_ins() -> None:
    # the lead-in's "President Osk Dal" had to be named beside the answer, which cut its support to a third
    lead = "President Osk Dal nominated Lena Marr, then ambassador to Ostria, as ambassador to Verrin. "
    asked = lead + "Which Kelland town is Marr a native of?"
    assert _facts(asked).subject.head == frozenset()  # the wh-phrase is its subject: no topic to demand
    assert terms("Dal").stems <= _facts(lead + "Where was he born?").subject.head  # "he": the lead-in's
    text = "Marr, a Kelland native from Kelby, is the wife of coal magnate Joe Marr."
    reading = read(asked, [_passage(text)], _similarity)
    assert reading.short == "Kelby"
    assert reading.support > 2 * read(lead + "Where was Dal born?", [_passage(text)], _similarity).support


def _office_words(text: str) -> frozenset[str]:
    return office_words(_facts(text).elsewhere, text, parse([text])[0])


def test_an_office_the_question_gives_a_named_person_names_no_one_else() -> None:
    asked = (
        "The council will name Mara Oslen, the ambassador to Verrin, as ambassador to Osk. "
        "Which former spokeswoman withdrew from consideration for the post last week?"
    )
    words = _office_words(asked)
    assert words and not terms("ambassador").stems & words  # Oslen's office, not a name for the answer
    described = "Which Democrat became the first openly gay Texan elected to the House?"  # the answer's words
    assert not terms("first gay Texan").stems & _office_words(described)
    assert terms("leader").stems <= _office_words("Which lawmaker met the Kremlin leader on Tuesday?")
