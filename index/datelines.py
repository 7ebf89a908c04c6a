"""The dateline that opens many wire reports ("YEREVAN—", "LONDON, May 21 (Reuters) - "), and its removal."""

from __future__ import annotations

import re

# Two forms, either of which is a dateline: capitalised place words, an optional ", May 21" and "(Agency)",
# then an em or en dash or a spaced hyphen ("US-led" is no dateline); or capitalised words, anything short
# after a comma ("KAPAN, Syunik Province"), then an em or en dash.
_DATELINE = re.compile(
    r"^(?:(?:[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Z.'’-]+)*(?:,\s+[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?\s*"
    r"(?:\([A-Za-z .&]+\)\s*)?|\([A-Za-z .&]+\)\s*)(?:[—–]{1,2}|\s-{1,2}\s)\s*"
    r"|[A-Z][A-Z .'’-]{1,30}(?:,[^—–\n]{1,30})?\s*[—–]\s*(?=\S))"
)


def strip_dateline(text: str) -> str:
    """The text without an opening dateline ("" if the text is nothing but one)."""
    return _DATELINE.sub("", text, count=1)
