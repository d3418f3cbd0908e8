"""The README's `sasms` commands work on their own: pages, static files, each installation's own files."""

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import sasms.settings as configured
from sasms.cli import _collect_static_if_missing, main
from sasms.ops.vardir import var_dir_for
from tests.core.test_cli import Idle


@pytest.fixture
def embedded_static(settings, tmp_path: Path) -> None:
    """The embedded static-file settings as `sasms run` has them, and a STATIC_ROOT nobody collected into."""
    assert not configured.PRODUCTION
    settings.STORAGES = configured.STORAGES
    settings.WHITENOISE_USE_FINDERS = configured.WHITENOISE_USE_FINDERS
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.mark.django_db
def test_pages_and_their_static_files_answer_without_collectstatic(embedded_static: None, settings):
    client = Client()  # a new client builds its middleware, WhiteNoise included, from these settings
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page.content.decode())
    assert "/static/vendor/bootstrap/bootstrap.min.css" in stylesheets
    for url in stylesheets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.getvalue()
    assert not any(settings.STATIC_ROOT.iterdir())  # nothing was collected


@pytest.mark.django_db
def test_run_says_where_it_serves_last(monkeypatch, capsys):
    import waitress

    monkeypatch.setattr(waitress, "create_server", lambda application, **options: Idle())
    main(["run", "--port", "8765", "--no-jobs"])
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "SASMS is serving on http://127.0.0.1:8765/ with no periodic jobs (--no-jobs) (Ctrl+C to stop)"
    ]


@pytest.mark.django_db
def test_run_on_a_taken_port_says_so_and_never_that_it_serves(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exited:
            main(["run", "--port", str(port), "--no-jobs"])
    assert (
        str(exited.value) == f"sasms run: cannot listen on http://127.0.0.1:{port}/: Address already in use"
    )
    assert "serving" not in capsys.readouterr().out


def test_production_collects_static_files_once_when_the_manifest_is_missing(settings, tmp_path: Path, capsys):
    source = tmp_path / "source"
    source.mkdir()
    (source / "site.css").write_text("body { color: #123; }")
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    _collect_static_if_missing()
    assert capsys.readouterr().out == (
        f"Collecting static files into {settings.STATIC_ROOT} (no manifest there yet)…\n"
    )
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    assert list(manifest["paths"]) == ["site.css"]
    _collect_static_if_missing()
    assert capsys.readouterr().out == ""


# --- every installation's files follow its own settings ---------------------------------------------


def test_var_dir_rule(tmp_path: Path):
    checkout_var = tmp_path / "checkout" / "var"
    assert var_dir_for("", checkout_var) == checkout_var
    assert var_dir_for(f"sqlite:///{checkout_var}/test-run.sqlite3", checkout_var) == checkout_var
    assert var_dir_for(f"sqlite:///{tmp_path}/site-b/sasms.sqlite3", checkout_var) == tmp_path / "site-b"
    assert var_dir_for("sqlite://:memory:", checkout_var) == checkout_var
    assert (
        var_dir_for("postgres://sasms@127.0.0.1:5432/sasms_b", checkout_var)
        == checkout_var / "postgresql-sasms_b"
    )
    assert var_dir_for("postgres://sasms@db:5432/sasms_c", checkout_var) != var_dir_for(
        "postgres://sasms@db:5432/sasms_b", checkout_var
    )


def settings_in_a_fresh_process(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SASMS_") and k != "DATABASE_URL"}
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: str(getattr(s, k)) for k in "
        "('VAR_DIR', 'MEDIA_ROOT', 'STATIC_ROOT', 'EMAIL_BACKEND', 'EMAIL_FILE_PATH')} "
        "| {'DB': str(s.DATABASES['default']['NAME'])}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "sasms.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_an_installation_on_its_own_sqlite_file_keeps_its_files_beside_it(tmp_path: Path):
    site = tmp_path / "site-b"
    site.mkdir()
    values = settings_in_a_fresh_process(DATABASE_URL=f"sqlite:///{site}/sasms.sqlite3")
    assert values == {
        "VAR_DIR": str(site),
        "MEDIA_ROOT": str(site / "media"),
        "STATIC_ROOT": str(site / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(site / "mail"),
        "DB": str(site / "sasms.sqlite3"),
    }


def test_sasms_var_dir_still_decides_when_set(tmp_path: Path):
    values = settings_in_a_fresh_process(
        DATABASE_URL=f"sqlite:///{tmp_path}/elsewhere.sqlite3", SASMS_VAR_DIR=str(tmp_path / "files")
    )
    assert (values["VAR_DIR"], values["MEDIA_ROOT"]) == (
        str(tmp_path / "files"),
        str(tmp_path / "files" / "media"),
    )


# --- a quiet console in embedded mode ------------------------------------------------------------------


@pytest.mark.django_db
def test_in_process_jobs_log_only_what_goes_wrong(caplog):
    import logging

    from sasms.core.tasks import deliver_outbox

    with caplog.at_level(logging.INFO):
        deliver_outbox.delay()
    assert [
        r.getMessage() for r in caplog.records if r.name in ("celery.app.trace", "kombu.connection")
    ] == []
    assert logging.getLogger("celery.app.trace").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("waitress").getEffectiveLevel() == logging.WARNING
