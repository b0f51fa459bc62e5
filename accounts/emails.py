"""One spelling per mailbox, to compare email addresses that people type differently.

A buyer must not name themselves as the seller (it would turn the service's
invitation into a mail relay to any address they dress up as their own), and
invitations are counted per recipient: both compare mailboxes, not strings.
Providers deliver `name+tag@` to `name@` and ignore case in practice (RFC 5321
allows a case-sensitive local part; no mainstream provider uses it), and Gmail
ignores dots in the local part.
"""

import unicodedata

# Gmail ignores dots in the local part, and its two domains are one mailbox.
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")


def email_canonical(address) -> str:
    """`local@domain` of one mailbox: case-folded, without a +tag, dots gone at Gmail, domain in IDNA ASCII.

    Returns "" for anything that is not an email address; compare with
    email_same_mailbox, which never takes two garbage values for one mailbox.
    """
    if not isinstance(address, str) or not _encodable(address):
        return ""
    # NFKC: a full-width "＠" or "．" is the ASCII one to a mail server.
    address = unicodedata.normalize("NFKC", address).strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or "@" in local or not address.isprintable() or " " in address:
        return ""
    try:
        # Python's "idna" codec (IDNA 2003, with nameprep) also folds the case of
        # Unicode domains, so "ÉTÉ.fr" and "xn--t-9fab.fr" are one domain.
        domain = domain.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return ""
    if not domain:
        return ""
    local = local.casefold()
    untagged = local.split("+", 1)[0]
    if untagged:
        local = untagged
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = GMAIL_DOMAINS[0]
    return f"{local}@{domain}" if local else ""


def _encodable(text: str) -> bool:
    """False for text no mailbox can have (lone surrogates, which no database stores either)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def email_same_mailbox(first, second) -> bool:
    """True when both are email addresses of one mailbox (see email_canonical)."""
    canonical = email_canonical(first)
    return bool(canonical) and canonical == email_canonical(second)


def email_domain_spellings(address) -> list[str]:
    """The domains (ASCII and Unicode, lower case) under which an address of this mailbox may be stored.

    Lets a query narrow stored addresses to one domain before comparing them in
    Python with email_canonical; [] when the address is not one.
    """
    canonical = email_canonical(address)
    if not canonical:
        return []
    ascii_domain = canonical.rpartition("@")[2]
    domains = GMAIL_DOMAINS if ascii_domain in GMAIL_DOMAINS else (ascii_domain,)
    spellings = []
    for domain in domains:
        spellings.append(domain)
        unicode_domain = domain.encode("ascii").decode("idna").lower()
        if unicode_domain != domain:
            spellings.append(unicode_domain)
    return spellings
