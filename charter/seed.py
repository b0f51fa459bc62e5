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

from .knowledge import knowledge_load
from .models import CharterVersion
from .services import charter_version_create


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
    knowledge = knowledge_load()
    return charter_version_create(number=1, source=knowledge, rules=knowledge.rules, published_at=timezone.now())


@transaction.atomic
def charter_draft_from_knowledge() -> CharterVersion:
    """A new draft version (the next number) holding the knowledge files as they are now.

    For a database whose published version is older than the files: a superuser tries
    listings on the draft, reads its impact on upcoming bookings, and publishes it.
    """
    knowledge = knowledge_load()
    # Two drafts made at once would both take the next number: the unique number refuses the second.
    latest = CharterVersion.objects.aggregate(latest=Max("number"))["latest"] or 0
    return charter_version_create(number=latest + 1, source=knowledge, rules=knowledge.rules)
