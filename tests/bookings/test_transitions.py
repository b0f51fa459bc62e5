"""The booking lifecycle: one table in the models, drawn in docs/architecture.md, and _transition holding to it."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from bookings.exceptions import InvalidTransition
from bookings.models import TRANSITIONS, BookingStatus
from bookings.services import _transition
from tests import factories

EDGE = re.compile(r"^\s*(\w+) --> (\w+)", re.MULTILINE)


def _drawn_lifecycle() -> dict[str, set[str]]:
    text = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagrams = [block.split("```", 1)[0] for block in text.split("```mermaid")[1:]]
    diagram = next(block for block in diagrams if "stateDiagram" in block)
    drawn: dict[str, set[str]] = {}
    for source, target in EDGE.findall(diagram):
        drawn.setdefault(source, set()).add(target)
    return drawn


def test_the_drawing_in_the_architecture_notes_is_the_lifecycle_table():
    table = {source: set(targets) for source, targets in TRANSITIONS.items() if targets}

    assert _drawn_lifecycle() == table


def test_every_status_is_in_the_table():
    assert set(TRANSITIONS) == set(BookingStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("current", "target"),
    [
        (BookingStatus.COMPLETED, BookingStatus.CANCELLED),
        (BookingStatus.EXPIRED, BookingStatus.CONFIRMED),
        (BookingStatus.PENDING, BookingStatus.COMPLETED),
    ],
)
def test_a_move_the_lifecycle_does_not_have_is_refused_whatever_the_caller_allows(current, target):
    booking = factories.BookingFactory(status=current)

    with pytest.raises(InvalidTransition):
        _transition(booking=booking, allowed_from=tuple(BookingStatus.values), to_status=target, role="staff")

    booking.refresh_from_db()
    assert booking.status == current
    assert not booking.events.exists()
