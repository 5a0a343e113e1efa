"""A mail backend for the worker test: writes each message to a file, slowly, so that a
worker can be killed while it is busy with a batch."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        time.sleep(0.2)  # the worker spends its time here, before anything is written
        return super().send_messages(email_messages)
