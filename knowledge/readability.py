"""A plain-language check for `el-simple` answers: short sentences, few long words, short lines.

The limits follow easy-to-read guidance (one idea per sentence, everyday words, one idea per line)
and are documented in docs/knowledge.md. They are deliberately mechanical: a failure means a
person should reread the sentence, not that a formula knows best.

What is measured is the text a citizen reads: tags are removed, entities decoded, and web
addresses, domains and e-mail addresses are ignored (they are links, not words to read).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_SENTENCE_WORDS = 12  # words in one sentence
LONG_WORD_LETTERS = 14  # a word this long is hard for a weak reader...
MAX_LONG_WORDS_PER_SENTENCE = 1  # ...so at most one of them in a sentence
MEDIUM_WORD_LETTERS = 10
MAX_MEDIUM_WORD_SHARE = 0.20  # at most a fifth of a text's words with 10+ letters...
MIN_WORDS_FOR_SHARE = 40  # ...measured only on texts long enough for a share to mean something
MAX_LINE_CHARS = 120  # one line on a phone screen is ~35 characters: at most ~3-4 screen lines
MAX_SENTENCES_PER_LINE = 2

_TAG = re.compile(r"<[^>]+>")
_LINK_LIKE = re.compile(r"https?://\S+|\S+@\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:gr|eu|com|net|org|gov)[^\s)]*", re.I)
# A sentence ends at . ! ? ; (the Greek question mark) followed by a space or the end of the line;
# "2.400" or "1/12/2023" therefore never split a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+")
# A number with its separators ("1.296", "1/12/2023", "3ο") is one word, as it is read.
_WORD = re.compile(r"\d+(?:[.,/:–-]\d+)*[^\W\d_]*|[^\W\d_]+(?:[-'’‑][^\W\d_]+)*")


@dataclass(frozen=True)
class Issue:
    rule: str  # sentence_length | long_words | long_word_share | line_length | sentences_per_line
    text: str  # the sentence or line that breaks the rule
    detail: str


def plain_text(text: str) -> str:
    """What a citizen reads: no tags, entities decoded, links left out."""
    text = html.unescape(_TAG.sub("", text))
    # A link in brackets, "(opeka.gr)", leaves empty brackets behind: drop them too.
    return re.sub(r"\(\s*\)", "", _LINK_LIKE.sub("", text))


def sentences(line: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(line.strip()) if s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _letters(word: str) -> int:
    return sum(ch.isalpha() for ch in word)


def check_text(text: str) -> list[Issue]:
    """Every place where an el-simple text breaks a limit; an empty list means it passes."""
    issues: list[Issue] = []
    all_words: list[str] = []
    for raw_line in plain_text(text).splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if len(line) > MAX_LINE_CHARS:
            issues.append(Issue("line_length", line, f"{len(line)} characters > {MAX_LINE_CHARS}"))
        line_sentences = sentences(line)
        if len(line_sentences) > MAX_SENTENCES_PER_LINE:
            issues.append(
                Issue("sentences_per_line", line, f"{len(line_sentences)} sentences > {MAX_SENTENCES_PER_LINE}")
            )
        for sentence in line_sentences:
            found = words(sentence)
            all_words += found
            if len(found) > MAX_SENTENCE_WORDS:
                issues.append(Issue("sentence_length", sentence, f"{len(found)} words > {MAX_SENTENCE_WORDS}"))
            long_words = [w for w in found if _letters(w) >= LONG_WORD_LETTERS]
            if len(long_words) > MAX_LONG_WORDS_PER_SENTENCE:
                issues.append(Issue("long_words", sentence, ", ".join(long_words)))
    if len(all_words) >= MIN_WORDS_FOR_SHARE:
        share = sum(_letters(w) >= MEDIUM_WORD_LETTERS for w in all_words) / len(all_words)
        if share > MAX_MEDIUM_WORD_SHARE:
            issues.append(
                Issue(
                    "long_word_share",
                    "",
                    f"{share:.0%} of words have {MEDIUM_WORD_LETTERS}+ letters > {MAX_MEDIUM_WORD_SHARE:.0%}",
                )
            )
    return issues


def stats(text: str) -> dict[str, float]:
    """Figures for the docs and for people tuning content: sentence and word lengths."""
    sents = [s for line in plain_text(text).splitlines() for s in sentences(line)]
    ws = [w for s in sents for w in words(s)]
    return {
        "sentences": len(sents),
        "words": len(ws),
        "max_sentence_words": max((len(words(s)) for s in sents), default=0),
        "mean_sentence_words": (len(ws) / len(sents)) if sents else 0.0,
        "medium_word_share": (sum(_letters(w) >= MEDIUM_WORD_LETTERS for w in ws) / len(ws)) if ws else 0.0,
    }
