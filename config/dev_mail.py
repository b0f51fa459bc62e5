"""A development mailbox: each message becomes an .eml file that /dev/mail/ lists.

Used only by the embedded default (`make run`), where the web process and the
Celery worker both send mail and no mail server is installed.
"""

import sys
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def mailbox_dir() -> Path:
    return Path(settings.DEV_MAILBOX_DIR)


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
            print(
                f"[mail] to {', '.join(message.to)}: {message.subject} (read it at {settings.SITE_URL}/dev/mail/)",
                file=sys.stderr,
            )
        return len(email_messages)


def stored_messages():
    """The stored messages, newest first, parsed for display."""
    folder = mailbox_dir()
    if not folder.exists():
        return []
    messages = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = parsed.get_body(preferencelist=("plain",))
        messages.append(
            {
                "id": path.stem,
                "to": parsed["To"],
                "subject": parsed["Subject"],
                "date": parsed["Date"],
                "text": body.get_content() if body else "",
                "attachments": [part.get_filename() for part in parsed.iter_attachments()],
            }
        )
    return messages
