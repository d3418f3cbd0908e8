import pytest
from django.core.management import call_command

from sasms.accounts.models import User
from sasms.cli import main


@pytest.mark.django_db
def test_createsuperuser_makes_a_provider_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Very-Secret-99")
    call_command(
        "createsuperuser", interactive=False, email="Boss@Example.com", full_name="Boss", verbosity=0
    )
    user = User.objects.get()
    assert (user.email, user.role, user.organisation.kind, user.is_superuser) == (
        "boss@example.com",
        "administrator",
        "provider",
        True,
    )
    assert user.check_password("Very-Secret-99")


def test_console_command_passes_django_commands_through(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["roles_matrix", "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: sasms roles_matrix")


class Idle:
    """Stands in for the waitress server: listening is not what these tests are about."""

    def run(self) -> None:
        return None


@pytest.mark.django_db(transaction=True)
def test_run_resumes_interrupted_imports_before_serving(monkeypatch, capsys, settings, tmp_path, make_user):
    import waitress
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sasms.accounts.roles import Role

    settings.MEDIA_ROOT = tmp_path
    engineer = make_user(Role.ENGINEER)

    from sasms.assets import imports, tasks
    from sasms.assets.models import ImportJob, ImportStatus

    upload = SimpleUploadedFile("servers.csv", b"vendor,model,serial\r\n")
    job = imports.start_import(actor=engineer, kind="servers", upload=upload)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    served: list[dict[str, object]] = []

    def listen(application: object, **options: object) -> Idle:
        served.append(options)
        return Idle()

    monkeypatch.setattr(waitress, "create_server", listen)
    main(["run", "--port", "8765"])
    assert tasks.wait_for_background_jobs(timeout=30)
    assert [options["port"] for options in served] == [8765]
    assert "Resumed 1 asset import(s) interrupted by the last stop" in capsys.readouterr().out
    assert ImportJob.objects.get().status != ImportStatus.VALIDATING  # checked again: preview or failed
