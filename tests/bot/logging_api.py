"""The stand-in of Telegram, also writing every message it accepts to a file shared by several processes (one
JSON line: the replica that sent it, the chat, the start of the text) — what the citizens' phones received."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.local_api import RecordingBotApi


class LoggingBotApi(RecordingBotApi):
    def __init__(self, path: str | Path, name: str = "") -> None:
        super().__init__()
        self.path = Path(path)
        self.name = name

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        result = await super().do_request(url, method, request_data, *args, **kwargs)
        api_method = url.rsplit("/", 1)[-1]
        if api_method.startswith("send") and request_data is not None:
            params = dict(request_data.parameters)
            line = json.dumps(
                {
                    "replica": self.name,
                    "chat": params.get("chat_id"),
                    "text": str(params.get("text") or params.get("caption") or "")[:120],
                },
                ensure_ascii=False,
            )
            with self.path.open("a", encoding="utf-8") as fh:  # one write of one line: O_APPEND keeps lines whole
                fh.write(line + "\n")
        return result
