"""Every change to a partner key: created by a superuser, revoked, its webhook secret rotated."""

from django.db import transaction
from django.utils import timezone

from .keys import key_digest, key_new, webhook_secret_new
from .models import PartnerKey, Scope


def partner_key_issue(*, key: PartnerKey, created_by) -> str:
    """Give an unsaved row (the admin's form) its key and save it; the key is returned once, never stored."""
    new = key_new()
    key.prefix, key.digest, key.created_by = new.prefix, key_digest(new.key), created_by
    key.scopes = [scope for scope in Scope.values if scope in (key.scopes or [])]
    if key.webhook_url and not key.webhook_secret:
        key.webhook_secret = webhook_secret_new()
    key.save()
    return new.key


def partner_key_create(
    *, name: str, scopes: list[str], created_by, requests_per_minute: int = 60, webhook_url: str = ""
) -> tuple[PartnerKey, str]:
    """The new key's row and the key itself, which is shown once and never again."""
    row = PartnerKey(name=name, scopes=scopes, requests_per_minute=requests_per_minute, webhook_url=webhook_url)
    return row, partner_key_issue(key=row, created_by=created_by)


def partner_key_revoke(*, key: PartnerKey) -> None:
    PartnerKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    key.refresh_from_db(fields=["revoked_at"])


def partner_webhook_secret_rotate(*, key: PartnerKey) -> str:
    """A new signing secret, returned once; deliveries signed from now on use it."""
    secret = webhook_secret_new()
    with transaction.atomic():
        PartnerKey.objects.filter(pk=key.pk).update(webhook_secret=secret)
    key.webhook_secret = secret
    return secret
