"""Closed sets of places as news names them: the countries of the world and the states of the US. For "Which
country ...?" a state, a city or a continent is no answer, and for "Which state ...?" a city or a county is
none, whatever the tagger calls them (it tags all of them GPE).

Written out by hand because the one packaged list (pycountry, ISO 3166) uses official names that news does not
("Russian Federation", "Korea, Republic of", "Türkiye"), and the common names and short forms are what the
passages hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.pipeline.lists import parts
from qa.pipeline.support import fold

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


def _names(block: str) -> frozenset[str]:
    return frozenset(n.strip().casefold() for n in block.replace("\n", "").split("|") if n.strip())


COUNTRIES = _names(_NAMES)
# head noun of the question -> the names that answer it ("which state" may also mean a sovereign state)
_SETS = {"country": COUNTRIES, "nation": COUNTRIES, "state": _names(_US_STATES) | COUNTRIES}


_US = frozenset({"us", "usa", "america", "american", "unit"})  # stems of "US", "American", "United States"


def closed_set_applies(kind: str, head: str, places: Sequence[frozenset[str]]) -> bool:
    """Whether a place question's answer must be one of the head noun's set: not for "Which German state",
    whose states the US list does not hold."""
    if kind != "PLACE" or head not in _SETS:
        return False
    return head != "state" or all(stems <= _US for stems in places)


def member(head: str, text: str) -> bool:
    """Whether an answer names only members of the head noun's set ("the United States", "Armenia and Iran"
    for "country")."""
    names = _SETS.get(head, frozenset())
    return bool(text.strip()) and all(_plain(part) in names for part in parts(text))


def _plain(text: str) -> str:
    """A name as the lists write it: no "the", no full stops ("U.S."), no accents, lower case."""
    return fold(re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)).replace(".", "")
