"""A meeting the seller proposes (SellerProposal): the item, a station, one to three free times.

The journey, for a seller who has no account (as when they answer an invitation):
1. seller_proposal_create: the item passes the charter, the times are free now, the
   seller accepts the charter and gives their name and email; we email them a link.
2. seller_proposal_confirm: from that link, the seller confirms their address; the buyer's
   link works from then on (shown to the seller to paste in the marketplace's messages,
   and emailed to the buyer when the seller gave the buyer's address).
3. seller_proposal_take: the buyer, signed in, takes one of the times still free and
   accepts the charter; the booking is made and confirmed in one transaction, with every
   check of a booking (bookings.services.booking_create: the buyer's limit, the one-slot
   check under the station's lock, the officer) and the seller's acceptance recorded with
   the charter version they read.
The times are not held meanwhile: a proposal is a suggestion, the booking is the commitment.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.emails import email_mailbox_key
from accounts.names import person_name_clean
from charter.models import CharterVersion
from charter.selectors import charter_check
from stations.models import SpaceKind, Station

from .exceptions import BookingError, CharterChanged, CharterViolation, InvalidName, ProposalUnavailable
from .models import BookingEvent, BookingStatus, ItemKind, SellerProposal, new_invite_nonce
from .outbox import SEND_SELLER_PROPOSAL_EMAIL, enqueue_on_commit
from .selectors import slot_key_to_datetime, station_slot
from .services import booking_accept, booking_create

MAX_TIMES = 3
# A proposal's links die with it: at its last time, and at the latest after LIFETIME.
LIFETIME = timedelta(days=14)
# The seller confirms their address within this, or starts again.
CONFIRM_WITHIN = timedelta(hours=24)
# Proposals a mailbox may start in a day: the confirmation emails cannot be used to flood an address.
DAILY_PER_SELLER = 5

# Where a proposal link's opener (api.views, for a partner's signed link) leaves who sent the
# seller: {"station": slug, "origin": "partner:<prefix>"}, stored on the proposal as its origin.
ORIGIN_SESSION_KEY = "seller_proposal_origin"

_MANAGE_SALT = "bookings.seller-proposal"
_BUYER_SALT = "bookings.seller-proposal-buyer"


class TooManyTimes(BookingError):
    message = _("Tick one to three times.")


class TooManySellerProposals(BookingError):
    message = _("This address has started too many proposals today: try again tomorrow, or use one already sent.")


class SellerProposalClosed(BookingError):
    message = _("This proposal can no longer be taken: it was withdrawn, taken, or has expired.")


class InvalidProposalLink(Exception):
    """Tampered, unknown, or killed by a withdrawal."""


def seller_proposal_create(
    *,
    station: Station,
    item: dict,
    slot_keys: list[str],
    seller_email: str,
    seller_first_name: str,
    seller_last_name: str,
    charter_version: CharterVersion,
    charter_seen: int | None = None,
    buyer_email: str = "",
    origin: str = "",
    now: datetime | None = None,
) -> SellerProposal:
    """A new proposal, waiting for the seller to confirm their address (the email is queued).

    `item`: the item form's answers (item_title, item_description, item_kind, vehicle_plate,
    listing_url). Raises a BookingError subclass when it cannot be made.
    """
    now = now or timezone.now()
    if charter_seen is not None and charter_seen != charter_version.pk:
        raise CharterChanged.for_version(charter_version)
    try:
        first_name, last_name = person_name_clean(seller_first_name), person_name_clean(seller_last_name)
    except ValidationError as error:
        raise InvalidName.from_validation_error(error) from None
    verdict = charter_check(version=charter_version, title=item["item_title"], description=item["item_description"])
    if verdict.forbidden:
        raise CharterViolation(verdict)
    item_kind = ItemKind.VEHICLE if verdict.is_vehicle else item["item_kind"]
    kind = SpaceKind.BAY if item_kind == ItemKind.VEHICLE else SpaceKind.ROOM
    starts = sorted({slot_key_to_datetime(key) for key in slot_keys} - {None})
    if not 1 <= len(starts) <= MAX_TIMES or len(starts) != len(set(slot_keys)):
        raise TooManyTimes
    for starts_at in starts:
        if station_slot(station=station, kind=kind, starts_at=starts_at, now=now) is None:
            raise ProposalUnavailable(_("One of these times is no longer free: tick others."))
    with transaction.atomic():
        mailbox = email_mailbox_key(seller_email)[:254]
        # Counted by mailbox (Gmail's dots, +tags): one address written ten ways is one address.
        if (
            SellerProposal.objects.filter(seller_mailbox=mailbox, created_at__gt=now - timedelta(days=1)).count()
            >= DAILY_PER_SELLER
        ):
            raise TooManySellerProposals
        proposal = SellerProposal.objects.create(
            station=station,
            item_title=item["item_title"].strip(),
            item_description=item["item_description"].strip(),
            item_kind=item_kind,
            listing_url=item.get("listing_url", ""),
            vehicle_plate=item.get("vehicle_plate", "").strip().upper() if item_kind == ItemKind.VEHICLE else "",
            slot_keys=[key for key in sorted(set(slot_keys)) if slot_key_to_datetime(key)],
            seller_email=seller_email.strip(),
            seller_mailbox=mailbox,
            seller_first_name=first_name,
            seller_last_name=last_name,
            seller_language=translation.get_language() or "fr",
            seller_charter_version=charter_version,
            buyer_email=buyer_email.strip(),
            origin=origin[:40],
            created_at=now,
            expires_at=min(now + LIFETIME, starts[-1]),
        )
        enqueue_on_commit(SEND_SELLER_PROPOSAL_EMAIL, proposal.pk, "confirm")
    return proposal


def seller_proposal_confirm(*, proposal: SellerProposal, now: datetime | None = None) -> bool:
    """The seller confirms their address from the emailed link; whether this call confirmed it.

    Once: a second click changes nothing. The buyer's email, if the seller gave an address, is queued.
    """
    now = now or timezone.now()
    with transaction.atomic():
        confirmed = SellerProposal.objects.filter(
            pk=proposal.pk, confirmed_at__isnull=True, withdrawn_at__isnull=True, created_at__gt=now - CONFIRM_WITHIN
        ).update(confirmed_at=now)
        if confirmed and proposal.buyer_email:
            enqueue_on_commit(SEND_SELLER_PROPOSAL_EMAIL, proposal.pk, "buyer")
    proposal.refresh_from_db()
    return bool(confirmed)


def seller_proposal_withdraw(*, proposal: SellerProposal, now: datetime | None = None) -> bool:
    """The seller withdraws a proposal no buyer took: its links stop working. Whether this call did it."""
    now = now or timezone.now()
    withdrawn = SellerProposal.objects.filter(pk=proposal.pk, withdrawn_at__isnull=True, booking__isnull=True).update(
        withdrawn_at=now, nonce=new_invite_nonce()
    )
    proposal.refresh_from_db()
    return bool(withdrawn)


class ProposedTime(NamedTuple):
    key: str
    starts_at: datetime
    free: bool


def seller_proposal_times(*, proposal: SellerProposal, now: datetime | None = None) -> list[ProposedTime]:
    """Each proposed time and whether it is still free now (one engine call, one statement, per time)."""
    now = now or timezone.now()
    kind = SpaceKind.BAY if proposal.item_kind == ItemKind.VEHICLE else SpaceKind.ROOM
    times = []
    for key in proposal.slot_keys:
        starts_at = slot_key_to_datetime(key)
        if starts_at is not None:
            free = station_slot(station=proposal.station, kind=kind, starts_at=starts_at, now=now) is not None
            times.append(ProposedTime(key, starts_at, free))
    return times


def seller_proposal_take(
    *, proposal: SellerProposal, buyer, key: str, charter_version: CharterVersion, charter_seen: int | None = None
):
    """The buyer takes one of the proposed times: the booking is made and confirmed. Returns the booking.

    The proposal's row is locked first, so two buyers with the same link take turns and the
    second finds it taken. The buyer accepts `charter_version` (the current one,
    booking_create checks it); the seller's acceptance of the version they read when they
    proposed is recorded as their answer.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = SellerProposal.objects.select_for_update().select_related("station").get(pk=proposal.pk)
        if not locked.is_open(now):
            raise SellerProposalClosed
        starts_at = slot_key_to_datetime(key)
        if key not in locked.slot_keys or starts_at is None:
            raise ProposalUnavailable
        booking = booking_create(
            buyer=buyer,
            station=locked.station,
            starts_at=starts_at,
            item_title=locked.item_title,
            item_description=locked.item_description,
            item_kind=locked.item_kind,
            listing_url=locked.listing_url,
            vehicle_plate=locked.vehicle_plate,
            seller_email=locked.seller_email,
            seller_name=locked.seller_name,
            charter_seen=charter_seen if charter_seen is not None else charter_version.pk,
        )
        # The seller is not invited (they proposed this time): the request's emails are not owed,
        # the confirmation that follows tells both parties.
        BookingEvent.objects.filter(booking=booking, to_status=BookingStatus.PENDING).update(notified_at=now)
        booking.seller_language = locked.seller_language
        booking.save(update_fields=["seller_language"])
        locked.booking = booking
        locked.save(update_fields=["booking"])  # before the confirmation: a partner's webhook follows it (api)
        booking = booking_accept(
            booking=booking,
            charter_version=locked.seller_charter_version,
            seller_first_name=locked.seller_first_name,
            seller_last_name=locked.seller_last_name,
            note=str(_("The seller proposed this time.")),
            now=now,
        )
    proposal.refresh_from_db()
    return booking


def _token(proposal: SellerProposal, salt: str) -> str:
    return signing.dumps({"p": proposal.pk, "n": proposal.nonce}, salt=salt, compress=True)


def _from_token(token: str, salt: str) -> SellerProposal:
    try:
        payload = signing.loads(token, salt=salt)
        proposal = SellerProposal.objects.select_related("station", "booking").get(pk=payload["p"])
    except (signing.BadSignature, SellerProposal.DoesNotExist, KeyError, TypeError, ValueError):
        raise InvalidProposalLink from None
    if not signing.constant_time_compare(proposal.nonce, str(payload.get("n", ""))):
        raise InvalidProposalLink
    return proposal


def seller_proposal_manage_token(proposal: SellerProposal) -> str:
    return _token(proposal, _MANAGE_SALT)


def seller_proposal_buyer_token(proposal: SellerProposal) -> str:
    return _token(proposal, _BUYER_SALT)


def seller_proposal_manage_path(proposal: SellerProposal) -> str:
    """The seller's page of the proposal: confirm, copy the buyer's link, withdraw, see it taken."""
    return reverse("bookings:proposal-seller", kwargs={"token": seller_proposal_manage_token(proposal)})


def seller_proposal_buyer_path(proposal: SellerProposal) -> str:
    return reverse("bookings:proposal-take", kwargs={"token": seller_proposal_buyer_token(proposal)})


def seller_proposal_from_manage_token(token: str) -> SellerProposal:
    return _from_token(token, _MANAGE_SALT)


def seller_proposal_from_buyer_token(token: str) -> SellerProposal:
    return _from_token(token, _BUYER_SALT)
