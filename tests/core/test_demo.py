import pytest
from django.core.management import CommandError, call_command

from sasms.accounts.models import Contact, Organisation, Team, User
from sasms.accounts.roles import Role


@pytest.mark.django_db
def test_demo_builds_a_deterministic_data_set_once(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "admin@sasms.example" in out
    assert "sasms-demo-2026" in out
    assert Organisation.objects.filter(kind="customer").count() == 20
    assert Organisation.objects.filter(kind="customer").values("city").distinct().count() == 20
    assert Team.objects.count() >= 5
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(
        User.objects.get(email=email).check_password("sasms-demo-2026") for email in ["admin@sasms.example"]
    )
    contacts = list(Contact.objects.order_by("id").values_list("name", "phone"))
    with pytest.raises(CommandError):
        call_command("demo")
    call_command("demo", "--if-empty")
    assert "Demo data is already loaded" in capsys.readouterr().out
    assert len(contacts) == Contact.objects.count()
