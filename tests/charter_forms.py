"""POST data of a form that accepts the charter, as the page would send it (its version included)."""

from charter.selectors import charter_current


def charter_accepted(**fields) -> dict:
    """The box ticked, and the current version as the one the party read."""
    return {"accept_charter": "on", "charter_version": charter_current().pk, **fields}


def seller_accepted(**fields) -> dict:
    """The seller's accept form: their name, the box ticked and the version they read."""
    return charter_accepted(**{"action": "accept", "first_name": "Camille", "last_name": "Vendeur", **fields})
