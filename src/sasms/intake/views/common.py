from typing import Any

from django.http import HttpRequest

from sasms.accounts.models import User
from sasms.core.lists import ListPage
from sasms.intake.services.common import CONFIGURE, WORK


def actor_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def tabs(request: HttpRequest) -> list[dict[str, Any]]:
    """The intake section's tabs this reader may open."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    user = request.user
    entries = [
        ("intake:triage_list", _("Triage"), WORK),
        ("intake:alert_list", _("Alerts"), WORK),
        ("intake:message_list", _("E-mails"), WORK),
        ("intake:mailbox_list", _("Mailboxes"), CONFIGURE),
        ("intake:source_list", _("Alert sources"), CONFIGURE),
        ("intake:bmc_list", _("BMC endpoints"), CONFIGURE),
    ]
    out = []
    for name, label, capability in entries:
        if user.is_authenticated and user.can(capability):
            url = reverse(name)
            out.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return out


class IntakeList(ListPage):
    template_name = "intake/list.html"

    def extra_context(self) -> dict[str, Any]:
        return {"intake_tabs": tabs(self.request)}
