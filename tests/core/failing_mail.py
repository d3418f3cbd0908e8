from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses everything, for testing retries."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError("connection refused by the mail server")
