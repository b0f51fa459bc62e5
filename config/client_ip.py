"""The client's address for the per-IP rate limits (settings.RATELIMIT_IP_META_KEY points here).

Behind a reverse proxy every request comes from the proxy's address, so the limits
would count all clients as one. X-Forwarded-For names the client, but any client
can send that header with anything in it: it is believed only as far as the
operator says proxies of theirs wrote it.

- settings.CLIENT_IP_HEADER (DJANGO_CLIENT_IP_HEADER, e.g. "X-Real-IP"): a header
  the proxy always sets, overwriting what the client sent.
- settings.TRUSTED_PROXY_COUNT (DJANGO_TRUSTED_PROXY_COUNT): that many proxies of
  the operator's each append the address they received the request from to
  X-Forwarded-For, so the client is the entry that many places from the right;
  whatever a client wrote to the left of it is ignored.
- Neither: REMOTE_ADDR, and X-Forwarded-For is ignored.

The same settings configure allauth's own limits (ALLAUTH_TRUSTED_PROXY_COUNT,
ALLAUTH_TRUSTED_CLIENT_IP_HEADER), which read the client the same way.

An address that does not parse (a proxy misconfigured, a header missing, fewer
entries than proxies: the request did not come through all of them) falls back
to REMOTE_ADDR, which at worst counts clients together: never a 500, never a
client choosing its own bucket.
"""

import ipaddress

from django.conf import settings


def _clean(value: str | None) -> str | None:
    """The address in `value`, without a port or IPv6 brackets; None when it is none."""
    value = (value or "").strip()
    if not value:
        return None
    candidates = [value]
    if value.startswith("[") and "]" in value:
        candidates.append(value[1 : value.index("]")])  # "[2001:db8::1]:443"
    elif value.count(":") == 1:
        candidates.append(value.split(":")[0])  # "203.0.113.7:51234"
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def forwarded_client(request) -> str | None:
    """The client address the configured proxies vouch for, or None when none is configured or usable."""
    header = getattr(settings, "CLIENT_IP_HEADER", None)
    if header:
        return _clean(request.headers.get(header))
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("X-Forwarded-For", "")
    if count <= 0 or not forwarded:
        return None
    entries = [entry.strip() for entry in forwarded.split(",")]
    if len(entries) < count:
        return None
    return _clean(entries[-count])


def client_ip(request) -> str:
    return forwarded_client(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104
