from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from stations.models import BOOKABLE_SPACE_KINDS, SpaceKind

from . import validator


class CharterVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class CharterVersion(models.Model):
    number = models.PositiveIntegerField(_("version"), unique=True)
    summary_fr = models.TextField(_("summary (French)"))
    summary_en = models.TextField(_("summary (English)"))
    text_fr = models.TextField(_("full text (French)"))
    text_en = models.TextField(_("full text (English)"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Shared by every rule of the version (charter.validator.Qualifiers): a part, accessory,
    # toy or colour of a forbidden thing is recognised once for all categories.
    general_exceptions = models.TextField(
        _("general exceptions"),
        blank=True,
        help_text=_(
            "One per line: words for a part, accessory, consumable, toy, miniature, colour, media title or "
            "empty container. Written right before or after a term of any rule (“filtre de lave-linge”, "
            "“washer filter”, “jouet pistolet”), they make that term harmless. Start a line with “before:” or "
            "“after:” to allow one side only."
        ),
    )

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["-number"]

    def __str__(self):
        return _("Charter v%(number)s") % {"number": self.number}

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def summary(self) -> str:
        return self.summary_fr if translation.get_language() == "fr" else self.summary_en

    @property
    def text(self) -> str:
        return self.text_fr if translation.get_language() == "fr" else self.text_en


class RuleCategory(models.TextChoices):
    WEAPON = "weapon", _("Weapon")
    BLADE = "blade", _("Blade or sharp object")
    BULKY = "bulky", _("Bulky goods")
    DANGEROUS = "dangerous", _("Dangerous goods")
    ILLEGAL = "illegal", _("Illegal goods")
    VEHICLE = validator.VEHICLE_CATEGORY, _("Vehicle (parking bay)")


class CharterVerdict(models.TextChoices):
    ALLOWED = validator.ALLOWED, _("Allowed")
    REVIEW = validator.REVIEW, _("Checked by an officer")
    FORBIDDEN = validator.FORBIDDEN, _("Forbidden")


class Rule(models.Model):
    version = models.ForeignKey(
        CharterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="rules"
    )
    category = models.CharField(_("category"), max_length=16, choices=RuleCategory.choices)
    verdict = models.CharField(
        _("verdict"),
        max_length=16,
        choices=CharterVerdict.choices,
        default=CharterVerdict.FORBIDDEN,
        help_text=_(
            "Forbidden: the item cannot be booked. Checked by an officer: it can be booked, and station "
            "staff see it flagged. Allowed: for vehicles, which are sent to a parking bay."
        ),
    )
    terms = models.TextField(
        _("terms"),
        help_text=_(
            "One word or phrase per line, French or English, in the singular: plurals, feminines, accents, "
            "hyphens and joined spellings are matched."
        ),
    )
    exceptions = models.TextField(
        _("exceptions"),
        blank=True,
        help_text=_(
            "One per line. A phrase holding one of the terms (glue gun, couteau à beurre) cancels that term "
            "where the whole phrase is written; any other word or phrase (toy, jouet, DVD) cancels a term "
            "written next to it, at most one word away."
        ),
    )
    reason_fr = models.CharField(_("reason (French)"), max_length=300)
    reason_en = models.CharField(_("reason (English)"), max_length=300)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["version", "category", "id"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.terms.splitlines()[0] if self.terms else ''}"

    @property
    def reason(self) -> str:
        return self.reason_fr if translation.get_language() == "fr" else self.reason_en

    @property
    def space_kind(self) -> str:
        return SpaceKind.BAY if self.category == RuleCategory.VEHICLE else SpaceKind.ROOM


class BookingCharterReview(models.Model):
    """The charter's verdict on a booking's item, and station staff's override of it.

    Written when the booking is made and again when the seller accepts (under the
    version the seller accepts). The override is the staff's decision and wins over
    the automatic verdict; every override is also kept in CharterOverride.
    """

    booking = models.OneToOneField(
        "bookings.Booking", verbose_name=_("booking"), on_delete=models.CASCADE, related_name="charter_review"
    )
    version = models.ForeignKey(
        CharterVersion, verbose_name=_("charter version"), on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("automatic verdict"), max_length=16, choices=CharterVerdict.choices)
    # A booked item goes to a room or a bay; a safe exchange zone is never booked.
    space_kind = models.CharField(
        _("space"),
        max_length=8,
        choices=[(kind, label) for kind, label in SpaceKind.choices if kind in BOOKABLE_SPACE_KINDS],
        default=SpaceKind.ROOM,
    )
    category = models.CharField(_("category"), max_length=16, choices=RuleCategory.choices, blank=True)
    rule = models.ForeignKey(
        Rule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    term = models.CharField(_("matched words"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("checked at"))

    override_verdict = models.CharField(_("staff verdict"), max_length=16, choices=CharterVerdict.choices, blank=True)
    override_reason = models.TextField(_("reason for the staff verdict"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)

    class Meta:
        verbose_name = _("charter check of a booking")
        verbose_name_plural = _("charter checks of bookings")
        indexes = [models.Index(fields=["verdict", "override_verdict"], name="charter_review_verdict_idx")]

    def __str__(self):
        return str(_("Charter check of %(booking)s") % {"booking": self.booking})

    @property
    def effective_verdict(self) -> str:
        return self.override_verdict or self.verdict

    def get_effective_verdict_display(self) -> str:
        return CharterVerdict(self.effective_verdict).label


class CharterOverride(models.Model):
    """The log of staff overrides: one row per decision, never changed."""

    review = models.ForeignKey(
        BookingCharterReview, verbose_name=_("charter check"), on_delete=models.CASCADE, related_name="overrides"
    )
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_verdict = models.CharField(_("from"), max_length=16, choices=CharterVerdict.choices)
    to_verdict = models.CharField(_("to"), max_length=16, choices=CharterVerdict.choices)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("charter override")
        verbose_name_plural = _("charter overrides")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.review.booking_id}: {self.from_verdict} → {self.to_verdict}"
