from django.urls import path

from .views import (
    buyer,
    pocket,
    reschedule,
    seller,
    seller_cancel,
    seller_language,
    seller_move,
    seller_proposal,
    wizard,
)

app_name = "bookings"

urlpatterns = [
    path("", buyer.my_bookings, name="mine"),
    path("new/<slug:slug>/", wizard.start, name="start"),
    path("new/<slug:slug>/item/", wizard.item_step, name="item"),
    path("new/<slug:slug>/slot/", wizard.slot_step, name="slot"),
    path("new/<slug:slug>/seller/", wizard.seller_step, name="seller"),
    path("new/<slug:slug>/review/", wizard.review_step, name="review"),
    path("rebook/<str:token>/", wizard.rebook, name="rebook"),
    path("propose/<slug:slug>/", seller_proposal.propose_item, name="propose"),
    path("propose/<slug:slug>/times/", seller_proposal.propose_times, name="propose-times"),
    path("propose/<slug:slug>/sent/", seller_proposal.propose_sent, name="propose-sent"),
    path("proposal/seller/<str:token>/", seller_proposal.proposal_seller, name="proposal-seller"),
    path("proposal/<str:token>/", seller_proposal.proposal_take, name="proposal-take"),
    path("invite/<str:token>/", seller.invite, name="seller-invite"),
    path("invite/<str:token>/qr.svg", pocket.seller_qr, name="seller-qr"),
    path("invite/<str:token>/calendar.ics", pocket.seller_calendar, name="seller-calendar"),
    path("invite/<str:token>/language/", seller_language.invite_language, name="seller-invite-language"),
    path("seller-cancel/<str:token>/", seller_cancel.cancel, name="seller-cancel"),
    path("seller-cancel/<str:token>/language/", seller_language.cancel_language, name="seller-cancel-language"),
    path("<str:reference>/", buyer.booking_detail, name="detail"),
    path("<str:reference>/cancel/", buyer.booking_cancel_view, name="cancel"),
    path("<str:reference>/book-again/", buyer.book_again, name="book-again"),
    path("<str:reference>/qr.svg", pocket.buyer_qr, name="qr"),
    path("<str:reference>/calendar.ics", pocket.buyer_calendar, name="calendar"),
    path("move/<str:token>/", seller_move.answer_move, name="seller-move"),
    path("<str:reference>/move/", reschedule.move_start, name="move-start"),
    path("<str:reference>/move/<slug:slug>/", reschedule.move, name="move"),
    path("<str:reference>/proposal/", reschedule.take_proposal, name="take-proposal"),
]
