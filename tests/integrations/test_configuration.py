"""Robots and webhooks configured by administrators: pages, API, encryption at rest, audit."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.integrations import services
from sasms.integrations.choices import EventType, RobotKind
from sasms.integrations.crypto import decrypt
from sasms.integrations.models import ChatRobot, WebhookSubscription

pytestmark = pytest.mark.django_db
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"


def test_robot_address_and_secret_are_encrypted_at_rest_and_audited_without_values(admin_user: User) -> None:
    robot = services.create_robot(
        actor=admin_user,
        name="值班群",
        kind=RobotKind.DINGTALK,
        webhook_url=DINGTALK,
        secret="SECsecret-value",
        events=[EventType.CREATED_URGENT],
    )
    row = ChatRobot.objects.get(pk=robot.pk)
    assert "access_token" not in row.webhook_url_encrypted
    assert "SECsecret" not in row.secret_encrypted
    assert decrypt(row.webhook_url_encrypted) == DINGTALK
    assert decrypt(row.secret_encrypted) == "SECsecret-value"
    assert row.url_hint == "https://oapi.dingtalk.com/robot/send?access_token=…cdef"
    entry = AuditEntry.objects.get(action="integrations.robot.create")
    assert "SECsecret" not in str(entry.changes)
    assert "0123456789abcdef" not in str(entry.changes)
    assert entry.changes["secret"] == [None, "(changed)"]
    services.update_robot(actor=admin_user, robot=robot, secret="")
    assert ChatRobot.objects.get(pk=robot.pk).secret_encrypted == ""
    assert AuditEntry.objects.get(action="integrations.robot.update").changes["secret"] == ["(changed)", None]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"webhook_url": "ftp://example.com/x"}, "webhook_url"),
        ({"events": ["ticket.updated"]}, "events"),
        ({"events": []}, "events"),
        ({"kind": "slack"}, "kind"),
        ({"kind": RobotKind.WECOM, "secret": "SECx"}, "secret"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_robot_input_names_the_field_and_saves_nothing(
    admin_user: User, changes: dict[str, Any], field: str
) -> None:
    values = {"name": "Ops", "kind": RobotKind.FEISHU, "webhook_url": "https://open.feishu.cn/hook/x",
              "events": [EventType.RESOLVED], **changes}  # fmt: skip
    with pytest.raises(ServiceError) as refused:
        services.create_robot(actor=admin_user, **values)
    assert field in refused.value.fields
    assert not ChatRobot.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="integrations").exists()


def test_only_administrators_configure(agent: User, make_user: Callable[..., User]) -> None:
    from sasms.accounts.roles import Role

    for user in (agent, make_user(Role.SERVICE_MANAGER)):
        with pytest.raises(PermissionDenied):
            services.create_subscription(
                actor=user, name="x", url="https://x.example/", events=["ticket.created"]
            )


def test_robot_pages_create_edit_and_list_in_both_languages(
    admin_user: User, customer_a: Organisation, client_for: Callable[[User], Client]
) -> None:
    client = client_for(admin_user)
    assert client.get(reverse("integrations:robot_create")).status_code == 200
    bad = client.post(
        reverse("integrations:robot_create"), {"name": "Ops", "kind": "wecom", "webhook_url": "nope"}
    )
    assert bad.status_code == 400
    assert not ChatRobot.objects.exists()
    created = client.post(
        reverse("integrations:robot_create"),
        {
            "name": "运维群",
            "kind": "feishu",
            "webhook_url": "https://open.feishu.cn/open-apis/bot/v2/hook/11112222-3333-4444-5555-666677778888",
            "secret": "s3cret",
            "events": [EventType.CREATED_URGENT, EventType.RESOLVED],
            "organisation": customer_a.pk,
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    robot = ChatRobot.objects.get()
    assert robot.organisation == customer_a
    assert robot.has_secret
    # Editing without the address or the secret keeps both.
    edited = client.post(
        reverse("integrations:robot_edit", args=[robot.pk]),
        {"name": "运维群 2", "kind": "feishu", "events": [EventType.RESOLVED], "is_active": "on"},
    )
    assert edited.status_code == 302
    robot.refresh_from_db()
    assert robot.name == "运维群 2"
    assert robot.events == [EventType.RESOLVED]
    assert robot.has_secret
    assert decrypt(robot.webhook_url_encrypted).endswith("666677778888")
    listed = client.get(reverse("integrations:robot_list"))
    html = listed.content.decode()
    assert "运维群 2" in html
    assert "hook/…8888" in html
    assert "11112222-3333-4444-5555-666677778888" not in html
    chinese = client.get(reverse("integrations:robot_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200
    csv = client.get(reverse("integrations:robot_list"), {"export": "csv", "kind": "feishu"})
    assert "运维群 2" in b"".join(csv.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    deleted = client.post(reverse("integrations:robot_delete", args=[robot.pk]))
    assert deleted.status_code == 302
    assert not ChatRobot.objects.exists()
    assert AuditEntry.objects.filter(action="integrations.robot.delete").exists()


def test_webhook_page_shows_the_generated_secret_to_administrators(
    admin_user: User, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(admin_user)
    created = client.post(
        reverse("integrations:webhook_create"),
        {
            "name": "ERP",
            "url": "https://erp.example.com/hooks/sasms",
            "events": [EventType.CREATED],
            "is_active": "on",
        },
    )
    subscription = WebhookSubscription.objects.get()
    assert created.status_code == 302
    secret = decrypt(subscription.secret_encrypted)
    assert secret.startswith("whsec_")
    assert len(secret) > 30
    page = client.get(reverse("integrations:webhook_edit", args=[subscription.pk]))
    assert secret in page.content.decode()
    rotated = client.post(
        reverse("integrations:webhook_edit", args=[subscription.pk]),
        {"name": "ERP", "url": "https://erp.example.com/hooks/sasms", "events": [EventType.CREATED],
         "is_active": "on", "rotate_secret": "on"},
    )  # fmt: skip
    assert rotated.status_code == 302
    assert decrypt(WebhookSubscription.objects.get().secret_encrypted) != secret
    assert (
        client_for(agent).get(reverse("integrations:webhook_edit", args=[subscription.pk])).status_code == 403
    )
    assert client_for(agent).get(reverse("integrations:webhook_list")).status_code == 403


def test_api_configures_robots_and_webhooks_with_write_only_secrets(
    admin_user: User, agent: User, api_for: Callable[[User], Any]
) -> None:
    client = api_for(admin_user)
    robot = client.post(
        "/api/v1/integrations/robots/",
        {
            "name": "Ops",
            "kind": "dingtalk",
            "webhook_url": DINGTALK,
            "secret": "SECabc",
            "events": ["ticket.resolved"],
        },
        format="json",
    )
    assert robot.status_code == 201
    body = robot.json()
    assert body["has_secret"] is True
    assert "secret" not in body
    assert body["webhook_url"].endswith("…cdef")
    bad = client.post(
        "/api/v1/integrations/robots/",
        {"name": "Ops", "kind": "dingtalk", "webhook_url": DINGTALK, "events": ["ticket.updated"]},
        format="json",
    )
    assert bad.status_code == 400
    assert "events.0" in bad.json()["error"]["fields"]
    changed = client.patch(f"/api/v1/integrations/robots/{body['id']}/", {"is_active": False}, format="json")
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False
    hook = client.post(
        "/api/v1/integrations/webhooks/",
        {
            "name": "ERP",
            "url": "https://erp.example.com/h",
            "events": ["ticket.created"],
            "organisation": 999999,
        },
        format="json",
    )
    assert hook.status_code == 400
    assert "organisation" in hook.json()["error"]["fields"]
    hook = client.post(
        "/api/v1/integrations/webhooks/",
        {"name": "ERP", "url": "https://erp.example.com/h", "events": ["ticket.created"]},
        format="json",
    )
    assert hook.status_code == 201
    assert hook.json()["secret"].startswith("whsec_")
    assert "secret" not in client.get(f"/api/v1/integrations/webhooks/{hook.json()['id']}/").json()
    assert client.delete(f"/api/v1/integrations/webhooks/{hook.json()['id']}/").status_code == 204
    assert api_for(agent).get("/api/v1/integrations/robots/").status_code == 403


def test_menu_shows_each_page_to_its_roles(
    admin_user: User, agent: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from sasms.accounts.roles import Role

    home = reverse("core:home")
    admin_menu = client_for(admin_user).get(home).content.decode()
    assert reverse("integrations:robot_list") in admin_menu
    assert reverse("integrations:classifier") in admin_menu
    agent_menu = client_for(agent).get(home).content.decode()
    assert reverse("integrations:review_list") in agent_menu
    assert reverse("integrations:robot_list") not in agent_menu
    manager_menu = client_for(make_user(Role.SERVICE_MANAGER)).get(home).content.decode()
    assert reverse("integrations:classifier") in manager_menu
