"""Partner keys, the bookings that came through a partner's proposal link, and webhook deliveries.

A key is shown once, at creation, and only its SHA-256 digest is kept (api.keys). The webhook
secret cannot be kept as a digest: the server signs with it, so it is stored as given and
shown once too; the partner rotates it (api.services.partner_webhook_secret_rotate).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read stations and slots")
    CHARTER = "charter", _("Check listings against the charter")
    PROPOSALS = "proposals", _("Build proposal links")
    WEBHOOKS = "webhooks", _("Receive webhooks")


class PartnerKey(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # The key's public part: how a request's key is found without scanning every digest.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("partner key")
        verbose_name_plural = _("partner keys")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class PartnerBooking(models.Model):
    """A visit of a signed proposal link of a partner, and the booking it led to (once there is one)."""

    partner = models.ForeignKey(
        PartnerKey, verbose_name=_("partner key"), on_delete=models.CASCADE, related_name="bookings"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="+"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=8)
    # The partner's own reference of the listing: the only thing its webhooks tell about the booking.
    listing_url = models.URLField(_("listing URL"), max_length=500)
    visited_at = models.DateTimeField(_("visited at"))
    booking = models.OneToOneField(
        "bookings.Booking",
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="partner_link",
    )

    class Meta:
        verbose_name = _("partner booking")
        verbose_name_plural = _("partner bookings")
        indexes = [
            models.Index(
                fields=["buyer", "station", "visited_at"],
                name="partner_visit_unattached_idx",
                condition=Q(booking__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.partner.name}: {self.listing_url}"


class WebhookEvent(models.TextChoices):
    CONFIRMED = "booking.confirmed", _("Booking confirmed")
    CANCELLED = "booking.cancelled", _("Booking cancelled")
    COMPLETED = "booking.completed", _("Booking completed")
    NO_SHOW = "booking.no_show", _("No-show")


class WebhookDelivery(models.Model):
    """One webhook owed to a partner: the outbox row its task claims (api.webhooks)."""

    partner = models.ForeignKey(
        PartnerKey, verbose_name=_("partner key"), on_delete=models.CASCADE, related_name="deliveries"
    )
    booking_event = models.ForeignKey(
        "bookings.BookingEvent", verbose_name=_("booking event"), on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "booking_event"], name="webhook_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="webhook_undelivered_idx", condition=Q(delivered_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.event} → {self.partner.name}"


def partner_visit_key(buyer_id: int | None, station_id: int) -> str:
    """The cache key that says a buyer opened a partner's signed link for a station lately (api.signals)."""
    return f"api:partner-visit:{buyer_id}:{station_id}"
