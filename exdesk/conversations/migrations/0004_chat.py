from django.db import migrations, models


def number_events(apps, schema_editor):
    """Give existing events their place in their conversation: 1, 2, 3 ... by id."""
    Event = apps.get_model("conversations", "Event")
    last: dict[int, int] = {}
    changed = []
    for event in Event.objects.order_by("conversation_id", "id").only("id", "conversation_id"):
        last[event.conversation_id] = last.get(event.conversation_id, 0) + 1
        event.seq = last[event.conversation_id]
        changed.append(event)
    Event.objects.bulk_update(changed, ["seq"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0003_idempotency_keys")]

    operations = [
        migrations.AddField(
            model_name="event", name="seq", field=models.PositiveIntegerField(null=True)
        ),
        migrations.RunPython(number_events, migrations.RunPython.noop),
        migrations.AlterField(model_name="event", name="seq", field=models.PositiveIntegerField()),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                fields=("conversation", "seq"), name="event_seq_once"
            ),
        ),
        migrations.AddField(
            model_name="conversation",
            name="customer_read_seq",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="conversation",
            name="staff_read_seq",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="conversation",
            name="rating",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="rating"),
        ),
        migrations.AddField(
            model_name="conversation",
            name="rating_comment",
            field=models.TextField(blank=True, verbose_name="rating comment"),
        ),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("customer_message", "Customer message"),
                    ("agent_reply", "Agent reply"),
                    ("internal_note", "Internal note"),
                    ("status_change", "Status changed"),
                    ("priority_change", "Priority changed"),
                    ("assignment_change", "Assignment changed"),
                    ("team_change", "Team changed"),
                    ("tag_change", "Tags changed"),
                    ("channel_change", "Channel changed"),
                    ("rating", "Rated"),
                ],
                max_length=20,
            ),
        ),
    ]
