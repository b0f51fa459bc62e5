from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .dev_mail import stored_messages


def mailbox(request):
    """DEBUG only: the emails the embedded default has sent, newest first."""
    if not settings.DEBUG or not getattr(settings, "DEV_MAILBOX_DIR", None):
        raise Http404
    return render(request, "dev/mailbox.html", {"messages_sent": stored_messages()})
