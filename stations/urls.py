from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.home, name="home"),
    path("stations/", views.station_list, name="list"),
    path("stations/<slug:slug>/", views.station_detail, name="detail"),
]
