from django.db import migrations


def seed(apps, schema_editor):
    from exdesk.assistant.services import seed_default_taxonomy

    seed_default_taxonomy(
        apps.get_model("assistant", "Intent"),
        apps.get_model("assistant", "IntentExample"),
        apps.get_model("assistant", "CannedResponse"),
    )


class Migration(migrations.Migration):
    dependencies = [("assistant", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
