"""Appointments: availability as data, free slots, booking without double bookings, reminders, the waiting
list, calendar files and mediator accounts. No Telegram here: the bot and the console call these functions,
which take the session first and leave the transaction to the caller."""
