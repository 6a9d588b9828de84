from django.db import migrations, models


def forget(apps, schema_editor):
    apps.get_model("accounts", "LoginThrottle").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_tokens"),
    ]

    operations = [
        migrations.RunPython(forget, migrations.RunPython.noop),
        migrations.RemoveField(model_name="loginthrottle", name="username"),
        migrations.AddField(
            model_name="loginthrottle",
            name="key",
            field=models.CharField(max_length=128, unique=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="loginthrottle",
            name="lockouts",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
