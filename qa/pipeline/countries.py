"""The countries of the world as news names them, for "Which country ...?": a state, a city or a continent is
no answer to it, whatever the tagger calls them (it tags all of them GPE).

Written out by hand because the one packaged list (pycountry, ISO 3166) uses official names that news does not
("Russian Federation", "Korea, Republic of", "Türkiye"), and the common names and short forms are what the
passages hold.
"""

from __future__ import annotations

import re

from qa.pipeline.lists import parts

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
COUNTRIES = frozenset(n.strip().casefold() for n in _NAMES.replace("\n", "").split("|") if n.strip())
COUNTRY_HEADS = frozenset({"country", "nation"})


def is_country(text: str) -> bool:
    """Whether an answer names a country, or only countries ("the United States", "Armenia and Iran")."""
    return all(_one_country(part) for part in parts(text)) if text.strip() else False


def _one_country(text: str) -> bool:
    name = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE).replace(".", "").replace("’", "'")
    name = name.replace("ô", "o").replace("ü", "u").casefold()
    return name in COUNTRIES
