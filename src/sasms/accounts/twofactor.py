"""Whether a signed-in session still owes its second factor.

One rule for the pages (``UserPreferencesMiddleware``) and the API (``VerifiedSessionAuthentication``):
when staff two-factor is required, a staff session that has not passed a TOTP check reaches only
sign-in, enrolment and sign-out. API tokens authenticate on their own and are not sessions.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from sasms.accounts.models import User


def second_factor_missing(user: User | AnonymousUser) -> bool:
    if not settings.SASMS_REQUIRE_STAFF_2FA or not user.is_authenticated:
        return False
    if not isinstance(user, User) or not user.is_service_staff:
        return False
    # django-otp's middleware sets is_verified on the request's user; a user object built any
    # other way has passed no second factor.
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())
