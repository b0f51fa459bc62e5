"""The authorization matrix's targets (buyer A's objects at paris-11) and the URL of each pattern aimed at them."""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from bookings.links import SELLER_MOVE, link_token, seller_cancel_token, seller_token
from bookings.models import Booking, BookingEvent, BookingStatus, CancelCause, SellerProposal
from bookings.rebooking import rebooking_token
from bookings.seller_proposals import seller_proposal_buyer_token, seller_proposal_manage_token
from stations.models import SpaceKind
from stations.permissions import station_staff_group
from tests import factories
from tests.admin_objects import OTHER_OBJECTS, STATION_OBJECTS


@dataclass
class World:
    booking: Booking  # buyer A's, confirmed
    pending: Booking  # buyer A's, waiting for the seller's answer
    cancelled: Booking  # buyer A's, cancelled by a closure of the station (priority rebooking link)
    elsewhere: Booking  # buyer B's at paris-13, whose seller is the matrix's other_seller
    proposal: SellerProposal  # a seller's proposal at paris-11, confirmed, its buyer's link open
    proposal_elsewhere: SellerProposal  # other_seller's own proposal at paris-13
    admin_objects: dict  # admin model label: the row each admin page of that model is aimed at


def _booking(buyer, station, kind, status, *, hours=0, **fields):
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=2, hours=hours)
    return factories.BookingFactory(
        buyer=buyer,
        station=station,
        space=station.spaces.get(kind=kind),
        status=status,
        starts_at=starts_at,
        hold_expires_at=timezone.now() + timedelta(hours=24),
        **fields,
    )


def _proposal(station, seller_email, charter) -> SellerProposal:
    now = timezone.now()
    return SellerProposal.objects.create(
        station=station,
        item_title="Vélo",
        slot_keys=[(now + timedelta(days=2)).strftime("%Y%m%dT%H0000Z")],
        seller_email=seller_email,
        seller_first_name="Camille",
        seller_last_name="Vendeur",
        seller_language="fr",
        seller_charter_version=charter,
        created_at=now,
        expires_at=now + timedelta(days=2),
        confirmed_at=now,
    )


def build_world(*, buyer_a, buyer_b, paris_11, paris_13, charter) -> World:
    booking = _booking(buyer_a, paris_11, SpaceKind.ROOM, BookingStatus.CONFIRMED, buyer_charter_version=charter)
    draft = factories.CharterVersionFactory(number=charter.number + 1, published_at=None)
    factories.RuleFactory(version=draft)
    objects = {
        "bookings.booking": booking,
        "bookings.bookingevent": BookingEvent.objects.create(booking=booking, actor_role="buyer", to_status="pending"),
        "charter.charterversion": draft,  # a draft: the publish page is a confirmation
        "accounts.user": buyer_a,
        "account.emailaddress": buyer_a.emailaddress_set.get(),
        "auth.group": station_staff_group(),
    }
    objects |= {label: make(paris_11) for label, make in STATION_OBJECTS.items() if label not in objects}
    objects |= {
        label: OTHER_OBJECTS[label]() for label in ("api.partnerkey", "api.partnerbooking", "api.webhookdelivery")
    }
    return World(
        booking=booking,
        pending=_booking(
            buyer_a,
            paris_11,
            SpaceKind.BAY,
            BookingStatus.PENDING,
            buyer_charter_version=charter,
            item_kind="vehicle",
            move_nonce="matrix-move",  # a move answered already: its link shows where the booking stands
        ),
        cancelled=_booking(
            buyer_a,
            paris_11,
            SpaceKind.ROOM,
            BookingStatus.CANCELLED,
            hours=1,
            buyer_charter_version=charter,
            cancel_cause=CancelCause.CLOSURE,
        ),
        elsewhere=_booking(buyer_b, paris_13, SpaceKind.ROOM, BookingStatus.CONFIRMED, buyer_charter_version=charter),
        proposal=_proposal(paris_11, booking.seller_email, charter),
        proposal_elsewhere=_proposal(paris_13, "other.seller@example.net", charter),
        admin_objects=objects,
    )


def seller_move_token(booking):
    return link_token(SELLER_MOVE, booking)


def graft(target_token: str, own_token: str) -> str:
    """The target's payload under one's own valid timestamp and signature (django.core.signing's payload:ts:sig)."""
    payload = target_token.rsplit(":", 2)[0]
    timestamp, signature = own_token.rsplit(":", 2)[1:]
    return f"{payload}:{timestamp}:{signature}"


def _proposal_token(key, world, role):
    sign = seller_proposal_manage_token if key == "bookings:proposal-seller" else seller_proposal_buyer_token
    if role == "other_seller":
        return graft(sign(world.proposal), sign(world.proposal_elsewhere))
    return sign(world.proposal)


def _token(key, world, role):
    if key == "bookings:rebook":
        return rebooking_token(world.cancelled)
    if key in ("bookings:proposal-seller", "bookings:proposal-take"):
        return _proposal_token(key, world, role)
    sign, target = {
        "bookings:seller-invite": (seller_token, world.pending),
        "bookings:seller-cancel": (seller_cancel_token, world.booking),
        # The seller's QR and calendar file: of the confirmed booking, by its invitation link.
        "bookings:seller-qr": (seller_token, world.booking),
        "bookings:seller-calendar": (seller_token, world.booking),
        "bookings:seller-invite-language": (seller_token, world.pending),
        "bookings:seller-cancel-language": (seller_cancel_token, world.booking),
        "bookings:seller-move": (seller_move_token, world.pending),
    }[key]
    if role == "other_seller":
        # The strongest forgery without the secret key: buyer A's payload, their own signature.
        return graft(sign(target), sign(world.elsewhere))
    return sign(target)


def _admin_model(key, route):
    for model in admin.site._registry:
        app_label, model_name = model._meta.app_label, model._meta.model_name
        if key.startswith(f"admin:{app_label}_{model_name}_") or route.startswith(f"admin/{app_label}/{model_name}/"):
            return model
    raise LookupError(f"no admin model for {key}")


def _value(name, key, route, world, role):
    buyer = world.booking.buyer
    if key == "admin:view_on_site":
        return {"content_type_id": ContentType.objects.get_for_model(Booking).pk, "object_id": world.booking.pk}[name]
    if name == "object_id":
        return world.admin_objects[_admin_model(key, route)._meta.label_lower].pk
    if name == "token":
        return _token(key, world, role)
    if key == "account_confirm_email":
        return EmailConfirmationHMAC(buyer.emailaddress_set.get()).key
    if key == "account_reset_password_from_key":
        return {"uidb36": user_pk_to_url_str(buyer), "key": default_token_generator.make_token(buyer)}[name]
    return {
        "slug": world.booking.station.slug,
        "reference": world.booking.reference,
        "id": buyer.pk,  # the user admin's password form
        "app_label": "bookings",
        "url": "no-such-page/",  # the admin's catch-all
    }[name]


def _query(key, world):
    """The query string a page needs to be aimed at paris-11 (or to be what it is)."""
    station = {"station": world.booking.station_id}
    return {
        "admin:autocomplete": {"app_label": "stations", "model_name": "shift", "field_name": "officer", "term": ""},
        "admin:bookings_booking_schedule": station,
        "admin:bookings_booking_statistics": station,
    }.get(key)


def url_for(key: str, route: str, world: World, role: str) -> str:
    """The URL of pattern `key` (a name, or a route when unnamed) aimed at the targets, as `role` knows it."""
    names = [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]
    kwargs = {name: _value(name, key, route, world, role) for name in names}
    if key != route:
        path = reverse(key, kwargs=kwargs)
    else:
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), route)
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), path).strip("^$")
    query = _query(key, world)
    return f"{path}?{urlencode(query)}" if query else path


def every_row(*, but=()) -> dict:
    """Every row of every table (but the models labelled in `but`), to compare before and after requests."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in but and not model._meta.proxy
    }


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")
