"""The admin's changelists and autocompletes read hostile query strings without a 500.

Django's ChangeList turns most bad filters into IncorrectLookupParameters (the
admin then redirects to `?e=1`), but not all: its date hierarchy builds a date
from `?starts_at__year=` and catches ValueError only, so a huge year raised
OverflowError, year 9999 overflowed on "next year", and a year-1 bound overflowed
when converted to UTC at query time. A lookup value such as
`?starts_at__gte=0001-01-01` fails the same way, when the count runs. And a search
of thousands of words is one query with thousands of ORs, which PostgreSQL spends
minutes planning. Dates typed in admin forms are bounded too (config.user_input),
and an action's ticked rows must be primary keys the database can compare.
Every ModelAdmin and inline of the project takes BoundedInputAdmin first in its
bases (stations.admin_scoping's StationScopedAdmin and StationScopedInline do).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList, ChangeListSearchForm
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext

from .user_input import MAX_DAY, MIN_DAY, validate_day_in_range

# Longer than any name, email or reference staff look for; short enough that the
# query stays small (Django splits the search into words, one OR-group per word).
MAX_SEARCH_LENGTH = 200


class BoundedSearchForm(ChangeListSearchForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The changelist shows the error as a message and lists without the search.
        self.fields[SEARCH_VAR] = forms.CharField(required=False, strip=False, max_length=MAX_SEARCH_LENGTH)


class BoundedChangeList(ChangeList):
    search_form_class = BoundedSearchForm

    def _check_date_hierarchy(self) -> None:
        if not self.date_hierarchy:
            return
        parts = {}
        for part in ("year", "month", "day"):
            values = self.filter_params.get(f"{self.date_hierarchy}__{part}")
            if values is None:
                continue
            value = values[-1]
            if not (value.isascii() and value.isdigit() and len(value) <= 4):
                raise IncorrectLookupParameters(f"{part} is not a number")
            parts[part] = int(value)
        if "year" in parts and not MIN_DAY.year <= parts["year"] <= MAX_DAY.year:
            raise IncorrectLookupParameters("year out of range")

    def get_filters(self, request):
        self._check_date_hierarchy()
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        # The queryset is lazy: a lookup value Python cannot turn into a database
        # value fails here, when the changelist counts its rows.
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class BoundedInputAdmin:
    """Mixin for a ModelAdmin or an inline: `class XAdmin(BoundedInputAdmin, admin.ModelAdmin)`."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # A closure or a shift on 0001-01-01 overflowed when turned into UTC for the
        # queries that check it (a 500); one at 9999-12-31 when a day was added.
        if isinstance(db_field, models.DateField) and formfield is not None:  # DateTimeField included
            formfield.validators.append(validate_day_in_range)
        return formfield

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def response_action(self, request, queryset, *args, **kwargs):
        # Django filters the rows by the ticked primary keys as posted: "abc", "²" or
        # a 20-digit number there raised in the query (a 500 on every admin's actions).
        if not self._selection_is_readable(request):
            self.message_user(
                request,
                gettext("Items must be selected in order to perform actions on them. No items have been changed."),
                messages.WARNING,
            )
            return None  # the changelist redirects back to itself
        return super().response_action(request, queryset, *args, **kwargs)

    def _selection_is_readable(self, request) -> bool:
        pk = self.model._meta.pk
        low, high = connection.ops.integer_field_ranges.get(pk.get_internal_type(), (None, None))
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                value = pk.to_python(value)
            except ValidationError:
                return False
            if isinstance(value, int) and ((low is not None and value < low) or (high is not None and value > high)):
                return False
        return True

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete's term reaches here without the changelist's form.
        return super().get_search_results(request, queryset, search_term[:MAX_SEARCH_LENGTH])
