"""Telegram front end: Application factory, run modes (polling, webhook, local) and one module per flow."""

import warnings

from telegram.warnings import PTBUserWarning

# Our conversations mix message and button handlers on purpose (per_message=False); PTB warns about it.
warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
