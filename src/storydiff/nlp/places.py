"""One country, many names: "the U.K.", "Britain" and "British" name the same place.

A derived text that writes "U.K. activists" where its source wrote "British
activists" names nothing new, but a test on the words alone says it does.
No maintained library maps demonyms to countries (pycountry and
country_converter know official and short names and abbreviations, not
"British" or "Emirati"), so the forms news uses are listed here: a short
name, official and other names, abbreviations as newsrooms write them, and
the demonyms (the plural "-s" is read by `place_of`). Capitals are not
forms of their country ("activists in London" are not said to be British).
"""

from __future__ import annotations

import re
from functools import lru_cache

# One country a line: its forms, separated by "|", as written in news (case matters for abbreviations).
_COUNTRIES = """
Afghanistan|Afghan
Albania|Albanian
Algeria|Algerian
Argentina|Argentine|Argentinian
Armenia|Armenian
Australia|Australian|Aussie
Austria|Austrian
Azerbaijan|Azerbaijani|Azeri
Bahrain|Bahraini
Bangladesh|Bangladeshi
Belarus|Belarusian|Belarussian
Belgium|Belgian
Bolivia|Bolivian
Bosnia|Bosnia and Herzegovina|Bosnian
Brazil|Brazilian
Bulgaria|Bulgarian
Cambodia|Cambodian
Cameroon|Cameroonian
Canada|Canadian
Chile|Chilean
China|People's Republic of China|PRC|Chinese
Colombia|Colombian
Congo|DRC|Democratic Republic of Congo|Democratic Republic of the Congo|Congolese
Costa Rica|Costa Rican
Croatia|Croatian|Croat
Cuba|Cuban
Cyprus|Cypriot
Czech Republic|Czechia|Czech
Denmark|Danish|Dane
Dominican Republic|Dominican
Ecuador|Ecuadorian|Ecuadorean
Egypt|Egyptian
El Salvador|Salvadoran|Salvadorean
Estonia|Estonian
Ethiopia|Ethiopian
Finland|Finnish|Finn
France|French|Frenchman|Frenchwoman
Georgia|Georgian
Germany|German
Ghana|Ghanaian
Greece|Greek
Guatemala|Guatemalan
Haiti|Haitian
Honduras|Honduran
Hungary|Hungarian
Iceland|Icelandic|Icelander
India|Indian
Indonesia|Indonesian
Iran|Islamic Republic of Iran|Iranian
Iraq|Iraqi
Ireland|Republic of Ireland|Irish
Israel|Israeli
Italy|Italian
Jamaica|Jamaican
Japan|Japanese
Jordan|Jordanian
Kazakhstan|Kazakh
Kenya|Kenyan
Kuwait|Kuwaiti
Kyrgyzstan|Kyrgyz
Laos|Lao|Laotian
Latvia|Latvian
Lebanon|Lebanese
Libya|Libyan
Lithuania|Lithuanian
Luxembourg|Luxembourgish|Luxembourger
Malaysia|Malaysian
Mali|Malian
Malta|Maltese
Mexico|Mexican
Moldova|Moldovan
Mongolia|Mongolian
Montenegro|Montenegrin
Morocco|Moroccan
Mozambique|Mozambican
Myanmar|Burma|Burmese
Nepal|Nepali|Nepalese
Netherlands|Holland|Dutch|Dutchman
New Zealand|NZ|New Zealander
Nicaragua|Nicaraguan
Niger|Nigerien
Nigeria|Nigerian
North Korea|DPRK|Democratic People's Republic of Korea|North Korean
North Macedonia|Macedonia|Macedonian
Norway|Norwegian
Oman|Omani
Pakistan|Pakistani
Palestine|State of Palestine|Palestinian
Panama|Panamanian
Paraguay|Paraguayan
Peru|Peruvian
Philippines|Filipino|Philippine|Filipina
Poland|Polish|Pole
Portugal|Portuguese
Qatar|Qatari
Romania|Romanian
Russia|Russian Federation|Russian
Rwanda|Rwandan
Saudi Arabia|Saudi|Saudi Arabian
Senegal|Senegalese
Serbia|Serbian|Serb
Singapore|Singaporean
Slovakia|Slovak|Slovakian
Slovenia|Slovenian|Slovene
Somalia|Somali
South Africa|South African
South Korea|Republic of Korea|ROK|South Korean
South Sudan|South Sudanese
Spain|Spanish|Spaniard
Sri Lanka|Sri Lankan
Sudan|Sudanese
Sweden|Swedish|Swede
Switzerland|Swiss
Syria|Syrian
Taiwan|Taiwanese
Tajikistan|Tajik
Tanzania|Tanzanian
Thailand|Thai
Tunisia|Tunisian
Turkey|Türkiye|Turkish|Turk
Turkmenistan|Turkmen
Uganda|Ugandan
Ukraine|Ukrainian
United Arab Emirates|UAE|U.A.E.|Emirates|Emirati
United Kingdom|UK|U.K.|Britain|Great Britain|British|Briton|Brit
United States|United States of America|US|U.S.|USA|U.S.A.|America|American
Uruguay|Uruguayan
Uzbekistan|Uzbek
Venezuela|Venezuelan
Vietnam|Viet Nam|Vietnamese
Yemen|Yemeni
Zambia|Zambian
Zimbabwe|Zimbabwean
"""

_FORMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(line.split("|")) for line in _COUNTRIES.strip().splitlines()
)
_BY_LOWER: dict[str, int] = {form.lower(): index for index, forms in enumerate(_FORMS) for form in forms}


def place_of(name: str) -> int | None:
    """The country `name` is a form of (an index into the table), or None: "U.K.", "the UK", "Britons"."""
    key = name.strip().lower()
    key = key[4:] if key.startswith("the ") else key
    key = key[:-2] if key.endswith(("'s", "’s")) else key
    if key in _BY_LOWER:
        return _BY_LOWER[key]
    if key.endswith("s") and key[:-1] in _BY_LOWER:  # "Britons", "Israelis"
        return _BY_LOWER[key[:-1]]
    return None


@lru_cache(maxsize=None)
def _mention_pattern(index: int) -> re.Pattern:
    # Case-sensitive on purpose: "US" is the country, "us" is not.
    forms = sorted(_FORMS[index], key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?:s|’s|'s)?(?![\w])")


def mentions_place(text: str, name: str) -> bool:
    """Whether `text` names the country `name` is a form of, in any of its forms; False when `name` is
    no country in the table."""
    index = place_of(name)
    return index is not None and _mention_pattern(index).search(text) is not None
