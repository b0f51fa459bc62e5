"""Provision a station staff account: safe to run again with the same arguments.

Without --password, no password is made up and printed: the command prints a
link where the person sets their own (allauth's password-reset link: it works
until the password is set, for settings.PASSWORD_RESET_TIMEOUT). A printed
password would stay in terminal scrollback, shell history and tickets; the link
dies once used. Running the command again prints a fresh link while the account
still has no password.
"""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from stations.models import Station
from stations.permissions import station_staff_group


class Command(BaseCommand):
    help = gettext_lazy(
        "Create or update the staff account of one station: staff status, the station, the “Station staff” "
        "group and a verified email address. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--station", required=True, help=gettext_lazy("The station's slug, e.g. paris-11."))
        parser.add_argument("--email", required=True, help=gettext_lazy("The account's email address (its login)."))
        parser.add_argument(
            "--password",
            help=gettext_lazy("Set this password; without it, a link to set one is printed."),
        )
        parser.add_argument("--first-name", default="", help=gettext_lazy("First name."))
        parser.add_argument("--last-name", default="", help=gettext_lazy("Last name."))

    def handle(self, *args, station, email, password=None, first_name="", last_name="", **options):
        station_obj = Station.objects.filter(slug=station).first()
        if station_obj is None:
            raise CommandError(_("No station has the slug “%(slug)s”.") % {"slug": station})
        email = User.objects.normalize_email(email.strip())
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(_("“%(email)s” is not an email address.") % {"email": email}) from error
        with transaction.atomic():
            user, created = self._account(email, station_obj, first_name, last_name)
            if password is not None:
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
                user.set_password(password)
            user.save()
            user.groups.add(station_staff_group())
            _verified_address(user)
        message = (
            _("Staff account %(email)s created for %(station)s.")
            if created
            else _("Staff account %(email)s of %(station)s is up to date.")
        )
        self.stdout.write(self.style.SUCCESS(message % {"email": user.email, "station": station_obj.name}))
        if password is not None:
            self.stdout.write(_("Password set."))
        elif not user.has_usable_password():
            path = reverse(
                "account_reset_password_from_key",
                kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
            )
            hours = settings.PASSWORD_RESET_TIMEOUT // 3600
            self.stdout.write(
                _("Send this link to the person: it lets them choose a password, once, within %(hours)d hours:")
                % {"hours": hours}
            )
            self.stdout.write(settings.SITE_URL + path)
        else:
            self.stdout.write(_("Password unchanged."))

    def _account(self, email, station, first_name, last_name):
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User(email=email)
            user.set_unusable_password()
        elif user.station_id not in (None, station.pk):
            raise CommandError(
                _("%(email)s is staff of another station (%(other)s); a superuser changes that in the admin.")
                % {"email": user.email, "other": user.station.slug}
            )
        user.is_staff = True
        user.is_active = True
        user.station = station
        if first_name:
            user.first_name = first_name
        if last_name:
            user.last_name = last_name
        return user, created


def _verified_address(user) -> None:
    """The login address, verified and primary (allauth), so the account never waits for a confirmation."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress(user=user, email=user.email)
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
    address.verified = True
    address.primary = True
    address.save()
