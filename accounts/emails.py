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


def email_mailbox_key(address: str) -> str:
    """The key one mailbox is counted by: its canonical form, or the address itself (case aside)
    when email_canonical cannot read it (a form's EmailField may let such an address through)."""
    return email_canonical(address) or address.strip().casefold()
