"""The reader on hand-made passages (all synthetic): answer types, candidates, agreement, refusals, prose."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest

from index.models import ArticleInfo, Chunk
from qa.llm.base import LLM, NOT_STATED, Message, choice
from qa.models import Passage
from qa.normalization import normalize_answer
from qa.pipeline.answer_types import answer_type
from qa.pipeline.candidates import extract
from qa.pipeline.chooser import choose
from qa.pipeline.grounder import Grounder
from qa.pipeline.nlp import parse
from qa.pipeline.question_facts import question as question_facts
from qa.pipeline.quiz_sentences import question_sentences
from qa.pipeline.reader import read
from qa.pipeline.readings import standalone
from qa.pipeline.support import terms
from tests.fakes import FakeEmbedder, FakeLLM


def _passage(
    text: str, article: str = "a", story: str = "", rank: int = 1, source: str = "Daily (synthetic)"
) -> Passage:
    info = ArticleInfo(
        article,
        f"{article} title",
        source,
        f"https://{article}.example",
        published=date(2024, 10, 8),
        group=story or article,
    )
    return Passage(Chunk(f"{article}:0", info, text, 0, len(text)), 1.0, rank)


def _similarity(query: str, texts: Sequence[str]) -> Sequence[float]:
    vecs = FakeEmbedder().embed([query, *texts])
    return list(vecs[1:] @ vecs[0])


@pytest.mark.parametrize(
    ("question", "kind", "head"),
    [
        ("Which state banned several food dyes from school meals?", "PLACE", "state"),
        ("Which cell phone carrier had a major outage?", "ORG", "carrier"),
        # a role a company plays too is no person, unless a person is said ("billionaire investor")
        ("Which investor bought the stake?", "NP", "investor"),
        ("Which Saudi billionaire investor called bitcoin a fraud?", "PERSON", "investor"),
        ("Who was named ambassador to the United Nations?", "PERSON", ""),
        ("How many workers are on strike?", "NUMBER", "worker"),
        ("How much did the city pay for the bridge?", "MONEY", ""),
        ("What percentage of the vote did she win?", "PERCENT", ""),
        ("When will the new terminal open?", "DATE", ""),
        ("For how long will the road stay closed?", "DURATION", ""),
        ("Did the council approve the bridge?", "YESNO", ""),
        ("Why did the judge block the rule?", "PHRASE", ""),
        ("What is the primary goal of the new commission?", "PHRASE", "goal"),
        ("Which type of drink was recalled?", "PRODUCT", "drink"),
        ("Democrat A and Republican B debated this week. Where did the debate take place?", "PLACE", ""),
        # the wh-word of a relative clause asks nothing
        ("Which party were the activists who displayed the poster aligned with?", "ORG", "party"),
        ("Which company, whose chief executive resigned, cut jobs?", "ORG", "company"),
        ("Who is the minister who resigned?", "PERSON", ""),
        # ... nor one set off by commas before the question's own "which"
        ("Pianist Ann Oster, who will play in Verrin, chose which school to study music?", "ORG", "school"),
        ("According to the report, who won the race?", "PERSON", ""),
        # a hyphenated participle or an adverb before the head noun modifies it: the noun is still the head
        ("Which Russian-led bloc did Armenia freeze its participation in?", "ORG", "bloc"),
        ("Which newly elected senator spoke on Tuesday?", "PERSON", "senator"),
        (
            "Which San Francisco-based self-driving subsidiary had been building the robotaxi business?",
            "ORG",
            "subsidiary",
        ),
        # a past tense the tagger reads in a noun phrase ("cast", "beloved") is still part of it
        ("Which cast member, who played the captain, was the oldest star?", "NP", "member"),
        ("Which beloved automobile brand unveiled a rebranding?", "ORG", "brand"),
        # WordNet types a person the lexicon lacks, but not a role a company can play too
        ("Which cosmonaut commanded the mission?", "PERSON", "cosmonaut"),
        ("To which joint-venture partner is the carmaker selling its stake?", "NP", "partner"),
        # what a thing is called asks its name, as "the name of" does
        ("Congress relied on a law passed in 1926. What is that law called?", "LAW", "law"),
        ("What was the film called?", "WORK", "film"),
        # the name of a thing the lexicon does not type is a name, whose head is the thing
        ("What is the name of the team's ballpark?", "NAME", "ballpark"),
        # a title's full stop ends no sentence: the question still starts at "Where"
        ("Where was Sen. Ann Oster buried after she died in 2019?", "PLACE", ""),
        ("Which group says states may ban it now that Oster v. Verrin was overturned?", "ORG", "group"),
        # a condition set by inversion, then the question; a relative clause on a noun is no condition
        ("Should the Oster ticket win, which running mate would be deputy mayor?", "PERSON", "mate"),
        ("Had the council voted, how many members would have backed the plan?", "NUMBER", "member"),
        ("Should the city, which owns the pier, pay for repairs?", "YESNO", ""),
        # a "when" or "where" of a clause beside the asked one asks nothing
        ("What did the mayor say when the storm hit?", "PHRASE", ""),
        ("Which team won when the Gulls lost?", "ORG", "team"),
        ("When the storm hit, where was the mayor?", "PLACE", ""),
        ("When did the storm hit the city where she lives?", "DATE", ""),
        # what something cost is money; what was said about a cost is not
        ("What did a holiday dinner for ten cost in 2022?", "MONEY", ""),
        ("What did the council say about the cost of the bridge?", "PHRASE", ""),
        # how many of a compound: its last noun
        ("How many career touchdown passes did the quarterback throw?", "NUMBER", "pass"),
        ("How many Russian troops are based in Armenia?", "NUMBER", "troop"),
    ],
)
def test_answer_types(question: str, kind: str, head: str) -> None:
    asked = answer_type(question)
    assert (asked.kind, asked.head) == (kind, head)


@pytest.mark.parametrize(
    ("question", "sentences"),
    [
        ("Iowa Gov. Ann Oster praised a nurse. How many masks did the nurse sew?", 2),
        ("Visiting storm-battered St. Pete Beach, how much did the president pledge?", 1),
        ("The Melvin L. Joseph race offered a record purse. What was it?", 2),
        ("The band toured the U.S. Which city hosted its first show?", 2),
        ("", 1),
    ],
)
def test_titles_and_initials_end_no_sentence_of_a_question(question: str, sentences: int) -> None:
    parts = question_sentences(question)
    assert len(parts) == sentences and " ".join(parts) == question


def test_list_questions_are_plural() -> None:
    assert answer_type("Which two teams reached the final?").plural
    assert answer_type("Which countries signed the pact?").plural
    assert not answer_type("Which country signed the pact?").plural


def test_candidates_are_typed_and_never_what_the_question_names() -> None:
    text = "Mayor Elena Vasquez of Riverton said the Harbor Bridge would cost 42 million dollars."
    q = "How much will the Harbor Bridge in Riverton cost?"
    (doc,) = parse([text])
    mentions = extract(doc, answer_type(q), terms(q).stems, 0)
    texts = {m.text for m in mentions}
    assert "Harbor Bridge" not in texts and "Riverton" not in texts  # the question names them
    money = [m for m in mentions if m.label in ("MONEY", "RXNUM")]
    assert money and any("42 million" in m.text for m in money)


def test_the_answer_is_the_typed_span_the_sentence_ties_to_the_question() -> None:
    passages = [
        _passage(
            "The Verrin council met on Tuesday. Residents asked about parking. "
            "Mayor Ana Lopez said the new tram line will open in Kestrel Park next spring."
        )
    ]
    reading = read("Where will the new tram line open?", passages, _similarity)
    assert not reading.refused and reading.short == "Kestrel Park"
    ev = reading.evidence
    assert ev is not None and "tram line" in passages[0].chunk.text[ev.start : ev.end]


def test_a_number_question_whose_passage_has_no_number_is_refused() -> None:
    passages = [_passage("Thousands of workers at the Orvel plant walked out on Monday, the union said.")]
    assert read("How many trucks did the plant build last year?", passages, _similarity).refused


def test_an_ordinal_is_no_count() -> None:
    passages = [_passage("This year marks the 30th anniversary of the Orvel shipyard, its director said.")]
    reading = read("How many workers does the Orvel shipyard employ?", passages, _similarity)
    assert reading.refused or reading.short != "30th"


def test_agreement_across_stories_outvotes_one_report_and_copies_count_once() -> None:
    question = "Which company won the contract for the Verrin tram line?"
    one = "The Verrin tram line contract was won by Halden Rail, the council said."
    other = "Halden Rail won the contract for the Verrin tram line after a long tender."
    rival = "The Verrin tram line contract was won by Osk Transit, officials said."
    copies = [_passage(rival, f"copy{i}", story="wire", rank=i + 1) for i in range(3)]  # one wire story
    passages = [*copies, _passage(one, "x", rank=4), _passage(other, "y", rank=5)]
    reading = read(question, passages, _similarity)
    assert normalize_answer(reading.short) == "halden rail"  # two stories beat three copies of one


def test_a_qualifier_of_another_country_is_no_answer() -> None:
    passages = [_passage("Hungarian Prime Minister Viktor Orbán met the delegation in Budapest on Monday.")]
    assert read("Who is Armenia's prime minister?", passages, _similarity).refused
    assert read("Who is Hungary's prime minister?", passages, _similarity).short == "Viktor Orbán"


def test_a_party_before_a_name_is_no_other_country() -> None:
    # "Republican" (tagged NORP) was read as a people, another than the question's Oklahoma: support 0.05
    stated = (
        "In late June, Republican State Superintendent Mara Oslen ordered school districts statewide to "
        "integrate the Bible into the curriculum in grades five through 12."
    )
    question = "Which Oklahoma state schools superintendent ordered districts to teach the Bible?"
    got = read(question, [_passage(stated)], _similarity)
    assert "Mara Oslen" in got.short and not got.refused
    other = stated.replace("Republican", "Hungarian")
    assert read(question, [_passage(other)], _similarity).refused


def test_yes_no_reads_the_negation_and_a_demand_is_no_answer() -> None:
    said_no = [_passage("Armenia has not applied for European Union membership, the minister stated.")]
    assert read("Has Armenia applied for European Union membership?", said_no, _similarity).short == "no"
    demand = [_passage("Those who hung the posters must be punished in the harshest terms, the deputy said.")]
    assert read("Were those who hung the posters punished?", demand, _similarity).refused


def test_prose_names_a_pronoun_subject_and_drops_a_connective() -> None:
    (doc,) = parse(["Sergey Lavrov arrived on Monday. He confirmed that the consulate will open in Kapan."])
    assert standalone(list(doc.sents)[1]) == "Lavrov confirmed that the consulate will open in Kapan."
    (doc,) = parse(["Meanwhile, the ferry to Gull Island was suspended."])
    assert standalone(next(iter(doc.sents))) == "The ferry to Gull Island was suspended."


def test_prose_drops_a_dateline_but_keeps_hyphenated_names() -> None:
    texts = [
        "VERRIN—The district council approved the bridge repairs on Monday.",
        "PORT ALMA (Wire) — The ferry company raised its fares.",
        "US-led patrols resumed near the harbour on Monday.",
    ]
    firsts = [next(iter(doc.sents)) for doc in parse(texts)]
    assert standalone(firsts[0]) == "The district council approved the bridge repairs on Monday."
    assert standalone(firsts[1]) == "The ferry company raised its fares."
    assert standalone(firsts[2]) == "US-led patrols resumed near the harbour on Monday."


def test_the_answer_quotes_its_sentence_exactly_and_attributes_it() -> None:
    text = "Sergey Lavrov arrived on Monday. He confirmed that the consulate will open in Kapan."
    passages = [_passage(text)]
    question = "Where will the consulate open?"
    answer = Grounder(question, passages).from_reading(read(question, passages, _similarity))
    assert answer.short == "Kapan" and not answer.refused
    (citation,) = answer.citations
    assert citation.quote == "He confirmed that the consulate will open in Kapan."
    assert text[citation.start : citation.end] == citation.quote
    assert answer.text == (
        "Daily (synthetic) reported on 8 October 2024 that Lavrov confirmed that the consulate will open in "
        "Kapan [1]."
    )


class _Wayward(FakeLLM):
    """An LLM that answers whatever it likes, whatever it is asked to choose from."""

    def choose(
        self, messages: Sequence[Message], options: Sequence[str], *, max_tokens: int = 48
    ) -> str | None:
        self.calls.append(list(messages))
        return choice("Emmanuel Macron", options)


def test_a_chooser_cannot_answer_outside_the_candidates() -> None:
    passages = [
        _passage("The council said the company Halden Rail won the Verrin tram line contract."),
        _passage("Osk Transit and Halden Rail both bid for the Verrin tram line.", "b", rank=2),
    ]
    question = "Which company won the contract for the Verrin tram line?"
    reading = read(question, passages, _similarity)
    assert len(reading.candidates) >= 2 and not reading.refused
    wayward = _Wayward("Emmanuel Macron")
    chosen = choose(wayward, question, reading, passages)
    assert chosen.refused and chosen.short == ""  # an answer off the list is no answer
    system, user = wayward.calls[0]
    assert "never instructions" in system["content"] and "Candidates: " in user["content"]
    picked = choose(FakeLLM(reading.candidates[1].text), question, reading, passages)
    assert picked.short == reading.candidates[1].text and picked.evidence == reading.candidates[1].evidence
    assert choose(FakeLLM(NOT_STATED), question, reading, passages).refused


def test_choice_accepts_only_an_option() -> None:
    options = ["Halden Rail", "Osk Transit"]
    assert choice('{"answer": "Osk Transit"}', options) == "Osk Transit"
    assert choice("halden rail.", options) == "Halden Rail"
    assert choice("Halden Rail won it", options) is None
    assert choice('{"answer": "not stated"}', options) is None


class _Silent(LLM):
    name = "silent"

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        yield from ()


def test_a_chooser_without_structured_output_falls_back_to_plain_text() -> None:
    assert _Silent().choose([{"role": "user", "content": "x"}], ["A", "B"]) is None


def test_another_office_of_the_same_kind_is_no_answer() -> None:
    passages = [_passage("Verrin Foreign Minister Tomas Adler met the delegation on Monday.")]
    assert read("Who is Verrin's prime minister?", passages, _similarity).refused
    assert read("Who is Verrin's foreign minister?", passages, _similarity).short == "Tomas Adler"


def test_a_pronoun_subject_answers_who_with_the_person_it_stands_for() -> None:
    text = (
        "Councillor Mara Oslen chaired the Verrin council meeting on Monday. "
        "She announced that the Verrin bridge would reopen in May, after the repairs."
    )
    reading = read("Who announced that the bridge would reopen?", [_passage(text)], _similarity)
    assert "Mara Oslen" in reading.short and not reading.refused
    assert reading.evidence is not None and reading.evidence.claim.startswith("Oslen announced")
    no_one = "The Verrin council met on Monday. It announced that the Verrin bridge would reopen in May."
    assert read("Who announced that the bridge would reopen?", [_passage(no_one)], _similarity).short != "It"


def test_an_acronym_and_its_name_are_one_answer_and_british_spelling_matches() -> None:
    text = (
        "Ostria joined the Northern Fisheries Compact Organization in 2019, the ministry said. "
        "In March Ostria suspended its membership in the NFCO over the quota dispute."
    )
    for head in ("organization", "organisation"):
        reading = read(f"Which {head} did Ostria suspend its membership in?", [_passage(text)], _similarity)
        assert reading.short == "Northern Fisheries Compact Organization (NFCO)" and not reading.refused
    assert (
        terms("The organisation's centre recognised the colour").stems
        == terms("The organization's center recognized the color").stems
    )


def test_a_name_the_tagger_ends_inside_its_abbreviation_brackets_is_whole() -> None:
    # the small tagger's entity is "the Northern Fisheries Compact Organization (NFCO": no dangling bracket
    text = "Ostria joined the Northern Fisheries Compact Organization (NFCO) in 2019, the ministry said."
    reading = read("Which organization did Ostria join in 2019?", [_passage(text)], _similarity)
    assert reading.short == "Northern Fisheries Compact Organization (NFCO)" and not reading.refused


def test_a_name_ending_in_the_head_noun_is_one_and_its_neighbour_only_near_one() -> None:
    from qa.pipeline.evidence import mention_features
    from qa.pipeline.question_facts import question

    text = "Students hung an anti-war banner on Osk Bridge and near the Verrin Embassy."
    asked_text = "Which bridge did the students hang a banner on?"
    (doc,), (qdoc,) = parse([text]), parse([asked_text])
    q = question(asked_text, answer_type(asked_text), qdoc)
    sent = next(iter(doc.sents))
    near = {
        m.text: mention_features(m, doc, sent, q, dict.fromkeys(q.stems, 1.0)).head_near
        for m in extract(doc, q.asked, q.stems, 0)
        if m.text in ("Osk Bridge", "Verrin Embassy")
    }
    assert near == {"Osk Bridge": 1.0, "Verrin Embassy": 0.5}  # the bridge is one; the embassy beside one
    assert read(asked_text, [_passage(text)], _similarity).short == "Osk Bridge"


def test_a_nationality_answers_a_country_question_as_the_country() -> None:
    text = (
        "Ostria has relied on Russian ships since independence, the admiral said. "
        "Russia delivered two more ships to Ostria in May."
    )
    question = "Which country has Ostria relied on for ships since independence?"
    assert read(question, [_passage(text)], _similarity).short == "Russia"


def test_words_saying_when_the_question_is_asked_are_not_words_to_match() -> None:
    from qa.pipeline.question_facts import question

    text = "Which ferry company recently raised its fares this week?"
    q = question(text, answer_type(text), parse([text])[0])
    assert {"ferri", "compani", "rais", "fare"} <= q.stems
    assert not {"recent", "week"} & q.stems


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("VERRIN—The council met.", "The council met."),
        ("PORT ALMA (Wire) — The fares rose.", "The fares rose."),
        ("PORT ALMA, May 21 (Wire) - The fares rose.", "The fares rose."),
        ("PORT ALMA, Osk Province — The fares rose.", "The fares rose."),
        ("US-led patrols resumed.", "US-led patrols resumed."),
        ("Port Alma CNN —\n\nThe fares rose.", "The fares rose."),
        ("New Verrin CNN Business — The fares rose.", "The fares rose."),
        ("The BBC — its chair said — met.", "The BBC — its chair said — met."),
        ("The Verrin council — its clerk said — met.", "The Verrin council — its clerk said — met."),
    ],
)
def test_one_dateline_rule_for_answers_and_titles(text: str, stripped: str) -> None:
    from index.datelines import strip_dateline

    assert strip_dateline(text) == stripped


def test_a_passage_opening_with_he_takes_the_name_its_previous_passage_ends_on() -> None:
    from qa.pipeline.pronouns import carried_names

    info = ArticleInfo("v", "Verrin talks", "Daily (synthetic)", published=date(2024, 10, 8))
    first = "Tomas Adler met the Ostrian delegation in Verrin on Monday. Adler praised the talks."
    second = "He announced a new ferry link between Verrin and Osk, to open in May."
    chunks = [Chunk("v:0", info, first, 0, len(first)), Chunk("v:1", info, second, len(first) + 1, 200)]
    passages = [Passage(chunks[1], 1.0, 1)]

    def fetch(ids: Sequence[str]) -> list[Chunk]:
        return [c for c in chunks if c.id in ids]

    assert carried_names(passages, fetch) == {0: "Adler"}
    question = "Who announced a new ferry link between Verrin and Osk?"
    reading = read(question, passages, _similarity, fetch)
    assert reading.short == "Adler" and not reading.refused
    assert reading.evidence is not None and reading.evidence.claim.startswith("Adler announced")
    # without the previous passage nobody is named: no answer, and "He" is not the answer either
    assert (
        read(question, passages, _similarity).short in ("", "Verrin", "Osk")
        or read(question, passages, _similarity).refused
    )


def test_what_the_question_is_about_may_be_named_by_a_pronoun() -> None:
    text = (
        "Tomas Adler spoke in Verrin on Monday. "
        "He announced preparations for the next Verrin Harbour Forum, which aims to deepen trade ties."
    )
    reading = read("What event did Adler say is being prepared to deepen trade ties?", [_passage(text)])
    assert reading.short == "Verrin Harbour Forum" and not reading.refused


def test_an_abbreviation_stands_for_the_name_written_beside_it() -> None:
    text = (
        "Ostria renewed its seat in the Northern Fisheries Compact Organization (NFCO) on Monday. "
        "The NFCO sets quotas for its eleven members."
    )
    for question in ("What does the abbreviation NFCO stand for?", "What does NFCO stand for?"):
        reading = read(question, [_passage(text)], _similarity)
        assert reading.short == "Northern Fisheries Compact Organization" and not reading.refused
    assert read("What does OSK stand for?", [_passage(text)], _similarity).refused


def test_the_parse_cache_returns_every_doc_even_when_new_ones_evict_old_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import qa.pipeline.nlp as nlp

    monkeypatch.setattr(nlp, "_CACHE_DOCS", 2)
    monkeypatch.setattr(nlp, "_docs", type(nlp._docs)())
    parse(["Adler spoke.", "Oslen spoke."])
    docs = parse(["Adler spoke.", "Verrin voted.", "Osk voted."])  # the first is cached, then evicted
    assert [d.text for d in docs] == ["Adler spoke.", "Verrin voted.", "Osk voted."]


def test_what_one_person_said_is_no_answer_to_what_another_said() -> None:
    text = (
        "At a joint press conference with Prime Minister Tomas Adler in Verrin, President Mara Oslen said "
        "the ferry link to Osk would open in May."
    )
    passages = [_passage(text)]
    assert read("When did Mara Oslen say the ferry link would open?", passages, _similarity).short == "May"
    assert read("When did Tomas Adler say the ferry link would open?", passages, _similarity).refused
    spoken = "Adler spoke after the vote. He said the ferry link to Osk would open in May."
    reading = read("When did Tomas Adler say the ferry link would open?", [_passage(spoken)], _similarity)
    assert reading.short == "May" and not reading.refused  # "he" is Adler


def test_a_lone_surname_the_tagger_leaves_untagged_still_says_who_speaks() -> None:
    text = "What did Orbán say about the peace treaty?"  # the small tagger tags no PERSON here
    facts = question_facts(text, answer_type(text), parse([text])[0])
    assert facts.agent == terms("Orbán").stems


def test_a_question_asking_for_two_gets_both_each_cited_where_it_is_stated() -> None:
    passages = [
        _passage("Tomas Adler held a press conference in the city of Verrin on Monday about the ferry link."),
        _passage(
            "On Tuesday Adler held a press conference in the port city of Osk about the ferry link.", "b"
        ),
    ]
    question = "In which two cities did Adler hold press conferences about the ferry link?"
    reading = read(question, passages, _similarity)
    assert sorted(reading.short.split(" and ")) == ["Osk", "Verrin"] and not reading.refused
    answer = Grounder(question, passages).from_reading(reading)
    assert [c.n for c in answer.citations] == [1, 2] and "[1]" in answer.text and "[2]" in answer.text
    assert {c.quote for c in answer.citations} == {p.chunk.text for p in passages}
    one = read("In which city did Adler hold a press conference on Monday?", passages, _similarity)
    assert one.short == "Verrin" and not one.more


def test_irregular_past_forms_meet_their_verbs() -> None:
    assert (
        terms("Where did they hold the talks and whom did they meet?").stems
        == terms("Where they held the talks and whom they met").stems
    )
    assert terms("The Fed left rates unchanged").stems == {"fed", "left", "rate", "unchang"}
    assert terms("Voting began; they purchased it").stems == terms("Voting started; they bought it").stems


def test_the_things_counted_are_no_answer_but_a_kind_of_the_head_is() -> None:
    text = "Adler set two main conditions for the ferry deal: a new pier in Osk and a lower harbour fee."
    reading = read("What two conditions did Adler set for the ferry deal?", [_passage(text)], _similarity)
    assert "two main conditions" not in reading.short
    kind = "Adler stressed the importance of joint customs cooperation between Verrin and Osk."
    reading = read("What kind of cooperation did Adler stress?", [_passage(kind)], _similarity)
    assert "customs cooperation" in reading.short and not reading.refused


def test_a_state_or_a_continent_is_no_answer_to_which_country() -> None:
    text = "The president landed in Ostria on Monday, the first visit to Africa by a sitting president."
    assert read("Which country did the president visit on Monday?", [_passage(text)], _similarity).refused
    text = "The president landed in Angola on Monday, the first visit to Africa by a sitting president."
    reading = read("Which country did the president visit on Monday?", [_passage(text)], _similarity)
    assert reading.short == "Angola" and not reading.refused


def test_a_clause_that_is_only_a_fragment_gives_way_to_the_whole_sentence() -> None:
    text = "Verrin's harbour master said the new pier is why? Nobody in Osk could say."
    reading = read("Why is the new pier in Verrin?", [_passage(text)], _similarity)
    assert reading.short not in ("?", "") and len(reading.short.split()) > 2


def test_how_many_countries_is_a_count_not_a_country() -> None:
    text = "The ferry pact involves Verrin, Ostria and Angola, the ministers said."
    reading = read("How many countries are involved in the ferry pact?", [_passage(text)], _similarity)
    assert reading.short in ("3", "three")


def test_a_county_or_a_city_is_no_answer_to_which_state() -> None:
    text = "Early voting started in Verrin County on Monday, the first of the battleground counties to do so."
    assert read("Which state was the first to start early voting?", [_passage(text)], _similarity).refused
    text = "Early voting started in Arizona on Monday, the first of the battleground states to do so."
    reading = read("Which state was the first to start early voting?", [_passage(text)], _similarity)
    assert reading.short == "Arizona" and not reading.refused


def test_the_llm_is_not_asked_what_a_person_said_when_only_another_person_said_it(make_qa: Any) -> None:
    from index.models import Article

    text = (
        "At a joint press conference with Prime Minister Tomas Adler in Verrin, President Mara Oslen said "
        "the ferry link to Osk would open in May, after the repairs to the pier."
    )
    llm = FakeLLM("Tomas Adler said the ferry link to Osk would open in May [1].")
    qa = make_qa(llm, answers="reader")
    qa.ingest_articles([Article("f1", text, "Ferry talks (synthetic)", published=date(2024, 10, 8))])
    answer = qa.ask("What did Tomas Adler say at the joint press conference?")
    assert answer.refused and llm.calls == []
    answer = qa.ask("What did Mara Oslen say at the joint press conference?")
    assert llm.calls  # her words are in the passage: the LLM writes the answer


def test_the_states_of_another_country_are_not_held_to_the_us_list() -> None:
    text = "Voters in Thuringia elected a new state parliament on Sunday, the first eastern state to vote."
    reading = read("Which German state elected a new parliament on Sunday?", [_passage(text)], _similarity)
    assert reading.short == "Thuringia"


def test_the_date_of_another_event_in_the_sentence_is_no_answer() -> None:
    text = (
        "After the floods of March 2023 in Verrin, the council said Osk had proposed deploying a rescue "
        "team, an offer the mayor rejected in favour of a volunteer brigade."
    )
    question = "When was the volunteer brigade deployed in Verrin?"
    assert read(question, [_passage(text)], _similarity).refused
    deployed = "The volunteer brigade was deployed in Verrin in March 2023, after the floods."
    reading = read(question, [_passage(deployed)], _similarity)
    assert reading.short == "March 2023" and not reading.refused
