from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CharterVersion
from .selectors import charter_forget_current


@receiver(post_save, sender=CharterVersion)
@receiver(post_delete, sender=CharterVersion)
def forget_current_version(sender, **kwargs):
    """Any saved or deleted version may change which one is current: every process reads it again.

    Dropped now and again at commit: a request reading the database between the two
    would otherwise cache the version that was current before the change.
    """
    charter_forget_current()
    transaction.on_commit(charter_forget_current)
