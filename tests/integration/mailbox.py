"""The development mailbox with a gate, for the worker that tests/integration/ start.

While a file named `gate` exists in the mailbox folder, a send announces itself
(a `sending-<pid>` file) and waits: the task is then inside its claim transaction,
where the test kills the worker.
"""

import os
import time

from config.dev_mail import MailboxBackend, mailbox_dir


class GatedMailboxBackend(MailboxBackend):
    def send_messages(self, email_messages):
        folder = mailbox_dir()
        if (folder / "gate").exists():
            (folder / f"sending-{os.getpid()}").touch()
            while (folder / "gate").exists():
                time.sleep(0.05)
        return super().send_messages(email_messages)
