"""The charter around a booking: recorded verdicts, the seller's acceptance, staff overrides, new versions."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bookings.exceptions import CharterViolation
from bookings.links import seller_token
from bookings.models import Booking, BookingStatus
from bookings.selectors import station_free_slots
from bookings.services import booking_accept, booking_create
from charter.models import BookingCharterReview, CharterOverride, CharterVersion
from charter.selectors import CURRENT_VERSION_KEY, STAFF_REFUSED, charter_current
from charter.services import (
    AlreadyPublished,
    CharterError,
    NotPublishable,
    booking_charter_override,
    charter_version_publish,
)
from stations.models import SpaceKind
from tests import factories
from tests.charter_forms import seller_accepted
from tests.clock import pinned_clock
from tests.factories import SELLER_NAMES

pytestmark = pytest.mark.django_db


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# the slots booked are read from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


_pinned_clock = pinned_clock(NOW)


def _slots(station, kind=SpaceKind.ROOM):
    today = timezone.localdate(timezone.now(), station.zone)
    return station_free_slots(station=station, kind=kind, first_day=today, last_day=today + timedelta(days=7))


def book(buyer, station, seller, *, title="Vélo de course", slot_index=0, kind=SpaceKind.ROOM, **item):
    slot = _slots(station, kind)[slot_index]
    return booking_create(buyer=buyer, station=station, starts_at=slot.starts_at, item_title=title, **seller, **item)


def draft_of(version, number, *rules):
    draft = factories.CharterVersionFactory(number=number, published_at=None)
    for source in version.rules.order_by("id"):
        factories.RuleFactory(
            version=draft,
            category=source.category,
            verdict=source.verdict,
            terms=source.terms,
            exceptions=source.exceptions,
            reason_fr=source.reason_fr,
            reason_en=source.reason_en,
        )
    for extra in rules:
        factories.RuleFactory(version=draft, **extra)
    return draft


GUITARS = {
    "category": "bulky",
    "terms": "guitare\nguitar",
    "exceptions": "",
    "reason_fr": "Les guitares sont interdites.",
    "reason_en": "Guitars are not allowed.",
}


@pytest.fixture
def reviewing_charter(charter):
    factories.RuleFactory(
        version=charter,
        category="weapon",
        verdict="review",
        terms="arc a poulies",
        exceptions="",
        reason_fr="Les arcs sont examinés.",
        reason_en="Bows are looked at.",
    )
    return charter


# --- the verdict recorded with the booking ------------------------------------------------------


def test_booking_records_the_charter_verdict_of_its_version(buyer, paris_11, officer, reviewing_charter, seller):
    plain = book(buyer, paris_11, seller)
    flagged = book(buyer, paris_11, seller, title="Arc à poulies", slot_index=1)

    assert (plain.charter_review.verdict, plain.charter_review.rule) == ("allowed", None)
    review = flagged.charter_review
    assert (review.verdict, review.category, review.term) == ("review", "weapon", "arc a poulies")
    assert review.rule.reason_en == "Bows are looked at."
    assert review.version == reviewing_charter
    assert review.effective_verdict == "review"


def test_a_forbidden_item_records_nothing(buyer, paris_11, officer, charter, seller):
    with pytest.raises(CharterViolation):
        book(buyer, paris_11, seller, title="Machette")

    assert not BookingCharterReview.objects.exists()


def test_booking_create_sends_a_vehicle_to_a_bay_even_when_declared_an_object(buyer, paris_11, charter, seller):
    factories.RuleFactory(
        version=charter, category="vehicle", verdict="allowed", terms="voiture", exceptions="", reason_en="Bay."
    )
    bay_slot = _slots(paris_11, SpaceKind.BAY)[0]

    booking = booking_create(
        buyer=buyer,
        station=paris_11,
        starts_at=bay_slot.starts_at,
        item_title="Voiture Clio",
        item_kind="goods",
        **seller,
    )

    assert (booking.space.kind, booking.item_kind) == (SpaceKind.BAY, "vehicle")
    assert booking.charter_review.space_kind == SpaceKind.BAY


# --- the seller's page ----------------------------------------------------------------------------


def invite(client, booking, **data):
    url = reverse("bookings:seller-invite", kwargs={"token": seller_token(booking)})
    return client.post(url, data) if data else client.get(url)


def test_the_seller_sees_which_charter_version_they_accept_and_must_tick_it(
    client, buyer, paris_11, officer, charter, seller
):
    booking = book(buyer, paris_11, seller)

    page = invite(client, booking).content.decode()
    assert f"version {charter.number} of the charter" in page
    assert reverse("charter:current") in page
    assert invite(client, booking, action="accept").status_code == 400
    booking.refresh_from_db()
    assert (booking.status, booking.seller_charter_version) == (BookingStatus.PENDING, None)

    invite(client, booking, **seller_accepted())

    booking.refresh_from_db()
    assert (booking.status, booking.seller_charter_version) == (BookingStatus.CONFIRMED, charter)


def test_the_seller_is_told_an_officer_will_look_at_a_review_item(
    client, buyer, paris_11, officer, reviewing_charter, seller
):
    flagged = book(buyer, paris_11, seller, title="Arc à poulies")
    plain = book(buyer, paris_11, seller, slot_index=1)

    assert "An officer will look at this item" in invite(client, flagged).content.decode()
    assert "An officer will look at this item" not in invite(client, plain).content.decode()


# --- new versions ----------------------------------------------------------------------------------


def test_publishing_leaves_bookings_on_the_versions_their_parties_accepted(
    buyer, other_buyer, paris_11, officer, charter, seller
):
    confirmed = booking_accept(**SELLER_NAMES, booking=book(buyer, paris_11, seller), charter_version=charter)
    pending = book(buyer, paris_11, seller, slot_index=1)
    v2 = draft_of(charter, 2)

    charter_version_publish(version=v2)

    confirmed.refresh_from_db()
    pending.refresh_from_db()
    assert (confirmed.buyer_charter_version, confirmed.seller_charter_version) == (charter, charter)
    assert (pending.buyer_charter_version, pending.seller_charter_version) == (charter, None)
    assert confirmed.charter_review.version == charter
    # From now on, acceptances and new bookings are under version 2.
    assert charter_current() == v2
    booking_accept(**SELLER_NAMES, booking=pending, charter_version=charter_current())
    pending.refresh_from_db()
    assert (pending.buyer_charter_version, pending.seller_charter_version) == (charter, v2)
    assert pending.charter_review.version == v2
    newer = book(other_buyer, paris_11, seller, slot_index=2)
    assert newer.buyer_charter_version == v2


def test_a_newer_version_that_forbids_the_item_stops_the_seller_accepting(
    client, buyer, paris_11, officer, charter, seller
):
    booking = book(buyer, paris_11, seller, title="Guitare folk")
    charter_version_publish(version=draft_of(charter, 2, GUITARS))

    response = invite(client, booking, **seller_accepted())

    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.seller_charter_version) == (BookingStatus.PENDING, None)
    followed = client.get(response["Location"]).content.decode()
    assert "Guitars are not allowed." in followed


def test_a_staff_override_to_allowed_lets_the_seller_accept_under_the_newer_version(
    buyer, paris_11, officer, charter, seller, staff_11e
):
    booking = book(buyer, paris_11, seller, title="Guitare folk")
    v2 = draft_of(charter, 2, GUITARS)
    charter_version_publish(version=v2)
    booking_charter_override(
        review=booking.charter_review, verdict="allowed", reason="Small travel guitar, checked.", user=staff_11e
    )

    booking_accept(**SELLER_NAMES, booking=booking, charter_version=v2)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    review = booking.charter_review
    # The automatic verdict under v2 is kept; the staff decision stays on top of it.
    assert (review.version, review.verdict, review.override_verdict, review.effective_verdict) == (
        v2,
        "forbidden",
        "allowed",
        "allowed",
    )


def test_a_staff_override_to_forbidden_stops_the_seller_with_a_public_reason(
    buyer, paris_11, officer, charter, seller, staff_11e
):
    booking = book(buyer, paris_11, seller)
    booking_charter_override(
        review=booking.charter_review, verdict="forbidden", reason="Stolen bike, per our records.", user=staff_11e
    )

    with pytest.raises(CharterViolation) as refused:
        booking_accept(**SELLER_NAMES, booking=booking, charter_version=charter)

    assert str(refused.value.message) == str(STAFF_REFUSED)
    assert "Stolen" not in str(refused.value.message)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING


def test_every_override_is_logged_with_who_when_and_why(buyer, paris_11, officer, reviewing_charter, seller, staff_11e):
    booking = book(buyer, paris_11, seller, title="Arc à poulies")

    booking_charter_override(review=booking.charter_review, verdict="allowed", reason="Toy bow.", user=staff_11e)
    booking_charter_override(review=booking.charter_review, verdict="forbidden", reason="Not a toy.", user=staff_11e)

    log = list(
        CharterOverride.objects.filter(review__booking=booking).values_list("from_verdict", "to_verdict", "reason")
    )
    assert log == [("review", "allowed", "Toy bow."), ("allowed", "forbidden", "Not a toy.")]
    review = BookingCharterReview.objects.get(booking=booking)
    assert (review.override_verdict, review.override_reason, review.overridden_by) == (
        "forbidden",
        "Not a toy.",
        staff_11e,
    )


@pytest.mark.parametrize(("verdict", "reason"), [("allowed", "   "), ("maybe", "Because.")])
def test_an_override_needs_a_known_verdict_and_a_reason(
    buyer, paris_11, officer, charter, seller, staff_11e, verdict, reason
):
    booking = book(buyer, paris_11, seller)

    with pytest.raises(CharterError):
        booking_charter_override(review=booking.charter_review, verdict=verdict, reason=reason, user=staff_11e)

    assert not CharterOverride.objects.exists()


# --- publishing ------------------------------------------------------------------------------------


def test_publishing_a_draft_makes_it_current_at_once(charter):
    assert charter_current() == charter
    assert cache.get(CURRENT_VERSION_KEY) == charter.pk
    draft = draft_of(charter, 2)

    published = charter_version_publish(version=draft)

    assert published.published_at is not None
    assert CharterVersion.objects.get(pk=draft.pk).published_at == published.published_at
    assert charter_current() == draft


def test_a_published_version_cannot_be_published_again(charter):
    with pytest.raises(AlreadyPublished):
        charter_version_publish(version=charter)


def test_a_version_without_rules_or_older_than_the_current_one_is_not_published(charter):
    empty = factories.CharterVersionFactory(number=2, published_at=None)
    with pytest.raises(NotPublishable):
        charter_version_publish(version=empty)

    older = factories.CharterVersionFactory(number=0, published_at=None)
    factories.RuleFactory(version=older)
    with pytest.raises(NotPublishable, match="older"):
        charter_version_publish(version=older)

    broken = draft_of(charter, 3, GUITARS | {"terms": "guitare\n---"})
    with pytest.raises(NotPublishable):
        charter_version_publish(version=broken)
    assert charter_current() == charter
