"""Display names of dimension keys (small dimension tables, one query per dimension)."""

from typing import Any

from sasms.accounts.models import User
from sasms.assets.models import ServerModel, Vendor
from sasms.tickets.choices import ComponentArea


def labels_for(dimension: str, keys: list[Any]) -> dict[Any, str]:
    if not keys:
        return {}
    if dimension == "vendor":
        return dict(Vendor.objects.filter(id__in=keys).values_list("id", "name"))
    if dimension == "model":
        return {
            m.id: f"{m.vendor.name} {m.name}"
            for m in ServerModel.objects.filter(id__in=keys).select_related("vendor")
        }
    if dimension == "component":
        choices = dict(ComponentArea.choices)
        return {key: str(choices.get(key, key)) if key else "—" for key in keys}
    if dimension == "engineer":
        return {user.id: str(user) for user in User.objects.filter(id__in=keys)}
    raise ValueError(dimension)
