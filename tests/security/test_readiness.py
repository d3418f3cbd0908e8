"""``/readyz`` is not ready while pages cannot be served.

Probe finding: ``/readyz`` reported ready while every page answered 500 (no static files).
"""

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sasms.ops.health import STATIC_TAG, _base_template_source

pytestmark = pytest.mark.django_db
MANIFEST_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}


def _manifest_storage(settings: Any, root: Path) -> None:
    settings.STATIC_ROOT = str(root)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}


def test_without_collected_static_files_readyz_is_503_naming_them(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    _manifest_storage(settings, tmp_path)  # production storage, collectstatic never run
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["static"]
    assert "sasms/app.css" in body["checks"]["static"]
    assert "collectstatic" in body["checks"]["static"]


def test_a_manifest_naming_files_that_are_gone_is_503(client: Client, settings: Any, tmp_path: Path) -> None:
    names = STATIC_TAG.findall(_base_template_source())
    hashed = {name: name.replace(".", ".0123abcd.", 1) for name in names}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": hashed, "version": "1.1"}))
    for name in names[1:]:  # the first stylesheet's copy is missing
        (tmp_path / hashed[name]).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / hashed[name]).write_text("/* */")
    _manifest_storage(settings, tmp_path)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert names[0] in response.json()["checks"]["static"]
    (tmp_path / hashed[names[0]]).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / hashed[names[0]]).write_text("/* */")
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json()
    assert ready.json()["checks"]["static"] == "ok"


def test_without_templates_readyz_is_503(client: Client, settings: Any) -> None:
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert "templates" in body["failed"]
    assert "base.html" in body["checks"]["templates"]
