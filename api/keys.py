"""Partner keys: made once, kept as a digest, found by their public prefix, compared in constant time.

A key reads `sxp_<prefix>_<secret>`: 8 random characters of prefix, 40 of secret. The
secret is random enough that a plain SHA-256 resists guessing; no slow hash is needed
(it would cost every API request).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.utils import timezone

from .models import PartnerKey

KEY_START = "sxp_"


@dataclass(frozen=True)
class NewKey:
    prefix: str
    key: str  # the whole key: shown once, never stored


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_new() -> NewKey:
    prefix = secrets.token_hex(4)
    return NewKey(prefix=prefix, key=f"{KEY_START}{prefix}_{secrets.token_urlsafe(30)}")


def webhook_secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def partner_key_find(key: str) -> PartnerKey | None:
    """The key's row when it is genuine and not revoked; None otherwise (unknown, forged or revoked alike)."""
    if not key.startswith(KEY_START) or key.count("_") < 2 or len(key) > 200:
        return None
    prefix = key[len(KEY_START) :].split("_", 1)[0]
    row = PartnerKey.objects.filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.digest, key_digest(key)):
        return None
    return row if row.is_active else None


def partner_key_active(prefix: str) -> PartnerKey | None:
    """The unrevoked key with this public prefix (a proposal link or proposal names its partner by it)."""
    return PartnerKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()


def partner_key_touch(row: PartnerKey) -> None:
    """Record the key's use; at most once a minute, so that reads do not each write."""
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() >= 60:
        PartnerKey.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
