"""Centre buttons people recognise: the town first (Σιάτιστα, Πτολεμαΐδα, Λαιμός), then what kind of place it is,
instead of fifteen long official names; the nearest first when the citizen's place is known (a shared location, or
the centre that serves them)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import services_of
from core.centres import get_centre, list_centres
from core.citizens import citizen_by_telegram_id
from core.models import Centre
from core.routing import RouteResult
from knowledge.geo import haversine_km
from knowledge.messages import plain

NEAR = "near"  # user_data: [lat, lon] of the last location the citizen shared


def centre_label(centre: Centre, register: str) -> str:
    town = (centre.town_en if register == "en" else centre.town_el) or (
        centre.name_en if register == "en" else centre.name_el
    )
    return plain(f"centre_button_{centre.kind}", register, town=town)


def remember_position(context: ContextTypes.DEFAULT_TYPE, lat: float, lon: float) -> None:
    """Kept to about a kilometre (two decimals): enough to order centres, not a home address."""
    if context.user_data is not None:
        context.user_data[NEAR] = [round(lat, 2), round(lon, 2)]


def route_shared_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> RouteResult | None:
    """A location the citizen shared: remembered (to order centre lists) and routed to the centre serving the
    nearest settlement — how every flow reads a shared location. None outside the region or with no location."""
    message = update.effective_message
    if message is None or message.location is None:
        return None
    lat, lon = message.location.latitude, message.location.longitude
    remember_position(context, lat, lon)
    return services_of(context).router.route_location(lat, lon)


async def known_position(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> tuple[float, float] | None:
    """Where the citizen is, as far as we know: a location they shared, else the town of the centre serving them."""
    near = context.user_data.get(NEAR) if context.user_data is not None else None
    if isinstance(near, list) and len(near) == 2:
        return float(near[0]), float(near[1])
    if user_id is None:
        return None
    async with services_of(context).db.session() as session:
        citizen = await citizen_by_telegram_id(session, user_id)
        home = await get_centre(session, citizen.home_centre_id) if citizen and citizen.home_centre_id else None
    return (home.lat, home.lon) if home is not None and home.lat is not None and home.lon is not None else None


def nearest_first(centres: Sequence[Centre], position: tuple[float, float] | None) -> list[Centre]:
    if position is None:
        return list(centres)
    lat, lon = position
    return sorted(
        centres, key=lambda c: haversine_km(lat, lon, c.lat, c.lon) if c.lat is not None and c.lon is not None else 1e9
    )


async def centre_rows(
    context: ContextTypes.DEFAULT_TYPE, centres: Sequence[Centre], register: str, prefix: str, user_id: int | None
) -> list[list[tuple[str, str]]]:
    """One button a row, `prefix + centre id` as callback data, nearest first when the place is known."""
    ordered = nearest_first(centres, await known_position(context, user_id))
    return [[(centre_label(c, register), f"{prefix}{c.id}")] for c in ordered]


async def all_centre_rows(
    update: Update, context: ContextTypes.DEFAULT_TYPE, register: str, prefix: str
) -> list[list[tuple[str, str]]]:
    """Every place of service as buttons for this citizen (the list every flow offers when typing is hard)."""
    async with services_of(context).db.session() as session:
        centres = await list_centres(session)
    user = update.effective_user
    return await centre_rows(context, centres, register, prefix, user.id if user else None)
