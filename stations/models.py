import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


# The languages the site is translated into (settings.LANGUAGES), spelled out here
# so that migrations do not depend on settings.
STAFF_LANGUAGES = [("fr", _("French")), ("en", _("English"))]


class Country(models.TextChoices):
    FRANCE = "FR", _("France")
    UNITED_STATES = "US", _("United States")


# A station's language unless it names one: the invitation before the seller
# chose, and the staff's emails.
COUNTRY_LANGUAGES = {Country.FRANCE: "fr", Country.UNITED_STATES: "en"}
# Where times read "9:00 AM" in English (French always reads "09:00").
TWELVE_HOUR_COUNTRIES = {Country.UNITED_STATES}


class TranslatedTexts:
    """Texts typed by the station in French (`name`) and English (`name_en`), edited side by side.

    Explicit columns rather than django-modeltranslation, whose releases declare no
    Django 6 support: `name` stays the column that queries, ordering and the
    admin's search use (the French text, always filled), `name_en` its English text.
    `translated("name")` is the active language's text, or the other one when it is empty.
    """

    def translated(self, field: str) -> str:
        french, english = getattr(self, field), getattr(self, f"{field}_en")
        if (translation.get_language() or "").startswith("en"):
            return english or french
        return french or english


class Station(TranslatedTexts, models.Model):
    name = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.FRANCE)
    address = models.TextField(_("address"))
    access_notes = models.TextField(_("access notes (French)"), blank=True)
    access_notes_en = models.TextField(_("access notes (English)"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone])
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    lead_time_minutes = models.PositiveIntegerField(
        _("lead time (minutes)"),
        default=240,
        help_text=_("How long before a slot it can still be booked."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("horizon (days)"), default=14, help_text=_("How many days ahead slots are offered.")
    )
    seller_window_hours = models.PositiveSmallIntegerField(
        _("seller acceptance window (hours)"),
        default=24,
        help_text=_("How long the seller has to accept; it always ends at least 2 hours before the slot."),
    )
    officer_cap_per_shift = models.PositiveSmallIntegerField(
        _("bookings per officer and shift"),
        default=6,
        help_text=_("No officer is given more exchanges than this in one shift; slots beyond it are not offered."),
    )
    language = models.CharField(
        _("language of the station"),
        max_length=8,
        choices=STAFF_LANGUAGES,
        blank=True,
        help_text=_(
            "Officer assignments, alerts and the daily schedule are written in this language, and so is the "
            "seller's invitation until the seller chooses theirs. Empty: the country's language."
        ),
    )
    # "Station under pressure": no new booking for slots in the period (the slot
    # engine offers none, booking_create refuses); bookings already made stay.
    under_pressure = models.BooleanField(
        _("under pressure: stop new bookings"),
        default=False,
        help_text=_("No new booking is taken for slots in the period below; bookings already made stay."),
    )
    pressure_starts_at = models.DateTimeField(_("from"), null=True, blank=True, help_text=_("Empty: from now on."))
    pressure_ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty: until the switch is turned off.")
    )
    pressure_message = models.TextField(
        _("public message (French)"),
        blank=True,
        help_text=_("Shown on the station's public page and in the booking wizard while new bookings are stopped."),
    )
    pressure_message_en = models.TextField(_("public message (English)"), blank=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["name"]
        # Lifts the admin's per-station scoping (stations/admin_scoping.py) for
        # prefecture-level accounts; what they may do is still up to model permissions.
        permissions = [("view_all_stations", _("Can see every station's records in the admin"))]
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="station_slot_at_least_5_minutes"),
            models.CheckConstraint(condition=Q(officer_cap_per_shift__gte=1), name="station_officer_cap_at_least_1"),
            models.CheckConstraint(
                condition=Q(pressure_starts_at__isnull=True)
                | Q(pressure_ends_at__isnull=True)
                | Q(pressure_ends_at__gt=F("pressure_starts_at")),
                name="station_pressure_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.translated("name")

    def save(self, *args, **kwargs):
        if not self.language:
            self.language = COUNTRY_LANGUAGES[Country(self.country)]
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.translated("name")

    @property
    def display_access_notes(self) -> str:
        return self.translated("access_notes")

    @property
    def display_pressure_message(self) -> str:
        return self.translated("pressure_message")

    @property
    def uses_12_hour_clock(self) -> bool:
        return self.country in TWELVE_HOUR_COUNTRIES

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def slot_length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    def pressure_blocks(self, starts_at: datetime, ends_at: datetime) -> bool:
        """Whether the pressure switch stops new bookings for a slot from starts_at to ends_at."""
        if not self.under_pressure:
            return False
        after_start = self.pressure_starts_at is None or ends_at > self.pressure_starts_at
        before_end = self.pressure_ends_at is None or starts_at < self.pressure_ends_at
        return after_start and before_end

    def pressure_notice_shown(self, now: datetime) -> bool:
        """The public notice: while the switch is on and its period has not ended."""
        return self.under_pressure and (self.pressure_ends_at is None or self.pressure_ends_at > now)


class SpaceKind(models.TextChoices):
    ROOM = "room", _("Room")
    BAY = "bay", _("Parking bay")
    # A safe exchange zone (Kennewick): camera-watched, open around the clock, walk-in,
    # no officer and no booking. The slot engine never offers one (BOOKABLE_SPACE_KINDS).
    ZONE = "zone", _("Safe exchange zone")


# The kinds of space a buyer books a slot in; a zone is walked into, never booked.
BOOKABLE_SPACE_KINDS = (SpaceKind.ROOM, SpaceKind.BAY)


class Space(TranslatedTexts, models.Model):
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="spaces")
    kind = models.CharField(_("kind"), max_length=8, choices=SpaceKind.choices)
    name = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.CharField(_("description (French)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Safe exchange zones only (issue 12): what the station asks of people who meet there.
    house_rules = models.TextField(
        _("house rules (French)"),
        blank=True,
        help_text=_("For a safe exchange zone: the rules shown to people who meet there."),
    )
    house_rules_en = models.TextField(_("house rules (English)"), blank=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["station", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="space_name_unique_per_station"),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_kind_display()})"

    @property
    def display_name(self) -> str:
        return self.translated("name")

    @property
    def display_description(self) -> str:
        return self.translated("description")

    @property
    def display_house_rules(self) -> str:
        return self.translated("house_rules")

    @property
    def is_exchange_zone(self) -> bool:
        return self.kind == SpaceKind.ZONE


class RoomManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=SpaceKind.ROOM)


class ParkingBayManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=SpaceKind.BAY)


class ExchangeZoneManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=SpaceKind.ZONE)


class Room(Space):
    objects = RoomManager()

    class Meta:
        proxy = True
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def save(self, *args, **kwargs):
        self.kind = SpaceKind.ROOM
        super().save(*args, **kwargs)


class ParkingBay(Space):
    objects = ParkingBayManager()

    class Meta:
        proxy = True
        verbose_name = _("parking bay")
        verbose_name_plural = _("parking bays")

    def save(self, *args, **kwargs):
        self.kind = SpaceKind.BAY
        super().save(*args, **kwargs)


class ExchangeZone(Space):
    """A safe exchange zone: a space nobody books (see SpaceKind.ZONE)."""

    objects = ExchangeZoneManager()

    class Meta:
        proxy = True
        verbose_name = _("safe exchange zone")
        verbose_name_plural = _("safe exchange zones")

    def save(self, *args, **kwargs):
        self.kind = SpaceKind.ZONE
        super().save(*args, **kwargs)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening range on a weekday, in the station's wall-clock time."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["station", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="opening_hours_close_after_open"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Closure(models.Model):
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["station", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="closure_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.station}: {self.reason}"


class Officer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="officer"
    )
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="officers")
    badge_number = models.CharField(_("badge number"), max_length=32)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["station", "badge_number"]
        constraints = [
            models.UniqueConstraint(fields=["station", "badge_number"], name="officer_badge_unique_per_station"),
        ]

    def __str__(self):
        return f"{self.user} ({self.badge_number})"


class Shift(models.Model):
    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.officer}: {self.starts_at:%Y-%m-%d %H:%M}"


class OfficerAbsence(models.Model):
    """An officer who is rostered but will not be there (sick leave, training, court).

    Adding, changing or removing one reassigns the station's bookings (bookings.assignment).
    """

    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("officer absence")
        verbose_name_plural = _("officer absences")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.officer}: {self.starts_at:%Y-%m-%d %H:%M}"
