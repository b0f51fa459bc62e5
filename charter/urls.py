from django.urls import path

from . import views

app_name = "charter"

urlpatterns = [
    path("", views.charter_page, name="current"),
    path("check/", views.check_listing, name="check"),
]
