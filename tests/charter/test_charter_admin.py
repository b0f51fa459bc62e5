"""The charter in the admin: the "test a listing" box, the impact preview, publishing, and
the charter check of bookings (column, filter, inline, override), all within the station scope."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import BookingStatus
from charter.admin import RuleForm
from charter.models import BookingCharterReview, CharterOverride, CharterVersion
from charter.selectors import charter_check, charter_current
from charter.services import charter_review_record
from stations.models import Room
from tests import factories
from tests.clock import pinned_clock

pytestmark = pytest.mark.django_db


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# bookings are placed two days from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


_pinned_clock = pinned_clock(NOW)


BOOKINGS = reverse("admin:bookings_booking_changelist")


def url(name, version):
    return reverse(f"admin:charter_charterversion_{name}", args=[version.pk])


@pytest.fixture
def superuser(db):
    return factories.UserFactory(email="prefecture@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def draft(charter):
    """Version 2: version 1's rules, plus guitars forbidden and bows sent to an officer."""
    version = factories.CharterVersionFactory(number=2, published_at=None)
    for rule in charter.rules.order_by("id"):
        factories.RuleFactory(
            version=version,
            category=rule.category,
            terms=rule.terms,
            exceptions=rule.exceptions,
            reason_fr=rule.reason_fr,
            reason_en=rule.reason_en,
        )
    factories.RuleFactory(
        version=version, category="bulky", terms="guitare", exceptions="", reason_en="No guitars in rooms."
    )
    factories.RuleFactory(
        version=version,
        category="weapon",
        verdict="review",
        terms="arc",
        exceptions="",
        reason_en="Bows are looked at.",
    )
    return version


def booking(station, title, *, status=BookingStatus.PENDING, charter=None, hours=48, **fields):
    starts_at = (timezone.now() + timedelta(hours=hours)).replace(microsecond=0)
    made = factories.BookingFactory(
        station=station,
        space=Room.objects.get(station=station),
        item_title=title,
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        hold_expires_at=starts_at - timedelta(hours=2),
        buyer_charter_version=charter,
        seller_charter_version=charter if status == BookingStatus.CONFIRMED else None,
        **fields,
    )
    if charter is not None:
        charter_review_record(booking=made, version=charter, verdict=charter_check(version=charter, title=title))
    return made


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- test a listing ----------------------------------------------------------------------------


def test_staff_test_a_listing_and_see_verdict_rule_reason_and_why(client, charter, staff_11e):
    client.force_login(staff_11e)

    page = client.get(url("test", charter), {"title": "Machette de jardin", "description": ""}).content.decode()

    assert "Forbidden" in page
    assert "Blades and sharp objects are not allowed." in page
    assert "Les lames et objets tranchants sont interdits." in page
    assert "machette" in page

    page = client.get(url("test", charter), {"title": "Pistolet à colle", "description": ""}).content.decode()
    assert "Allowed" in page
    assert "cancelled by the exception “pistolet a colle”" in page


def test_the_test_box_uses_a_drafts_rules_as_saved_now(client, draft, superuser):
    client.force_login(superuser)
    assert "No guitars in rooms." in client.get(url("test", draft), {"title": "Guitare"}).content.decode()

    draft.rules.filter(terms="guitare").update(terms="ukulele")

    page = client.get(url("test", draft), {"title": "Guitare"}).content.decode()
    assert "No guitars in rooms." not in page
    assert "No term of this version was found" in page


def test_the_tools_are_for_admin_users_only(client, charter, buyer):
    assert client.get(url("test", charter)).status_code == 302  # to the admin login
    client.force_login(buyer)
    assert client.get(url("test", charter)).status_code == 302
    assert client.get(url("impact", charter)).status_code == 302


def test_the_change_page_links_the_tools_publish_only_for_superusers_on_drafts(
    client, charter, draft, staff_11e, superuser
):
    client.force_login(staff_11e)
    published = client.get(url("change", charter)).content.decode()
    assert url("test", charter) in published and url("impact", charter) not in published
    staff_draft = client.get(url("change", draft)).content.decode()
    assert url("impact", draft) in staff_draft and url("publish", draft) not in staff_draft

    client.force_login(superuser)
    assert url("publish", draft) in client.get(url("change", draft)).content.decode()
    assert url("publish", charter) not in client.get(url("change", charter)).content.decode()


# --- impact preview ------------------------------------------------------------------------------


def test_the_impact_preview_lists_the_upcoming_bookings_the_draft_would_newly_refuse(
    client, charter, draft, paris_11, paris_13, staff_11e, superuser
):
    pending = booking(paris_11, "Guitare folk", charter=charter)
    confirmed = booking(paris_11, "Guitare électrique", status=BookingStatus.CONFIRMED, charter=charter, hours=50)
    bow = booking(paris_11, "Arc de tir", charter=charter, hours=52)
    harmless = booking(paris_11, "Vélo", charter=charter, hours=54)
    past = booking(paris_11, "Guitare ancienne", status=BookingStatus.CONFIRMED, charter=charter, hours=-30)
    cancelled = booking(paris_11, "Guitare basse", status=BookingStatus.CANCELLED, charter=charter, hours=56)
    elsewhere = booking(paris_13, "Guitare classique", charter=charter)

    client.force_login(staff_11e)
    response = client.get(url("impact", draft))

    impact = response.context["impact"]
    assert [row.booking for row in impact["refused"]] == [pending, confirmed]
    assert [row.booking for row in impact["reviewed"]] == [bow]
    page = response.content.decode()
    assert "The seller will not be able to accept." in page
    assert "Stays confirmed under the version its parties accepted" in page
    for hidden in (harmless, past, cancelled, elsewhere):
        assert hidden.reference not in page
    assert "your station only" in page

    client.force_login(superuser)
    everyone = client.get(url("impact", draft)).context["impact"]
    assert [row.booking for row in everyone["refused"]] == [pending, elsewhere, confirmed]


def test_a_staff_override_to_allowed_keeps_a_booking_off_the_refused_list(client, charter, draft, paris_11, superuser):
    kept = booking(paris_11, "Guitare folk", charter=charter)
    review = kept.charter_review
    review.override_verdict = "allowed"
    review.save()
    client.force_login(superuser)

    assert client.get(url("impact", draft)).context["impact"]["refused"] == []


def test_the_impact_preview_takes_a_fixed_number_of_queries(client, charter, draft, paris_11, staff_11e):
    for hours in (48, 49):
        booking(paris_11, "Guitare", charter=charter, hours=hours)
    client.force_login(staff_11e)
    client.get(url("impact", draft))  # warm the permission and compiled-rule caches
    with CaptureQueriesContext(connection) as two:
        client.get(url("impact", draft))

    for hours in range(50, 62):
        booking(paris_11, "Guitare" if hours % 2 else "Vélo", charter=charter, hours=hours)
    with CaptureQueriesContext(connection) as fourteen:
        response = client.get(url("impact", draft))

    assert response.context["impact"]["checked"] == 14
    assert len(fourteen) == len(two)


# --- publishing ----------------------------------------------------------------------------------


def test_staff_cannot_publish(client, draft, staff_11e):
    client.force_login(staff_11e)

    assert client.get(url("publish", draft)).status_code == 403
    assert client.post(url("publish", draft)).status_code == 403
    assert CharterVersion.objects.get(pk=draft.pk).published_at is None


def test_a_superuser_sees_the_impact_then_publishes(client, charter, draft, paris_11, superuser):
    pending = booking(paris_11, "Guitare folk", charter=charter)
    client.force_login(superuser)

    confirm = client.get(url("publish", draft))
    assert confirm.status_code == 200
    assert pending.reference in confirm.content.decode()
    assert CharterVersion.objects.get(pk=draft.pk).published_at is None

    response = client.post(url("publish", draft), follow=True)

    assert response.redirect_chain[-1][0] == url("change", draft)
    assert any("is published" in message for message in messages_of(response))
    assert charter_current() == draft
    pending.refresh_from_db()
    assert pending.buyer_charter_version == charter
    # Published: no more publishing, and the rules are read-only.
    assert client.post(url("publish", draft)).status_code == 403


def test_rule_lines_without_letters_are_refused():
    form = RuleForm(
        data={
            "category": "weapon",
            "verdict": "forbidden",
            "terms": "arme\n---",
            "exceptions": "jouet\n?!",
            "reason_fr": "Non.",
            "reason_en": "No.",
        }
    )

    assert not form.is_valid()
    assert set(form.errors) == {"terms", "exceptions"}


def test_copy_as_draft_keeps_the_rules_order_and_verdicts(client, charter, draft, superuser):
    client.force_login(superuser)
    draft.published_at = timezone.now()
    draft.save()

    client.post(
        reverse("admin:charter_charterversion_changelist"),
        {"action": "copy_as_draft", "_selected_action": [draft.pk]},
    )

    copy = CharterVersion.objects.get(number=3)
    fields = ("category", "verdict", "terms", "exceptions")
    assert list(copy.rules.order_by("id").values_list(*fields)) == list(draft.rules.order_by("id").values_list(*fields))


# --- the charter check of bookings in the booking admin --------------------------------------------


@pytest.fixture
def reviewing(charter):
    factories.RuleFactory(
        version=charter,
        category="weapon",
        verdict="review",
        terms="arc",
        exceptions="",
        reason_en="Bows are looked at.",
    )
    return charter


def test_the_booking_list_shows_and_filters_items_for_an_officer_to_check(
    client, reviewing, paris_11, paris_13, staff_11e, staff_13e
):
    flagged = booking(paris_11, "Arc de tir", charter=reviewing)
    plain = booking(paris_11, "Vélo", charter=reviewing, hours=50)
    theirs = booking(paris_13, "Arc à poulies", charter=reviewing)
    client.force_login(staff_11e)

    listing = client.get(BOOKINGS).content.decode()
    assert "Checked by an officer" in listing
    filtered = client.get(BOOKINGS, {"charter": "review"})
    assert list(filtered.context["cl"].result_list) == [flagged]
    assert plain.reference not in filtered.content.decode()

    client.force_login(staff_13e)
    assert list(client.get(BOOKINGS, {"charter": "review"}).context["cl"].result_list) == [theirs]


def test_the_booking_page_shows_its_charter_check(client, reviewing, paris_11, staff_11e):
    flagged = booking(paris_11, "Arc de tir", charter=reviewing)
    client.force_login(staff_11e)

    response = client.get(reverse("admin:bookings_booking_change", args=[flagged.pk]))

    page = response.content.decode()
    assert "Bows are looked at." in page
    assert "Checked by an officer" in page


def override(client, bookings, *, apply=True, **data):
    payload = {"action": "override_charter_verdict", "_selected_action": [b.pk for b in bookings]}
    if apply:
        payload |= {"apply": "1", **data}
    return client.post(BOOKINGS, payload, follow=apply)


def test_staff_override_a_verdict_with_a_logged_reason(client, reviewing, paris_11, staff_11e):
    flagged = booking(paris_11, "Arc de tir", charter=reviewing)
    client.force_login(staff_11e)

    form = override(client, [flagged], apply=False)
    assert form.status_code == 200
    assert "Override the charter verdict" in form.content.decode()

    refused = override(client, [flagged], verdict="allowed", reason="")
    assert "This field is required." in refused.content.decode()
    assert not CharterOverride.objects.exists()

    done = override(client, [flagged], verdict="allowed", reason="Children's bow, seen on photos.")
    assert done.redirect_chain[-1][0] == reverse("admin:bookings_booking_change", args=[flagged.pk])
    review = BookingCharterReview.objects.get(booking=flagged)
    assert (review.effective_verdict, review.overridden_by, review.override_reason) == (
        "allowed",
        staff_11e,
        "Children's bow, seen on photos.",
    )
    log = CharterOverride.objects.get()
    assert (log.by, log.from_verdict, log.to_verdict) == (staff_11e, "review", "allowed")
    page = client.get(reverse("admin:bookings_booking_change", args=[flagged.pk])).content.decode()
    assert "Children&#x27;s bow, seen on photos." in page


def test_staff_cannot_override_another_stations_booking(client, reviewing, paris_13, staff_11e):
    theirs = booking(paris_13, "Arc de tir", charter=reviewing)
    client.force_login(staff_11e)

    override(client, [theirs], verdict="allowed", reason="Not ours.")

    assert not CharterOverride.objects.exists()
    assert BookingCharterReview.objects.get(booking=theirs).override_verdict == ""


def test_a_booking_made_before_checks_were_kept_can_be_overridden(client, charter, paris_11, staff_11e):
    older = factories.BookingFactory(
        station=paris_11, space=Room.objects.get(station=paris_11), item_title="Machette", buyer_charter_version=charter
    )
    client.force_login(staff_11e)

    override(client, [older], verdict="forbidden", reason="Machete seen on the listing.")

    review = BookingCharterReview.objects.get(booking=older)
    assert (review.verdict, review.override_verdict, review.version) == ("forbidden", "forbidden", charter)


def test_the_booking_list_with_charter_checks_takes_a_fixed_number_of_queries(client, reviewing, paris_11, staff_11e):
    for hours in (48, 49):
        booking(paris_11, "Arc de tir", charter=reviewing, hours=hours)
    client.force_login(staff_11e)
    client.get(BOOKINGS)
    with CaptureQueriesContext(connection) as two:
        client.get(BOOKINGS)

    for hours in range(50, 60):
        booking(paris_11, "Arc" if hours % 2 else "Vélo", charter=reviewing, hours=hours)
    with CaptureQueriesContext(connection) as twelve:
        response = client.get(BOOKINGS)

    assert len(response.context["cl"].result_list) == 12
    assert len(twelve) == len(two)


def test_the_override_starts_from_the_booking_page_too(client, reviewing, paris_11, staff_11e):
    flagged = booking(paris_11, "Arc de tir", charter=reviewing)
    change_url = reverse("admin:bookings_booking_change", args=[flagged.pk])
    client.force_login(staff_11e)
    assert "override_charter_verdict" in client.get(change_url).content.decode()

    response = client.post(
        change_url, {"CHANGE_FORM-action": "override_charter_verdict", "_selected_action": [flagged.pk]}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{BOOKINGS}"' in page
    assert flagged.reference in page


def test_the_versions_list_says_which_is_current_and_which_are_drafts(client, charter, draft, superuser):
    factories.CharterVersionFactory(number=0)
    client.force_login(superuser)

    response = client.get(reverse("admin:charter_charterversion_changelist"))

    states = {
        version.number: response.context["cl"].model_admin.state(version)
        for version in response.context["cl"].result_list
    }
    assert states == {2: "Draft", 1: "Current", 0: "Published"}
