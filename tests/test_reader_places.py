"""The reader's rules for places, demands and prepositions, on hand-made passages (all synthetic)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from index.models import ArticleInfo, Chunk
from qa.models import Passage
from qa.pipeline.answer_types import answer_type
from qa.pipeline.candidates import extract
from qa.pipeline.gazetteer import country_of_people
from qa.pipeline.nlp import parse
from qa.pipeline.reader import read
from qa.pipeline.short_answers import function_words
from qa.pipeline.support import terms
from tests.test_reader import _passage, _similarity


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Angolan", "Angola"),
        ("Moldovan", "Moldova"),
        ("Haitian", "Haiti"),
        ("Canadian", "Canada"),
        ("Chinese", "China"),
        ("Israeli", "Israel"),
        ("Nigerian", "Nigeria"),  # not Niger's
        ("Mexican", "Mexico"),
        ("Ukrainians", "Ukraine"),
        ("North Korean", "North Korea"),
        ("French", "France"),
        ("American", ""),  # in nearly every US report: never read as a country
        ("Angola", ""),  # a country is no people
        ("harbour", ""),
    ],
)
def test_a_people_names_its_country(word: str, country: str) -> None:
    assert country_of_people(word) == country


def test_a_nationality_answers_which_country_when_the_passages_never_name_the_country() -> None:
    text = "The president arrived in the Angolan port city of Lobito on Wednesday, his first visit to Africa."
    reading = read("Which country did the president visit this week?", [_passage(text)], _similarity)
    assert reading.short == "Angola" and not reading.refused


def test_a_nationality_is_its_own_country_not_a_compound_that_holds_it() -> None:
    # "Armenian" was once read as "Armenia-Georgia", which no country list holds, and the answer was lost
    text = (
        "Armenian Foreign Minister Lena Varga and her Georgian counterpart met in Tbilisi, reaffirming "
        "Armenia-Georgia strategic relations."
    )
    reading = read("Lena Varga is the foreign minister of which country?", [_passage(text)], _similarity)
    assert reading.short == "Armenia" and not reading.refused


def test_which_country_s_office_holder_is_the_country_that_qualifies_that_office() -> None:
    text = (
        "During a joint press conference with Hungarian Prime Minister Peter Szabo in Budapest, Azerbaijani "
        "President Ilham Karimov addressed the peace talks."
    )
    # a second report of the Hungarian once outvoted the country the question asks after
    other = _passage("Hungarian Prime Minister Peter Szabo spoke in Budapest on Monday.", article="b")
    question = "Which country's president held a joint press conference with Peter Szabo in Budapest?"
    reading = read(question, [_passage(text), other], _similarity)
    assert reading.short == "Azerbaijan" and not reading.refused


def test_a_place_that_says_where_a_person_is_from_is_not_where_an_event_was() -> None:
    question = "Senator Ilse Brandt and Governor Pavel Orr debated. Where did the debate take place?"
    text = (
        "Senator Ilse Brandt of Ostria and Governor Pavel Orr of Verrin met for the debate on Tuesday night. "
        "Brandt and Orr faced off in Port Alma for their only debate."
    )
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == "Port Alma"


def test_a_governor_acting_for_a_state_names_the_state() -> None:
    text = "Arizona Gov. Pavel Orr declared a state of emergency on Monday after the floods in the valley."
    question = "Which state declared a state of emergency after the floods?"
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == "Arizona" and not reading.refused


def test_a_date_is_never_part_of_a_place_name() -> None:
    question = "Where did the ministers of Verrin and Ostria meet?"
    text = "The ministers of Verrin and Ostria met in Port Alma Tuesday for the ferry talks."
    asked = answer_type(question)
    mentions = extract(parse([text])[0], asked, terms(question).stems, 0)
    places = {m.text for m in mentions if m.label in ("CAPS", "LOCPREP")}
    assert "Port Alma" in places and not any("Tuesday" in p for p in places)


def test_the_asked_verb_under_a_modal_states_no_one_did_it() -> None:
    question = "Who punished those who damaged the pier?"
    demand = "“Those who damaged the pier must be punished harshly,” Tomas Adler told reporters."
    assert read(question, [_passage(demand)], _similarity).refused
    done = "Tomas Adler punished those who damaged the pier, the council said on Monday."
    reading = read(question, [_passage(done)], _similarity)
    assert reading.short == "Tomas Adler" and not reading.refused


@pytest.mark.parametrize(
    ("text", "noun", "function"),
    [
        ("In response to criticism, Verrin sent observers.", "response", True),
        ("On behalf of the council, Adler spoke.", "behalf", True),
        ("The response of the council was swift.", "response", False),
    ],
)
def test_the_noun_of_a_complex_preposition_is_no_answer(text: str, noun: str, function: bool) -> None:
    doc = parse([text])[0]
    token = next(t for t in doc if t.lower_ == noun)
    assert function_words(doc[token.i : token.i + 1], token.text) is function


@pytest.mark.parametrize(
    ("claim", "written"),
    [
        (
            "Turning to the ferry, Adler said it would sail.",
            "As reported on 8 October 2024, turning to the ferry",
        ),
        ("Officials said the pier was closed.", "As reported on 8 October 2024, officials said"),
        ("Adler said the pier was closed.", "As reported on 8 October 2024, Adler said"),
        ("NFCO said the pier was closed.", "As reported on 8 October 2024, NFCO said"),
    ],
)
def test_the_date_before_a_sentence_keeps_names_and_lowers_the_rest(claim: str, written: str) -> None:
    from qa.models import Citation
    from qa.pipeline.citations import attributed

    citation = Citation(1, ArticleInfo("a", "A title (synthetic)", published=date(2024, 10, 8)), "a:0", claim)
    assert attributed(claim, citation).startswith(written)


def test_a_clause_answer_needs_more_support_than_a_typed_one() -> None:
    from qa.pipeline.answerability import MIN_SUPPORT, MIN_SUPPORT_CLAUSE, MIN_SUPPORT_NOUN, threshold

    assert threshold("clause") == MIN_SUPPORT_CLAUSE > MIN_SUPPORT_NOUN == threshold("noun")
    assert MIN_SUPPORT_NOUN > MIN_SUPPORT == threshold("typed")
    text = "The harbour master of Port Alma said the pier would reopen in spring after repairs to its deck."
    reading = read("Why is the pier in Port Alma closed?", [_passage(text)], _similarity)
    assert MIN_SUPPORT <= reading.support < MIN_SUPPORT_CLAUSE and reading.refused


def test_a_free_noun_phrase_needs_more_support_than_a_typed_answer() -> None:
    # The same sentence and the same unmatched detail ("in the spring"): a company or a count has its type
    # behind it; "what did they buy" takes any noun chunk, so the sentence must match more of the question.
    from qa.pipeline.answerability import MIN_SUPPORT, MIN_SUPPORT_NOUN

    seller = "The Port Alma council bought two electric ferries from Halvard Marine last week."
    typed = read(
        "Which company did the Port Alma council buy ferries from in the spring?", [_passage(seller)]
    )
    assert typed.asked.kind == "ORG" and typed.short == "Halvard Marine" and not typed.refused
    text = "The Port Alma council bought two electric ferries last week, the mayor said."
    free = read("What did the Port Alma council buy in the spring?", [_passage(text)], _similarity)
    assert free.asked.kind == "NP" and free.short == "two electric ferries"
    assert typed.support >= MIN_SUPPORT and MIN_SUPPORT <= free.support < MIN_SUPPORT_NOUN and free.refused
    # An answer that names the asked head noun has its type behind it: "what kind of ferries".
    named = read("What kind of ferries did the Port Alma council buy in the spring?", [_passage(text)])
    assert named.short == "two electric ferries" and named.answer_class == "typed" and not named.refused
    plain = read("What did the Port Alma council buy?", [_passage(text)], _similarity)
    assert plain.short == "two electric ferries" and plain.support >= MIN_SUPPORT_NOUN and not plain.refused


def _titled(text: str, title: str, article: str) -> Passage:
    info = ArticleInfo(
        article, title, "Daily (synthetic)", f"https://{article}.example", published=date(2024, 10, 8)
    )
    return Passage(Chunk(f"{article}:0", info, text, 0, len(text)), 1.0, 1)


def test_a_headline_states_the_answer_and_a_sentence_of_the_passage_is_quoted() -> None:
    body = (
        "The decision came on Monday after a year of bids, the council said. "
        "Osk Lines will run the boats from May, with two new ships."
    )
    other = _titled(
        "Alma Ferries had also bid for the contract, its director said on Monday.", "Bids close", "b"
    )
    question = "Which company won the Verrin ferry contract?"
    reading = read(question, [_titled(body, "Osk Lines wins Verrin ferry contract", "a"), other], _similarity)
    assert reading.short == "Osk Lines" and not reading.refused
    assert reading.evidence is not None and reading.evidence.claim.startswith("Osk Lines will run")
    plain = read(question, [_titled(body, "Council decides on ferries", "a"), other], _similarity)
    assert plain.short != "Osk Lines" or plain.refused  # without the headline the passage does not say


def test_a_name_only_in_a_headline_is_no_answer_as_it_cannot_be_quoted() -> None:
    body = "The decision came on Monday after a year of bids, the council said."
    reading = read("Which company won the ferry contract?", [_titled(body, "Osk Lines wins contract", "a")])
    assert reading.short != "Osk Lines"


@pytest.mark.parametrize(
    ("title", "stated"),
    [
        ("What is Osk plotting in Verrin? | The Weekly", "What is Osk plotting in Verrin?"),
        ("VERRIN—Ferry talks resume after a year ...", "Ferry talks resume after a year"),
        ("Ferry talks resume…", "Ferry talks resume"),
    ],
)
def test_a_title_is_read_as_a_statement(title: str, stated: str) -> None:
    from qa.pipeline.headlines import headline

    assert headline(title) == stated


def test_a_word_that_qualifies_the_asked_category_is_no_answer() -> None:
    text = "Adler became a minority owner of the second-tier Ostrian soccer team, Port Alma City, on Monday."
    reading = read("Which soccer team did Adler become a part owner of?", [_passage(text)], _similarity)
    assert reading.short == "Port Alma City"
    # Found as a capitalised word rather than as the nationality the tagger calls it: still a qualifier.
    text = "Adler is also a minority owner of Birmingham City, a second-tier English soccer team (synthetic)."
    reading = read("Adler became a part owner of which football team?", [_passage(text)], _similarity)
    assert all(c.text != "English" for c in reading.candidates) and reading.candidates


@pytest.mark.parametrize(
    ("question", "text", "name"),
    [
        (
            "Which missiles will Verrin use for strikes in Ostria?",
            "Verrin will strike Ostria with Kestrels, long-range missiles built in Halvard, within days.",
            "Kestrels",
        ),
        (
            "Which rocket did Ostria send to Verrin?",
            "On Monday Ostria sent the Kestrel, a long-range guided rocket, to Verrin with the Falcon drone.",
            "Kestrel",
        ),
        (  # the rocket named far from its name, and close to the other name
            "Which rocket did Ostria send to Verrin?",
            "Ostria sent the Kestrel, its newest and largest long-range guided rocket, and a Falcon drone"
            " to Verrin.",
            "Kestrel",
        ),
    ],
)
def test_the_name_the_asked_category_is_said_of_is_the_answer(question: str, text: str, name: str) -> None:
    # "Kestrels, long-range missiles": the apposition says what the name is, and is no answer itself.
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == name and not reading.refused


def test_the_asked_preposition_picks_the_slot() -> None:
    # "Near which building": the name after "near", not the one after "on" in the same sentence.
    text = "On Monday the Verrin activists hung a banner on the Osk Bridge and near the Halvard Embassy."
    reading = read(
        "Near which building did the Verrin activists hang a banner?", [_passage(text)], _similarity
    )
    assert reading.short == "Halvard Embassy" and not reading.refused
    # "in" and "at" say the same of a place, and "the port city of Osk" stands after "in".
    text = (
        "Adler spoke at the Verrin town hall on Monday, and on Tuesday in the port city of Osk (synthetic)."
    )
    reading = read("In which city did Adler speak on Tuesday?", [_passage(text)], _similarity)
    assert reading.short == "Osk"


def test_a_role_is_no_name_in_a_list_of_people() -> None:
    # "Tomas Adler and his Ostrian counterpart Mara Oslen": two people, the second named after her role.
    text = "Foreign Minister Tomas Adler and his Ostrian counterpart Mara Oslen held talks in Osk on Monday."
    reading = read("Which two foreign ministers held talks in Osk?", [_passage(text)], _similarity)
    assert sorted(reading.short.split(" and ")) == ["Mara Oslen", "Tomas Adler"]


def test_a_region_in_the_question_narrows_the_countries() -> None:
    text = (
        "Australia's prime minister was re-elected on Monday. "
        "In Haiti, the transitional council ousted the prime minister on Monday."
    )
    question = "The prime minister of which Caribbean country was ousted on Monday?"
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == "Haiti"
    assert all(c.text != "Australia" for c in reading.candidates)


def test_a_country_is_no_company() -> None:
    text = "The U.S. strike at Osk Lines ended on Monday after the workers approved the contract."
    reading = read("A strike ended at which company on Monday?", [_passage(text)], _similarity)
    assert all(c.text not in ("U.S.", "US") for c in reading.candidates)


def test_a_place_is_no_company_though_a_city_stands_for_its_team() -> None:
    text = "Swingco Inc. donated the swings. They were installed at the playground in Irvington on Tuesday."
    reading = read("Which company donated the playground swings?", [_passage(text)], _similarity)
    assert reading.short == "Swingco Inc."  # "in Irvington" was the answer: a capitalised word fits ORG
    text = "Kansas City won the final on Sunday, beating Buffalo 27-24."
    assert read("Which team won the final on Sunday?", [_passage(text)], _similarity).short == "Kansas City"


def test_a_question_the_article_asks_states_no_answer() -> None:
    text = "Will Osk Lines run the Verrin ferries? The council has not decided yet, its spokesman said."
    assert read("Which company will run the Verrin ferries?", [_passage(text)], _similarity).refused
    text = "Osk Lines will run the Verrin ferries, the council decided on Monday."
    reading = read("Which company will run the Verrin ferries?", [_passage(text)], _similarity)
    assert reading.short == "Osk Lines" and not reading.refused


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("Officials are moving to add which insect to the threatened species list?", "insect"),
        ("Which troubled test flight left two astronauts in space far longer than planned?", "flight"),
    ],
)
def test_the_head_noun_after_which_survives_a_tagger_that_calls_it_a_verb(question: str, head: str) -> None:
    asked = answer_type(question)
    assert (asked.kind, asked.head) == ("NP", head)


def test_a_plural_before_the_head_noun_that_the_tagger_calls_a_verb_is_a_noun() -> None:
    # the small tagger reads "fisheries" as a verb ("Which fisheries ..."); no dictionary knows it as one
    asked = answer_type("Which fisheries organization did Ostria freeze its participation in?")
    assert (asked.kind, asked.head) == ("ORG", "organization")
    assert answer_type("Which helps children learn faster, reading or games?").kind != "ORG"  # a verb


def test_a_group_of_what_the_question_names_is_no_answer() -> None:
    text = (
        "On the day of Adler’s arrival, a group of activists aligned with the pro-Verrin “Harbour First” "
        "party displayed an anti-Adler poster on the ferry terminal."
    )
    reading = read(
        "On what occasion did the activists display the anti-Adler poster?", [_passage(text)], _similarity
    )
    assert all(c.text != "group" for c in reading.candidates)


def test_a_country_is_no_answer_to_which_city_and_a_nationality_qualifies_only_its_own_name() -> None:
    text = (
        "Meanwhile, during a joint press conference with Hungarian Prime Minister Viktor Orbán in Budapest, "
        "Ostrian President Ilse Brandt addressed the peace talks."
    )
    city = read(
        "In which city did Ilse Brandt hold a joint press conference with Orbán?",
        [_passage(text)],
        _similarity,
    )
    assert city.short == "Budapest" and not city.refused  # not "Hungary", from "Hungarian"
    aliyev = text.replace("Ostrian President Ilse Brandt", "Azerbaijani President Ilham Aliyev")
    reading = read("Who is Armenia's prime minister?", [_passage(aliyev)], _similarity)
    assert reading.refused, reading.short  # "Azerbaijani President ..." is no Armenian prime minister


def test_a_name_ending_in_the_asked_noun_is_not_penalised_for_it() -> None:
    text = (
        "Brandt announced ongoing preparations for the next Russia-Armenia Interregional Forum, which aims "
        "to deepen economic and cultural cooperation."
    )
    reading = read(
        "Which forum is being prepared to deepen cultural cooperation?", [_passage(text)], _similarity
    )
    assert reading.short == "Russia-Armenia Interregional Forum"


def test_a_nationality_of_a_person_or_a_thing_is_no_place() -> None:
    text = (
        "Hungarian Foreign Minister Lena Varga and her Polish counterpart Jan Nowak held talks in Debrecen "
        "on Monday. Varga thanked Polish officials for the Polish arms delivered last year."
    )
    reading = read("Where did Varga and Nowak hold their talks?", [_passage(text)], _similarity)
    assert reading.short == "Debrecen" and not reading.refused


def test_the_date_of_another_named_thing_of_the_same_kind_is_no_answer() -> None:
    text = (
        "The minister revisited the March 3, 2021 Varna Accord, in which the two states agreed to settle the "
        "dispute based on the 1995 Osk Accord."
    )
    reading = read("On what date was the Varna Accord signed?", [_passage(text)], _similarity)
    assert reading.short == "March 3, 2021"


def test_a_nationality_is_no_person_and_a_capitalised_office_is_still_an_office() -> None:
    text = (
        "During talks with Hungarian Prime Minister Peter Szabo in Budapest, Azerbaijani President Ilham "
        "Karimov spoke of the peace treaty. Armenian Foreign Minister Lena Varga was not there."
    )
    for question in ("Who is Armenia's prime minister?", "Who is Armenia's Prime Minister?"):
        assert read(question, [_passage(text)], _similarity).refused, question
    assert read("Who is Hungary's Prime Minister?", [_passage(text)], _similarity).short == "Peter Szabo"


def test_president_of_which_country_is_the_nationality_of_the_named_president() -> None:
    # the small model may tag "Moldovan" as a person; the gazetteer knows it as a nationality. The question
    # asks whose president she is: "of which country" as "which country's"
    text = (
        "Moldovan President Mara Lupu thanked Ukrainians for not yielding to Russian aggression. "
        "She was re-elected on Sunday."
    )
    question = "Mara Lupu was elected president of which European country?"
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == "Moldova" and not reading.refused


def test_a_country_of_the_list_is_as_much_a_country_as_any_other() -> None:
    # the embedding may find "Russia" more like the word "country" than "Armenia"; for "which country" the
    # list already says both are countries, so that likeness must not decide
    def likes_russia(query: str, texts: Sequence[str]) -> Sequence[float]:
        if query == "country":
            return [0.9 if t == "Russia" else 0.0 for t in texts]
        return _similarity(query, texts)

    text = (
        "Varga said Russia and the pact had proposed deploying an observation mission in response—an offer "
        "he claimed was rejected by the Armenian government in favor of a European Union observer mission."
    )
    question = "Which country did Varga say had rejected the observation mission offer?"
    assert read(question, [_passage(text)], likes_russia).short == "Armenia"


def test_a_qualified_place_is_another_answer_than_the_place() -> None:
    # "Western Azerbaijan" is not Azerbaijan: the votes of the one are not pooled with the other's
    text = (
        "Karimov also addressed the concept of “Western Azerbaijan,” referring to parts of Ostria's "
        "internationally recognized territory. Azerbaijan and Ostria signed a deal. Azerbaijan's army is "
        "large, and Azerbaijan said so."
    )
    question = "What concept did Karimov address that refers to parts of Ostria's territory?"
    assert read(question, [_passage(text)], _similarity).short == "Western Azerbaijan"


def test_a_country_that_does_the_asked_thing_answers_who() -> None:
    # "Who proposed ...?": Azerbaijan proposed it; Karimov only noted that it had
    text = (
        "Karimov portrayed his government as the initiator of the talks, noting that Azerbaijan had proposed "
        "the initial draft of the treaty, which Armenia had largely accepted."
    )
    assert (
        read("Who proposed the initial draft of the treaty?", [_passage(text)], _similarity).short
        == "Azerbaijan"
    )


def test_a_compound_of_two_countries_is_no_fuller_name_of_either() -> None:
    # "Armenia-Russia" (ties, talks) must not take Russia's votes and be written as the answer
    text = (
        "Armenia-Russia ties are old, and Armenia-Russia talks went on in May. "
        "Officials noted that Russia had proposed the observation mission, which Armenia rejected."
    )
    assert read("Who proposed the observation mission?", [_passage(text)], _similarity).short == "Russia"


def test_a_us_state_the_question_names_keeps_which_state_to_the_states() -> None:
    # "an Indiana bat" put the question outside the US, as "a German state" would, and a city or a highway
    # could answer "which state"
    text = (
        "City officials of West Verrin learned that a single female Indiana bat was found near the site of "
        "the proposed Interstate 80 interchange, which may delay the Iowa project."
    )
    question = (
        "The discovery of a single female Indiana bat could delay an interchange project. "
        "In which state is the project?"
    )
    got = read(question, [_passage(text)], _similarity)
    assert got.short == "Iowa"
    assert [c.text for c in got.candidates] == ["Iowa"]
