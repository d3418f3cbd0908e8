"""Forms that store something carry a one-time token, so a second submission stores nothing twice.

The form gets a fresh random token (``{% idempotency_field form %}``); the view wraps its write in
:func:`once`. The first submission records the token (unique per user) in the same transaction as
the write, with the page that shows the result; a repeated one — a double click, a reload that
re-posts, two posts racing — finds it and is sent to that page instead. Two concurrent ones
meet at the unique constraint: the second waits for the first to commit and then replays it.
A write that fails rolls the token back with it, so the corrected form can be sent again.
"""

import datetime
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.core.models import IdempotencyKey

FIELD = "idempotency_token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP = datetime.timedelta(days=7)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def submitted_token(request: HttpRequest) -> str | None:
    token = request.POST.get(FIELD, "")
    return token if _TOKEN.match(token) else None


class AlreadySubmitted(Exception):
    """This user already sent this form; ``url`` shows what the first submission made."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


Recorder = Callable[[str], None]  # called with the URL of the page showing the result


def _recorded(user_id: int, token: str) -> str | None:
    key = IdempotencyKey.objects.filter(user_id=user_id, token=token).first()
    return key.result_url if key is not None else None


@contextmanager
def once(request: HttpRequest) -> Iterator[Recorder]:
    """Run the block at most once per (user, submitted token); inside, call the recorder with the
    URL of the page that shows the result. Raises :class:`AlreadySubmitted` for a repeat.

    A form without a token (an old page still open) runs as before.
    """
    token = submitted_token(request)
    user_id = getattr(request.user, "pk", None)
    if token is None or user_id is None:
        yield lambda url: None
        return
    url = _recorded(user_id, token)
    if url is not None:
        raise AlreadySubmitted(url)
    with transaction.atomic():
        try:
            with transaction.atomic():
                key = IdempotencyKey.objects.create(user_id=user_id, token=token)
        except IntegrityError:
            # A concurrent submission committed first (the insert waited for it): replay it.
            raise AlreadySubmitted(_recorded(user_id, token) or "") from None

        def record(result_url: str) -> None:
            key.result_url = result_url[:500]
            key.save(update_fields=["result_url"])

        yield record


def replay(request: HttpRequest, done: AlreadySubmitted) -> HttpResponse:
    """The page the first submission led to, saying that nothing was stored again."""
    messages.info(
        request, _("This form had already been sent; here is what it made. Nothing was stored twice.")
    )
    return redirect(done.url or "/")


def purge_old(*, now: datetime.datetime | None = None) -> int:
    """Tokens older than a week: no browser re-sends a form that late."""
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
