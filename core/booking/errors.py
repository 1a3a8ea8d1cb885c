"""Why a booking action was refused. Each maps to one kind message in the bot; none changes anything."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.models.booking import Appointment


class BookingError(Exception):
    code = "booking"


class NotBookable(BookingError):
    """Not one of the service's slots now: in the past, too soon, outside the window, a holiday or closure."""

    code = "not_bookable"


class SlotTaken(BookingError):
    """Every seat of the slot is taken (someone was faster)."""

    code = "slot_taken"


class LimitReached(BookingError):
    code = "limit_reached"


class AlreadyBooked(BookingError):
    """The same person already holds this very slot (a double tap)."""

    code = "already_booked"

    def __init__(self, appointment: Appointment) -> None:
        super().__init__("already booked")
        # Plain values: the ORM object is expired once the caller's transaction rolls back.
        self.appointment_id: int = appointment.id
        self.starts_at: datetime = appointment.starts_at


class NotFound(BookingError):
    """No such appointment for this person (a forged or foreign id)."""

    code = "not_found"


class AlreadyCancelled(BookingError):
    code = "already_cancelled"


class AlreadyPast(BookingError):
    code = "already_past"


class OfferGone(BookingError):
    """A waiting-list offer that expired, was taken or was never this person's."""

    code = "offer_gone"
