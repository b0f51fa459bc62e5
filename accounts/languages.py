"""The buyer's language, kept on their account so that their emails are written in it (bookings.languages)."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest
from django.views.i18n import set_language

from .models import User

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def user_language_set(*, user: User, language: str, only_if_unset: bool = False) -> bool:
    """Store `language` (one of settings.LANGUAGES) as the user's; whether it changed anything."""
    if language not in SUPPORTED:
        return False
    rows = User.objects.filter(pk=user.pk).exclude(language=language)
    if only_if_unset:
        rows = rows.filter(language="")
    changed = bool(rows.update(language=language))
    if changed:
        user.language = language
    return changed


@receiver(user_signed_up)
def _language_at_sign_up(sender, request: HttpRequest, user: User, **kwargs) -> None:
    user_language_set(user=user, language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE))


@receiver(user_logged_in)
def _language_at_log_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    # Accounts made before languages were kept get the language they log in with.
    user_language_set(user=user, language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE), only_if_unset=True)


def language_switch(request: HttpRequest):
    """Django's set_language (cookie, redirect to `next`; a GET only redirects), and a logged-in user's language."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in SUPPORTED:
        user_language_set(user=request.user, language=language)
    return response
