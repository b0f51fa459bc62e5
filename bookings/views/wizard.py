"""The buyer's booking wizard: station → item → day and slot → seller → review → book.

Each step keeps its answers in a short-lived draft (bookings.drafts, not the
session: see BookingDraft); no booking exists until the review step calls
booking_create.
"""

from functools import lru_cache, wraps
from itertools import groupby

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from accounts.decorators import verified_email_required
from charter.selectors import NoPublishedCharter, charter_check, charter_current
from config.user_input import parse_day
from stations.models import ExchangeZone, SpaceKind
from stations.selectors import stations_nearest_with_kind

from ..abuse import buyer_ban_error
from ..drafts import draft_clear, draft_forget, draft_get, draft_save, station_with_draft
from ..exceptions import (
    BookingError,
    CharterChanged,
    CharterViolation,
    RebookingUnavailable,
    SellerInvitedTooOften,
    SellerIsBuyer,
    SlotUnavailable,
    TooManyActiveBookings,
    TooManyInvitations,
)
from ..forms import CharterAcceptanceForm, ItemForm, SellerForm, SlotForm
from ..models import Booking, ItemKind
from ..rebooking import booking_for_rebooking, rebooking_draft
from ..selectors import slot_key_to_datetime, station_booking_days, station_free_slots
from ..services import booking_create, charter_refusal_record
from ._util import posted

STEPS = ("item", "slot", "seller", "review")


def _draft(request, station) -> dict:
    if hasattr(station, "draft_answers"):  # read with the station (_booking_open)
        return dict(station.draft_answers or {})
    return draft_get(buyer=request.user, station=station)


def _save_draft(request, station, **values) -> None:
    draft_save(buyer=request.user, station=station, **values)


def _forget(request, station, key) -> None:
    draft_forget(buyer=request.user, station=station, key=key)


def _clear_draft(request, station) -> None:
    draft_clear(buyer=request.user, station=station)


def _missing_step(draft: dict, step: str) -> str | None:
    """The first earlier step the draft has no answer for."""
    needs = {"slot": ["item"], "seller": ["item", "slot"], "review": ["item", "slot", "seller"]}
    for earlier in needs.get(step, []):
        if earlier not in draft:
            return earlier
    return None


@lru_cache(maxsize=1024)
def _day_label(day, language) -> str:
    """ "Mon 3 Jun" in the active language, which `language` names (the cache key): 15 buttons a page."""
    return date_format(day, "D j M")


def _kind(draft) -> str:
    return SpaceKind.BAY if draft["item"]["item_kind"] == ItemKind.VEHICLE else SpaceKind.ROOM


def _context(station, step, answers=None, **extra):
    return {
        "station": station,
        "step": step,
        "steps": STEPS,
        "pressure_notice": station.pressure_notice_shown(timezone.now()),
        "priority": bool(answers and answers.get("rebook")),
        **extra,
    }


def _record_charter_refusal(request, station, form) -> None:
    """Count a refused item once per browser session, station and category (bookings.models.CharterRefusal)."""
    verdict = getattr(form, "charter_refusal", None)
    if verdict is None:
        return
    seen = request.session.setdefault("charter-refusals", [])
    key = f"{station.pk}:{verdict.category}"
    if key in seen:
        return
    charter_refusal_record(station=station, category=verdict.category, version=form.charter_version)
    seen.append(key)
    request.session.modified = True


def _guard(request, station, step):
    draft = _draft(request, station)
    missing = _missing_step(draft, step)
    if missing:
        return draft, redirect(f"bookings:{missing}", slug=station.slug)
    return draft, None


def _booking_open(view=None, *, books=False):
    """Bookings need a published charter to check items against; without one, say so instead of failing.

    The view gets the station (one query) instead of its slug. `books`: the step whose
    POST calls booking_create, which checks the no-show ban itself under its lock.
    """
    if view is None:
        return lambda view: _booking_open(view, books=books)

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        station = station_with_draft(slug=slug, buyer=request.user)
        if station is None:
            raise Http404
        try:
            charter_current()
        except NoPublishedCharter:
            return render(request, "bookings/wizard/closed.html", {"station": station}, status=503)
        # A buyer under a no-show ban learns it at the first step, with the date it
        # ends, rather than after filling the wizard in (booking_create refuses too).
        checked = station.may_be_banned and not (books and request.method == "POST")
        banned = buyer_ban_error(buyer=request.user, station=station) if checked else None
        if banned is not None:
            return render(request, "bookings/wizard/banned.html", {"station": station, "error": banned}, status=403)
        return view(request, station, *args, **kwargs)

    return verified_email_required(wrapper)


@_booking_open
def start(request, station):
    return redirect("bookings:item", slug=station.slug)


@verified_email_required
def rebook(request, token):
    """The priority link of a station's apology (bookings.rebooking): a prefilled wizard, pressure or not."""
    cancelled = booking_for_rebooking(token=token, buyer=request.user)
    if cancelled is None or not cancelled.station.is_active:
        messages.error(request, RebookingUnavailable.message)
        return redirect("bookings:mine")
    station = cancelled.station
    _clear_draft(request, station)
    _save_draft(request, station, **rebooking_draft(cancelled))
    messages.info(
        request,
        _("Pick a new time for %(item)s: the item and the seller are filled in from booking %(reference)s.")
        % {"item": cancelled.item_title, "reference": cancelled.reference},
    )
    return redirect("bookings:slot", slug=station.slug)


@_booking_open
@require_http_methods(["GET", "POST"])
def item_step(request, station):
    draft = _draft(request, station)
    form = ItemForm(posted(request), initial=draft.get("item"))
    if request.method == "POST" and form.is_valid():
        previous_kind = draft.get("item", {}).get("item_kind")
        _save_draft(request, station, item=form.cleaned_data)
        if previous_kind != form.cleaned_data["item_kind"]:
            _forget(request, station, "slot")  # a room slot is no bay slot
        return redirect("bookings:slot", slug=station.slug)
    _record_charter_refusal(request, station, form)
    return render(request, "bookings/wizard/item.html", _context(station, "item", draft, form=form))


@_booking_open
@require_http_methods(["GET", "POST"])
def slot_step(request, station):
    draft, redirection = _guard(request, station, "slot")
    if redirection:
        return redirection
    kind = _kind(draft)
    if kind not in station.space_kinds:
        return _elsewhere(request, station, draft, kind)
    days = station_booking_days(station)
    slots = station_free_slots(
        station=station,
        kind=kind,
        first_day=days[0],
        last_day=days[-1],
        ignore_pressure=bool(draft.get("rebook")),
        buyer=request.user,  # a slot this buyer just cancelled is theirs to take back (no hold-back)
    )
    slots_by_day = {day: list(group) for day, group in groupby(slots, key=lambda s: s.local_starts_at.date())}
    chosen_day = parse_day(request.GET.get("day") or request.POST.get("day"))
    if chosen_day not in slots_by_day:
        chosen_day = next(iter(slots_by_day), None)
    day_slots = slots_by_day.get(chosen_day, [])
    form = SlotForm(posted(request), slots=day_slots, station=station, initial={"slot": draft.get("slot")})
    if request.method == "POST" and form.is_valid():
        _save_draft(request, station, slot=form.cleaned_data["slot"])
        return redirect("bookings:seller", slug=station.slug)
    return render(
        request,
        "bookings/wizard/slot.html",
        _context(
            station,
            "slot",
            draft,
            form=form,
            kind=kind,
            days=[(day, len(slots_by_day.get(day, [])), _day_label(day, get_language())) for day in days],
            chosen_day=chosen_day,
            chosen_slot=form["slot"].value(),
        ),
    )


def _elsewhere(request, station, draft, kind):
    """The station has no space for this item (no room, or no bay): never a slot picker with nothing in it.

    Its safe exchange zone, if it has one, needs no booking; otherwise the nearest stations that
    have the space the item needs.
    """
    context = _context(
        station,
        "slot",
        draft,
        kind=kind,
        entry={"zones": list(ExchangeZone.objects.filter(station=station, is_active=True).order_by("name"))},
        nearest=stations_nearest_with_kind(station=station, kind=kind),
    )
    return render(request, "bookings/wizard/elsewhere.html", context)


@_booking_open
@require_http_methods(["GET", "POST"])
def seller_step(request, station):
    draft, redirection = _guard(request, station, "seller")
    if redirection:
        return redirection
    # A priority rebooking of the same seller is not counted against the caps (bookings.invitations).
    rebook = draft.get("rebook")
    rebooked_from = Booking.objects.filter(pk=rebook, buyer=request.user).first() if rebook else None
    form = SellerForm(
        posted(request), initial=draft.get("seller"), buyer=request.user, station=station, rebooked_from=rebooked_from
    )
    if request.method == "POST" and form.is_valid():
        _save_draft(request, station, seller=form.cleaned_data)
        return redirect("bookings:review", slug=station.slug)
    return render(request, "bookings/wizard/seller.html", _context(station, "seller", draft, form=form))


@_booking_open(books=True)
@ratelimit(key="user", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def review_step(request, station):
    draft, redirection = _guard(request, station, "review")
    if redirection:
        return redirection
    starts_at = slot_key_to_datetime(draft["slot"])
    if starts_at is None:
        _forget(request, station, "slot")
        return redirect("bookings:slot", slug=station.slug)
    charter = charter_current()
    form = CharterAcceptanceForm(posted(request), charter=charter)
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_create(
                buyer=request.user,
                station=station,
                starts_at=starts_at,
                seller_email=draft["seller"]["seller_email"],
                seller_name=draft["seller"]["seller_name"],
                language=request.LANGUAGE_CODE,
                rebooked_from=Booking.objects.filter(pk=draft["rebook"]).first() if draft.get("rebook") else None,
                clear_draft=True,
                charter_seen=form.cleaned_data["charter_version"],
                **draft["item"],
            )
        except SlotUnavailable as error:
            _forget(request, station, "slot")
            messages.error(request, error.message)
            return redirect("bookings:slot", slug=station.slug)
        except CharterChanged as error:
            messages.error(request, error.message)  # the review page shows the new version
            return redirect("bookings:review", slug=station.slug)
        except CharterViolation as error:
            charter_refusal_record(station=station, category=error.verdict.category, version=charter)
            messages.error(request, error.message)
            return redirect("bookings:item", slug=station.slug)
        except RebookingUnavailable as error:
            _forget(request, station, "rebook")
            messages.error(request, error.message)
            return redirect("bookings:slot", slug=station.slug)
        except (SellerIsBuyer, TooManyInvitations, SellerInvitedTooOften) as error:
            messages.error(request, error.message)
            return redirect("bookings:seller", slug=station.slug)
        except TooManyActiveBookings as error:
            messages.error(request, error.message)
            return redirect("bookings:mine")
        except BookingError as error:
            messages.error(request, error.message)
            return redirect("bookings:slot", slug=station.slug)
        messages.success(
            request,
            _("Booking %(reference)s is made. We have emailed the seller, who must accept it.")
            % {"reference": booking.reference},
        )
        return redirect("bookings:detail", reference=booking.reference)
    return render(
        request,
        "bookings/wizard/review.html",
        _context(
            station,
            "review",
            draft,
            form=form,
            draft=draft,
            starts_at=timezone.localtime(starts_at, station.zone),
            ends_at=timezone.localtime(starts_at + station.slot_length, station.zone),
            charter=charter,
            kind=_kind(draft),
            # Shown, not enforced: booking_create checks again on submit.
            verdict=charter_check(
                version=charter,
                title=draft["item"]["item_title"],
                description=draft["item"].get("item_description", ""),
            ),
        ),
    )
