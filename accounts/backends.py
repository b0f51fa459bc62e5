"""Authentication backends whose user comes with `has_verified_email`, read in the same query.

Every page behind accounts.decorators.verified_email_required would otherwise ask
the database twice per request: once for the user (the session's backend), once
for a verified address (allauth's decorator).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef


class _UserWithVerifiedEmail:
    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(
            has_verified_email=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True))
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserWithVerifiedEmail, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithVerifiedEmail, AllauthBackend):
    pass
