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
