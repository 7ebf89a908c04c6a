"""The lexicon of answer types: which head nouns ask for which type, and which spans each type accepts.

"Which state ...?" asks for a place, "which carrier ...?" for an organisation: the head noun of "which X"
decides. Each type then accepts candidate spans by their label (spaCy's OntoNotes entity labels, plus this
package's own: CAPS a capitalised run, QUOTE a quoted phrase, NP a noun chunk, LOCPREP a capitalised span
after a place preposition, RXDATE/RXNUM regex dates and numbers, DURATION, AGE and COUNT) with a weight: the
small English model is noisy (it once tagged Yerevan a PERSON), so near labels count for something.
"""

from __future__ import annotations

from typing import Any


def _words(text: str) -> set[str]:
    return set(text.split())


# Head noun (lemma, lower case) -> the type it asks for.
HEADS: dict[str, set[str]] = {
    "PERSON": _words(
        """
        person people man woman men women leader president minister actor actress singer artist player coach
        model justice judge lawmaker senator official author writer star rapper musician ceo founder
        candidate politician character chancellor premier king queen pope prince princess athlete
        quarterback director composer astronaut journalist comedian host nominee ambassador father son
        mother daughter brother sister billionaire chef governor mayor secretary spokesperson celebrity
        legend champion pitcher driver golfer boxer footballer manager owner suspect victim rival activist
        chairman chair head deputy diplomat counterpart opponent winner businessman entrepreneur scientist
        doctor pick successor predecessor designer influencer youtuber broadcaster presenter anchor dancer
        breakdancer soloist band duo group filmmaker
        """
    ),
    "ORG": _words(
        """
        company firm airline carrier brand team network newspaper outlet retailer chain automaker carmaker
        maker manufacturer bank organization organisation agency party union club side school college
        university platform startup publisher channel magazine studio court body bloc alliance coalition
        nonprofit charity restaurant store supermarket giant conglomerate franchise league institution
        department ministry committee council service app website site insurer lender exchange operator
        developer broadcaster paper tabloid daily museum hospital pharmacy foundation watchdog regulator
        commission administration government business corporation conference toymaker chipmaker drugmaker
        planemaker steelmaker brewer supplier distributor subsidiary
        """
    ),
    "PLACE": _words(
        """
        country state city town nation capital province region county village island neighborhood
        neighbourhood territory municipality district continent river lake mountain ocean sea planet moon
        area place location venue destination port border suburb borough peninsula desert coast park
        landmark building bridge airport stadium arena street site spot zone republic kingdom hometown
        metropolis resort prison monument cathedral
        """
    ),
    "NORP": _words(
        """
        nationality religion ethnicity faith denomination
        """
    ),
    "DATE": _words(
        """
        year date day month decade century time season week era weekend holiday
        """
    ),
    "NUMBER": _words(
        """
        number count total figure age population score tally
        """
    ),
    "MONEY": _words(
        """
        price cost amount value fee fine salary revenue sum budget wage worth fortune bill bonus payout
        payment refund compensation reward
        """
    ),
    "PERCENT": _words(
        """
        percentage percent share proportion rate
        """
    ),
    "ORDINAL": _words(
        """
        anniversary rank ranking place
        """
    ),
    "EVENT": _words(
        """
        hurricane storm typhoon cyclone war festival tournament championship summit battle fire blaze
        wildfire earthquake olympics race cup competition contest ceremony parade election referendum strike
        protest scandal disaster tour concert marathon bowl series operation game
        """
    ),
    "WORK": _words(
        """
        movie film show song album book novel play documentary painting musical poem opera sitcom podcast
        programme program single track hit blockbuster memoir artwork sculpture franchise episode video
        """
    ),
    "PRODUCT": _words(
        """
        product car phone device missile rocket drink cryptocurrency vaccine drug medication spacecraft
        aircraft plane jet vehicle model weapon satellite chatbot software smartphone console gadget toy
        currency coin dish food snack beverage menu item ship vessel telescope probe rover truck suv ev
        tablet computer laptop
        """
    ),
    "LAW": _words(
        """
        law bill act agreement treaty declaration amendment accord deal pact regulation rule policy
        ordinance resolution convention measure
        """
    ),
    "LANGUAGE": _words(
        """
        language languages
        """
    ),
}
# A head noun in several sets takes this type; the others take their first set's.
PREFER = {"site": "PLACE", "broadcaster": "ORG", "place": "PLACE", "franchise": "ORG", "model": "PERSON",
          "bill": "LAW", "group": "ORG", "band": "ORG", "duo": "PERSON", "head": "PERSON"}  # fmt: skip
HEAD_TYPE: dict[str, str] = {h: t for t, hs in reversed(HEADS.items()) for h in hs} | PREFER

# "What is the goal of ...?" asks for a clause; "what is the name of ...?" for a name of anything.
PHRASE_HEADS = _words(
    """
    goal purpose reason focus aim significance outcome result impact effect message response reaction factor
    cause motive role plan concern argument explanation benefit advantage problem challenge
    """
)
NAME_HEADS = _words(
    """
    name nickname title codename term word acronym abbreviation slogan phrase motto moniker label hashtag
    """
)
LIST_WORDS = {"two", "three", "four", "five", "six", "several", "both"}  # "which two teams": a list
COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}  # "which two cities": how many are asked

ENT = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE")
# Expected type -> {candidate label: how well it fits}.
# fmt: off
TYPE_LABELS: dict[str, dict[str, float]] = {
    "PERSON": {"PERSON": 1.0, "CAPS": 0.5, "ORG": 0.3, "NORP": 0.2},
    "ORG": {"ORG": 1.0, "CAPS": 0.6, "PRODUCT": 0.5, "FAC": 0.4, "QUOTE": 0.4, "PERSON": 0.3, "GPE": 0.3,
            "WORK_OF_ART": 0.3, "NORP": 0.3, "LOC": 0.2},
    "PLACE": {"GPE": 1.0, "LOC": 0.9, "LOCPREP": 0.8, "FAC": 0.7, "CAPS": 0.4, "ORG": 0.3, "PERSON": 0.2,
              "NORP": 0.3, "NP": 0.15},
    "NORP": {"NORP": 1.0, "GPE": 0.5, "LANGUAGE": 0.4},
    "LANGUAGE": {"LANGUAGE": 1.0, "NORP": 0.8},
    "DATE": {"DATE": 1.0, "RXDATE": 0.8, "TIME": 0.5},
    "DURATION": {"DURATION": 1.0},
    "NUMBER": {"CARDINAL": 1.0, "QUANTITY": 0.9, "RXNUM": 0.7, "MONEY": 0.3, "PERCENT": 0.3, "AGE": 1.0,
               "COUNT": 0.8},
    "MONEY": {"MONEY": 1.0, "CARDINAL": 0.3, "RXNUM": 0.3},
    "PERCENT": {"PERCENT": 1.0, "CARDINAL": 0.3, "RXNUM": 0.3},
    "ORDINAL": {"ORDINAL": 1.0, "CARDINAL": 0.2},
    "EVENT": {"EVENT": 1.0, "CAPS": 0.6, "PERSON": 0.4, "QUOTE": 0.4, "ORG": 0.3, "FAC": 0.3,
              "WORK_OF_ART": 0.3, "NP": 0.3},
    "WORK": {"WORK_OF_ART": 1.0, "QUOTE": 0.9, "CAPS": 0.6, "PRODUCT": 0.4, "ORG": 0.3, "PERSON": 0.3,
             "EVENT": 0.3},
    "PRODUCT": {"PRODUCT": 1.0, "ORG": 0.6, "CAPS": 0.6, "QUOTE": 0.5, "NP": 0.5, "WORK_OF_ART": 0.4},
    "LAW": {"LAW": 1.0, "EVENT": 0.5, "CAPS": 0.6, "WORK_OF_ART": 0.4, "ORG": 0.3, "NP": 0.3},
    "NAME": {"QUOTE": 1.0, "CAPS": 0.7, "NP": 0.5, **{e: 0.6 for e in ENT}},
    "NP": {"NP": 0.8, "QUOTE": 0.8, "CAPS": 0.6, **{e: 0.6 for e in ENT}},
    "PHRASE": {"NP": 0.5, "QUOTE": 0.5, **{e: 0.3 for e in ENT}},
}
# fmt: on
# Places that are buildings or works of engineering: "Which landmark reopened?" is answered by a facility
# ("Notre-Dame Cathedral"), not by the city it stands in ("Paris", which the tagger's GPE fits best).
STRUCTURES = _words(
    """
    landmark building bridge airport stadium arena monument cathedral church mosque temple tower palace
    castle prison hospital museum theater theatre hotel dam tunnel
    """
)
_STRUCTURE_LABELS = {**TYPE_LABELS["PLACE"], "FAC": 1.0, "GPE": 0.4, "LOCPREP": 0.4, "ORG": 0.6}


def label_fits(kind: str, head: str) -> dict[str, float]:
    """How well each candidate label fits the asked kind (and head noun: a structure is a facility)."""
    if kind == "PLACE" and head in STRUCTURES:
        return _STRUCTURE_LABELS
    return TYPE_LABELS.get(kind, {})


# The words a date answers to: a sentence holding a date names them ("in September 2022": "which month").
DATE_UNITS = frozenset("year years month months day days date dates".split())


def names_a_date(_head: str, sent: Any) -> bool:
    """Whether a parsed sentence holds a date (so it names the asked unit, whichever it is)."""
    return any(e.label_ == "DATE" for e in sent.ents)
