"""JSON log lines (`KOINOTITA_JSON_LOGS=true`): time, level, logger and message — the message as our code wrote
it, which never holds message text, names or phone numbers, and passes through `PiiLogFilter` first."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__  # the class only: an exception's text may quote input
        return json.dumps(entry, ensure_ascii=False)
