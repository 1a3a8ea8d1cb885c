"""Files citizens sent, in the console: shown on the request and conversation pages, served only within the
viewer's scope (404 otherwise), with byte ranges for the audio player, audited, and counted in the reports."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.attachments import store_attachment
from core.media import check_media
from core.models import AuditEvent
from core.period_report import period_report, totals
from tests.media_files import PDF, VOICE
from tests.staff_console.conftest import START, Console, login_ok
from tests.staff_console.records import Records, make_records


async def add_files(console: Console, records: Records) -> tuple[int, int]:
    async with console.db.session() as session:
        voice = await store_attachment(
            session,
            check_media(VOICE),
            intake_id=records.intake_kastoria,
            citizen_id=records.citizen_id,
            telegram_chat_id=555001,
            centre_id="kk-kastoria",
            now=START,
        )
        pdf = await store_attachment(
            session,
            check_media(PDF),
            conversation_id=records.conversation_kastoria,
            citizen_id=records.citizen_id,
            telegram_chat_id=555001,
            centre_id="kk-kastoria",
            now=START,
        )
        await session.commit()
        return voice.id, pdf.id


async def test_the_centre_sees_hears_and_downloads_the_files(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    voice_id, pdf_id = await add_files(console, records)
    async with console.client() as client:
        await login_ok(client, "kastoria")
        page = (await client.get(f"/intakes/{records.intake_kastoria}")).text
        assert f'<audio controls preload="metadata" src="/media/{voice_id}"' in page
        assert f'<img src="/media/{records.attachment_kastoria}"' in page
        audio = await client.get(f"/media/{voice_id}")
        assert audio.status_code == 200 and audio.content == VOICE
        assert audio.headers["content-type"] == "audio/ogg" and audio.headers["accept-ranges"] == "bytes"
        part = await client.get(f"/media/{voice_id}", headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.content == VOICE[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{len(VOICE)}"
        tail = await client.get(f"/media/{voice_id}", headers={"Range": "bytes=-10"})
        assert tail.status_code == 206 and tail.content == VOICE[-10:]
        talk = (await client.get(f"/conversations/{records.conversation_kastoria}")).text
        assert f'href="/media/{pdf_id}?download=1"' in talk and "Έγγραφο PDF" in talk
        download = await client.get(f"/media/{pdf_id}?download=1")
        assert download.content == PDF
        assert download.headers["content-disposition"] == f'attachment; filename="koinotita-{pdf_id}.pdf"'
        csp = download.headers["content-security-policy"]
        assert "media-src 'self'" in csp
    async with console.db.session() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.record_kind == "attachment"))).all()
    # One event per opening (not per chunk the player fetches), each with the record it belongs to.
    assert [(e.action, e.record_id) for e in events] == [("view", str(voice_id)), ("download", str(pdf_id))]
    assert events[0].actor_id == str(console.user_ids["kastoria"])


async def test_other_centres_and_mediators_get_nothing_outside_their_scope(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    voice_id, pdf_id = await add_files(console, records)
    async with console.client() as client:
        await login_ok(client, "kozani")
        assert (await client.get(f"/media/{voice_id}")).status_code == 404
        assert (await client.get(f"/media/{pdf_id}")).status_code == 404
        assert (await client.get("/media/99999")).status_code == 404
    async with console.client() as client:
        await login_ok(client, "mediator")  # created the intake: its files, not the conversation's
        assert (await client.get(f"/media/{voice_id}")).status_code == 200
        assert (await client.get(f"/media/{pdf_id}")).status_code == 404


async def test_reports_count_the_files_by_kind(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    await add_files(console, records)
    async with console.db.session() as session:
        rows = await period_report(session, first=date(2026, 11, 1), last=date(2026, 11, 30))
    kastoria = next(r for r in rows if r.centre_id == "kk-kastoria")
    assert (kastoria.voice_notes, kastoria.photos, kastoria.documents) == (1, 1, 1)
    assert (totals(rows).voice_notes, totals(rows).photos) == (1, 1)
    async with console.client() as client:
        await login_ok(client, "coord")
        page = (await client.get("/reports?month=2026-11")).text
        assert "Φωνητικά μηνύματα πολιτών" in page and "Φωτογραφίες πολιτών" in page
        csv = (await client.get("/reports.csv?month=2026-11")).text
    assert "Φωνητικά μηνύματα πολιτών" in csv.splitlines()[0]
