"""A station's free slots kept for a short while, between the changes that alter them (issue 10).

Why: the slot page computes a station's whole horizon on every request, most of it the
engine's Python over the station's bookings and officers, while a station's availability
changes far less often than buyers look at it.

What is kept (bookings.slots.availability puts it together): station_free_slots' answer for
no buyer in particular and without the pressure switch, with
- the generation tokens it was computed under (the station's, and one for every station);
- the instant it was computed, and the instant the clock alone makes it wrong: the first
  pending hold to lapse, the first slot held back to be released (bookings.slots.loading),
  at most SLOT_CACHE_SECONDS later (the bound on a change nothing reported);
- the buyers whose own cancelled bookings it holds back: for them it is computed afresh.
Each process also keeps its last answers (_InProcess), used only under the cache's current
tokens: a read is then one small round trip for the tokens, without unpickling the slots.
What is cut at read time: the slots before the earliest start (now, the lead time, the
seller's time to answer) and those the pressure switch stops, so a kept answer never offers a
past or too-soon slot.

Invalidation: every change of a booking, station, space, opening hours, closure, officer,
shift or absence calls availability_changed() (bookings.slots.invalidation: model signals,
and the services that write with update()). Once the transaction commits, the station's
token is replaced, and what was kept under the old one is never read again. A transaction
that changed a station computes its slots without the cache until it commits: it must see
its own change, which other connections must not see before the commit.

Never an authority: booking_create checks the one slot under the station's lock
(bookings.slots.booking_check), whatever the page showed.
"""

import logging
import threading
import uuid
from collections import OrderedDict
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from .engine import Slot

logger = logging.getLogger(__name__)

SLOT_CACHE_SECONDS = getattr(settings, "BOOKINGS_SLOT_CACHE_SECONDS", 60)
_PREFIX = "slots:1"
_EVERY_STATION = "all"


def _token_key(scope) -> str:
    return f"{_PREFIX}:token:{scope}"


class Kept(NamedTuple):
    """What the cache holds for one station, kind of space and range of days."""

    tokens: tuple[str, str] | None  # None: computed when the cache could not be read (never kept)
    computed_at: datetime
    valid_until: datetime
    held_back_buyers: frozenset[int]
    slots: list[Slot]


class Lookup(NamedTuple):
    """A read of the cache: what was kept if it is still current, and the tokens to keep a new answer under."""

    key: str
    tokens: tuple[str, str] | None
    kept: Kept | None


class _Changed:
    """The stations one transaction changed; replaces their tokens once it commits (its on_commit callback)."""

    def __init__(self):
        self.station_ids: set[int] = set()
        self.every_station = False

    def covers(self, station_id: int) -> bool:
        return self.every_station or station_id in self.station_ids

    def __call__(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.__dict__.get("_slot_cache_changed") is self:
            del connection.__dict__["_slot_cache_changed"]
        _tokens_replace(self.station_ids, every_station=self.every_station)


def _changed_in_transaction(connection) -> "_Changed | None":
    """This connection's open transaction's changes, or None; forgotten when rolled back (its callback gone)."""
    changed = connection.__dict__.get("_slot_cache_changed")
    if changed is None:
        return None
    if not connection.in_atomic_block or not any(func is changed for _ids, func, _robust in connection.run_on_commit):
        del connection.__dict__["_slot_cache_changed"]
        return None
    return changed


def availability_changed(station_id: int | None) -> None:
    """A station's availability changed (None: some station's, unknown which): its kept slots go at the commit."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        _tokens_replace({station_id} - {None}, every_station=station_id is None)
        return
    changed = _changed_in_transaction(connection)
    if changed is None:
        changed = connection.__dict__["_slot_cache_changed"] = _Changed()
        connection.on_commit(changed, robust=True)
    if station_id is None:
        changed.every_station = True
    else:
        changed.station_ids.add(station_id)


def _tokens_replace(station_ids, *, every_station: bool) -> None:
    tokens = {_token_key(station_id): uuid.uuid4().hex for station_id in station_ids}
    if every_station:
        tokens[_token_key(_EVERY_STATION)] = uuid.uuid4().hex
    if not tokens:
        return
    try:
        cache.set_many(tokens, timeout=None)
    except Exception:  # the cache down: what it kept expires within SLOT_CACHE_SECONDS
        logger.exception("Could not replace the slot cache's tokens of %s", sorted(tokens))


def changed_in_this_transaction(station_id: int) -> bool:
    changed = _changed_in_transaction(connections[DEFAULT_DB_ALIAS])
    return changed is not None and changed.covers(station_id)


class _InProcess:
    """The answers this process read or computed last, by key: a kept answer weighs some 50 kB, and
    unpickling its slots cost more than the cache's round trip. Used only when its tokens are the
    cache's current ones, which are read from the shared cache on every lookup all the same."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, Kept] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Kept | None:
        with self.lock:
            kept = self.entries.get(key)
            if kept is not None:
                self.entries.move_to_end(key)
            return kept

    def put(self, key: str, kept: Kept) -> None:
        with self.lock:
            self.entries[key] = kept
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_in_process = _InProcess(size=64)


def _current(kept: Kept | None, tokens: tuple, now: datetime) -> bool:
    return kept is not None and kept.tokens == tokens and kept.computed_at <= now < kept.valid_until


def _tokens(found: dict, token_keys: tuple[str, str]) -> tuple[str, str] | None:
    """The two tokens read, or None when either is missing."""
    every, station = (found.get(key) for key in token_keys)
    return (every, station) if every is not None and station is not None else None


def lookup(*, station_id: int, kind: str, first_day: date, last_day: date, now: datetime) -> Lookup:
    """The tokens (one round trip to the cache) and what was kept, if it is current at `now`: from this
    process's copy when it is, else from the cache (a second round trip)."""
    key = f"{_PREFIX}:slots:{station_id}:{kind}:{first_day.isoformat()}:{last_day.isoformat()}"
    token_keys = (_token_key(_EVERY_STATION), _token_key(station_id))
    try:
        found = cache.get_many(list(token_keys))
        tokens = _tokens(found, token_keys)
        if tokens is None:  # never changed yet, or the cache was emptied: tokens of their own
            for token_key in token_keys:
                if found.get(token_key) is None:
                    cache.add(token_key, uuid.uuid4().hex, timeout=None)
            tokens = _tokens(cache.get_many(list(token_keys)), token_keys)
            if tokens is None:
                return Lookup(key, None, None)
        kept = _in_process.get(key)
        if not _current(kept, tokens, now):
            kept = cache.get(key)
            if not _current(kept, tokens, now):
                return Lookup(key, tokens, None)
            _in_process.put(key, kept)
    except Exception:
        logger.exception("Could not read the slot cache")
        return Lookup(key, None, None)
    return Lookup(key, tokens, kept)


def keep(found: Lookup, kept: Kept) -> None:
    if found.tokens is None or kept.valid_until <= kept.computed_at:
        return
    _in_process.put(found.key, kept)
    try:
        cache.set(found.key, kept, timeout=SLOT_CACHE_SECONDS)
    except Exception:
        logger.exception("Could not write the slot cache")
