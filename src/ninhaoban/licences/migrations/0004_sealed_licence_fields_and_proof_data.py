"""Licence fields (照面信息) and proof contents sealed (AES-256-GCM)."""

from django.db import migrations

import ninhaoban.vault.fields
from ninhaoban.vault.services import seal_existing


class Migration(migrations.Migration):
    dependencies = [("licences", "0003_department_types_town_and_disabled")]

    operations = [
        migrations.AlterField(
            model_name="licence",
            name="fields",
            field=ninhaoban.vault.fields.SealedJSONField(default=dict, verbose_name="照面信息"),
        ),
        migrations.AlterField(
            model_name="proof",
            name="data",
            field=ninhaoban.vault.fields.SealedJSONField(verbose_name="证明内容"),
        ),
        seal_existing("licences", "Licence", "Proof"),
    ]
