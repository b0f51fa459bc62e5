"""config.urls plus the two baseline views, under a prefix the product never uses."""

from django.urls import include, path

from . import baseline_views

urlpatterns = [
    path("bench-baseline/insert/", baseline_views.insert_one_row, name="bench-insert"),
    path("bench-baseline/page/", baseline_views.one_query_page, name="bench-page"),
    path("", include("config.urls")),
]
