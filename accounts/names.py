"""People's names, as the desk reads them against an identity document.

Buyers give theirs at sign-up (accounts.forms), sellers when they accept an
invitation (bookings.forms); both are shown to the other party and to the
station's staff, and put in emails. So a name is held to what an identity
document prints: letters (any script) and their accents, spaces, hyphens,
apostrophes and full stops. That leaves no room for a link or an address in the
service's emails (bookings.mailtext), and none for the invisible and
direction characters that would make the name at the desk read otherwise
than the one typed ("\u202e" reverses what follows).
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 100

# Besides letters and combining marks (the accents of decomposed text).
_PUNCTUATION = frozenset(" -'\u2019\u02bc.")
# Control, format (zero-width, direction), surrogate, private-use and unassigned
# characters, and line or paragraph separators: none is part of a printed name.
_INVISIBLE = ("C", "Zl", "Zp")
# Runs of the space separators (Zs: the space, the no-break spaces, the ideographic one...).
_SPACES = re.compile(r"[^\S\n\r\t\v\f\x1c-\x1f\x85\u2028\u2029]+")


def person_name_normalise(value) -> str:
    """NFC, stripped, each run of spaces one space: "  Jean \u00a0 Dupont\n" is "Jean Dupont".

    A line break or a tab inside the name stays, for person_name_validate to refuse:
    only the ends are forgiven (a pasted name often brings its line break along).
    """
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value)).strip())


def person_name_validate(value: str) -> None:
    """Raise ValidationError (in the active language) unless `value` is a normalised name."""
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name has at most %(limit)d characters (this one has %(length)d)."),
            code="max_length",
            params={"limit": NAME_MAX_LENGTH, "length": len(value)},
        )
    if any(unicodedata.category(char).startswith(_INVISIBLE) for char in value):
        raise ValidationError(_("This name holds an invisible or control character: type it again."), code="invisible")
    if any(not _allowed(char) for char in value):
        raise ValidationError(
            _("Use letters only, with spaces, hyphens, apostrophes or full stops, as on your identity document."),
            code="characters",
        )
    if not any(char.isalpha() for char in value):
        raise ValidationError(_("A name has at least one letter."), code="no_letter")


def person_name_clean(value) -> str:
    """The name to store, or ValidationError: normalised, then validated (services call this)."""
    name = person_name_normalise(value)
    if not name:
        raise ValidationError(_("Give a name."), code="required")
    person_name_validate(name)
    return name


def _allowed(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char).startswith("M") or char in _PUNCTUATION


class PersonNameField(forms.CharField):
    """A first or last name: normalised before the length and character checks."""

    def __init__(self, *, autocomplete: str, **kwargs):
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(**kwargs)
        # The length is checked (with a clear message) after normalising, not by the browser.
        self.widget.attrs.pop("maxlength", None)
        self.widget.attrs.update({"autocomplete": autocomplete, "spellcheck": "false"})
        self.validators = [person_name_validate]

    def to_python(self, value):
        return person_name_normalise(super().to_python(value))


def first_name_field(**kwargs) -> PersonNameField:
    kwargs.setdefault("error_messages", {"required": _("Give your first name.")})
    return PersonNameField(label=_("First name"), autocomplete="given-name", **kwargs)


def last_name_field(**kwargs) -> PersonNameField:
    kwargs.setdefault("error_messages", {"required": _("Give your last name.")})
    return PersonNameField(label=_("Last name"), autocomplete="family-name", **kwargs)
