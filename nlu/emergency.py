"""Safety net for emergencies: clear danger phrases force the intent `emergency`.

A statistical classifier can miss a rare, badly spelled cry for help; missing one is far worse than
a false alarm (nlu-intents.md), so a message that contains one of these phrases is an emergency
whatever the classifier says. The phrases are matched on the folded text (`nlu.normalise.fold`),
so accents, capitals, phonetic misspellings and Greeklish all match the same entry.

Pattern syntax: words separated by spaces must appear in this order with at most `_GAP` other
words between them; a word matches any folded word that begins with it (so "χτυπ" covers
χτυπάει/χτύπησε/xtypaei), unless it ends in "=" (whole word only, for short words such as "kill=",
which would otherwise also match "κιλά"), or in "!" (prefix, but not followed by "να": "κινδυνεύω"
is danger, "κινδυνεύω να χάσω το σπίτι" is a housing question). "/" separates alternatives.
What is deliberately not here: unpaid bills, power cuts, a wish to move house, general stress or
being homeless without "tonight" – those are ordinary intents with their own answers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlu.normalise import fold

__all__ = ["CATEGORIES", "detect", "is_emergency"]

_GAP = 3

CATEGORIES: dict[str, tuple[str, ...]] = {
    "violence": (
        "με/μας/τη/την/τον/τα χτυπ", "χτυπ με/μας=", "χτυπησε με/μας=", "με/μας/τη/την/τα δερν",
        "δερνει/δερνι=", "με/μας βαρα/βαρεσ/βαρησ", "με/μας πλακωσ", "θα με/μας σκοτωσ", "σκοτωσει με/μας=",
        "να με/μας σκοτωσ", "με/μας απειλ", "με κλειδωσ", "μας κλειδωσ",
        "κακοποι", "ενδοοικογενειακη βια=", "βια= σπιτ", "βιασμ", "βιασαν=", "βιαστηκα= απο",
        "με βιασε=", "φοβαμαι ζωη", "μαχαιρ", "οπλο=",
        "hits/hitting/hit/beats/beating/beat= me/us/my=", "he/she hits/beats", "kill= me/us/my=",
        "going to kill", "abuse", "abusive", "raped", "rape=", "violence=", "threatens/threatening",
        "knife", "marel man=",
    ),
    "suicide": (
        "αυτοκτον", "θελ να πεθαν", "να πεθανω=", "δεν θελω/θελ να ζω/ζησω=",
        "δε θελω να ζω/ζησω=", "τελειωσ ζωη", "να τα τελειωσω ολα=", "να σκοτωθω",
        "σκοτωσω τον εαυτο", "κακο στον εαυτο", "κοψω φλεβ", "να κρεμαστ", "κρεμαστω",
        "πηδηξω απο", "ηπια/πηρα/πηρε/καταπια ολα/πολλα/κουτι χαπια", "suicid", "want to die",
        "wanna die", "kill= myself", "end my life", "end it all", "hurt myself", "dont= want to live",
        "don= t= want to live", "not want to live",
    ),
    "child": (
        "παιδι κινδυν", "παιδια κινδυν", "κινδυν παιδι", "κινδυν παιδια", "χτυπ παιδ",
        "παιδ χτυπ", "δερν παιδ", "παιδ δερν", "εξαφαν παιδ", "παιδ εξαφαν", "χαθηκε παιδ",
        "παιδ χαθηκε", "παρενοχλ", "child/kid/baby danger", "child/kid/baby missing",
        "hurting child/kid/baby/my=", "chave marel",
    ),
    "danger": (
        "κινδυνευ!", "σωστε με", "σωσε με", "βοηθεια γρηγορα", "sos=", "112=",
        "in danger", "help me now", "save me", "emergency=",
    ),
    "no_shelter": (
        "που να κοιμηθ", "πουθενα να κοιμηθ", "που θα κοιμηθ", "που να μεινω αποψε",
        "που θα μεινω αποψε", "κοιμαμαι/κοιμομαστε/κοιμηθω/κοιμηθουμε δρομο",
        "κοιμαμαι/κοιμομαστε/κοιμηθω/κοιμηθουμε εξω", "στο δρομο αποψε", "αποψε στο δρομο",
        "αποψε στον δρομο", "μας πεταξ εξω", "με πεταξ εξω", "με διωξ σπιτι αποψε",
        "δεν εχω σπιτι αποψε", "χωρις σπιτι αποψε", "nowhere to sleep", "nowhere to stay",
        "sleep/sleeping on street", "sleep/sleeping outside", "sleeping rough", "on the street tonight",
        "kicked out",
    ),
    "medical": (
        "ασθενοφορ", "εκαβ=", "166=", "δεν αναπν", "δυσκολ αναπν", "λιποθυμ", "εμφραγμ", "εγκεφαλικ",
        "πονο στηθ", "πονος στηθ", "αιμορραγ", "χανει αιμα", "πολυ αιμα", "τρεχει αιμα", "δεν ξυπνα",
        "σπασμους/σπασμοι=", "υπερβολικη δοση", "δηλητηριασ", "καιγεται", "πηρε φωτια", "φωτια σπιτ",
        "ambulance", "heart attack", "stroke", "chest pain", "cant= breathe", "can= t= breathe",
        "not breathing", "bleeding", "overdose", "unconscious", "poison", "fire=",
    ),
}


def _word_regex(word: str) -> str:
    suffix = {"=": r"(?!\S)", "!": r"\S*+(?! να(?!\S))"}.get(word[-1], r"\S*")
    word = word.rstrip("=!")
    forms = sorted({fold(w) for w in word.split("/") if fold(w)}, key=len, reverse=True)
    body = "|".join(re.escape(f) for f in forms)
    return f"(?:{body}){suffix}"


def _pattern_regex(pattern: str) -> str:
    gap = rf"(?: \S+){{0,{_GAP}}} "
    return r"(?<!\S)" + gap.join(_word_regex(w) for w in pattern.split())


@lru_cache(maxsize=1)
def _compiled() -> dict[str, re.Pattern[str]]:
    return {
        category: re.compile("|".join(f"(?:{_pattern_regex(p)})" for p in patterns))
        for category, patterns in CATEGORIES.items()
    }


def detect(text: str, folded: str | None = None) -> str | None:
    """The danger category a message clearly names ("violence", "suicide", …), or None.

    Pass `folded` when the caller already folded the text, to avoid folding twice.
    """
    key = fold(text) if folded is None else folded
    if not key:
        return None
    for category, regex in _compiled().items():
        if regex.search(key):
            return category
    return None


def is_emergency(text: str) -> bool:
    """True when the message names an immediate danger."""
    return detect(text) is not None
