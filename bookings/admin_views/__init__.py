"""The station's pages in the booking admin: check-in desk, daily schedule, statistics.

Each is a view of BookingAdmin (admin_site.admin_view: staff login, CSRF), scoped
like the admin itself (stations/admin_scoping.py).

Also here, since what they change is bookings: the closure form and the pressure action
(closures.py, pressure.py), which the stations' admin shows on the closure and station
pages and which cancel bookings through bookings.closures.
"""

from django.urls import path

from stations.admin_scoping import sees_all_stations

from . import desk, schedule, statistics


class BookingAdminViews:
    """Mixin for BookingAdmin: the URLs of the station's pages."""

    def sees_all(self, request) -> bool:
        return sees_all_stations(request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view

        def bind(view):
            return wrap(lambda request, *args, **kwargs: view(self, request, *args, **kwargs))

        return [
            path("desk/", bind(desk.desk_lookup_view), name="bookings_booking_desk"),
            path("<path:object_id>/desk/", bind(desk.desk_booking_view), name="bookings_booking_desk_booking"),
            path("schedule/", bind(schedule.schedule_view), name="bookings_booking_schedule"),
            path("statistics/", bind(statistics.statistics_view), name="bookings_booking_statistics"),
            *super().get_urls(),
        ]
