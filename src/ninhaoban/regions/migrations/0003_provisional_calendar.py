from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_seed_work_calendar")]
    operations = [
        migrations.AlterField(
            model_name="workcalendar",
            name="note",
            field=models.CharField(blank=True, max_length=64, verbose_name="说明"),
        ),
        migrations.AddField(
            model_name="workcalendar",
            name="provisional",
            field=models.BooleanField(default=False, verbose_name="预计（节假日安排未公布）"),
        ),
        migrations.AddField(
            model_name="workcalendar",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
