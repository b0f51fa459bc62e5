from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import dev_views

urlpatterns = [
    path("", include("stations.urls")),
    path("bookings/", include("bookings.urls")),
    path("charter/", include("charter.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [
        path("dev/mail/", dev_views.mailbox, name="dev-mailbox"),
    ]
