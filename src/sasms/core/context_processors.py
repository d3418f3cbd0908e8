from typing import Any

from django.http import HttpRequest

from sasms.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_menu": menu_for(request)}
