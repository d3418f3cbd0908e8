"""Liveness (``/healthz``) and readiness (``/readyz``) probes for load balancers and systemd.

``/healthz`` answers from the process alone. ``/readyz`` checks the database (and the replica when
configured), the cache, the Celery broker when one is configured, that every migration is
applied, and what every page needs: the base template loads and each static file it links
(stylesheets, scripts) can be served — with collectstatic's manifest, that the manifest names it
and the copy exists. It answers 503 with a JSON body naming each check that failed and why.
"""

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import cache
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.template.loader import get_template
from django.views.decorators.cache import never_cache

from sasms.ops.router import REPLICA_ALIAS, replica_configured

BROKER_TIMEOUT_SECONDS = 2
_migrations_checked = False  # once all are applied, a running process never needs to look again


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key = f"sasms:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return the value just written")
    cache.delete(key)


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def check_broker() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )


def check_migrations() -> None:
    global _migrations_checked
    if _migrations_checked:
        return
    executor = MigrationExecutor(connections["default"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        raise RuntimeError(f"{len(plan)} unapplied migration(s): {names}")
    _migrations_checked = True


BASE_TEMPLATE = "base.html"
STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")


def _base_template_source() -> str:
    return str(get_template(BASE_TEMPLATE).template.source)  # type: ignore[attr-defined]


def check_templates() -> None:
    """Every page extends the base template: it must load (found and parsed)."""
    _base_template_source()


def check_static() -> None:
    """Each static file the base template links can be served (else every page answers 500 or
    renders without its stylesheet)."""
    names = STATIC_TAG.findall(_base_template_source())
    if not names:
        raise RuntimeError(f"{BASE_TEMPLATE} links no static files")
    missing: list[str] = []
    for name in names:
        if isinstance(staticfiles_storage, ManifestFilesMixin):
            try:
                hashed = staticfiles_storage.stored_name(name)
            except ValueError:
                missing.append(f"{name} (not in the manifest: run collectstatic)")
                continue
            if not staticfiles_storage.exists(hashed):
                missing.append(f"{name} ({hashed} is not in STATIC_ROOT)")
        elif not staticfiles_storage.exists(name) and not finders.find(name):
            missing.append(name)
    if missing:
        raise RuntimeError("static files missing: " + ", ".join(missing))


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {"database": check_database, "cache": check_cache}
    if replica_configured():
        checks["replica"] = lambda: check_database(REPLICA_ALIAS)
    if broker_configured():
        checks["broker"] = check_broker
    checks["migrations"] = check_migrations
    checks["templates"] = check_templates
    checks["static"] = check_static
    return checks


@never_cache
def healthz_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz_view(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    failed: list[str] = []
    for name, check in readiness_checks().items():
        if name == "migrations" and "database" in failed:
            results[name] = "skipped: database unavailable"
            continue
        try:
            check()
        except Exception as exc:  # every failure becomes a named entry in the 503 body
            results[name] = _short(exc)
            failed.append(name)
        else:
            results[name] = "ok"
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed, "checks": results}, status=503)
    return JsonResponse({"status": "ready", "checks": results})
