
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0002_server_updated_index'),
        ('intake', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='bmcendpoint',
            name='address_key',
            field=models.CharField(blank=True, editable=False, max_length=300, null=True, verbose_name='normalised address'),
        ),
        migrations.AddField(
            model_name='bmcendpoint',
            name='disabled_reason',
            field=models.TextField(blank=True, verbose_name='why disabled'),
        ),
        migrations.AddField(
            model_name='bmcendpoint',
            name='identity_checked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='identity checked'),
        ),
        migrations.AddField(
            model_name='bmcendpoint',
            name='identity_mismatch_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='identity mismatch since'),
        ),
        migrations.AddField(
            model_name='bmcendpoint',
            name='identity_status',
            field=models.CharField(choices=[('unchecked', 'Not checked yet'), ('verified', 'Matches the server'), ('mismatch', 'Identity mismatch')], default='unchecked', max_length=12, verbose_name='identity'),
        ),
        migrations.AddField(
            model_name='bmcendpoint',
            name='reported_serial',
            field=models.CharField(blank=True, max_length=300, verbose_name='serial number reported by the BMC'),
        ),
        migrations.AddField(
            model_name='bmcendpoint',
            name='system_uuid',
            field=models.CharField(blank=True, max_length=64, verbose_name='system UUID'),
        ),
        migrations.AlterField(
            model_name='bmcendpoint',
            name='last_status',
            field=models.CharField(choices=[('never', 'Not polled yet'), ('ok', 'Healthy'), ('fault', 'Fault'), ('unreachable', 'Unreachable'), ('error', 'Error'), ('mismatch', 'Identity mismatch')], default='never', max_length=12, verbose_name='status'),
        ),
    ]
