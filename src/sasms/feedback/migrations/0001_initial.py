"""Surveys, answers and deflections move here from the portal, tables and all.

The tables were made by ``portal/0001_initial`` and keep their names (``db_table``); this
migration only tells Django's model state that they are feedback's now, and ``portal/0002``
removes them from the portal's state. Nothing is created, copied or dropped in the database, so
a database migrated before the move keeps every row. The content types (admin permissions and
log entries) move with them when they exist.
"""

from typing import Any

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ("survey", "surveyresponse", "deflection")


def move_content_types(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    for model in MODELS:
        if not content_type.objects.using(using).filter(app_label="feedback", model=model).exists():
            content_type.objects.using(using).filter(app_label="portal", model=model).update(app_label="feedback")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('portal', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('accounts', '0004_contact_email_bounced_at'),
        ('tickets', '0003_category_consultation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recipient', models.EmailField(blank=True, max_length=254, verbose_name='sent to')),
                        ('language', models.CharField(default='zh-hans', max_length=10, verbose_name='language')),
                        ('invited_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='invited')),
                        ('resolved_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='resolved')),
                        ('rounds', models.PositiveSmallIntegerField(default=1, verbose_name='invitations sent')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                        ('engineer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='engineer')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='customer')),
                        ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='survey', to='tickets.ticket', verbose_name='service request')),
                    ],
                    options={
                        'verbose_name': 'satisfaction survey',
                        'verbose_name_plural': 'satisfaction surveys',
                        'db_table': 'portal_survey',
                        'ordering': ['-invited_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('web', 'Portal (signed in)'), ('link', 'E-mail link'), ('api', 'API')], max_length=8, verbose_name='answered through')),
                        ('response_speed', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='response speed')),
                        ('expertise', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='engineer expertise')),
                        ('resolution', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='resolution')),
                        ('attitude', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='attitude')),
                        ('average', models.DecimalField(decimal_places=2, max_digits=3, verbose_name='average')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='answered')),
                        ('engineer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='engineer')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='customer')),
                        ('respondent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                        ('survey', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='response', to='feedback.survey', verbose_name='survey')),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.ticket', verbose_name='service request')),
                    ],
                    options={
                        'verbose_name': 'survey answer',
                        'verbose_name_plural': 'survey answers',
                        'db_table': 'portal_surveyresponse',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Deflection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('article_id', models.PositiveBigIntegerField(verbose_name='article')),
                        ('article_title', models.CharField(blank=True, max_length=300, verbose_name='article title')),
                        ('query', models.CharField(blank=True, max_length=500, verbose_name='what the customer typed')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='customer')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'deflection',
                        'verbose_name_plural': 'deflections',
                        'db_table': 'portal_deflection',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['organisation', '-created_at'], name='portal_deflection_org_idx'), models.Index(fields=['-created_at', '-id'], name='portal_deflection_created_idx')],
                    },
                ),
                migrations.AddIndex(
                    model_name='survey',
                    index=models.Index(fields=['organisation', '-invited_at'], name='portal_survey_org_idx'),
                ),
                migrations.AddIndex(
                    model_name='survey',
                    index=models.Index(fields=['-invited_at'], name='portal_survey_invited_idx'),
                ),
                migrations.AddIndex(
                    model_name='surveyresponse',
                    index=models.Index(fields=['organisation', '-created_at'], name='portal_answer_org_idx'),
                ),
                migrations.AddIndex(
                    model_name='surveyresponse',
                    index=models.Index(fields=['engineer', '-created_at'], name='portal_answer_engineer_idx'),
                ),
                migrations.AddIndex(
                    model_name='surveyresponse',
                    index=models.Index(fields=['-created_at', '-id'], name='portal_answer_created_idx'),
                ),
                migrations.AddConstraint(
                    model_name='surveyresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('attitude__gte', 1), ('attitude__lte', 5), ('expertise__gte', 1), ('expertise__lte', 5), ('resolution__gte', 1), ('resolution__lte', 5), ('response_speed__gte', 1), ('response_speed__lte', 5)), name='portal_answer_scores_in_range'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
