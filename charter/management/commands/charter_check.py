"""Check listings in bulk against the charter: JSON lines in, one JSON line out per line in.

    $ printf '%s\n' '{"title": "Lave-linge Bosch"}' 'not json' | python manage.py charter_check
    {"verdict": "forbidden", "space_kind": "room", "category": "bulky", "rule": 3, "reason": "…"}
    {"error": "invalid JSON: Expecting value (column 1)"}

Every input line gets exactly one output line, in order, blank lines included: an
operator can paste the output beside the input. A line that is not a JSON object
with string fields gets {"error": ...} and the command goes on. Error texts are part
of the machine contract and stay in English; reasons follow --language.
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from charter.models import CharterVersion
from charter.selectors import NoPublishedCharter, charter_current, compiled_rules
from charter.validator import check_item


class Command(BaseCommand):
    help = gettext_lazy(
        'Read JSON lines {"title": ..., "description": ...} on standard input and write one JSON line per '
        "input line: verdict, space_kind, category, rule and reason (or error)."
    )
    # call_command(..., stdin=StringIO(...)) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--charter-version",
            type=int,
            dest="number",
            help=gettext_lazy("Check against this version number, a draft included (default: the current version)."),
        )
        parser.add_argument(
            "--language",
            choices=["fr", "en"],
            default=None,
            help=gettext_lazy("Language of the reasons (default: the site's language)."),
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help=gettext_lazy("Add the matched words and the exceptions that cancelled terms."),
        )

    def handle(self, *args, number=None, language=None, explain=False, **options):
        language = language or settings.LANGUAGE_CODE
        version = self._version(number)
        rules = compiled_rules(version)  # one query, then pure Python for every line
        stream = options.get("stdin") or sys.stdin
        with translation.override(language):
            for line in self._lines(stream):
                self.stdout.write(json.dumps(self._answer(rules, line, language, explain), ensure_ascii=False))
                self.stdout.flush()

    def _version(self, number):
        if number is None:
            try:
                return charter_current()
            except NoPublishedCharter:
                raise CommandError(_("No charter version is published; pass --charter-version.")) from None
        version = CharterVersion.objects.filter(number=number).first()
        if version is None:
            raise CommandError(_("There is no charter version %(number)s.") % {"number": number})
        return version

    @staticmethod
    def _lines(stream):
        """Text lines of the stream; bytes that are not UTF-8 come back as None, not as an exception."""
        binary = getattr(stream, "buffer", None)
        if binary is None:
            for line in stream:
                yield line.rstrip("\r\n")
            return
        for raw in binary:
            try:
                yield raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield None

    @staticmethod
    def _answer(rules, line, language, explain) -> dict:
        if line is None:
            return {"error": "line is not valid UTF-8"}
        try:
            listing = json.loads(line)
        except ValueError as error:
            return {"error": f"invalid JSON: {error.msg} (column {error.colno})"}
        if not isinstance(listing, dict):
            return {"error": "expected a JSON object with a title and a description"}
        title, description = listing.get("title", ""), listing.get("description", "")
        if title is None:
            title = ""
        if description is None:
            description = ""
        if not isinstance(title, str) or not isinstance(description, str):
            return {"error": "title and description must be strings"}
        verdict = check_item(rules, title=title, description=description, explain=explain)
        answer = verdict.as_dict(language)
        if explain:
            answer["matched"] = verdict.term
            answer["cancelled"] = [
                {"rule": step.rule_id, "term": step.term, "by": step.cancelled_by}
                for step in verdict.steps
                if step.cancelled_by
            ]
        return answer
