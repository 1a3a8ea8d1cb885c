"""What every handler needs, built once per Application: settings, database, NLU and routing.

Kept on the Application (not in bot_data) so nothing here is ever written to persistence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from telegram.ext import Application, ContextTypes

from core.db import Database
from core.settings import Settings

if TYPE_CHECKING:
    from core.routing import Router

    from nlu.types import NluEngine

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    nlu: NluEngine | None = None
    _router: Router | None = field(default=None, repr=False)

    @property
    def router(self) -> Router:
        if self._router is None:
            from core.routing import Router

            self._router = Router.default()
        return self._router


class KoinotitaApplication(Application):
    """The PTB Application plus our services; persistence is written after every update so that a crash
    (even `kill -9`) never loses a conversation step the user has already seen answered."""

    services: Services

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        if self.persistence is not None:
            await self.update_persistence()


def services_of(context: ContextTypes.DEFAULT_TYPE | Any) -> Services:
    return cast(KoinotitaApplication, context.application).services
