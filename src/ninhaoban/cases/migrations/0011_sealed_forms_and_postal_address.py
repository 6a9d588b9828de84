"""The application form and the postal recipient, phone and address sealed (AES-256-GCM);
uploads already stored are sealed on disk."""

from django.db import migrations

import ninhaoban.vault.fields
from ninhaoban.vault.services import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_case_commission"),
        ("accounts", "0007_sealed_identifiers_and_phones"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="form",
            field=ninhaoban.vault.fields.SealedJSONField(
                blank=True, default=dict, verbose_name="申请表"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="post_address",
            field=ninhaoban.vault.fields.SealedTextField(
                blank=True, max_length=200, verbose_name="邮寄地址"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="post_phone",
            field=ninhaoban.vault.fields.SealedTextField(
                blank=True, max_length=20, verbose_name="收件人电话"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="post_recipient",
            field=ninhaoban.vault.fields.SealedTextField(
                blank=True, max_length=32, verbose_name="收件人"
            ),
        ),
        seal_existing("cases", "Case", files=True),
    ]
