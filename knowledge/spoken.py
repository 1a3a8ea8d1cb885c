"""An answer as it is read aloud («🔊 Ακούστε»): its sentences, without sources, links, bullets and emoji. The bot
speaks the topic's easy-to-read text; the console compares its hash with a recording's to tell when an answer has
changed since it was recorded."""

from __future__ import annotations

import html
import re

from knowledge import answers
from knowledge.answer import Answer

LISTEN_REGISTER = "el-simple"
_TAG = re.compile(r"<[^>]+>")
_SYMBOLS = re.compile("[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2b00-\u2bff\ufe0f\u200d]")
_SKIP = ("Πηγές", "Πηγή", "Sources", "ℹ")


def spoken_text(answer: Answer) -> str:
    lines: list[str] = []
    for part in answer.parts:
        for raw in html.unescape(_TAG.sub("", part)).splitlines():
            line = raw.strip()
            if not line or line.startswith(_SKIP) or "http" in line:
                continue
            line = _SYMBOLS.sub("", line).lstrip("•·-–— ").strip()
            if line:
                lines.append(line if line[-1] in ".;:!?…" else f"{line}.")
    return "\n".join(lines)


def topic_text(intent: str) -> str:
    """What «🔊 Ακούστε» reads for a topic: its easy-to-read answer."""
    return spoken_text(answers.render_topic(intent, LISTEN_REGISTER))
