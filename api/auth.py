"""`Authorization: Bearer <key>`: the key's row, its scope, and its own rate limit.

Unknown, forged and revoked keys are all a 401; a genuine key without the route's scope a
403; past its requests per minute a 429 with Retry-After. The limit is counted in the
cache, like the site's own limits (django-ratelimit, config/settings/base.py).
"""

from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja.security import HttpBearer

from .errors import ApiError
from .keys import partner_key_find, partner_key_touch
from .models import PartnerKey


def _partner_of(_group, request) -> str:
    return request.partner_key.prefix


class PartnerBearer(HttpBearer):
    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str) -> PartnerKey | None:
        key = partner_key_find(token)
        if key is None:
            return None
        request.partner_key = key
        usage = get_usage(
            request,
            group="api.partner",
            key=_partner_of,
            rate=f"{key.requests_per_minute}/m",
            increment=True,
        )
        if usage and usage["should_limit"]:
            raise ApiError(
                429,
                "rate_limited",
                _("Too many requests for this key; wait before the next one."),
                headers={"Retry-After": str(max(int(usage["time_left"]), 1))},
            )
        if not key.has_scope(self.scope):
            raise ApiError(
                403,
                "scope_missing",
                _("This key may not do that (it lacks the scope “%(scope)s”).") % {"scope": self.scope},
            )
        partner_key_touch(key)
        return key


READ = PartnerBearer("read")
CHARTER = PartnerBearer("charter")
PROPOSALS = PartnerBearer("proposals")
WEBHOOKS = PartnerBearer("webhooks")
