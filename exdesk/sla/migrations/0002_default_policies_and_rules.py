"""Starting policies and breach rules; operators change them in the admin."""

from django.db import migrations

# (name, priority, min VIP tier, channel, first, next, resolution minutes, position)
POLICIES = [
    ("P0 security, chat", "p0", None, "chat", 1, 2, 120, 0),
    ("P0 security", "p0", None, "", 5, 15, 240, 10),
    ("P1 high, chat", "p1", None, "chat", 1, 2, 240, 15),
    ("P1 high", "p1", None, "", 30, 60, 1440, 20),
    ("Live chat", "", None, "chat", 2, 3, 480, 30),
    ("VIP tier 3 and above", "", 3, "", 30, 60, 1440, 40),
    ("Default", "", None, "", 240, 480, 4320, 100),
]
# (when, metric, action, position)
RULES = [
    ("warning", "", "notify_assignee", 0),
    ("breach", "", "notify_supervisors", 10),
    ("breach", "first_response", "raise_priority", 20),
    ("breach", "first_response", "reroute", 30),
    ("breach", "next_response", "reroute", 40),
]


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    BreachRule = apps.get_model("sla", "BreachRule")
    for name, priority, vip, channel, first, nxt, resolution, position in POLICIES:
        SlaPolicy.objects.create(
            name=name,
            priority=priority,
            min_vip_tier=vip,
            channel=channel,
            first_response_minutes=first,
            next_response_minutes=nxt,
            resolution_minutes=resolution,
            position=position,
        )
    for when, metric, action, position in RULES:
        BreachRule.objects.create(when=when, metric=metric, action=action, position=position)


def remove(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.all().delete()
    apps.get_model("sla", "BreachRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
