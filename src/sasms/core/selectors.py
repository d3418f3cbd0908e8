from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.models import AuditEntry


def audit_entries_visible_to(*, actor: User | AnonymousUser) -> QuerySet[AuditEntry]:
    if not actor.is_authenticated or not actor.can(Capability.VIEW_AUDIT_TRAIL):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("organisation")
