"""Days and ids typed or put in a query string by anyone, read without a 500.

Days: Python's dates end at 0001-01-01 and 9999-12-31, so a page asked for
`?day=9999-12-31` crashed when it linked to the next day, and the admin's date
hierarchy crashed on a year it could not turn into a date (OverflowError, a 500).
Every view and form that reads a day from user input goes through here, and
accepts only days between MIN_DAY and MAX_DAY: centuries of room on each side for
day, week, month and time zone arithmetic.

Ids: str.isdigit() is true for "²" and "٣", which int() or the database then
refuse (`?station=²` was a 500); parse_id takes ASCII digits that fit a bigint.
"""

from datetime import date, datetime

from django import forms
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2999, 12, 31)


def parse_day(value: str | None) -> date | None:
    """The day an ISO string names, or None for anything else: "2026-02-30", "9999-12-31", "", a NUL."""
    try:
        day = parse_date(value or "")
    except (ValueError, OverflowError):
        return None
    if day is None or not MIN_DAY <= day <= MAX_DAY:
        return None
    return day


MAX_ID = 2**63 - 1  # PostgreSQL's bigint, the primary keys' type (DEFAULT_AUTO_FIELD)


def parse_id(value) -> int | None:
    """The primary key a query string names, or None for anything else ("²", "-1", "1e3", 20 digits)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def day_out_of_range_message() -> str:
    """What a page says when the day it was asked for is not one it can show."""
    return gettext("This day cannot be shown: pick a real date between %(first)s and %(last)s.") % {
        "first": date_format(MIN_DAY),
        "last": date_format(MAX_DAY),
    }


def validate_day_in_range(value: date | datetime | None) -> None:
    """A form field validator: the date (or the date of the datetime) lies between MIN_DAY and MAX_DAY."""
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and not MIN_DAY <= day <= MAX_DAY:
        raise forms.ValidationError(
            gettext("Pick a date between the years %(first)s and %(last)s.")
            % {"first": MIN_DAY.year, "last": MAX_DAY.year},
            code="out_of_range",
        )


class IsoDateInput(forms.DateInput):
    """An <input type="date">: its value must be ISO (YYYY-MM-DD) whatever the language.

    The DateInput renders the localised format ("30/10/2026" in French), which a
    browser's date input rejects and shows as empty. Browsers send ISO back, which
    every DateField accepts (Django adds the ISO input format to each language's).
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class BoundedDateField(forms.DateField):
    """A form's date field that refuses days outside MIN_DAY..MAX_DAY with a clear message."""

    default_validators = [validate_day_in_range]
