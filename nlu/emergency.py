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
A word written "-λέξη" is an exclusion: the pattern does not count if that word is inside the match or among the
`_AFTER` words right after it ("χτυπάει τα άλλα παιδιά" and "το παιδί χτυπάει τα αδέρφια του" are a child's
behaviour, "χτυπάει το παιδί" is a child at risk). Names are words too: "μαχαίρι" is danger, the surnames
Μαχαιρίδης and Μαχαίρα are not, so knife words are whole words.
What is deliberately not here: unpaid bills, power cuts, a wish to move house, general stress or
being homeless without "tonight" – those are ordinary intents with their own answers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlu.normalise import fold

__all__ = ["CATEGORIES", "detect", "is_emergency"]

_GAP = 3
_AFTER = 2  # words after a match that an exclusion also looks at

CATEGORIES: dict[str, tuple[str, ...]] = {
    "violence": (
        "με/μας/τη/την/τον/τα χτυπ/χτουπ",
        "χτυπ/χτουπ με/μας=",
        "χτυπησε με/μας=",
        "marel=",
        "με/μας/τη/την/τα δερν",
        "δερνει/δερνι=",
        "με/μας βαρα/βαρεσ/βαρησ",
        "με/μας πλακωσ",
        "θα με/μας σκοτωσ",
        "σκοτωσει με/μας=",
        "να με/μας σκοτωσ",
        "με/μας απειλ",
        "απειλει/απειλουν εμενα/μας/παιδ",
        "με κλειδωσ",
        "σπαει/σπανε την πορτα",
        "κρυφτηκα",
        "κρυβομαι απο",
        "μας κλειδωσ",
        "καποιος μπηκε σπιτ",
        "μπηκε καποιος σπιτ",
        "διαρρηξ",
        "break/broke/breaking= in=/into=",
        "break/breaking= the/our/my= door",
        "κακοποι",
        "ενδοοικογενειακη βια=",
        "βια= σπιτ",
        "βιασμ",
        "βιασαν=",
        "βιαστηκα= απο",
        "με βιασε=",
        "φοβαμαι ζωη",
        "μαχαιρι=/μαχαιρια=/μαχαιριες=",
        "μαχαιρωσ/μαχαιρωμ",
        "οπλο=",
        "hits/hitting/hit/beats/beating/beat= me/us/my=",
        "hurting/hurts/hurt= me/us=",
        "he/she hits/beats",
        "kill= me/us/my=",
        "going to kill",
        "abuse",
        "abusive",
        "raped",
        "rape=",
        "violence=",
        "threatens/threatening",
        "knife",
        "beaten",
        "δεν ειμαι/νιωθω ασφαλ",
        "μελανιες=",
    ),
    "suicide": (
        "αυτοκτον",
        "θελ να πεθαν",
        "να πεθανω=",
        "δεν θελω/θελ να ζω/ζησω=",
        "δε θελω να ζω/ζησω=",
        "τελειωσ ζωη",
        "να τα τελειωσω ολα=",
        "να σκοτωθω",
        "σκοτωσω τον εαυτο",
        "κακο στον εαυτο",
        "κοψω φλεβ",
        "να κρεμαστ",
        "κρεμαστω",
        "πηδηξω απο",
        "ηπια/πηρα/πηρε/καταπια/παρω/πιω/καταπιω ολα/πολλα/κουτι χαπια",
        "μαζεψ χαπια",
        "τελος ζωη",
        "νοημα να ζω",
        "μην υπηρχα",
        "γραμμα αποχαιρετισμ",
        "κοβω τα χερια",
        "κοβω τον εαυτο",
        "πεσω/πεταχτω/πηδηξω απο μπαλκον/ταρατσα/γεφυρ",
        "merav=",
        "suicid",
        "want to die",
        "wanna die",
        "kill= myself",
        "end my life",
        "end it all",
        "hurt myself",
        "dont= want to live",
        "don= t= want to live",
        "not want to live",
    ),
    "child": (
        "παιδι κινδυν",
        "παιδια κινδυν",
        "κινδυν παιδι",
        "κινδυν παιδια",
        "χτυπ/χτουπ παιδ -αλλα",
        "παιδ χτυπ/χτουπ -αδερφ/αδελφ/συμμαθητ/αλλα",
        "δερν παιδ -αλλα",
        "παιδ δερν -αδερφ/αδελφ/συμμαθητ/αλλα",
        "αγγιξ παιδ",
        "κλειστο αυτοκινητο",
        "εξαφαν παιδ",
        "παιδ εξαφαν",
        "χαθηκε παιδ",
        "παιδ χαθηκε",
        "παρενοχλ",
        "κλειδωσ/κλειδωμεν παιδ/μωρ",
        "παιδ/μωρ κλειδωμεν",
        "μωρο/μωρακι μονο/μονος/μονη=",
        "child/kid/baby danger",
        "child/kid/baby missing",
        "baby alone",
        "child/kid/baby locked",
        "hurting child/kid/baby/my=",
        "chave marel",
        "κλειδωμενο/κλειδωμενη=",
        "χτυπ/χτουπ μελανι",
    ),
    "danger": (
        "κινδυνευ!",
        "σε κινδυνο=",
        "σωστε με",
        "σωσε με",
        "βοηθεια γρηγορα",
        "sos=",
        "112=",
        "in danger",
        "help me now",
        "save me",
        "emergency=",
    ),
    "no_shelter": (
        "που να κοιμηθ",
        "πουθενα να κοιμηθ",
        "που θα κοιμηθ",
        "που να μειν αποψε",
        "που θα μειν αποψε",
        "κοιμαμαι/κοιμομαστε/κοιμηθω/κοιμηθουμε δρομο",
        "κοιμαμαι/κοιμομαστε/κοιμηθω/κοιμηθουμε εξω",
        "στο δρομο αποψε",
        "αποψε στο δρομο",
        "δρομο με τα παιδια",
        "κοιμ αυτοκινητ",
        "παγκακι",
        "δεν εχουμε/εχω που να παμε/παω",
        "nane kher",
        "καηκε σπιτι",
        "αποψε στον δρομο",
        "μας πεταξ εξω",
        "με πεταξ εξω",
        "με διωξ σπιτι αποψε",
        "δεν εχω σπιτι αποψε",
        "χωρις σπιτι αποψε",
        "nowhere to sleep",
        "nowhere to stay",
        "no place to sleep/stay",
        "in/on street with",
        "sleep/sleeping on street",
        "sleep/sleeping outside",
        "sleeping rough",
        "on the street tonight",
        "kicked out",
    ),
    "medical": (
        "ασθενοφορ",
        "εκαβ=",
        "πνιγεται/πνιγηκε/πνιγονται=",
        "choking",
        "drowning",
        "166=",
        "δεν αναπν",
        "δυσκολ αναπν",
        "λιποθυμ",
        "εμφραγμ",
        "παθαινει/εχει/κανει εγκεφαλικο=",
        "πονο στηθ",
        "δεν ανασαιν",
        "επεσε σηκωθ",
        "σομπα καπνο",
        "μονοξειδ",
        "καηκε το παιδι/μωρο",
        "πονος στηθ",
        "αιμορραγ",
        "χανει αιμα",
        "πολυ αιμα",
        "τρεχει αιμα",
        "δεν ξυπνα",
        "σπασμους/σπασμοι=",
        "στομα στραβωσ",
        "επεσε δεν μιλα",
        "μελανιασ",
        "πυρετο/πυρετος 40/41/42=",
        "ηπιε/καταπιε/εφαγε χλωριν/φαρμακ/απορρυπαντ/οινοπνευμα",
        "υπερβολικη δοση",
        "δηλητηριασ",
        "καιγεται",
        "πηρε φωτια",
        "φωτια σπιτ",
        "ambulance",
        "heart attack",
        "having a stroke",
        "chest pain",
        "cant= breathe",
        "can= t= breathe",
        "not breathing",
        "bleeding",
        "overdose",
        "unconscious",
        "poison",
        "fire=",
        "στραβωσ στομα",
        "επαθε εγκεφαλικο=",
        "αναθυμιασ",
    ),
}


def _forms(word: str) -> list[str]:
    return sorted({fold(w) for w in word.rstrip("=!").split("/") if fold(w)}, key=len, reverse=True)


def _word_regex(word: str) -> str:
    suffix = {"=": r"(?!\S)", "!": r"\S*+(?! να(?!\S))"}.get(word[-1], r"\S*")
    return "(?:" + "|".join(re.escape(f) for f in _forms(word)) + f"){suffix}"


def _pattern_regex(pattern: str) -> str:
    gap = rf"(?: \S+){{0,{_GAP}}} "
    words = [w for w in pattern.split() if not w.startswith("-")]
    return r"(?<!\S)" + gap.join(_word_regex(w) for w in words)


# category, regex, excluded folded words, and for each word after the first the folded forms one of which must occur
_Entry = tuple[str, "re.Pattern[str]", tuple[str, ...], tuple[tuple[str, ...], ...]]


class _Lexicon:
    """The compiled patterns, indexed by their first word.

    Searching ~150 patterns in every message costs too much, so a message's words are looked up
    in an index of first words first, and only the few patterns that can start there are tried, and only at
    those words: a pattern's regex can match only where its first word does.
    """

    def __init__(self) -> None:
        self.whole: dict[str, list[_Entry]] = {}
        self.prefix: dict[str, list[_Entry]] = {}
        for category, patterns in CATEGORIES.items():
            for pattern in patterns:
                first = pattern.split()[0]
                excluded = tuple(f for w in pattern.split() if w.startswith("-") for f in _forms(w[1:]))
                later = [w for w in pattern.split()[1:] if not w.startswith("-")]
                needs = tuple(tuple(_forms(w)) for w in later)
                entry: _Entry = (category, re.compile(_pattern_regex(pattern)), excluded, needs)
                index = self.whole if first.endswith("=") else self.prefix
                for form in _forms(first):
                    index.setdefault(form, []).append(entry)
        # Every beginning (2+ letters) of a first-word prefix, with the patterns of the prefix it completes (often
        # none): a word is cut at growing lengths only while its beginning is still one of these, so most words
        # cost one or two look-ups instead of one per prefix length.
        self.stems: dict[str, list[_Entry]] = {}
        for form, entries in self.prefix.items():
            for k in range(2, len(form)):
                self.stems.setdefault(form[:k], [])
            self.stems.setdefault(form, []).extend(entries)
        assert all(len(form) >= 2 for form in self.prefix)  # the walk starts at two letters

    def starts(self, folded: str) -> dict[int, tuple[_Entry, list[int]]]:
        """The patterns that can match somewhere in `folded`, each once, with the positions of the words they can
        start at (ascending)."""
        found: dict[int, tuple[_Entry, list[int]]] = {}
        whole, stems = self.whole, self.stems
        position = 0
        for word in folded.split(" "):  # the fold leaves single spaces between words, none at the ends
            entries = list(whole.get(word, ()))
            for k in range(2, len(word) + 1):
                more = stems.get(word[:k])
                if more is None:
                    break
                entries += more
            for entry in entries:
                key = id(entry)
                if key in found:
                    if found[key][1][-1] != position:  # a word can start one pattern by two of its forms
                        found[key][1].append(position)
                else:
                    found[key] = (entry, [position])
            position += len(word) + 1
        return found


def _excluded(excluded: tuple[str, ...], folded: str, match: re.Match[str]) -> bool:
    """True when an excluded word (a prefix) is inside the match or among the `_AFTER` words after it."""
    words = match.group(0).split() + folded[match.end() :].split()[:_AFTER]
    return any(w.startswith(x) for w in words for x in excluded)


def _fires(entry: _Entry, folded: str, positions: list[int]) -> bool:
    """`regex.finditer(folded)` with the exclusion, tried only at the words the pattern can start at.

    The same matches in the same order as finditer: it takes the leftmost match at or after the end of the last
    one, and a match can only start at one of `positions`.
    """
    _, regex, excluded, needs = entry
    # A match contains each later word, so one of its forms occurs in the text: a substring test is far cheaper
    # than a match attempt, and the first word alone (με, να, τα) brings many patterns that cannot match.
    for forms in needs:
        for form in forms:
            if form in folded:
                break
        else:
            return False
    end = 0
    for position in positions:
        if position < end:
            continue
        m = regex.match(folded, position)
        if m is None:
            continue
        if not excluded or not _excluded(excluded, folded, m):
            return True
        end = m.end()
    return False


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon()


_ORDER = {category: i for i, category in enumerate(CATEGORIES)}


def detect(text: str, folded: str | None = None) -> str | None:
    """The danger category a message clearly names ("violence", "suicide", …), or None.

    Pass `folded` when the caller already folded the text, to avoid folding twice.
    """
    key = fold(text) if folded is None else folded
    if not key:
        return None
    hits = [entry[0] for entry, positions in _lexicon().starts(key).values() if _fires(entry, key, positions)]
    # Report the first category in CATEGORIES order, so the answer does not depend on word order.
    return min(hits, key=_ORDER.__getitem__) if hits else None


def is_emergency(text: str) -> bool:
    """True when the message names an immediate danger."""
    return detect(text) is not None
