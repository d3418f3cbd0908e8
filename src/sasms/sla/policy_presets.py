"""The escalation policies SASMS starts with (editable by service managers afterwards).

Plain data so that the data migration can use it with historical models.
"""

from typing import Any

DEFAULT_POLICIES: tuple[dict[str, Any], ...] = (
    {
        "name": "P1 关键 Critical (P1)",
        "priorities": "P1",
        "around_the_clock": False,
        "steps": (
            ("", "0.50", ("notify_assignee", "notify_dispatcher")),
            ("", "0.75", ("notify_assignee", "notify_dispatcher", "notify_manager")),
            ("", "1.00", ("notify_manager", "escalate_management", "escalate_tier")),
        ),
    },
    {
        "name": "标准 Standard",
        "priorities": "",
        "around_the_clock": False,
        "steps": (
            ("", "0.50", ("notify_assignee",)),
            ("", "0.75", ("notify_assignee", "notify_dispatcher")),
            ("", "0.90", ("notify_dispatcher", "notify_manager")),
            ("", "1.00", ("notify_manager", "escalate_tier")),
        ),
    },
)


def seed_policies(policy_model: Any, step_model: Any) -> None:
    for entry in DEFAULT_POLICIES:
        policy, created = policy_model.objects.get_or_create(
            name=entry["name"],
            defaults={"priorities": entry["priorities"], "around_the_clock": entry["around_the_clock"]},
        )
        if created:
            step_model.objects.bulk_create(
                step_model(policy=policy, clock_kind=kind, fraction=fraction, actions=list(actions))
                for kind, fraction, actions in entry["steps"]
            )
