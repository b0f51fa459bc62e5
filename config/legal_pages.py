"""The legal notice and the privacy notice: public pages whose facts come from the settings.

The periods the privacy notice states are read from the settings that enforce them
(bookings/retention.py, bookings/drafts.py, the session, the no-show ban), so the page
cannot promise one period while the sweeps apply another.
"""

from django.conf import settings
from django.shortcuts import render


def privacy_notice(request):
    return render(
        request,
        "legal/privacy.html",
        {
            "contact_email": settings.CONTACT_EMAIL,
            "dpo_email": settings.DPO_EMAIL,
            "publisher": settings.LEGAL_PUBLISHER,
            "retention_days": settings.BOOKINGS_RETENTION_DAYS,
            "draft_hours": settings.BOOKINGS_DRAFT_HOURS,
            "session_days": max(1, settings.SESSION_COOKIE_AGE // 86400),
            "ban_window_days": settings.BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS,
            "ban_days": settings.BOOKINGS_NO_SHOW_BAN_DAYS,
        },
    )


def legal_notice(request):
    return render(
        request,
        "legal/legal_notice.html",
        {
            "contact_email": settings.CONTACT_EMAIL,
            "dpo_email": settings.DPO_EMAIL,
            "publisher": settings.LEGAL_PUBLISHER,
            "publisher_address": settings.LEGAL_PUBLISHER_ADDRESS,
            "publication_director": settings.LEGAL_PUBLICATION_DIRECTOR,
            "host": settings.LEGAL_HOST,
        },
    )
