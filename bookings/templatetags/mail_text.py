"""`{{ booking.item_title|defang }}`: typed text in an email, never a link (bookings.mailtext)."""

from django import template

from ..mailtext import defang as _defang

register = template.Library()


@register.filter
def defang(value) -> str:
    # A plain str, not marked safe: HTML emails still escape it.
    return _defang(value)
