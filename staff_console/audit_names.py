"""How the audit log reads to a person: usernames instead of account ids, centre names instead of centre ids,
labelled actions, record kinds and details (the stored event keeps ids only)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import AuditEvent, Centre, StaffUser
from staff_console.catalogue import has_label, label, t

STAFF_KINDS = frozenset({"staff", "admin", "coordinator", "mediator"})


@dataclass(frozen=True)
class AuditNames:
    users: dict[int, str]
    centres: dict[str, str]

    def user(self, value: object) -> str:
        text = str(value)
        return self.users.get(int(text), t("audit.account", id=text)) if text.isdigit() else text

    def actor(self, event: AuditEvent) -> str:
        if event.actor_kind == "citizen":
            return t("audit.citizen", id=event.actor_id) if event.actor_id else label("actor_kind", "citizen")
        if event.actor_kind in STAFF_KINDS and event.actor_id:
            return self.user(event.actor_id)
        return label("actor_kind", event.actor_kind)

    def record(self, event: AuditEvent) -> str:
        kind = label("record_kind", event.record_kind)
        rid = event.record_id
        if not rid:
            return kind
        if event.record_kind == "staff_user":
            return f"{kind}: {self.user(rid)}"
        if event.record_kind == "centre":
            return f"{kind}: {self.centres.get(rid, rid)}"
        if event.record_kind == "appointments" and ":" in rid:
            centre, _, day = rid.partition(":")
            where = t("audit.all_centres") if centre == "all" else self.centres.get(centre, centre)
            return f"{kind}: {where}, {day}"
        if rid.isdigit():
            return t("audit.record", kind=kind, id=rid)
        return f"{kind}: {rid}"

    def detail(self, key: str, value: object) -> str:
        return f"{label('detail', key)}: {self.value(key, value)}"

    def value(self, key: str, value: object) -> str:
        if isinstance(value, list):
            if key == "status" and len(value) == 2:
                return f"{label('status', value[0])} → {label('status', value[1])}"
            return ", ".join(self.value(key, v) for v in value)
        if key == "role":
            return label("role", value)
        if key == "status":
            return label("appointment", value) if has_label("appointment", str(value)) else label("status", value)
        if key == "centre_id":
            return self.centres.get(str(value), str(value))
        if key == "staff_user_id":
            return self.user(value)
        if key == "fields":
            return label("centre_field", value)
        if key == "service":
            return label("service", value)
        return label("detail_value", value)


async def audit_names(session: AsyncSession, events: Iterable[AuditEvent]) -> AuditNames:
    ids: set[int] = set()
    for event in events:
        for value in (
            event.actor_id,
            event.record_id if event.record_kind == "staff_user" else None,
            (event.details or {}).get("staff_user_id"),
        ):
            if value is not None and str(value).isdigit():
                ids.add(int(str(value)))
    users = (
        dict((await session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids)))).all())
        if ids
        else {}
    )
    centres = dict((await session.execute(select(Centre.id, Centre.name_el))).all())
    return AuditNames(users=users, centres=centres)
