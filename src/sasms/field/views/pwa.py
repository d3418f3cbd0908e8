"""What makes the field pages an installable, offline-capable app: manifest, service worker,
offline page, and the small session answer the synchronisation starts with."""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "field"
PRECACHE = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "field/field.css",
    "field/queue.js",
    "field/field.js",
    "field/icon.svg",
    "field/icon-192.png",
    "maintenance/checklist.js",
)


@cache
def _worker_source() -> str:
    return (STATIC_DIR / "sw.js").read_text(encoding="utf-8")


def worker_config() -> dict[str, object]:
    scope = reverse("field:my_visits")
    precache = [static(path) for path in PRECACHE] + [reverse("field:offline")]
    config: dict[str, object] = {
        "precache": precache,
        "offline": reverse("field:offline"),
        "queue": static("field/queue.js"),
        "session": reverse("field:session"),
        # The PM checklist of a visit (sasms.maintenance) lives under the same scope, kept alike.
        "pages": [f"^{scope}$", f"^{scope}visits/[0-9]+/$", f"^{scope}visits/[0-9]+/pm/$"],
        "staticPrefix": settings.STATIC_URL,
        "login": reverse("accounts:login"),
    }
    digest = hashlib.sha256((json.dumps(config, sort_keys=True) + _worker_source()).encode()).hexdigest()
    config["version"] = digest[:16]
    return config


@require_GET
def service_worker_view(request: HttpRequest) -> HttpResponse:
    """The worker's script, served from the field pages' own path so that its scope covers them."""
    source = f"self.SASMS_FIELD = {json.dumps(worker_config())};\n{_worker_source()}"
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:my_visits")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest_view(request: HttpRequest) -> JsonResponse:
    scope = reverse("field:my_visits")
    manifest = {
        "name": _("SASMS field service"),
        "short_name": _("Field"),
        "description": _("On-site visits: accept, travel, check in, work log, signature."),
        "start_url": scope,
        "scope": scope,
        "id": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f3f5f9",
        "theme_color": "#12355b",
        "lang": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "icons": [
            {"src": static("field/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("field/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response


@require_GET
def offline_view(request: HttpRequest) -> HttpResponse:
    """Shown by the worker for a field page that was never opened while online."""
    return render(request, "field/offline.html", {"title": _("Offline")})


@never_cache
@require_GET
def session_view(request: HttpRequest) -> JsonResponse:
    """Who is signed in and a fresh CSRF token: the phone asks before it sends its queue."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": {"code": "not_authenticated", "message": _("Sign in again.")}}, status=401
        )
    return JsonResponse({"user": request.user.pk, "csrf": get_token(request)})
