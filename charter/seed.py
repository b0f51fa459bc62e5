"""Charter versions made from the knowledge files (charter/knowledge/, read by charter.knowledge).

The pilot's charter forbids sharp objects, weapons and bulky goods such as washing
machines; dangerous and illegal goods are added because a police station cannot
receive them either, and vehicles are sent to the parking bays. The public texts, the
rules (lexicons of terms, exceptions, reasons) and the general exceptions are data
files; this module turns them into a CharterVersion with its Rule rows, which is then
what the admin edits and publishes. tests/charter/corpus.jsonl and the blind batches in
tests/charter/batches/ measure them on real listings (docs/benchmarks.md).
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .knowledge import Knowledge, knowledge_load
from .models import CharterVersion, Rule


def _create_version(*, number: int, knowledge: Knowledge, published_at) -> CharterVersion:
    version = CharterVersion.objects.create(
        number=number,
        summary_fr=knowledge.summary_fr,
        summary_en=knowledge.summary_en,
        text_fr=knowledge.text_fr,
        text_en=knowledge.text_en,
        general_exceptions=knowledge.general_exceptions,
        published_at=published_at,
    )
    # One by one, in the files' order: the validator reads rules by id, first rule first.
    for rule in knowledge.rules:
        Rule.objects.create(
            version=version,
            category=rule.category,
            verdict=rule.verdict,
            terms=rule.terms,
            exceptions=rule.exceptions,
            reason_fr=rule.reason_fr,
            reason_en=rule.reason_en,
        )
    return version


@transaction.atomic
def charter_seed_first_version() -> CharterVersion:
    """Version 1 of the charter, published, from the knowledge files; an existing version 1 is returned untouched.

    A published version never changes (its compiled rules are cached per process),
    so later knowledge reaches an existing database as a new draft
    (charter_draft_from_knowledge), reviewed and published in the admin.
    """
    existing = CharterVersion.objects.filter(number=1).first()
    if existing is not None:
        return existing
    return _create_version(number=1, knowledge=knowledge_load(), published_at=timezone.now())


@transaction.atomic
def charter_draft_from_knowledge() -> CharterVersion:
    """A new draft version (the next number) holding the knowledge files as they are now.

    For a database whose published version is older than the files: a superuser tries
    listings on the draft, reads its impact on upcoming bookings, and publishes it.
    """
    knowledge = knowledge_load()
    # Two drafts made at once would both take the next number: the unique number refuses the second.
    latest = CharterVersion.objects.aggregate(latest=Max("number"))["latest"] or 0
    return _create_version(number=latest + 1, knowledge=knowledge, published_at=None)
