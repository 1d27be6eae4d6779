"""Names that refer to the same thing: country short names and demonyms, transliterations.

Data only. :func:`llmextract.normalize.country_code` reads :data:`COUNTRY_ALIASES` for what
pycountry misses (short names, demonyms, territories); the name-support check in
:mod:`llmextract.grounding` treats every group here as one word, so "US military" is
supported by "American forces" and "Kiev" by "Kyiv".

Spelling variants that differ only by diacritics or case ("Kharkív", "Türkiye") need no
entry: both sides are folded before lookup. All-caps entries of up to three letters ("US",
"UK", "IS") match case-sensitively, so the pronoun "us" is not the United States.
"""

from __future__ import annotations

from collections.abc import Mapping

# ISO 3166-1 alpha-3 code -> names, short names and demonyms used in news text.
# XKX (Kosovo) is a user-assigned code in common use (EU, IMF); pycountry does not list it.
COUNTRY_ALIASES: Mapping[str, tuple[str, ...]] = {
    "AFG": ("Afghanistan", "Afghan", "Afghans"),
    "ARE": ("United Arab Emirates", "UAE", "U.A.E.", "Emirati", "Emiratis", "Emirates"),
    "ARM": ("Armenia", "Armenian", "Armenians"),
    "AZE": ("Azerbaijan", "Azerbaijani", "Azerbaijanis", "Azeri", "Azeris"),
    "BLR": ("Belarus", "Belarusian", "Belarusians", "Byelorussia"),
    "CHN": ("China", "Chinese", "PRC"),
    "COD": ("DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa"),
    "CIV": ("Ivory Coast", "Ivorian", "Ivorians"),
    "EGY": ("Egypt", "Egyptian", "Egyptians"),
    "ETH": ("Ethiopia", "Ethiopian", "Ethiopians"),
    "FRA": ("France", "French"),
    "GBR": (
        "United Kingdom",
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "British",
        "Briton",
        "Britons",
    ),
    "DEU": ("Germany", "German", "Germans"),
    "IND": ("India", "Indian", "Indians"),
    "IRN": ("Iran", "Iranian", "Iranians", "Islamic Republic of Iran"),
    "IRQ": ("Iraq", "Iraqi", "Iraqis"),
    "ISR": ("Israel", "Israeli", "Israelis"),
    "JOR": ("Jordan", "Jordanian", "Jordanians"),
    "KOR": ("South Korea", "South Korean", "South Koreans", "Republic of Korea", "ROK"),
    "LBN": ("Lebanon", "Lebanese"),
    "LBY": ("Libya", "Libyan", "Libyans"),
    "MLI": ("Mali", "Malian", "Malians"),
    "MMR": ("Myanmar", "Burma", "Burmese"),
    "NGA": ("Nigeria", "Nigerian", "Nigerians"),
    "PAK": ("Pakistan", "Pakistani", "Pakistanis"),
    "PRK": ("North Korea", "North Korean", "North Koreans", "DPRK"),
    "PSE": (
        "Palestine",
        "Palestinian",
        "Palestinians",
        "Palestinian territories",
        "Gaza",
        "Gaza Strip",
        "Gazan",
        "Gazans",
        "West Bank",
        "State of Palestine",
    ),
    "QAT": ("Qatar", "Qatari", "Qataris"),
    "RUS": ("Russia", "Russian", "Russians", "Russian Federation"),
    "SAU": ("Saudi Arabia", "Saudi", "Saudis", "KSA"),
    "SDN": ("Sudan", "Sudanese"),
    "SOM": ("Somalia", "Somali", "Somalis"),
    "SSD": ("South Sudan", "South Sudanese"),
    "SYR": ("Syria", "Syrian", "Syrians", "Syrian Arab Republic"),
    "TUR": ("Turkey", "Türkiye", "Turkish", "Turks"),
    "UKR": ("Ukraine", "Ukrainian", "Ukrainians"),
    "USA": (
        "United States",
        "United States of America",
        "US",
        "U.S.",
        "USA",
        "U.S.A.",
        "America",
        "American",
        "Americans",
    ),
    "VEN": ("Venezuela", "Venezuelan", "Venezuelans"),
    "VNM": ("Vietnam", "Viet Nam", "Vietnamese"),
    "XKX": ("Kosovo", "Kosovar", "Kosovars"),
    "YEM": ("Yemen", "Yemeni", "Yemenis"),
}

# Codes outside ISO 3166-1 that the tables above use.
EXTRA_COUNTRY_CODES: frozenset[str] = frozenset({"XKX"})

# Other things with several names in the news: transliterations, acronyms, old spellings.
NAME_ALIASES: tuple[tuple[str, ...], ...] = (
    ("Kyiv", "Kiev"),
    ("Kharkiv", "Kharkov"),
    ("Odesa", "Odessa"),
    ("Mykolaiv", "Nikolaev", "Nikolayev"),
    ("Zaporizhzhia", "Zaporizhia", "Zaporozhye"),
    ("Luhansk", "Lugansk"),
    ("Dnipro", "Dnepr", "Dnipropetrovsk"),
    ("Albu Kamal", "Abu Kamal", "Al-Bukamal", "Boukamal", "Bukamal"),
    ("Deir ez-Zor", "Deir el-Zour", "Deir al-Zour", "Deir Ezzor", "Deir Ez-Zor"),
    ("Hodeidah", "Hudaydah", "Hodeida"),
    ("Sanaa", "Sana'a"),
    ("Islamic State", "IS", "ISIS", "ISIL", "Daesh", "Daash"),
    ("Hezbollah", "Hizbollah", "Hizballah", "Hizbullah"),
    ("Kataeb Hezbollah", "Kata'ib Hizballah", "Kataib Hezbollah"),
    ("Houthis", "Houthi", "Ansar Allah", "Ansarullah"),
    ("al-Shabaab", "al-Shabab", "Shabaab"),
    ("Israel Defense Forces", "IDF"),
    ("Islamic Revolutionary Guard Corps", "IRGC", "Revolutionary Guards"),
)
