from django.urls import path

from .views import buyer, reschedule, seller, seller_cancel, seller_move, wizard

app_name = "bookings"

urlpatterns = [
    path("", buyer.my_bookings, name="mine"),
    path("new/<slug:slug>/", wizard.start, name="start"),
    path("new/<slug:slug>/item/", wizard.item_step, name="item"),
    path("new/<slug:slug>/slot/", wizard.slot_step, name="slot"),
    path("new/<slug:slug>/seller/", wizard.seller_step, name="seller"),
    path("new/<slug:slug>/review/", wizard.review_step, name="review"),
    path("rebook/<str:token>/", wizard.rebook, name="rebook"),
    path("invite/<str:token>/", seller.invite, name="seller-invite"),
    path("seller-cancel/<str:token>/", seller_cancel.cancel, name="seller-cancel"),
    path("move/<str:token>/", seller_move.answer_move, name="seller-move"),
    path("<str:reference>/", buyer.booking_detail, name="detail"),
    path("<str:reference>/cancel/", buyer.booking_cancel_view, name="cancel"),
    path("<str:reference>/move/", reschedule.move_start, name="move-start"),
    path("<str:reference>/move/<slug:slug>/", reschedule.move, name="move"),
    path("<str:reference>/proposal/", reschedule.take_proposal, name="take-proposal"),
]
