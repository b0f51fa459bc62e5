import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.emails import email_mailbox_key
from accounts.models import SITE_LANGUAGES
from accounts.names import NAME_MAX_LENGTH
from charter.models import RuleCategory
from stations.models import SpaceKind

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a reference is read aloud at a counter.
REFERENCE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
REFERENCE_LENGTH = 5


def new_reference() -> str:
    return "SX-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def reference_from_input(text: str) -> str | None:
    """The reference typed at the desk or sent by a QR scanner, as stored ("SX-7KQ4M"), or None.

    Scanners type the code like a keyboard and add Enter or Tab; people type it in
    lower case, without "SX-", with spaces. Anything but letters and digits is
    dropped, and the prefix is optional (the alphabet has no S, so the body never
    starts with one).
    """
    compact = "".join(ch for ch in str(text) if ch.isascii() and ch.isalnum()).upper()
    if len(compact) == REFERENCE_LENGTH + 2 and compact.startswith("SX"):
        compact = compact[2:]
    if len(compact) != REFERENCE_LENGTH or any(ch not in REFERENCE_ALPHABET for ch in compact):
        return None
    return "SX-" + compact


def new_invite_nonce() -> str:
    return secrets.token_urlsafe(12)


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the seller")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    ABORTED = "aborted", _("Aborted")
    INCIDENT = "incident", _("Incident")
    DECLINED = "declined", _("Declined by the seller")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    REFUSED = "refused", _("Refused under the charter")


# What the check-in desk may record once the parties came (bookings.services).
OUTCOME_STATUSES = (BookingStatus.COMPLETED, BookingStatus.ABORTED, BookingStatus.INCIDENT, BookingStatus.REFUSED)

_S = BookingStatus
# The booking lifecycle: from each status, the statuses a transition may lead to. Every
# transition checks it (bookings.services._transition), the services narrowing it further;
# docs/architecture.md draws it, and a test holds the drawing and this table together.
TRANSITIONS: dict[str, frozenset[str]] = {
    _S.PENDING: frozenset({_S.CONFIRMED, _S.DECLINED, _S.EXPIRED, _S.CANCELLED}),
    # An incident or a refusal under the charter may be recorded before anyone checked in.
    _S.CONFIRMED: frozenset({_S.CHECKED_IN, _S.CANCELLED, _S.NO_SHOW, _S.INCIDENT, _S.REFUSED}),
    _S.CHECKED_IN: frozenset(OUTCOME_STATUSES),
    **{status: frozenset() for status in (*OUTCOME_STATUSES, _S.DECLINED, _S.EXPIRED, _S.CANCELLED, _S.NO_SHOW)},
}


class IdentityDocument(models.TextChoices):
    """The kind of document the desk checked a party's identity on: never its number (bookings.services)."""

    NATIONAL_ID = "national_id", _("National identity card")
    PASSPORT = "passport", _("Passport")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    OTHER = "other", _("Other document")


class NoShowParty(models.TextChoices):
    BUYER = "buyer", _("The buyer")
    SELLER = "seller", _("The seller")
    BOTH = "both", _("Both parties")


class CancelCause(models.TextChoices):
    """Why the station cancelled: the parties get an apology with a priority rebooking link."""

    CLOSURE = "closure", _("Station closure")
    PRESSURE = "pressure", _("Station under pressure")


# States that hold a slot. A pending booking holds it only until its deadline;
# see BookingQuerySet.active().
HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


class ItemKind(models.TextChoices):
    GOODS = "goods", _("An object")
    VEHICLE = "vehicle", _("A vehicle")


def holds_at(now) -> Q:
    """A booking that holds its slot at `now`: an expired hold never counts."""
    return Q(status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN]) | Q(
        status=BookingStatus.PENDING, hold_expires_at__gt=now
    )


class BookingQuerySet(models.QuerySet):
    def active(self, now=None):
        """Bookings that hold their slot at `now`: an expired hold never counts."""
        return self.filter(holds_at(now or timezone.now()))

    def overlapping(self, starts_at, ends_at):
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Booking(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference, editable=False)
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="bookings"
    )
    space = models.ForeignKey(
        "stations.Space", verbose_name=_("space"), on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.PENDING, db_index=True
    )
    hold_expires_at = models.DateTimeField(_("seller must answer by"))

    # Emptied by the retention purge (bookings.retention), like the seller's name
    # and address: an old booking then names nobody.
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
    )
    seller_email = models.EmailField(_("seller's email"))
    # The mailbox the address reaches (accounts.emails.email_canonical: case, +tag,
    # Gmail's dots): the invitation cap per recipient counts by it (bookings.invitations).
    seller_mailbox = models.CharField(_("seller's mailbox"), max_length=254, blank=True, editable=False)
    seller_name = models.CharField(_("seller's name"), max_length=150)
    # The name the seller gave when accepting (accounts.names), the one the desk
    # reads against an identity document; seller_name is what the buyer typed.
    seller_first_name = models.CharField(_("seller's first name"), max_length=NAME_MAX_LENGTH, blank=True)
    seller_last_name = models.CharField(_("seller's last name"), max_length=NAME_MAX_LENGTH, blank=True)
    # The buyer's language when they booked (their emails follow User.language, this
    # when they have none); the seller's is their own: bookings.languages.
    language = models.CharField(_("buyer's language"), max_length=8, default="fr")
    # Empty until the seller opens the invitation (their browser's language), or
    # switches language on its page; until then, the station's language.
    seller_language = models.CharField(
        _("seller's language"), max_length=8, choices=SITE_LANGUAGES, blank=True, default=""
    )

    item_title = models.CharField(_("item"), max_length=200)
    item_description = models.TextField(_("item description"), blank=True)
    item_kind = models.CharField(_("kind of item"), max_length=16, choices=ItemKind.choices, default=ItemKind.GOODS)
    listing_url = models.URLField(_("listing URL"), blank=True)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)

    buyer_charter_version = models.ForeignKey(
        "charter.CharterVersion",
        verbose_name=_("charter accepted by the buyer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    seller_charter_version = models.ForeignKey(
        "charter.CharterVersion",
        verbose_name=_("charter accepted by the seller"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    seller_answered_at = models.DateTimeField(_("seller answered at"), null=True, blank=True)
    # Part of the seller's signed link: a link signed for another nonce is refused.
    invite_nonce = models.CharField(max_length=32, default=new_invite_nonce, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancel_cause = models.CharField(_("cancelled because of"), max_length=16, choices=CancelCause.choices, blank=True)
    # The booking a buyer made again with the priority link of a station's apology
    # (bookings.rebooking): the link works once.
    rebooked_from = models.ForeignKey(
        "self",
        verbose_name=_("rebooking of"),
        on_delete=models.SET_NULL,
        related_name="rebookings",
        null=True,
        blank=True,
    )

    # A reschedule (bookings.reschedule): a row with `moves` set is the proposed new slot of
    # that booking, pending while the seller re-confirms. Being a booking row, it holds its
    # space and officer like any pending hold (the slot engine, the one-slot check and the
    # database constraint all see it) until the seller answers or its hold ends; it is then
    # deleted, the booking taking over its slot if the seller accepted. The audit is on the
    # booking moved (BookingEvent.kind), never on this row.
    moves = models.ForeignKey(
        "self",
        verbose_name=_("proposed move of"),
        on_delete=models.CASCADE,
        related_name="move_proposals",
        null=True,
        blank=True,
    )
    # Signs the seller's link for the current move (bookings.links.SELLER_MOVE): a new
    # move gets a new one, so the link of an answered move never opens the next.
    move_nonce = models.CharField(max_length=32, blank=True, editable=False)
    # Up to three other times the seller offered (slot keys, bookings.slots.engine.Slot.key);
    # the buyer takes one in one click (bookings.reschedule.booking_proposal_take).
    seller_proposals = models.JSONField(_("times proposed by the seller"), default=list, blank=True)

    # The check-in desk marks each party present; both present checks the booking in.
    buyer_present_at = models.DateTimeField(_("buyer present at"), null=True, blank=True)
    seller_present_at = models.DateTimeField(_("seller present at"), null=True, blank=True)
    # The desk checked each party's identity on a document of this kind
    # (bookings.services.booking_record_identity_check): its kind only, no number.
    buyer_identity_document = models.CharField(
        _("buyer's identity checked on"), max_length=16, choices=IdentityDocument.choices, blank=True
    )
    buyer_identity_checked_at = models.DateTimeField(_("buyer's identity checked at"), null=True, blank=True)
    seller_identity_document = models.CharField(
        _("seller's identity checked on"), max_length=16, choices=IdentityDocument.choices, blank=True
    )
    seller_identity_checked_at = models.DateTimeField(_("seller's identity checked at"), null=True, blank=True)
    no_show_party = models.CharField(_("who did not come"), max_length=8, choices=NoShowParty.choices, blank=True)
    refusal_category = models.CharField(
        _("refused item's category"), max_length=16, choices=RuleCategory.choices, blank=True
    )

    # A room booking's officer (bookings.assignment): reserved when the booking is
    # made, so that what the slot engine offers is always staffed, and confirmed
    # (or moved) when the seller accepts.
    officer = models.ForeignKey(
        "stations.Officer",
        verbose_name=_("officer"),
        on_delete=models.SET_NULL,
        related_name="bookings",
        null=True,
        blank=True,
    )
    # Claimed by the task that emails the officer; emptied when the officer changes.
    officer_notified_at = models.DateTimeField(_("officer told at"), null=True, blank=True)
    # Set when no officer of the roster can take this room booking; the station's
    # staff are alerted once (unstaffed_alerted_at is that alert's claim).
    unstaffed_since = models.DateTimeField(_("no officer available since"), null=True, blank=True)
    unstaffed_alerted_at = models.DateTimeField(_("staff alerted at"), null=True, blank=True)

    retention_hold = models.BooleanField(
        _("incident hold"),
        default=False,
        help_text=_("Keeps the personal data past the retention period, for an incident or an inquiry."),
    )
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["station", "starts_at"], name="booking_station_start_idx"),
            models.Index(fields=["status", "hold_expires_at"], name="booking_status_hold_idx"),
            # The reminder and no-show sweeps: confirmed bookings by start.
            models.Index(fields=["status", "starts_at"], name="booking_status_start_idx"),
            # The invitation cap per recipient: the bookings of one mailbox in the last 24 hours.
            models.Index(fields=["seller_mailbox", "created_at"], name="booking_mailbox_created_idx"),
            # The retention purge looks only at rows not yet anonymised.
            models.Index(
                fields=["ends_at"], name="booking_not_anonymised_idx", condition=Q(anonymised_at__isnull=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            # Portable guard against double booking (SQLite included): one holding
            # booking per space and start. On PostgreSQL, migration 0002 adds an
            # exclusion constraint that also refuses partial overlaps.
            models.UniqueConstraint(
                fields=["space", "starts_at"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="booking_one_holding_per_space_start",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        self.seller_mailbox = email_mailbox_key(self.seller_email)[:254] if self.seller_email else ""
        if kwargs.get("update_fields") is not None and "seller_email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "seller_mailbox"}
        super().save(*args, **kwargs)

    @property
    def buyer_full_name(self) -> str:
        """The buyer's name from their account ("" when they gave none, or after the retention purge)."""
        return self.buyer.get_full_name() if self.buyer_id else ""

    @property
    def buyer_display(self) -> str:
        """The buyer as people should see them: their name, or their email address for an account without one."""
        if not self.buyer_id:
            return ""
        return self.buyer.get_full_name() or self.buyer.email

    @property
    def seller_full_name(self) -> str:
        """The name the seller gave when accepting; "" before (or after the retention purge)."""
        return f"{self.seller_first_name} {self.seller_last_name}".strip()

    @property
    def seller_display(self) -> str:
        """The seller's own name once they accepted, else the name the buyer gave them."""
        return self.seller_full_name or self.seller_name

    @property
    def needs_officer(self) -> bool:
        return self.space.kind == SpaceKind.ROOM

    @property
    def is_unstaffed(self) -> bool:
        """A room booking still to come that no officer of the roster can take."""
        return self.needs_officer and self.officer_id is None and self.unstaffed_since is not None

    @property
    def is_vehicle(self) -> bool:
        return self.item_kind == ItemKind.VEHICLE

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.station.zone)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.station.zone)

    def hold_is_open(self, now=None) -> bool:
        return self.status == BookingStatus.PENDING and self.hold_expires_at > (now or timezone.now())

    @property
    def current_status(self) -> BookingStatus:
        """The status as people should see it: a lapsed hold is expired even before the sweep marks it."""
        if self.status == BookingStatus.PENDING and not self.hold_is_open():
            return BookingStatus.EXPIRED
        return BookingStatus(self.status)

    @property
    def is_move(self) -> bool:
        """Whether this row is the proposed new slot of another booking (never shown as a booking)."""
        return self.moves_id is not None

    @property
    def can_be_moved(self) -> bool:
        """Pending or confirmed, still to come: the buyer may ask for another slot."""
        return not self.is_move and self.can_be_cancelled

    @property
    def can_be_cancelled(self) -> bool:
        return (
            self.current_status in (BookingStatus.PENDING, BookingStatus.CONFIRMED) and self.starts_at > timezone.now()
        )


class Actor(models.TextChoices):
    """Who made a change, for the audit trail."""

    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")
    STAFF = "staff", _("Station staff")
    SYSTEM = "system", _("System")


class EventKind(models.TextChoices):
    """What an event records besides a change of status: the steps of a reschedule (bookings.reschedule)."""

    MOVE_REQUESTED = "move_requested", _("Move requested")
    MOVE_ACCEPTED = "move_accepted", _("Move accepted")
    MOVE_DECLINED = "move_declined", _("Move declined")
    MOVE_EXPIRED = "move_expired", _("Move not answered in time")
    MOVE_WITHDRAWN = "move_withdrawn", _("Move withdrawn")
    TIMES_PROPOSED = "times_proposed", _("Other times proposed")
    PROPOSAL_TAKEN = "proposal_taken", _("Proposed time taken")


class BookingEvent(models.Model):
    """One row per transition: who did what, when, from which state to which.

    A reschedule's steps are events too, with a `kind` (the status may stay the same)
    and the slots concerned in `details`.
    """

    booking = models.ForeignKey(Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_role = models.CharField(_("by"), max_length=16, choices=Actor.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=BookingStatus.choices)
    note = models.TextField(_("note"), blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices, blank=True)
    # A reschedule's slots (bookings.reschedule.move_details): ISO instants and station ids.
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Claimed by the notification task before it sends, so a task that runs
    # twice sends once.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "id"]
        indexes = [
            # The sweep that sends again what never reached the broker (bookings.outbox).
            models.Index(fields=["at"], name="event_unnotified_idx", condition=Q(notified_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.booking}: {self.from_status or '∅'} → {self.to_status}"


class CharterRefusal(models.Model):
    """An item the booking wizard refused under the charter: no booking exists, so this row is what counts it.

    Holds no personal data (no item text, no account): the statistics only need the
    station, the day and the category. One row per browser session, station and
    category (bookings.views.wizard), so a buyer trying the same item again is
    counted once.
    """

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    category = models.CharField(_("category"), max_length=16, choices=RuleCategory.choices)
    version = models.ForeignKey(
        "charter.CharterVersion",
        verbose_name=_("charter version"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("charter refusal at booking")
        verbose_name_plural = _("charter refusals at booking")
        indexes = [models.Index(fields=["station", "at"], name="charter_refusal_station_at_idx")]

    def __str__(self):
        return f"{self.station_id} {self.category} {self.at:%Y-%m-%d}"


class BookingBanLift(models.Model):
    """Staff lifted a buyer's no-show ban (bookings.abuse): the audit row, and what the ban reads.

    No-shows of slots that began before `lifted_at` no longer count towards a ban;
    later ones do, so a lift is not a pass for the future.
    """

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="booking_ban_lifts",
    )
    lifted_at = models.DateTimeField(_("lifted at"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    # The station whose staff lifted it (the admin's scope); empty when a superuser did.
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("lifted booking ban")
        verbose_name_plural = _("lifted booking bans")
        ordering = ["-lifted_at"]
        indexes = [models.Index(fields=["buyer", "lifted_at"], name="ban_lift_buyer_at_idx")]

    def __str__(self):
        return f"{self.buyer} {self.lifted_at:%Y-%m-%d %H:%M}"


class Party(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


class ReminderDelivery(models.Model):
    """One reminder email to one party: the reminder sweep's outbox row and the sending task's claim.

    The sweep inserts the row (unique per booking, lead time and party) and queues
    its id; the task sets sent_at with a conditional UPDATE in the transaction that
    sends, so a task that runs twice sends once and a worker killed before the
    commit leaves the row to be sent again.
    """

    booking = models.ForeignKey(Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="reminders")
    lead_minutes = models.PositiveIntegerField(_("minutes before the slot"))
    party = models.CharField(_("to"), max_length=8, choices=Party.choices)
    queued_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set with sent_at when the reminder was due no more (cancelled, or the slot started).
    skipped = models.BooleanField(_("skipped"), default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["booking", "lead_minutes", "party"], name="reminder_once_per_party"),
        ]
        indexes = [
            models.Index(fields=["queued_at"], name="reminder_unsent_idx", condition=Q(sent_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.booking} −{self.lead_minutes} min → {self.party}"


class ScheduleDelivery(models.Model):
    """The day's schedule emailed to a station's staff: one row per station and local day is the claim."""

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("daily schedule sent")
        verbose_name_plural = _("daily schedules sent")
        constraints = [
            models.UniqueConstraint(fields=["station", "day"], name="schedule_once_per_station_day"),
        ]

    def __str__(self):
        return f"{self.station_id} {self.day}"


class BookingDraft(models.Model):
    """The booking wizard's answers so far (item, slot, seller), one per buyer and station (bookings.drafts).

    Not in the session: a session lives as long as its user keeps coming back (a
    login copies its data into the new session), so a draft there had no end of its
    own. This row has one: the wizard ignores it after BOOKINGS_DRAFT_HOURS and the
    hourly retention sweep deletes it.
    """

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="+"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="+"
    )
    answers = models.JSONField(_("answers"), default=dict)
    saved_at = models.DateTimeField(_("saved at"), db_index=True)

    class Meta:
        verbose_name = _("booking draft")
        verbose_name_plural = _("booking drafts")
        constraints = [models.UniqueConstraint(fields=["buyer", "station"], name="draft_one_per_buyer_station")]

    def __str__(self):
        return f"{self.buyer_id} {self.station_id} {self.saved_at:%Y-%m-%d %H:%M}"


class SellerProposal(models.Model):
    """A seller proposes a meeting: their item, a station and one to three free times (bookings.seller_proposals).

    The seller needs no account, as when they answer an invitation: they give their email
    and confirm it from the link we send there, and only then can the buyer's link be
    used. The buyer opens that link, signed in, takes one of the times still free and
    accepts the charter: the booking is made confirmed at once, since the seller has
    accepted the charter and chosen the times already. The times are not held meanwhile.
    """

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="+"
    )
    item_title = models.CharField(_("item"), max_length=200)
    item_description = models.TextField(_("item description"), blank=True)
    item_kind = models.CharField(_("kind of item"), max_length=16, choices=ItemKind.choices, default=ItemKind.GOODS)
    listing_url = models.URLField(_("listing URL"), max_length=500, blank=True)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)
    # Slot keys (bookings.slots.engine.Slot.key), in time order.
    slot_keys = models.JSONField(_("times proposed"), default=list)

    seller_email = models.EmailField(_("seller's email"))
    # The mailbox the address reaches (accounts.emails.email_mailbox_key): the daily cap counts by it.
    seller_mailbox = models.CharField(_("seller's mailbox"), max_length=254, editable=False)
    seller_first_name = models.CharField(_("seller's first name"), max_length=NAME_MAX_LENGTH)
    seller_last_name = models.CharField(_("seller's last name"), max_length=NAME_MAX_LENGTH)
    seller_language = models.CharField(_("seller's language"), max_length=8, choices=SITE_LANGUAGES)
    seller_charter_version = models.ForeignKey(
        "charter.CharterVersion",
        verbose_name=_("charter accepted by the seller"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Optional: the buyer's address, to which the link is sent once the seller confirmed.
    buyer_email = models.EmailField(_("buyer's email"), blank=True)
    # Who sent the seller here, as the link's opener wrote it (api: "partner:<key prefix>");
    # opaque to the bookings app.
    origin = models.CharField(_("origin"), max_length=40, blank=True, editable=False)
    # Part of every link of the proposal; withdrawing changes it, which kills them all.
    nonce = models.CharField(max_length=32, default=new_invite_nonce, editable=False)

    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The outbox rows of its two emails (bookings.seller_proposals.SELLER_PROPOSAL_EMAIL).
    confirm_sent_at = models.DateTimeField(_("confirmation email sent at"), null=True, blank=True, editable=False)
    buyer_sent_at = models.DateTimeField(_("buyer's email sent at"), null=True, blank=True, editable=False)
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seller_proposal",
    )

    class Meta:
        verbose_name = _("seller's proposal")
        verbose_name_plural = _("sellers' proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["seller_mailbox", "created_at"], name="proposal_by_mailbox_idx")]

    def __str__(self):
        return f"{self.item_title} ({self.station_id}, {self.created_at:%Y-%m-%d})"

    @property
    def seller_name(self) -> str:
        return f"{self.seller_first_name} {self.seller_last_name}"

    def is_open(self, now) -> bool:
        """The buyer may still take a time: confirmed, not withdrawn, not taken, not expired."""
        return bool(self.confirmed_at) and not self.withdrawn_at and not self.booking_id and self.expires_at > now
