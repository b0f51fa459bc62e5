"""Views for signed-in users with a verified address."""

from functools import wraps

from allauth.account.decorators import verified_email_required as allauth_verified_email_required


def verified_email_required(view):
    """allauth's decorator, without its query when the user already says the address is verified.

    accounts.backends annotates the user of every request with `has_verified_email`;
    whatever is not known verified takes allauth's path (sign in, or send the
    verification email again).
    """
    checked = allauth_verified_email_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request.user, "has_verified_email", False):
            return view(request, *args, **kwargs)
        return checked(request, *args, **kwargs)

    return wrapper
