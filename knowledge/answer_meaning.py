"""Natural answers to the pre-check and "what can I get?" questions, beyond digits and yes/no.

«μόνο εγώ» to "how many adults?" is 1; «εγώ και ο άντρας μου» is 2; «με ενοίκιο» to "do you pay rent?" is yes,
«σε δικό μας σπίτι» is no; «άνεργη» to "out of work?" is yes; «2 παιδιά» to "children under 18?" is yes,
«κανένα» no. The text comes in normalised (`knowledge.eligibility.normalise`: lower case, no accents, final sigma
as σ); Greeklish is listed beside the Greek. None means "not read this way" and the usual parsing decides.
"""

from __future__ import annotations

import re

_ALONE = re.compile(
    r"^(?:μονο εγω|εγω μονο|μονοσ μου|μονη μου|μονο|εγω|μονοσ|μονη|ζω μονοσ|ζω μονη|mono ego|ego mono|monos mou|"
    r"moni mou|mono|ego|just me|only me|me|me alone|myself|i live alone)[.!]?$"
)
_COUPLE = re.compile(
    r"^(?:εγω και (?:ο|η) (?:αντρασ|αντρα|συζυγοσ|γυναικα|συντροφοσ|συντροφοσ)(?: μου)?|εμεισ οι δυο|"
    r"ego kai (?:o|i) (?:antras|syzygos|gynaika|gunaika)(?: mou)?|me and my (?:husband|wife|partner))[.!]?$"
)
_NEGATION = re.compile(r"\b(?:δεν|δε|οχι|χωρισ|den|oxi|ochi|xoris|not|no|without)\b")
_RENT = re.compile(r"ενοικ|νοικι|enoik|noik|\brent|δανει|daneio|mortgage")
_OWN = re.compile(r"δικο (?:μου|μασ)|ιδιοκτητ|diko (?:mou|mas)|own (?:house|home)|\bowner")
_UNEMPLOYED = re.compile(r"ανεργ|anerg|unemployed|χωρισ (?:δουλεια|εργασια)|xoris douleia|out of work|no job")
_EMPLOYED = re.compile(r"^(?:δουλευω|δουλευουμε|εργαζομαι|doulevo|i work|i have a job)[.!]?$")
_CHILD = re.compile(r"παιδ|paid|chave|child|kid")
_COUNT = re.compile(r"\b(\d{1,2}|ενα|δυο|τρια|τεσσερα|πεντε|εξι|ena|dyo|dio|duo|tria|tessera|one|two|three)\b")
_NONE = re.compile(r"^(?:κανενα|κανεισ|kanena|kaneis|none|no one|nobody)[.!]?$")
_NO_CHILD = re.compile(r"κανενα|χωρισ|kanena|xoris|\bno\b|none")


def count_meaning(key: str, norm: str) -> int | None:
    if key == "adults":
        if _ALONE.match(norm):
            return 1
        if _COUPLE.match(norm):
            return 2
    return None


def yes_no_meaning(key: str, norm: str) -> bool | None:
    """The yes/no a natural answer means for question `key`, or None."""
    negated = bool(_NEGATION.search(norm))
    if key in ("rents_home", "renting"):
        if _OWN.search(norm):
            return False
        if _RENT.search(norm):
            return not negated
    elif key == "unemployed":
        if _UNEMPLOYED.search(norm):
            return True
        if _EMPLOYED.match(norm):
            return False
    elif key == "has_children_under_18" and _CHILD.search(norm):
        return not (_NO_CHILD.search(norm) or (negated and not _COUNT.search(norm)))
    elif key == "has_children_under_18" and _NONE.match(norm):
        return False  # «κανένα» to "children under 18?": none
    elif key == "single_parent" and re.search(r"μονογονε|monogone|\b(?:μονοσ|μονη|monos|moni)\b|on my own", norm):
        return not negated
    return None
