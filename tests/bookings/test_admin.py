"""Bookings in the admin: scoped to the station, read-only, and changed only through the services."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingEvent, BookingStatus
from stations.models import ParkingBay, Room
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:bookings_booking_changelist")


def _change_url(booking):
    return reverse("admin:bookings_booking_change", args=[booking.pk])


def _booking(station, *, status=BookingStatus.CONFIRMED, starts_at=None, space=None, **kwargs):
    fields = {"station": station, "space": space or Room.objects.get(station=station), "status": status, **kwargs}
    if starts_at is not None:
        fields.update(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30))
    return factories.BookingFactory(**fields)


def _act(client, action, *bookings):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [b.pk for b in bookings]}, follow=True)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_changelist_shows_own_station_bookings_only(client, paris_11, paris_13, staff_11e):
    ours = _booking(paris_11)
    theirs = _booking(paris_13)
    client.force_login(staff_11e)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ours]
    page = response.content.decode()
    assert ours.reference in page
    assert theirs.reference not in page


def test_changelist_shows_start_in_the_stations_time_zone(client, paris_11, staff_11e):
    _booking(paris_11, starts_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    client.force_login(staff_11e)

    page = client.get(CHANGELIST).content.decode()

    assert "2026-11-24 10:30 (Europe/Paris)" in page


def test_station_filter_does_not_list_another_station(client, paris_11, paris_13, staff_11e):
    _booking(paris_13)
    client.force_login(staff_11e)

    response = client.get(CHANGELIST)

    station_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "station")
    assert [name for _pk, name in station_filter.lookup_choices] == [paris_11.name]
    assert paris_13.name not in response.content.decode()


def test_search_does_not_reach_another_station(client, paris_11, paris_13, staff_11e):
    theirs = _booking(paris_13, seller_email="shared@example.net")
    ours = _booking(paris_11, seller_email="shared@example.net")
    client.force_login(staff_11e)

    by_email = client.get(CHANGELIST, {"q": "shared@example.net"})
    by_reference = client.get(CHANGELIST, {"q": theirs.reference})

    assert list(by_email.context["cl"].result_list) == [ours]
    assert list(by_reference.context["cl"].result_list) == []


def test_space_kind_filter(client, paris_11, staff_11e):
    in_room = _booking(paris_11)
    on_bay = _booking(paris_11, space=ParkingBay.objects.get(station=paris_11), item_kind="vehicle")
    client.force_login(staff_11e)

    rooms = client.get(CHANGELIST, {"space_kind": "room"}).context["cl"].result_list
    bays = client.get(CHANGELIST, {"space_kind": "bay"}).context["cl"].result_list

    assert list(rooms) == [in_room]
    assert list(bays) == [on_bay]


@time_machine.travel(datetime(2026, 11, 23, 23, 15, tzinfo=UTC), tick=False)  # 00:15 on the 24th in Paris
def test_today_is_the_stations_today(client, paris_11, staff_11e):
    def at(hour, minute=0, day=24):
        return datetime(2026, 11, day, hour, minute, tzinfo=UTC)

    yesterday_evening = _booking(paris_11, starts_at=at(21, 0, day=23), status=BookingStatus.COMPLETED)
    early_today = _booking(paris_11, starts_at=at(23, 30, day=23))  # 00:30 in Paris, 23:30 UTC the day before
    today = _booking(paris_11, starts_at=at(9))
    late_today = _booking(paris_11, starts_at=at(22, 30))  # 23:30 in Paris
    tomorrow = _booking(paris_11, starts_at=at(23, 0))  # 00:00 on the 25th in Paris
    next_week = _booking(paris_11, starts_at=at(9, day=30))
    later = _booking(paris_11, starts_at=at(9, day=1) + timedelta(days=30))
    client.force_login(staff_11e)

    def listed(day):
        return set(client.get(CHANGELIST, {"day": day}).context["cl"].result_list)

    assert listed("today") == {early_today, today, late_today}
    assert listed("tomorrow") == {tomorrow}
    assert listed("week") == {early_today, today, late_today, tomorrow, next_week}
    assert listed("past") == {yesterday_evening}
    assert later not in listed("week")


def test_check_in_action_goes_through_the_service(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    client.force_login(staff_11e)

    response = _act(client, "check_in", booking)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status, event.actor_role, event.actor) == (
        BookingStatus.CONFIRMED,
        BookingStatus.CHECKED_IN,
        "staff",
        staff_11e,
    )
    assert "1 booking checked in." in _messages(response)


def test_cancel_action_goes_through_the_service(client, paris_11, staff_11e):
    pending = _booking(paris_11, status=BookingStatus.PENDING)
    confirmed = _booking(paris_11, starts_at=pending.starts_at + timedelta(hours=1))
    client.force_login(staff_11e)

    _act(client, "cancel", pending, confirmed)

    for booking in (pending, confirmed):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert booking.cancel_reason
    events = BookingEvent.objects.filter(to_status=BookingStatus.CANCELLED)
    assert {(e.booking_id, e.actor_role, e.actor_id) for e in events} == {
        (pending.pk, "staff", staff_11e.pk),
        (confirmed.pk, "staff", staff_11e.pk),
    }


def test_outcome_and_no_show_actions(client, paris_11, staff_11e):
    checked_in = _booking(paris_11, status=BookingStatus.CHECKED_IN)
    absent = _booking(paris_11, starts_at=checked_in.starts_at + timedelta(hours=1))
    client.force_login(staff_11e)

    _act(client, "record_completed", checked_in)
    _act(client, "mark_no_show", absent)

    checked_in.refresh_from_db()
    absent.refresh_from_db()
    assert checked_in.status == BookingStatus.COMPLETED
    assert absent.status == BookingStatus.NO_SHOW
    assert BookingEvent.objects.filter(to_status__in=[BookingStatus.COMPLETED, BookingStatus.NO_SHOW]).count() == 2


def test_refused_transition_is_a_warning_naming_the_booking(client, paris_11, staff_11e):
    cancelled = _booking(paris_11, status=BookingStatus.CANCELLED)
    confirmed = _booking(paris_11, starts_at=cancelled.starts_at + timedelta(hours=1))
    client.force_login(staff_11e)

    response = _act(client, "check_in", cancelled, confirmed)

    cancelled.refresh_from_db()
    confirmed.refresh_from_db()
    assert cancelled.status == BookingStatus.CANCELLED
    assert confirmed.status == BookingStatus.CHECKED_IN
    messages = list(get_messages(response.wsgi_request))
    warnings = [str(m) for m in messages if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert cancelled.reference in warnings[0]
    assert not BookingEvent.objects.filter(booking=cancelled).exists()


def test_actions_posted_with_another_stations_booking_change_nothing(client, paris_11, paris_13, staff_11e):
    theirs = _booking(paris_13)
    client.force_login(staff_11e)

    for action in ("check_in", "cancel", "mark_no_show", "record_completed"):
        _act(client, action, theirs)
    # "Select all" across the list reaches only the list's own rows too.
    client.post(CHANGELIST, {"action": "cancel", "select_across": "1", "_selected_action": [theirs.pk]})

    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED
    assert not BookingEvent.objects.exists()


def test_check_in_from_the_booking_page(client, paris_11, paris_13, staff_11e):
    ours = _booking(paris_11)
    theirs = _booking(paris_13)
    client.force_login(staff_11e)

    page = client.get(_change_url(ours))
    assert page.status_code == 200
    assert 'value="check_in"' in page.content.decode()

    client.post(_change_url(ours), {"CHANGE_FORM-action": "check_in", "_selected_action": [ours.pk]})
    ours.refresh_from_db()
    assert ours.status == BookingStatus.CHECKED_IN

    refused = client.post(_change_url(theirs), {"CHANGE_FORM-action": "check_in", "_selected_action": [theirs.pk]})
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED


def test_booking_page_is_read_only_with_its_events(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    BookingEvent.objects.create(booking=booking, actor_role="seller", from_status="pending", to_status="confirmed")
    client.force_login(staff_11e)

    response = client.get(_change_url(booking))

    assert response.context["title"].startswith("View")
    assert response.context["adminform"].form.fields == {}
    [events] = response.context["inline_admin_formsets"]
    assert len(events.formset.queryset) == 1
    assert client.post(_change_url(booking), {"status": "completed", "item_title": "Autre"}).status_code == 403
    booking.refresh_from_db()
    assert (booking.status, booking.item_title) == (BookingStatus.CONFIRMED, "Vélo de course")


def test_no_one_adds_or_deletes_bookings_in_the_admin(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)

    for user in (staff_11e, root):
        client.force_login(user)
        assert client.get(reverse("admin:bookings_booking_add")).status_code == 403
        assert client.get(reverse("admin:bookings_booking_delete", args=[booking.pk])).status_code == 403
        assert "delete_selected" not in client.get(CHANGELIST).content.decode()
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_booking_events_are_scoped_and_read_only(client, paris_11, paris_13, staff_11e):
    ours = BookingEvent.objects.create(booking=_booking(paris_11), actor_role="buyer", to_status="pending")
    theirs = BookingEvent.objects.create(booking=_booking(paris_13), actor_role="buyer", to_status="pending")
    client.force_login(staff_11e)

    listing = client.get(reverse("admin:bookings_bookingevent_changelist"))

    assert list(listing.context["cl"].result_list) == [ours]
    assert client.get(reverse("admin:bookings_bookingevent_change", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("admin:bookings_bookingevent_change", args=[ours.pk]))
    assert page.context["title"].startswith("View")


def _changelist_queries(client):
    client.get(CHANGELIST)  # warm the content-type and permission caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_changelist_query_count_does_not_grow_with_bookings(client, paris_11, staff_11e, django_assert_max_num_queries):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for n in range(2):
        _booking(paris_11, starts_at=start + timedelta(hours=n))
    client.force_login(staff_11e)
    with_two, shown = _changelist_queries(client)
    assert shown == 2

    bay = ParkingBay.objects.get(station=paris_11)
    for n in range(2, 20):
        _booking(paris_11, starts_at=start + timedelta(hours=n), space=bay if n % 2 else None)
    with django_assert_max_num_queries(with_two):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 20


@time_machine.travel(datetime(2026, 6, 10, 8, 0, tzinfo=UTC), tick=False)  # 10:00 in Paris
def test_filtered_changelist_query_count_does_not_grow_with_bookings(client, paris_11, staff_11e):
    start = (timezone.now() + timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)
    _booking(paris_11, starts_at=start)
    client.force_login(staff_11e)
    url = f"{CHANGELIST}?day=week&station={paris_11.pk}&status=confirmed&q=SX"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for n in range(1, 20):
        _booking(paris_11, starts_at=start + timedelta(hours=n))
    with CaptureQueriesContext(connection) as twenty:
        client.get(url)

    assert len(twenty) == len(one)
    assert len(client.get(url).context["cl"].result_list) == 20


@time_machine.travel(
    datetime(2026, 11, 24, 7, 0, tzinfo=UTC), tick=False
)  # 08:00 in Paris, 23:00 the day before in Kennewick
def test_today_follows_each_stations_time_zone_for_a_superuser(client, paris_11):
    kennewick = factories.StationFactory(slug="kennewick", name="Kennewick Police", time_zone="America/Los_Angeles")
    factories.SpaceFactory(station=kennewick, name="Room A")
    paris_today = _booking(paris_11, starts_at=datetime(2026, 11, 23, 23, 30, tzinfo=UTC))  # 00:30 on the 24th
    kennewick_today = _booking(kennewick, starts_at=datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # 21:00 on the 23rd
    kennewick_tomorrow = _booking(kennewick, starts_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # 01:00 on the 24th
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)

    today = set(client.get(CHANGELIST, {"day": "today"}).context["cl"].result_list)
    tomorrow = set(client.get(CHANGELIST, {"day": "tomorrow"}).context["cl"].result_list)

    assert today == {paris_today, kennewick_today}
    assert tomorrow == {kennewick_tomorrow}


def test_filter_counts_only_count_own_station(client, paris_11, paris_13, staff_11e):
    _booking(paris_11)
    for hour in range(3):
        _booking(paris_13, starts_at=datetime(2026, 12, 1, 9 + hour, tzinfo=UTC))
    client.force_login(staff_11e)

    response = client.get(CHANGELIST, {"_facets": "True"})

    assert response.status_code == 200
    shown = {
        str(choice["display"])
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) in ("station", "space_kind")
        for choice in spec.choices(response.context["cl"])
    }
    assert shown == {"All", f"{paris_11.name} (1)", "Room (1)", "Parking bay (0)"}
