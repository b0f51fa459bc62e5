"""Every kind of email the service owes, in one place: what the outbox checks and the sweeps serve.

A kind (bookings.notifications.Notification) declares its claim, its sending, its task and its
query of what is left unsent; the reminder and the daily schedule are defined with the rest of
their logic, so this registry sits above the modules that define them.
"""

from .notifications import BOOKING_EVENT, OFFICER_ASSIGNMENT, UNSTAFFED_ALERT
from .reminders import REMINDER
from .schedule import DAILY_SCHEDULE
from .seller_proposal_mail import SELLER_PROPOSAL_EMAIL

NOTIFICATION_KINDS = (
    BOOKING_EVENT,
    OFFICER_ASSIGNMENT,
    UNSTAFFED_ALERT,
    REMINDER,
    DAILY_SCHEDULE,
    SELLER_PROPOSAL_EMAIL,
)
