"""The machine accounts intake acts as where a ticket or asset service needs a user.

* **The intake robot** — a provider engineer account (``is_machine``) that writes the internal notes
  about further and cleared alerts, recovered parts and e-mail attachments it could not keep, attaches
  BMC log excerpts and keeps the CMDB's component list in step with Redfish; its entries in timelines
  and the audit trail are attributable to intake, and it never counts as a person touching a request.
* **E-mail intake of a customer** — a customer account of that organisation that adds replies sent
  by contacts who have no log-in, so the request treats them as the customer's words (a waiting
  request resumes, the SLA clocks see a customer reply). The contact's address heads the text.

Neither can sign in (no usable password, no tokens). Created on first use.
"""

from django.db import transaction

from sasms.accounts import services as account_services
from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Role
from sasms.core.errors import Conflict

MACHINE_DOMAIN = "machines.sasms.invalid"
ROBOT_EMAIL = f"intake-robot@{MACHINE_DOMAIN}"


def _machine(*, email: str, full_name: str, organisation: Organisation, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = account_services.create_user(
                actor=None,
                email=email,
                full_name=full_name,
                organisation=organisation,
                role=role,
                send_invitation=False,
            )
            User.objects.filter(pk=user.pk).update(is_machine=True)
            user.is_machine = True
            return user
    except Conflict:  # created by a concurrent intake run a moment ago
        return User.objects.get(email=email)


def provider_organisation() -> Organisation:
    provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("id").first()
    if provider is None:
        provider = account_services.create_organisation(
            actor=None, name="Service provider", code="provider", kind=OrganisationKind.PROVIDER
        )
    return provider


def robot_actor() -> User:
    return _machine(
        email=ROBOT_EMAIL,
        full_name="SASMS intake · 自动接入",
        organisation=provider_organisation(),
        role=Role.ENGINEER,
    )


def mail_actor(organisation: Organisation) -> User:
    return _machine(
        email=f"intake-mail-{organisation.pk}@{MACHINE_DOMAIN}",
        full_name="E-mail intake · 邮件接入",
        organisation=organisation,
        role=Role.CUSTOMER,
    )
