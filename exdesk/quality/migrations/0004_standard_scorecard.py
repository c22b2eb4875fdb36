"""The starter scorecard (exdesk/quality/starter.py)."""

from django.db import migrations

from exdesk.quality.starter import load_standard_scorecard


def add(apps, schema_editor):
    load_standard_scorecard(
        apps.get_model("quality", "Scorecard"), apps.get_model("quality", "Criterion")
    )


class Migration(migrations.Migration):
    dependencies = [("quality", "0003_scorecards")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
