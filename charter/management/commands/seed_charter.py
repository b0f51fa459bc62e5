from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from charter.seed import charter_draft_from_knowledge, charter_seed_first_version


class Command(BaseCommand):
    help = gettext_lazy(
        "Create version 1 of the charter of forbidden items from charter/knowledge/, unless it exists; "
        "with --draft, a new draft version from the knowledge files as they are now, to review and publish "
        "in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--draft",
            action="store_true",
            help=gettext_lazy("Make a new draft version from the knowledge files (never published by this command)."),
        )

    def handle(self, *args, **options):
        version = charter_draft_from_knowledge() if options["draft"] else charter_seed_first_version()
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
