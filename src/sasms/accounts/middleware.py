from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Applies the signed-in user's language and time zone; enforces staff 2FA when required.

    Placed after authentication so ``request.user`` is known; without a user the language comes
    from the language cookie or the browser, as ``LocaleMiddleware`` decided.
    """

    exempt_prefixes = ("/accounts/", "/static/", "/i18n/", "/healthz", "/readyz", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            # The profile is the source of truth for a signed-in user; the switch updates it.
            if user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(ZoneInfo(user.time_zone))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if (
                settings.SASMS_REQUIRE_STAFF_2FA
                and user.is_service_staff
                and not user.is_verified()  # type: ignore[attr-defined]  # set by django-otp middleware
                and not request.path.startswith(self.exempt_prefixes)
            ):
                return redirect(reverse("accounts:two_factor"))
        response = self.get_response(request)
        timezone.deactivate()
        return response
