from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from charter.seed import charter_seed_first_version


class Command(BaseCommand):
    help = gettext_lazy("Create version 1 of the charter of forbidden items, with its rules, unless it exists.")

    def handle(self, *args, **options):
        version = charter_seed_first_version()
        self.stdout.write(
            self.style.SUCCESS(
                _("%(version)s: %(rules)d rules, published %(published)s.")
                % {
                    "version": version,
                    "rules": version.rules.count(),
                    "published": version.published_at.isoformat() if version.published_at else _("no"),
                }
            )
        )
