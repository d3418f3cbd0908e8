from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sasms.portal import selectors
from sasms.portal.views.common import portal_actor


@login_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    today = timezone.localdate()
    context = {
        "title": _("Customer portal"),
        "home": selectors.portal_home(actor=actor, today=today),
        "today": today,
    }
    return render(request, "portal/home.html", context)
