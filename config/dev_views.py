import ipaddress

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .dev_mail import stored_messages

# Headers a reverse proxy adds. A request carrying one came through a proxy, so its
# loopback REMOTE_ADDR is the proxy's, not the reader's: it may come from anywhere.
PROXY_HEADERS = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_HOST")


def from_loopback(request) -> bool:
    """True for a request made on this machine itself, not relayed by a proxy."""
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    configured = getattr(settings, "CLIENT_IP_HEADER", None)  # config.client_ip: the operator's proxy header
    if configured and configured in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def may_read_mailbox(request) -> bool:
    # The mailbox holds password-reset and seller links: anyone reading it can take
    # over an account or answer for a seller. A tester on the machine may; a
    # `make run` reached over the network (DJANGO_ALLOWED_HOSTS widened) may not,
    # unless its reader is logged in as a superuser.
    if not settings.DEBUG or not getattr(settings, "DEV_MAILBOX_DIR", None):
        return False
    return from_loopback(request) or request.user.is_superuser


def mailbox(request):
    """DEBUG only: the emails the embedded default has sent, newest first."""
    if not may_read_mailbox(request):
        raise Http404
    return render(request, "dev/mailbox.html", {"messages_sent": stored_messages()})
