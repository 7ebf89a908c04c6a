"""Answer text normalised for comparison (SQuAD v1.1's rules, plus accents, unicode dashes and number words).

Shared by the reader, which groups mentions of one answer, and by the evaluation, which compares answers.
"""

from __future__ import annotations

import calendar
import re
import unicodedata

from index.dates import MONTHS

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u00b4\u0060"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb"
_QUOTE_DASH_TABLE = str.maketrans(
    {
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_SINGLE_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
    }
)

# A comma between digits followed by exactly three digits groups thousands: "1,000" -> "1000".
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Every punctuation or symbol character, except a decimal point between two digits ("2.5" stays one token).
_PUNCT = re.compile(r"(?!(?<=\d)\.(?=\d))[^\w\s]|_")
_ARTICLES = frozenset({"a", "an", "the"})
# Zeros that end a decimal fraction, and then a bare point: "1.80" is "1.8", "3.0" is "3" (one value).
_DECIMAL_ZEROS = re.compile(r"(?<=\d)(?:(\.\d*?[1-9])0+|\.0+)$")

# Number words below twenty and their values (also `support.terms`' stems of "two" to "ten").
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}  # fmt: skip
_ORDINAL_TENS = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90,
}  # fmt: skip


def _ordinal(n: int) -> str:
    """Digits with an English ordinal suffix: 1 -> "1st", 12 -> "12th", 23 -> "23rd"."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _numbers_to_digits(tokens: list[str]) -> list[str]:
    """Replace number words by digits ("three" -> "3", "twenty one" -> "21", "thirtieth" -> "30th")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok in _TENS:
            # "twenty-one" has become "twenty one" after punctuation removal: join it back into one number.
            if nxt in NUMBER_WORDS and 1 <= NUMBER_WORDS[nxt] <= 9:
                out.append(str(_TENS[tok] + NUMBER_WORDS[nxt]))
                i += 2
                continue
            if nxt in _ORDINAL_UNITS and _ORDINAL_UNITS[nxt] <= 9:
                out.append(_ordinal(_TENS[tok] + _ORDINAL_UNITS[nxt]))
                i += 2
                continue
            out.append(str(_TENS[tok]))
        elif tok in NUMBER_WORDS:
            out.append(str(NUMBER_WORDS[tok]))
        elif tok in _ORDINAL_UNITS:
            out.append(_ordinal(_ORDINAL_UNITS[tok]))
        elif tok in _ORDINAL_TENS:
            out.append(_ordinal(_ORDINAL_TENS[tok]))
        else:
            out.append(tok)
        i += 1
    return out


# A month's abbreviation beside a number is the month: "Feb. 12" is "February 12", "Sept. 2024" "September".
_MONTH_NAMES = {word: calendar.month_name[n].lower() for word, n in MONTHS.items()}


def _months_in_full(tokens: list[str]) -> list[str]:
    """Month abbreviations written out where a number stands beside them ("Jan Brewer" stays Jan)."""
    return [
        _MONTH_NAMES[t]
        if t in _MONTH_NAMES and any(0 <= j < len(tokens) and tokens[j].isdigit() for j in (i - 1, i + 1))
        else t
        for i, t in enumerate(tokens)
    ]


def _tokens(s: str) -> list[str]:
    """The normalised tokens of s (see `normalize_answer`)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    # Redundant with punctuation removal below for matching, but keeps quote/dash handling explicit
    # and independent of what counts as punctuation.
    s = s.translate(_QUOTE_DASH_TABLE).lower()
    s = _THOUSANDS_COMMA.sub("", s)
    s = _PUNCT.sub(" ", s)
    tokens = [_DECIMAL_ZEROS.sub(r"\1", t) for t in s.split() if t not in _ARTICLES]
    return _months_in_full(_numbers_to_digits(tokens))


def normalize_answer(s: str) -> str:
    """Normalise text for comparison, as SQuAD v1.1 does, plus accents, unicode dashes/quotes and numbers.

    Steps: NFKD and drop combining marks ("Orbán" -> "orban"); map unicode dashes and quotes to ASCII;
    lower case; drop thousands separators ("1,000" -> "1000"); replace punctuation by spaces; drop the
    articles a/an/the; drop the zeros that end a decimal fraction ("1.80" -> "1.8"); turn number words
    into digits ("three" -> "3", "thirtieth" -> "30th") and a month's abbreviation beside a number into
    the month ("Feb. 12" -> "february 12"); collapse whitespace. Unlike SQuAD, punctuation
    becomes a space rather than vanishing, so that "May 20-21" gives the tokens "may 20 21" (not
    "may 2021") and "Armenia-Russia" still contains "Russia".
    """
    return " ".join(_tokens(s))
