"""/api/v1/: the partner API (django-ninja). Thin: validation by the schemas, work in the domain's selectors.

OpenAPI 3 at /api/v1/openapi.json, interactive docs at /api/v1/docs (Swagger UI from
django-ninja's own static files: no CDN, and no inline script, so the site's CSP holds).
"""

from datetime import date
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.openapi.docs import Swagger

from bookings.selectors import station_booking_days, station_free_slots
from charter.selectors import NoPublishedCharter, charter_check, charter_current
from stations.selectors import stations_public

from . import auth
from .buyer_routes import router as buyer_router
from .errors import ApiError, ErrorOut, install_error_handlers
from .proposals import ProposalInvalid, proposal_link, proposal_validate
from .schemas import (
    CharterCheckIn,
    CharterCheckOut,
    ProposalIn,
    ProposalOut,
    SlotsOut,
    StationDetailOut,
    StationOut,
    WebhookSecretOut,
)
from .selectors import stations_listed
from .services import partner_webhook_secret_rotate

api = NinjaAPI(
    title="Safe Exchange partner API",
    version="1",
    urls_namespace="api-v1",
    docs=Swagger(),
    description="Stations, free slots, the charter and proposal links for marketplaces. See docs/partners.md.",
)
install_error_handlers(api)
api.add_router("/me", buyer_router)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class StationFilters(Schema):
    city: str = Field("", max_length=100, description="A word of the station's address (its city).")
    lat: float | None = Field(None, ge=-90, le=90, description="With lon: nearest stations first.")
    lon: float | None = Field(None, ge=-180, le=180)
    limit: int = Field(50, ge=1, le=100)


def _check_filters(filters: StationFilters) -> None:
    # The pair cannot be said in the schema (JSON Schema has no "both or neither" for parameters).
    if (filters.lat is None) != (filters.lon is None):
        raise ApiError(422, "invalid_input", _("Give both lat and lon, or neither."))


@api.get("/stations", response={200: list[StationOut], **ERRORS}, auth=auth.READ, tags=["stations"])
def stations(request, filters: Query[StationFilters]):
    """Open stations: in a city (a word of their address), or nearest a point first."""
    _check_filters(filters)
    return stations_listed(city=filters.city, lat=filters.lat, lon=filters.lon, limit=filters.limit)


@api.get("/stations/{slug}", response={200: StationDetailOut, **ERRORS}, auth=auth.READ, tags=["stations"])
def station(request, slug: str):
    """One station, with its opening hours (station time) and its spaces."""
    row = get_object_or_404(stations_public(), slug=slug)
    row.distance_km = None
    return row


class SlotFilters(Schema):
    kind: Literal["room", "bay"] = "room"
    first_day: date | None = None
    last_day: date | None = None


@api.get("/stations/{slug}/slots", response={200: SlotsOut, **ERRORS}, auth=auth.READ, tags=["stations"])
def slots(request, slug: str, filters: Query[SlotFilters]):
    """Free slots of a room or a bay between two local dates (inclusive), within the booking horizon.

    The site's own slot engine (bookings.slots): what a buyer would be offered now.
    """
    row = get_object_or_404(stations_public(), slug=slug)
    days = station_booking_days(row)
    first_day = filters.first_day or days[0]
    last_day = filters.last_day or days[-1]
    if last_day < first_day:
        raise ApiError(422, "invalid_range", _("last_day comes before first_day."))
    if first_day > days[-1] or last_day < days[0]:
        raise ApiError(
            422,
            "outside_horizon",
            _("Slots can be read from %(first)s to %(last)s.") % {"first": days[0], "last": days[-1]},
        )
    first_day, last_day = max(first_day, days[0]), min(last_day, days[-1])
    found = station_free_slots(station=row, kind=filters.kind, first_day=first_day, last_day=last_day)
    return {
        "station": row.slug,
        "kind": filters.kind,
        "first_day": first_day,
        "last_day": last_day,
        "slots": [
            {"starts_at": s.starts_at, "ends_at": s.ends_at, "local_starts_at": s.local_starts_at} for s in found
        ],
    }


@api.post(
    "/charter/check", response={200: CharterCheckOut, 503: ErrorOut, **ERRORS}, auth=auth.CHARTER, tags=["charter"]
)
def charter(request, payload: CharterCheckIn):
    """The charter's verdict on a listing; the reason in the request's language (Accept-Language: fr or en)."""
    try:
        version = charter_current()
    except NoPublishedCharter:
        raise ApiError(503, "no_charter", _("No charter is published yet.")) from None
    verdict = charter_check(version=version, title=payload.title, description=payload.description)
    return verdict.as_dict(translation.get_language()) | {"charter_version": version.number}


@api.post("/proposals", response={201: ProposalOut, **ERRORS}, auth=auth.PROPOSALS, tags=["proposals"])
def proposal(request, payload: ProposalIn):
    """A signed link either party can send: the buyer's opens the booking wizard with the item filled in, the
    seller's their proposal of up to three times, which the buyer takes with their account.

    A partner never books in anyone's name: the link only proposes; the buyer books with their account.
    """
    try:
        checked = proposal_validate(**payload.model_dump())
    except ProposalInvalid as invalid:
        raise ApiError(422, invalid.code, invalid.message) from None
    path, expires_at = proposal_link(proposal=checked, partner=request.auth)
    return Status(
        201,
        {
            "url": request.build_absolute_uri(path),
            "expires_at": expires_at,
            "verdict": checked.verdict.verdict,
            "space_kind": checked.verdict.space_kind,
        },
    )


@api.post("/webhooks/secret", response={200: WebhookSecretOut, **ERRORS}, auth=auth.WEBHOOKS, tags=["webhooks"])
def webhook_secret(request):
    """A new signing secret for this key's webhooks, shown once; the old one stops at once."""
    if not request.auth.webhook_url:
        raise ApiError(422, "no_webhook_url", _("This key has no webhook address; ask the prefecture to set one."))
    return {"secret": partner_webhook_secret_rotate(key=request.auth)}
