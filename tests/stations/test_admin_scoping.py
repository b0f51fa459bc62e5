"""Invariant 8: staff see only their station, whichever admin page, filter, dropdown or search they use."""

from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from charter.models import CharterVersion
from stations.admin_scoping import STATION_PATHS, station_path_for
from stations.models import Closure, Officer, ParkingBay, Room, Shift, SpaceKind, Station
from stations.permissions import STATION_STAFF_GROUP, station_staff_group
from tests import factories
from tests.admin_objects import OTHER_OBJECTS, STATION_OBJECTS, booking_at

pytestmark = pytest.mark.django_db


def _url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# Prefecture-wide pages station staff may read (and not change).
READABLE_BY_STAFF = {"charter.charterversion"}
# Station-scoped models whose rows station staff may delete.
DELETABLE_BY_STAFF = {
    "stations.room",
    "stations.parkingbay",
    "stations.exchangezone",
    "stations.openinghours",
    "stations.closure",
    "stations.officer",
    "stations.shift",
    "stations.officerabsence",
}

REGISTERED = sorted(model._meta.label_lower for model in admin.site._registry)


def test_every_registered_admin_model_has_a_scoping_case():
    """A new admin registration must say whether it is station data; this walk would miss it otherwise."""
    assert set(REGISTERED) == set(STATION_OBJECTS) | set(OTHER_OBJECTS)
    for label in STATION_OBJECTS:
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        model_admin = admin.site._registry[model]
        assert model_admin.get_station_path(), label


@pytest.mark.parametrize("label", REGISTERED)
def test_staff_cannot_reach_another_stations_rows_on_any_admin_page(label, client, paris_11, paris_13, staff_11e):
    client.force_login(staff_11e)
    if label in STATION_OBJECTS:
        theirs = STATION_OBJECTS[label](paris_13)
        for view in ("change", "history", "delete"):
            response = client.get(_url(theirs, view, theirs.pk))
            assert response.status_code in (403, 404), (label, view, response.status_code)
        response = client.post(_url(theirs, "delete", theirs.pk), {"post": "yes"})
        assert response.status_code in (403, 404)
        assert type(theirs)._default_manager.filter(pk=theirs.pk).exists()

        ours = STATION_OBJECTS[label](paris_11)
        assert client.get(_url(ours, "change", ours.pk)).status_code == 200
        assert client.get(_url(ours, "history", ours.pk)).status_code == 200
        expected = 200 if label in DELETABLE_BY_STAFF else 403
        assert client.get(_url(ours, "delete", ours.pk)).status_code == expected
    else:
        obj = OTHER_OBJECTS[label]()
        readable = 200 if label in READABLE_BY_STAFF else 403
        assert client.get(_url(obj, "change", obj.pk)).status_code == readable
        assert client.get(_url(obj, "history", obj.pk)).status_code == readable
        assert client.get(_url(obj, "delete", obj.pk)).status_code == 403
        assert client.post(_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403
        assert type(obj)._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("label", [label for label in REGISTERED if label in STATION_OBJECTS])
def test_changelists_list_only_the_staff_members_station(label, client, paris_11, paris_13, staff_11e):
    ours = STATION_OBJECTS[label](paris_11)
    theirs = STATION_OBJECTS[label](paris_13)
    client.force_login(staff_11e)

    response = client.get(_admin_url(type(ours), "changelist"))

    assert response.status_code == 200
    listed = set(response.context["cl"].result_list.values_list("pk", flat=True))
    assert ours.pk in listed
    assert theirs.pk not in listed


# --- the station's own admin pages (check-in desk, schedule, statistics, roster, actions) ---------


def _custom_object_views():
    """Every named admin URL beyond change/history/delete that takes a station-scoped object's id."""
    views = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label not in STATION_OBJECTS:
            continue
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        standard = {prefix + view for view in ("change", "history", "delete")}
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if name and "<path:object_id>" in str(pattern.pattern) and name not in standard:
                views.append((label, name))
    return sorted(views)


CUSTOM_OBJECT_VIEWS = _custom_object_views()


def test_the_walk_knows_every_custom_admin_page():
    assert CUSTOM_OBJECT_VIEWS == [
        ("bookings.booking", "bookings_booking_desk_booking"),
        ("stations.station", "stations_station_roster"),
        ("stations.station", "stations_station_week"),
    ]


@pytest.mark.parametrize(("label", "name"), CUSTOM_OBJECT_VIEWS)
def test_staff_cannot_reach_another_stations_row_on_any_custom_admin_page(
    label, name, client, paris_11, paris_13, staff_11e
):
    client.force_login(staff_11e)
    theirs = STATION_OBJECTS[label](paris_13)
    before = type(theirs)._default_manager.filter(pk=theirs.pk).values().get()

    url = reverse(f"admin:{name}", args=[theirs.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"action": "buyer_present", "starts": "08:00"}).status_code in (403, 404)
    assert type(theirs)._default_manager.filter(pk=theirs.pk).values().get() == before

    ours = STATION_OBJECTS[label](paris_11)
    assert client.get(reverse(f"admin:{name}", args=[ours.pk])).status_code == 200


# Pages about a whole station, which a prefecture-wide account picks with ?station=.
STATION_PAGES = ["admin:bookings_booking_schedule", "admin:bookings_booking_statistics"]


@pytest.mark.parametrize("name", STATION_PAGES)
@pytest.mark.parametrize("output", ["", "json", "csv"])
def test_staff_cannot_ask_a_station_page_for_another_station(name, output, client, paris_11, paris_13, staff_11e):
    theirs = booking_at(paris_13)
    client.force_login(staff_11e)

    response = client.get(reverse(name), {"station": paris_13.pk, "format": output})
    assert response.status_code == 404

    own = client.get(reverse(name), {"format": output})
    assert own.status_code == 200
    assert theirs.reference.encode() not in own.content
    assert b"paris-13" not in own.content


def test_the_desk_does_not_find_another_stations_reference(client, paris_11, paris_13, staff_11e):
    theirs = booking_at(paris_13)
    client.force_login(staff_11e)

    response = client.get(reverse("admin:bookings_booking_desk"), {"reference": theirs.reference})

    assert response.status_code == 200
    assert theirs.seller_name not in response.content.decode()


def _actions(label, user):
    from django.test import RequestFactory

    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    request = RequestFactory().get("/")
    request.user = user
    return model, sorted(admin.site._registry[model].get_actions(request))


def test_the_action_walk_sees_the_stations_actions(staff_11e):
    assert {"cancel", "check_in", "mark_no_show", "override_charter_verdict"} <= set(
        _actions("bookings.booking", staff_11e)[1]
    )
    assert "cancel_pressure_bookings" in _actions("stations.station", staff_11e)[1]
    assert "delete_selected" in _actions("stations.closure", staff_11e)[1]


@pytest.mark.parametrize("label", sorted(STATION_OBJECTS))
def test_no_bulk_action_touches_another_stations_rows(label, client, paris_11, paris_13, staff_11e):
    theirs = STATION_OBJECTS[label](paris_13)
    Station.objects.filter(pk=paris_13.pk).update(under_pressure=True)
    model, actions = _actions(label, staff_11e)
    client.force_login(staff_11e)
    manager = type(theirs)._default_manager
    before = manager.filter(pk=theirs.pk).values().get()

    for action in actions:
        # Every confirmation an action may ask for, given at once.
        data = {"action": action, "_selected_action": [theirs.pk], "post": "yes", "confirm": "yes"}
        data |= {"apply": "1", "verdict": "forbidden", "reason": "Essai"}
        client.post(_admin_url(model, "changelist"), data)
        assert manager.filter(pk=theirs.pk).values().get() == before, (label, action)


def test_station_paths_name_real_lookups():
    for label, path in STATION_PATHS.items():
        model = apps.get_model(label)
        assert list(model._default_manager.filter(**{path: 1})) == []


def test_staff_without_a_station_sees_nothing(client, paris_11):
    factories.OfficerFactory(station=paris_11)
    lost = factories.UserFactory(email="no.station@prefecture.example", is_staff=True)
    lost.groups.add(station_staff_group())
    client.force_login(lost)

    assert client.get(_admin_url(Officer, "changelist")).status_code == 403
    assert client.get(_admin_url(Closure, "add")).status_code == 403
    assert client.get(_admin_url(Station, "change", paris_11.pk)).status_code in (403, 404)
    index = client.get(reverse("admin:index"))
    # Only the prefecture-wide charter, which is public anyway.
    assert [app["app_label"] for app in index.context["app_list"]] == ["charter"]


def test_superuser_and_prefecture_accounts_see_every_station(client, paris_11, paris_13):
    boss = factories.UserFactory(email="boss@prefecture.example", is_staff=True)
    boss.groups.add(station_staff_group())
    boss.user_permissions.add(Permission.objects.get(codename="view_all_stations"))
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)

    for user in (boss, root):
        client.force_login(user)
        response = client.get(_admin_url(Room, "changelist"))
        listed = set(response.context["cl"].result_list.values_list("station__slug", flat=True))
        assert listed == {"paris-11", "paris-13"}


def test_station_list_filter_offers_only_visible_stations(client, paris_11, paris_13, staff_11e):
    factories.ShiftFactory(officer=factories.OfficerFactory(station=paris_13))
    client.force_login(staff_11e)

    for model in (Room, Shift, Closure):
        response = client.get(_admin_url(model, "changelist"))
        station_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "station")
        assert [name for _pk, name in station_filter.lookup_choices] == [paris_11.name]
        assert paris_13.name not in response.content.decode()


def test_station_filter_with_another_stations_id_lists_nothing(client, paris_11, paris_13, staff_11e):
    client.force_login(staff_11e)

    response = client.get(_admin_url(Room, "changelist"), {"station": paris_13.pk})

    assert list(response.context["cl"].result_list) == []


def test_shift_form_offers_only_own_officers(client, paris_11, paris_13, staff_11e):
    ours = factories.OfficerFactory(station=paris_11, badge_number="P11-1")
    theirs = factories.OfficerFactory(station=paris_13, badge_number="P13-1")
    client.force_login(staff_11e)

    response = client.get(_admin_url(Shift, "add"))

    officers = response.context["adminform"].form.fields["officer"].queryset
    assert list(officers) == [ours]
    assert theirs.badge_number not in response.content.decode()

    # The officer field is an autocomplete: its search endpoint is scoped too.
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "stations", "model_name": "shift", "field_name": "officer", "term": ""},
    )
    assert [row["id"] for row in autocomplete.json()["results"]] == [str(ours.pk)]
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "stations", "model_name": "shift", "field_name": "officer", "term": "P13"},
    )
    assert autocomplete.json()["results"] == []


def test_shift_for_another_stations_officer_is_refused(client, paris_11, paris_13, staff_11e):
    theirs = factories.OfficerFactory(station=paris_13)
    client.force_login(staff_11e)

    response = client.post(
        _admin_url(Shift, "add"),
        {
            "officer": theirs.pk,
            "starts_at_0": "2026-12-01",
            "starts_at_1": "08:00",
            "ends_at_0": "2026-12-01",
            "ends_at_1": "16:00",
        },
    )

    assert response.status_code == 200
    assert "officer" in response.context["adminform"].form.errors
    assert not Shift.objects.exists()


def test_closure_form_offers_only_own_station_and_forces_it(client, paris_11, paris_13, staff_11e):
    client.force_login(staff_11e)

    response = client.get(_admin_url(Closure, "add"))
    assert list(response.context["adminform"].form.fields["station"].queryset) == [paris_11]
    assert paris_13.name not in response.content.decode()

    refused = client.post(
        _admin_url(Closure, "add"),
        {
            "station": paris_13.pk,
            "starts_at_0": "2026-12-24",
            "starts_at_1": "12:00",
            "ends_at_0": "2026-12-24",
            "ends_at_1": "18:00",
            "reason": "Réveillon",
        },
    )
    assert "station" in refused.context["adminform"].form.errors
    assert not Closure.objects.exists()

    accepted = client.post(
        _admin_url(Closure, "add"),
        {
            "station": paris_11.pk,
            "starts_at_0": "2026-12-24",
            "starts_at_1": "12:00",
            "ends_at_0": "2026-12-24",
            "ends_at_1": "18:00",
            "reason": "Réveillon",
        },
    )
    assert accepted.status_code == 302
    closure = Closure.objects.get()
    assert closure.station == paris_11
    # Typed in the station's wall-clock time.
    assert closure.starts_at == datetime(2026, 12, 24, 11, 0, tzinfo=UTC)


def test_staff_type_times_in_their_stations_time_zone(client):
    kennewick = factories.StationFactory(slug="kennewick", name="Kennewick Police", time_zone="America/Los_Angeles")
    officer = factories.OfficerFactory(station=kennewick)
    staff = factories.UserFactory(email="staff@kennewick.example", is_staff=True, station=kennewick)
    staff.groups.add(station_staff_group())
    client.force_login(staff)

    response = client.post(
        _admin_url(Shift, "add"),
        {
            "officer": officer.pk,
            "starts_at_0": "2026-07-01",
            "starts_at_1": "08:00",
            "ends_at_0": "2026-07-01",
            "ends_at_1": "16:00",
        },
    )

    assert response.status_code == 302
    assert Shift.objects.get().starts_at == datetime(2026, 7, 1, 15, 0, tzinfo=UTC)
    listing = client.get(_admin_url(Shift, "changelist")).content.decode()
    assert "2026-07-01 08:00 (America/Los_Angeles)" in listing


def test_search_stays_within_the_station(client, paris_11, paris_13, staff_11e):
    factories.OfficerFactory(station=paris_11, user=factories.UserFactory(email="dupont.11@police.example"))
    factories.OfficerFactory(station=paris_13, user=factories.UserFactory(email="dupont.13@police.example"))
    client.force_login(staff_11e)

    response = client.get(_admin_url(Officer, "changelist"), {"q": "dupont"})

    assert [o.user.email for o in response.context["cl"].result_list] == ["dupont.11@police.example"]


def test_officer_form_offers_only_own_station_accounts(client, paris_11, paris_13, staff_11e, buyer):
    free_11 = factories.UserFactory(email="agent.11@police.example", station=paris_11)
    factories.UserFactory(email="agent.13@police.example", station=paris_13)
    client.force_login(staff_11e)

    response = client.get(_admin_url(Officer, "add"))

    users = set(response.context["adminform"].form.fields["user"].queryset)
    assert free_11 in users
    assert {u.email for u in users} <= {"agent.11@police.example", staff_11e.email}
    assert buyer.email not in response.content.decode()


def test_staff_change_their_station_but_not_create_or_delete_one(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    assert client.get(_admin_url(Station, "add")).status_code == 403
    assert client.get(_admin_url(Station, "delete", paris_11.pk)).status_code == 403
    response = client.get(_admin_url(Station, "change", paris_11.pk))
    assert response.status_code == 200
    assert set(response.context["adminform"].readonly_fields) == {"slug", "time_zone"}
    inline_models = {formset.formset.model for formset in response.context["inline_admin_formsets"]}
    # Shifts and absences are edited on the station's roster page (stations.admin_views.roster).
    assert {m._meta.model_name for m in inline_models} == {"openinghours", "closure", "officer"}


def test_new_room_gets_the_room_kind(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    response = client.post(
        _admin_url(Room, "add"), {"station": paris_11.pk, "name": "Salle 2", "description": "", "is_active": "on"}
    )

    assert response.status_code == 302
    assert Room.objects.get(name="Salle 2").kind == SpaceKind.ROOM
    bays = client.get(_admin_url(ParkingBay, "changelist")).context["cl"].result_list
    assert {bay.kind for bay in bays} == {SpaceKind.BAY}


def test_room_named_like_a_bay_of_the_same_station_is_a_form_error(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    response = client.post(
        _admin_url(Room, "add"), {"station": paris_11.pk, "name": "Place 1", "description": "", "is_active": "on"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def test_charter_is_readable_by_staff_and_editable_by_no_one_once_published(client, charter, staff_11e):
    client.force_login(staff_11e)
    response = client.get(_url(charter, "change", charter.pk))
    assert response.status_code == 200
    assert response.context["title"].startswith("View")
    assert client.post(_url(charter, "change", charter.pk), {"summary_en": "x"}).status_code == 403
    assert client.get(_admin_url(CharterVersion, "add")).status_code == 403

    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.get(_url(charter, "change", charter.pk))
    assert response.context["title"].startswith("View")
    assert client.get(_admin_url(CharterVersion, "add")).status_code == 200


def test_superuser_copies_a_published_charter_as_an_editable_draft(client, charter):
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)

    client.post(_admin_url(CharterVersion, "changelist"), {"action": "copy_as_draft", "_selected_action": [charter.pk]})

    draft = CharterVersion.objects.get(number=charter.number + 1)
    assert draft.published_at is None
    assert draft.rules.count() == charter.rules.count()
    response = client.get(_url(draft, "change", draft.pk))
    assert response.context["title"].startswith("Change")


def test_user_admin_is_for_superusers_only(client, staff_11e, buyer):
    client.force_login(staff_11e)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_change", args=[buyer.pk])).status_code == 403

    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:accounts_user_change", args=[buyer.pk])).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.agent@police.example",
            "usable_password": "true",
            "password1": "Tr0mb0ne-lune",
            "password2": "Tr0mb0ne-lune",
        },
    )
    assert response.status_code == 302
    created = type(buyer).objects.get(email="new.agent@police.example")
    assert created.check_password("Tr0mb0ne-lune")


def test_station_staff_group_holds_the_staff_permissions():
    group = station_staff_group()
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert {
        "stations.view_station",
        "stations.change_station",
        "stations.add_room",
        "stations.delete_parkingbay",
        "stations.change_shift",
        "stations.add_officer",
        "bookings.view_booking",
        "bookings.change_booking",
        "bookings.view_bookingevent",
        "charter.view_charterversion",
        "charter.view_rule",
    } <= perms
    assert not perms & {
        "stations.add_station",
        "stations.delete_station",
        "stations.view_all_stations",
        "stations.add_space",
        "bookings.add_booking",
        "bookings.delete_booking",
        "bookings.change_bookingevent",
        "charter.change_charterversion",
        "charter.change_rule",
    }
    # Proxy models carry their own permissions.
    room_perm = group.permissions.get(codename="add_room")
    assert room_perm.content_type.model == "room"


def test_station_staff_group_is_created_by_migrate():
    # No fixture called station_staff_group(): the post_migrate receiver did.
    group = Group.objects.get(name=STATION_STAFF_GROUP)
    assert group.permissions.filter(codename="view_booking").exists()


@pytest.mark.django_db(transaction=True)
def test_station_staff_group_survives_a_test_database_flush():
    group = Group.objects.get(name=STATION_STAFF_GROUP)
    assert group.permissions.filter(codename="add_room").exists()


def test_station_path_for_a_proxy_is_its_concrete_models():
    assert station_path_for(Room) == "station"
    assert station_path_for(CharterVersion) is None


def test_history_of_another_stations_row_is_not_found_even_with_log_entries(client, paris_13, staff_11e, staff_13e):
    room = Room.objects.get(station=paris_13)
    client.force_login(staff_13e)
    client.post(_url(room, "change", room.pk), {"station": paris_13.pk, "name": "Salle A", "is_active": "on"})
    client.force_login(staff_11e)

    assert LogEntry.objects.filter(object_id=str(room.pk)).exists()
    assert client.get(_url(room, "history", room.pk)).status_code == 404


def _form_data(response):
    """The POST data of an admin change form as rendered, inlines included."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None and value is not False}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if isinstance(value, datetime):
                    local = timezone.localtime(value)
                    data[f"{subform.prefix}-{name}_0"] = local.strftime("%Y-%m-%d")
                    data[f"{subform.prefix}-{name}_1"] = local.strftime("%H:%M:%S")
                elif value is not None and value is not False:
                    data[f"{subform.prefix}-{name}"] = value
    return data


def test_staff_save_their_station_with_its_opening_hours(client, paris_11, staff_11e):
    factories.ClosureFactory(station=paris_11, reason="Exercice")
    client.force_login(staff_11e)
    url = _admin_url(Station, "change", paris_11.pk)
    data = _form_data(client.get(url))
    data.update({"phone": "01 43 79 00 00", "opening_hours-0-closes_at": "17:30"})

    response = client.post(url, data)

    assert response.status_code == 302
    paris_11.refresh_from_db()
    assert paris_11.phone == "01 43 79 00 00"
    assert paris_11.opening_hours.filter(closes_at="17:30").count() == 1
    assert paris_11.closures.get().reason == "Exercice"


def test_charter_reviews_are_scoped_to_the_station_of_their_booking(paris_11, paris_13, staff_11e, charter):
    from charter.models import BookingCharterReview
    from stations.admin_scoping import scope_queryset
    from tests.factories import BookingFactory

    for station in (paris_11, paris_13):
        booking = BookingFactory(station=station, buyer_charter_version=charter)
        BookingCharterReview.objects.create(
            booking=booking, version=charter, verdict="review", space_kind="room", checked_at=booking.created_at
        )
    visible = scope_queryset(BookingCharterReview.objects.all(), staff_11e)
    assert [review.booking.station_id for review in visible] == [paris_11.id]
