"""Changes to an account that the project makes itself (allauth makes the rest)."""

from .models import User
from .names import person_name_clean


def user_names_set(*, user: User, first_name: str, last_name: str) -> User:
    """The buyer's first and last name, as the seller and the station's desk will read them.

    Raises django.core.exceptions.ValidationError for a name the desk could not read
    against an identity document (accounts.names).
    """
    first_name, last_name = person_name_clean(first_name), person_name_clean(last_name)
    User.objects.filter(pk=user.pk).update(first_name=first_name, last_name=last_name)
    user.first_name, user.last_name = first_name, last_name
    return user
