import re
from datetime import date, datetime, time
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel

# What no database column can store (PostgreSQL refuses NUL; lone surrogates cannot be encoded):
# config/input_guard.py refuses it in URLs and forms, these in JSON bodies.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if UNSTORABLE.search(value):
        raise ValueError("NUL characters and lone surrogates are not accepted")
    return value


Text = Annotated[str, AfterValidator(_storable)]


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


# Request bodies are plain pydantic models: ninja's Schema reads the attributes of whatever it is
# given, so a JSON string "AAA" would pass, its `title` being str.title.
class CharterCheckIn(BaseModel):
    title: Text = Field(min_length=1, max_length=200)
    description: Text = Field("", max_length=2000)


class CharterCheckOut(Schema):
    verdict: Literal["allowed", "review", "forbidden"]
    space_kind: Literal["room", "bay"]
    category: str | None
    rule: int | None
    reason: str
    charter_version: int


class ProposalIn(BaseModel):
    station: Text = Field(min_length=1, max_length=50)
    title: Text = Field(min_length=1, max_length=200)
    listing_url: Text = Field(min_length=1, max_length=500)
    role: Literal["seller", "buyer"]


class ProposalOut(Schema):
    url: str
    expires_at: datetime
    verdict: Literal["allowed", "review", "forbidden"]
    space_kind: Literal["room", "bay"]


class WebhookSecretOut(Schema):
    secret: str
