from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_bmc_disable_duplicate_addresses"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="bmcendpoint",
            constraint=models.UniqueConstraint(
                fields=("address_key",),
                name="intake_bmcendpoint_address_unique",
                violation_error_message="This BMC address is already registered on another server.",
            ),
        ),
    ]
