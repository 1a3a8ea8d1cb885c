"""Prometheus metrics (`prometheus-client`): counts, durations and backlogs — never personal data.

No label ever holds a chat id, a name, a text or a centre's citizen: labels are closed sets (update kinds, API
methods, outcomes, job names). Counters live in the process that counts them (the bot); the gauges that describe
the database (outbox backlog, reminder lag, unreachable citizens, jobs) are read from it when `/metrics` is
scraped (staff_console/health.py), so they are right whichever process serves them.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("koinotita_updates", "Telegram updates processed, by kind", ["kind"])
UPDATE_SECONDS = Histogram(
    "koinotita_update_seconds",
    "Time to handle one update (handlers and persistence)",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
NLU_RESULTS = Counter(
    "koinotita_nlu_results", "Messages understood by the NLU, by outcome", ["outcome"]
)  # understood | fallback | emergency
TELEGRAM_CALLS = Counter(
    "koinotita_telegram_calls", "Calls to the Bot API, by method and outcome", ["method", "outcome"]
)
LIMITER_WAIT = Histogram(
    "koinotita_ratelimit_wait_seconds",
    "How long a call waited for its turn (pacing or Telegram's retry_after)",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
RETRY_AFTER = Counter("koinotita_telegram_retry_after", "429 Too Many Requests answers from Telegram")
BLOCKED_FOUND = Counter("koinotita_blocked_found", "Citizens found to have blocked the bot (403)")
BLOCKED_SKIPS = Counter("koinotita_blocked_skips", "Messages not sent because the citizen had blocked the bot")
STALE_QUERIES = Counter("koinotita_stale_callback_queries", "Button presses answered too late ('query too old')")
JOB_RUNS = Counter("koinotita_job_runs", "Scheduled job runs, by job and outcome", ["job", "outcome"])
ANNOUNCEMENT_MESSAGES = Counter(
    "koinotita_announcement_messages", "Announcement deliveries, by outcome", ["outcome"]
)  # sent | blocked | failed
INBOX_GIVEN_UP = Counter(
    "koinotita_inbox_given_up", "Updates given up after failing every try (poison updates, docs/delivery.md)"
)

# Read from the database at scrape time.
OUTBOX_BACKLOG = Gauge("koinotita_outbox_backlog", "Staff messages waiting to be delivered")
OUTBOX_OLDEST_AGE = Gauge("koinotita_outbox_oldest_age_seconds", "Age of the oldest undelivered staff message")
REMINDER_LAG = Gauge("koinotita_reminder_lag_seconds", "How late the most overdue unsent reminder is")
UNREACHABLE_CITIZENS = Gauge("koinotita_citizens_unreachable", "Citizens who have blocked the bot")
ANNOUNCEMENT_PENDING = Gauge("koinotita_announcement_deliveries_pending", "Announcement messages not yet sent")
INBOX_PENDING = Gauge("koinotita_inbox_pending", "Updates stored and not yet handled")
INBOX_OLDEST_AGE = Gauge("koinotita_inbox_oldest_age_seconds", "Age of the oldest update not yet handled")
INBOX_FAILED = Gauge("koinotita_inbox_failed", "Updates given up in the last two days (status failed)")
JOB_LAST_SUCCESS = Gauge("koinotita_job_last_success_timestamp_seconds", "When a scheduled job last succeeded", ["job"])
