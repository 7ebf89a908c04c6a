"""Closed sets of places as news names them: the countries of the world and the states of the US. For "Which
country ...?" a state, a city or a continent is no answer, and for "Which state ...?" a city or a county is
none, whatever the tagger calls them (it tags all of them GPE). The teams of a named league are a closed set
too (leagues.py).

Written out by hand because the one packaged list (pycountry, ISO 3166) uses official names that news does not
("Russian Federation", "Korea, Republic of", "Türkiye"), and the common names and short forms are what the
passages hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qa.pipeline.leagues import asked_league, names_team
from qa.pipeline.lists import parts
from qa.pipeline.support import name_key, terms

_NAMES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|Azerbaijan|
Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia and Herzegovina|Bosnia|
Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Cape Verde|Cabo Verde|
Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo|Democratic Republic of the Congo|DRC|
Costa Rica|Ivory Coast|Cote d'Ivoire|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|Djibouti|Dominica|
Dominican Republic|East Timor|Timor-Leste|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|
Eswatini|Swaziland|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|
Guinea-Bissau|Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|
Japan|Jordan|Kazakhstan|Kenya|Kiribati|North Korea|South Korea|Korea|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|
Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|
Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|
Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|Netherlands|Holland|New Zealand|Nicaragua|Niger|Nigeria|
North Macedonia|Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|
Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|Saint Kitts and Nevis|Saint Lucia|
Saint Vincent and the Grenadines|Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|
Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|Spain|
Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|
Trinidad and Tobago|Tunisia|Turkey|Turkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|UAE|
United Kingdom|UK|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|United States|
United States of America|US|USA|America|Uruguay|Uzbekistan|Vanuatu|Vatican City|Vatican|Venezuela|Vietnam|
Yemen|Zambia|Zimbabwe|Greenland|Puerto Rico|Hong Kong
"""
_US_STATES = """
Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|
Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|
Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|
Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|
Washington|West Virginia|Wisconsin|Wyoming
"""

# The states as AP style abbreviates them after a city ("Millville, N.J."), matched as written with their
# full stops: without them several are words or other names ("Miss", "La", "Wash").
_STATE_ABBREVIATIONS = frozenset(
    """Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Ky. La. Md. Mass. Mich. Minn. Miss. Mo.
    Mont. Neb. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Ore. Pa. R.I. S.C. S.D. Tenn. Vt. Va. Wash. W.Va. Wis.
    Wyo.""".split()
)

# The regions a quiz names a country by ("Which African country ..."), by the adjective it uses.
_REGIONS = {
    "african": """Algeria|Angola|Benin|Botswana|Burkina Faso|Burundi|Cameroon|Cape Verde|Cabo Verde|
        Central African Republic|Chad|Comoros|Congo|Democratic Republic of the Congo|DRC|Ivory Coast|
        Cote d'Ivoire|Djibouti|Egypt|Equatorial Guinea|Eritrea|Eswatini|Swaziland|Ethiopia|Gabon|Gambia|Ghana|
        Guinea|Guinea-Bissau|Kenya|Lesotho|Liberia|Libya|Madagascar|Malawi|Mali|Mauritania|Mauritius|Morocco|
        Mozambique|Namibia|Niger|Nigeria|Rwanda|Sao Tome and Principe|Senegal|Seychelles|Sierra Leone|Somalia|
        South Africa|South Sudan|Sudan|Tanzania|Togo|Tunisia|Uganda|Zambia|Zimbabwe""",
    "european": """Albania|Andorra|Armenia|Austria|Azerbaijan|Belarus|Belgium|Bosnia and Herzegovina|Bosnia|
        Bulgaria|Croatia|Cyprus|Czech Republic|Czechia|Denmark|Estonia|Finland|France|Georgia|Germany|Greece|
        Hungary|Iceland|Ireland|Italy|Kosovo|Latvia|Liechtenstein|Lithuania|Luxembourg|Malta|Moldova|Monaco|
        Montenegro|Netherlands|Holland|North Macedonia|Macedonia|Norway|Poland|Portugal|Romania|Russia|
        San Marino|Serbia|Slovakia|Slovenia|Spain|Sweden|Switzerland|Turkey|Turkiye|Ukraine|United Kingdom|UK|
        Britain|Great Britain|England|Scotland|Wales|Northern Ireland|Vatican City|Vatican""",
    "caribbean": """Antigua and Barbuda|Bahamas|Barbados|Cuba|Dominica|Dominican Republic|Grenada|Haiti|
        Jamaica|Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Trinidad and Tobago|
        Puerto Rico""",
    "asian": """Afghanistan|Bangladesh|Bhutan|Brunei|Cambodia|China|India|Indonesia|Japan|Kazakhstan|
        Kyrgyzstan|Laos|Malaysia|Maldives|Mongolia|Myanmar|Burma|Nepal|North Korea|South Korea|Korea|Pakistan|
        Philippines|Singapore|Sri Lanka|Taiwan|Tajikistan|Thailand|East Timor|Timor-Leste|Turkmenistan|
        Uzbekistan|Vietnam|Hong Kong|Iran|Iraq|Israel|Jordan|Kuwait|Lebanon|Oman|Qatar|Saudi Arabia|Syria|
        United Arab Emirates|UAE|Yemen|Bahrain|Palestine""",
    "middle eastern": """Bahrain|Egypt|Iran|Iraq|Israel|Jordan|Kuwait|Lebanon|Oman|Palestine|Qatar|
        Saudi Arabia|Syria|Turkey|Turkiye|United Arab Emirates|UAE|Yemen""",
    "south american": """Argentina|Bolivia|Brazil|Chile|Colombia|Ecuador|Guyana|Paraguay|Peru|Suriname|
        Uruguay|Venezuela""",
    "latin american": """Argentina|Bolivia|Brazil|Chile|Colombia|Costa Rica|Cuba|Dominican Republic|Ecuador|
        El Salvador|Guatemala|Honduras|Mexico|Nicaragua|Panama|Paraguay|Peru|Uruguay|Venezuela|Haiti|
        Puerto Rico""",
    "central american": "Belize|Costa Rica|El Salvador|Guatemala|Honduras|Nicaragua|Panama",
}
_ASKED_REGION = re.compile(r"\b(" + "|".join(_REGIONS) + r")\s+(?:country|countries|nation|nations)\b", re.I)


def _listed(block: str) -> list[str]:
    return [n.strip() for n in block.replace("\n", "").split("|") if n.strip()]


def _names(block: str) -> frozenset[str]:
    return frozenset(n.casefold() for n in _listed(block))


COUNTRIES = _names(_NAMES)
# head noun of the question -> the names that answer it ("which state" may also mean a sovereign state)
# A state is a US state or a sovereign one; not the United States, which holds the states a US report means.
_UNITED_STATES = frozenset({"us", "usa", "america", "united states", "united states of america"})
_SETS = {
    "country": COUNTRIES,
    "nation": COUNTRIES,
    "state": _names(_US_STATES) | (COUNTRIES - _UNITED_STATES),
}
# head nouns a country or a US state does not answer ("which city": not "Hungary" for "in Budapest")
_SETTLEMENTS = frozenset("city cities town towns capital village port".split())
# the last word of a name of land or water, which no city's name ends in ("Green Bay" and "Palm Beach" do)
_LAND = frozenset("coast coastline ocean sea river mountains county region peninsula desert state".split())


def _a_state(text: str) -> bool:
    """Whether an answer names a country or a US state (the United States included)."""
    return member("state", text) or member("country", text) or text.strip() in _STATE_ABBREVIATIONS


def _is_land(text: str) -> bool:
    """Whether a name is of land or water, not of a place people live in ("the West Coast")."""
    words = text.lower().split()
    return bool(words) and words[-1] in _LAND


_IN_REGION = {region: _names(block) for region, block in _REGIONS.items()}


# What a nation's people are called, where no suffix rule below derives it from the country's name.
_PEOPLES = {
    "Spanish": "Spain", "French": "France", "British": "Britain", "English": "England", "German": "Germany",
    "Dutch": "Netherlands", "Swiss": "Switzerland", "Greek": "Greece", "Turkish": "Turkey",
    "Swedish": "Sweden", "Polish": "Poland", "Danish": "Denmark", "Finnish": "Finland", "Irish": "Ireland",
    "Welsh": "Wales", "Scottish": "Scotland", "Thai": "Thailand", "Filipino": "Philippines",
    "Afghan": "Afghanistan",
    "Argentine": "Argentina", "Portuguese": "Portugal", "Norwegian": "Norway", "Peruvian": "Peru",
    "Lebanese": "Lebanon", "Saudi": "Saudi Arabia", "Emirati": "United Arab Emirates", "Icelandic": "Iceland",
    "Cypriot": "Cyprus", "Malagasy": "Madagascar", "Burmese": "Myanmar", "Congolese": "Congo",
    "Belgian": "Belgium", "Venezuelan": "Venezuela", "Vietnamese": "Vietnam", "Maltese": "Malta",
}  # fmt: skip
# Suffixes that make a people of a country: Angola-n, Haiti-an, Canad-ian, Brazil-ian, Mexic-an, Israel-i,
# Japan-ese, Chin-ese. Tried in this order, so "Nigerian" is Nigeria's before it could be Niger's.
_SUFFIXES = (("", "n"), ("", "an"), ("a", "ian"), ("e", "ian"), ("y", "ian"), ("", "ian"), ("o", "an"),
             ("", "i"), ("", "ese"), ("a", "ese"), ("y", ""))  # fmt: skip
# "American" is in nearly every US report, of nearly anything: read as a country it would answer everything.
_NOT_PEOPLES = frozenset({"american", "americans"})


def _peoples() -> dict[str, str]:
    out: dict[str, str] = {}
    for drop, add in _SUFFIXES:
        for name in _listed(_NAMES):
            if name.isupper() or not name.endswith(drop):
                continue
            out.setdefault((name[: len(name) - len(drop)] + add).casefold(), name)
    out.update({people.casefold(): country for people, country in _PEOPLES.items()})
    return {k: v for k, v in out.items() if k not in _NOT_PEOPLES and k not in COUNTRIES}


_PEOPLE_COUNTRY = _peoples()


def country_of_people(text: str) -> str:
    """The country a nationality word names ("Angolan" -> "Angola", "Chinese" -> "China"), else ""."""
    word = name_key(text)
    return _PEOPLE_COUNTRY.get(word.removesuffix("s"), "") or _PEOPLE_COUNTRY.get(word, "")


def peoples_of(country: str) -> tuple[str, ...]:
    """The words for a country's people the lists know ("Poland" -> "polish"), lower case."""
    return tuple(people for people, name in _PEOPLE_COUNTRY.items() if name == country)


_US = frozenset({"us", "usa", "america", "american", "unit"})  # stems of "US", "American", "United States"
# a US state the question names keeps it in the US: "an Indiana bat" (the state's list still applies)
_STATE_STEMS = frozenset(terms(name).stems for name in _names(_US_STATES))


def closed_set_applies(kind: str, head: str, places: Sequence[frozenset[str]]) -> bool:
    """Whether a place question's answer must be one of the head noun's set: not for "Which German state",
    whose states the US list does not hold."""
    if kind != "PLACE" or head not in _SETS:
        return False
    return head != "state" or all(stems <= _US or stems in _STATE_STEMS for stems in places)


def answer_filter(kind: str, head: str, places: Sequence[frozenset[str]], question: str) -> Any:
    """The test an answer must pass where the question asks for a member of a closed set, else None: "which
    country" a country, "which African country" an African one, "which (US) state" a state; and a country or
    a US state is no organisation ("which company": not "U.S.") and no city; "which NFL team" a team of the
    league (leagues.py: not Birmingham City)."""
    place_test = _place_filter(kind, head, places, question)
    if not (league := asked_league(question, head)):
        return place_test
    return lambda text: (place_test is None or place_test(text)) and names_team(league, text)


def _place_filter(kind: str, head: str, places: Sequence[frozenset[str]], question: str) -> Any:
    if kind == "PLACE" and head in _SETTLEMENTS:  # nor a coast, a river or a county: "the West Coast"
        return lambda text: not (_a_state(text) or _is_land(text))
    if kind == "ORG":
        return lambda text: not _a_state(text)
    if not closed_set_applies(kind, head, places):
        return None
    if m := _ASKED_REGION.search(question):
        region = _IN_REGION[m.group(1).lower()]
        return lambda text: member(head, text) and all(name_key(p) in region for p in parts(text))
    return lambda text: member(head, text)


def member(head: str, text: str) -> bool:
    """Whether an answer names only members of the head noun's set ("the United States", "Armenia and Iran"
    for "country")."""
    names = _SETS.get(head, frozenset())
    return bool(text.strip()) and all(name_key(part) in names for part in parts(text))


def names_member(head: str, sent: Any) -> bool:
    """Whether a parsed sentence names one of the head noun's set ("landed in Angola", "the Angolan port")."""
    return any(
        e.label_ in ("GPE", "NORP") and (member(head, e.text) or member(head, country_of_people(e.text)))
        for e in sent.ents
    )
