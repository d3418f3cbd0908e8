"""Surveys, answers and deflections now belong to the feedback app (``feedback/0001_initial``
takes them over): they leave the portal's model state only; their tables stay as they are.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
        ('feedback', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='survey',
                    name='engineer',
                ),
                migrations.RemoveField(
                    model_name='survey',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='survey',
                    name='ticket',
                ),
                migrations.RemoveField(
                    model_name='surveyresponse',
                    name='survey',
                ),
                migrations.RemoveField(
                    model_name='surveyresponse',
                    name='engineer',
                ),
                migrations.RemoveField(
                    model_name='surveyresponse',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='surveyresponse',
                    name='respondent',
                ),
                migrations.RemoveField(
                    model_name='surveyresponse',
                    name='ticket',
                ),
                migrations.DeleteModel(
                    name='Deflection',
                ),
                migrations.DeleteModel(
                    name='Survey',
                ),
                migrations.DeleteModel(
                    name='SurveyResponse',
                ),
            ],
            database_operations=[],
        ),
    ]
