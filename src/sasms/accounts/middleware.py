from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.twofactor import second_factor_missing
from sasms.core.api.errors import error_body


class UserPreferencesMiddleware:
    """Applies the signed-in user's language and time zone; enforces staff 2FA when required.

    Placed after authentication so ``request.user`` is known; without a user the language comes
    from the language cookie or the browser, as ``LocaleMiddleware`` decided.
    """

    # What a session that still owes its second factor may open: signing in and out, enrolment,
    # password reset (it signs nobody in), language switch, static files and the probes.
    exempt_prefixes = (
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/two-factor/",
        "/accounts/password-reset/",
        "/static/",
        "/i18n/",
        "/healthz",
        "/readyz",
    )

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
            if second_factor_missing(user) and not request.path.startswith(self.exempt_prefixes):
                refused = self._second_factor_required(request)
                if refused is not None:
                    return refused
        response = self.get_response(request)
        timezone.deactivate()
        return response

    @staticmethod
    def _second_factor_required(request: HttpRequest) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            if request.headers.get("Authorization"):
                # A token authenticates on its own; the API's authentication decides, not the session.
                return None
            message = _("Finish two-factor sign-in before using the API with this session.")
            return JsonResponse(
                error_body("second_factor_required", message),
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        return redirect(reverse("accounts:two_factor"))
