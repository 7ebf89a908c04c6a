"""The dateline that opens many wire reports ("YEREVAN—", "LONDON, May 21 (Reuters) - "), and its removal."""

from __future__ import annotations

import re

# Three forms, any of which is a dateline: capitalised place words, an optional ", May 21" and "(Agency)",
# then an em or en dash or a spaced hyphen ("US-led" is no dateline); or capitalised words, anything short
# after a comma ("KAPAN, Syunik Province"), then an em or en dash; or a place in title case and a broadcaster
# without brackets ("New York CNN Business —", 230 of the 262 cnn.com reports here), the broadcasters named
# because "The NFL —" or "Boyz II Men –" open sentences too.
# Broadcasters and wire services whose name a dateline gives without brackets ("New York CNN —").
BROADCASTERS = ("CNN", "AP", "AFP", "UPI", "BBC", "NPR")
_DATELINE = re.compile(
    r"^(?:(?:[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Z.'’-]+)*(?:,\s+[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?\s*"
    r"(?:\([A-Za-z .&]+\)\s*)?|\([A-Za-z .&]+\)\s*)(?:[—–]{1,2}|\s-{1,2}\s)\s*"
    r"|[A-Z][A-Z .'’-]{1,30}(?:,[^—–\n]{1,30})?\s*[—–]\s*(?=\S)"
    r"|(?!(?:The|A|An|This|That|But|And|In|On|At)\s)(?:[A-Z][a-z][\w.'’-]*\s+){1,3}"
    rf"(?:{'|'.join(BROADCASTERS)})(?:\s+Business)?\s*[—–]\s*(?=\S))"
)


def strip_dateline(text: str) -> str:
    """The text without an opening dateline ("" if the text is nothing but one)."""
    return _DATELINE.sub("", text, count=1)
