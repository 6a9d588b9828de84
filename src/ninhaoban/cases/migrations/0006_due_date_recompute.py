from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_held_uploads_and_postal_address")]
    operations = [
        migrations.CreateModel(
            name="DueDateRecompute",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reason", models.CharField(max_length=128, verbose_name="原因")),
                ("actor", models.CharField(max_length=64)),
                ("anchor", models.DateField()),
                ("old_working", models.JSONField(default=list)),
                ("new_working", models.JSONField(default=list)),
                ("last_day", models.DateField()),
                ("items", models.JSONField(default=list)),
                ("done", models.PositiveIntegerField(default=0)),
                ("moved", models.JSONField(default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"ordering": ["-pk"], "verbose_name": "办理期限重算", "verbose_name_plural": "办理期限重算"},
        ),
    ]
