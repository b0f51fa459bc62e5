"""Authentication backends whose user comes with `has_verified_email`, read in the same query.

Every page behind accounts.decorators.verified_email_required would otherwise ask
the database twice per request: once for the user (the session's backend), once
for a verified address (allauth's decorator).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError


class _UserWithVerifiedEmail:
    # Plain SQL: this runs on every signed-in request, and the ORM's building of an
    # annotated query cost more than the database's answer.
    _QUERY = """
        SELECT u.*, EXISTS (
            SELECT 1 FROM account_emailaddress e WHERE e.user_id = u.id AND e.verified
        ) AS has_verified_email
        FROM accounts_user u WHERE u.id = %s
    """

    def get_user(self, user_id):
        users = get_user_model()
        try:
            pk = users._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(users._default_manager.raw(self._QUERY, [pk])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user.has_verified_email = bool(user.has_verified_email)  # 0 or 1 on SQLite
        return user


class ModelBackend(_UserWithVerifiedEmail, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithVerifiedEmail, AllauthBackend):
    pass
