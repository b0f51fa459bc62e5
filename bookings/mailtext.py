"""Text that people typed, made safe to put in an email the service sends.

A buyer chooses the seller's name and the item's title, and a party writes the
reason of a cancellation: an invitation carrying "pay at evil.example" would
lend the station's name to a phishing link. Mail clients turn anything that
looks like a URL, a domain or an email address into a link, even in plain text,
so escaping HTML is not enough: such text is defanged, the convention of
security advisories (`example[.]com`, `hxxps[:]//`, `name[at]example[.]com`),
still readable by a person, no longer a link. Every email template shows typed
text through the `defang` filter (bookings/templatetags/mail_text.py); HTML
emails still autoescape its result.
"""

import re
import unicodedata

# Zero-width and direction characters ("evil\u200b.com", a reversed "moc.live")
# hide a link from the patterns below, or disguise one; line breaks would let a
# seller's name write a paragraph of the email of its own.
_DROPPED = {"Cf", "Cs"}
_SPACED = {"Cc", "Zl", "Zp"}

_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps"}
# The usual schemes get the advisories' spelling too: "http:" and "HTTPS:" ("http:evil" is linked by some clients).
_SCHEME = re.compile(r"\b(https?|ftps?)(?=:)", re.IGNORECASE)
# Any "scheme://": some clients link unknown schemes too, "hxxps://" included.
_ANY_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*):(?=//)")
# "@" in every width a client may read as one.
_AT = re.compile("[@\uff20\ufe6b]")
# A dot (or the ideographic and full-width dots IDNA reads as one) between a
# letter or digit and a letter: every domain ends so ("evil.example", "xn--e1a.com").
_DOMAIN_DOT = re.compile(r"(?<=\w)[.\u3002\uff0e\uff61](?=[^\W\d_])")
# Dotted numbers are addresses too ("10.0.0.1"); prices ("12.50") are left alone.
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def defang(value) -> str:
    """One line of `value` in which no URL, domain or email address is left for a mail client to link."""
    if value is None:
        return ""
    text = "".join(
        " " if category in _SPACED else char
        for char in str(value)
        if (category := unicodedata.category(char)) not in _DROPPED
    )
    text = " ".join(text.split())
    text = _SCHEME.sub(lambda match: _defanged_scheme(match.group(1)), text)
    text = _ANY_SCHEME.sub(r"\1[:]", text)
    text = _AT.sub("[at]", text)
    text = _IPV4.sub(lambda match: match.group(0).replace(".", "[.]"), text)
    return _DOMAIN_DOT.sub("[.]", text)


def _defanged_scheme(scheme: str) -> str:
    replacement = _SCHEMES[scheme.lower()]
    return replacement.upper() if scheme.isupper() else replacement
