"""Erase the personal data of bookings past the retention period (bookings.retention)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import BookingStatus
from bookings.retention import BATCH_SIZE, bookings_anonymise


class Command(BaseCommand):
    help = gettext_lazy(
        "Anonymise the bookings whose slot ended more than BOOKINGS_RETENTION_DAYS ago, except those under an "
        "incident hold, and erase the other personal data past its time. Safe to run again; Celery beat runs it "
        "every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("Count what would be anonymised; change nothing.")
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=gettext_lazy("Rows per transaction."))

    def handle(self, *args, dry_run=False, batch_size=BATCH_SIZE, **options):
        report = bookings_anonymise(dry_run=dry_run, batch_size=batch_size)
        days = settings.BOOKINGS_RETENTION_DAYS
        if dry_run:
            self.stdout.write(
                _("Dry run: %(count)d booking(s) ended more than %(days)d days ago would be anonymised.")
                % {"count": report.anonymised, "days": days}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(count)d booking(s) ended more than %(days)d days ago anonymised.")
                    % {"count": report.anonymised, "days": days}
                )
            )
        labels = dict(BookingStatus.choices)
        for status, count in sorted(report.by_status.items()):
            self.stdout.write(f"  {labels.get(status, status)}: {count}")
        if report.held:
            self.stdout.write(_("%(count)d booking(s) kept under an incident hold.") % {"count": report.held})
        self.stdout.write(_("Unfinished booking drafts past their lifetime: %(count)d.") % {"count": report.drafts})
        self.stdout.write(
            _("Other reasons older than %(days)d days (officer absences, lifted bans): %(count)d.")
            % {"count": report.other_notes, "days": days}
        )
        self.stdout.write(
            _("Sellers' proposals ended more than %(days)d days ago: %(count)d.")
            % {"count": report.proposals, "days": days}
        )
