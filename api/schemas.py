from datetime import date, datetime, time
from typing import Literal

from ninja import Field, Schema


class StationOut(Schema):
    slug: str
    name: str
    address: str
    time_zone: str
    latitude: float | None
    longitude: float | None
    # Kilometres from the point asked for, when one was.
    distance_km: float | None = None


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday")
    opens_at: time
    closes_at: time


class SpaceOut(Schema):
    name: str
    kind: Literal["room", "bay"]
    description: str


class StationDetailOut(StationOut):
    access_notes: str
    slot_minutes: int
    horizon_days: int
    opening_hours: list[OpeningHoursOut]
    spaces: list[SpaceOut]


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime


class SlotsOut(Schema):
    station: str
    kind: Literal["room", "bay"]
    first_day: date
    last_day: date
    slots: list[SlotOut]


class CharterCheckIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)


class CharterCheckOut(Schema):
    verdict: Literal["allowed", "review", "forbidden"]
    space_kind: Literal["room", "bay"]
    category: str | None
    rule: int | None
    reason: str
    charter_version: int


class ProposalIn(Schema):
    station: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=200)
    listing_url: str = Field(min_length=1, max_length=500)
    role: Literal["seller", "buyer"]


class ProposalOut(Schema):
    url: str
    expires_at: datetime
    verdict: Literal["allowed", "review", "forbidden"]
    space_kind: Literal["room", "bay"]


class WebhookSecretOut(Schema):
    secret: str
