"""Seed 2004–2026 from the chinese-calendar package (State Council holiday notices).

Later years are entered by an administrator when the notice is published; the package's
data ends with 2026.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from ninhaoban.regions.holidays import seed_calendar

    seed_calendar(apps.get_model("regions", "WorkCalendar"))


def unseed(apps, schema_editor):
    apps.get_model("regions", "WorkCalendar").objects.filter(date__year__lte=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
