"""Files citizens sent, played, shown or downloaded in the console — only by those who may see the request or the
conversation they came with (404 otherwise, as if they did not exist), and every opening is in the audit log.

Audio is served with byte ranges (a browser's audio element asks for them to learn the duration and to seek).
"""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import Response

from core.attachments import attachment_with_content
from staff_console.access import STAFF, CurrentViewer, Viewer
from staff_console.deps import DbSession
from staff_console.errors import NotFound
from staff_console.routes.common import protected_router
from staff_console.routes.conversations import scoped_conversation
from staff_console.routes.intakes import scoped_intake

router = protected_router()
EXTENSIONS = {"audio/ogg": "ogg", "image/jpeg": "jpg", "application/pdf": "pdf"}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


async def _check_scope(session: DbSession, viewer: Viewer, intake_id: int | None, conversation_id: int | None) -> None:
    if intake_id is not None:
        await scoped_intake(session, viewer, intake_id)
    elif conversation_id is not None and (viewer.role in ("admin", "coordinator", STAFF)):
        await scoped_conversation(session, viewer, conversation_id)
    else:
        raise NotFound()


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) of a single `Range: bytes=a-b` request, None for the whole file or a range we do not serve."""
    match = _RANGE.match(header or "")
    if not match or (not match.group(1) and not match.group(2)):
        return None
    if not match.group(1):  # the last n bytes
        first, last = max(0, size - int(match.group(2))), size - 1
    else:
        first = int(match.group(1))
        last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
    return (first, last) if first <= last < size else None


@router.get("/media/{attachment_id}", name="media.file")
async def media_file(
    request: Request, viewer: CurrentViewer, session: DbSession, attachment_id: int, download: str = ""
) -> Response:
    attachment = await attachment_with_content(session, attachment_id)
    if attachment is None:
        raise NotFound()
    await _check_scope(session, viewer, attachment.intake_id, attachment.conversation_id)
    content, mime = attachment.content, attachment.mime
    wanted = byte_range(request.headers.get("range"), len(content))
    if wanted is None or wanted[0] == 0:  # one audit event per opening, not one per chunk the player fetches
        viewer.audit(
            session,
            "download" if download else "view",
            "attachment",
            str(attachment.id),
            {"intake_id": attachment.intake_id, "conversation_id": attachment.conversation_id},
        )
        await session.commit()
    name = f"koinotita-{attachment.id}.{EXTENSIONS.get(mime, 'bin')}"
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": "no-store",
        "Content-Disposition": f'{"attachment" if download else "inline"}; filename="{name}"',
    }
    if wanted is None:
        return Response(content, media_type=mime, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{len(content)}"
    return Response(content[first : last + 1], status_code=206, media_type=mime, headers=headers)
