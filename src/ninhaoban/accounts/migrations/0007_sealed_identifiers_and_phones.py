"""ID numbers, phones and e-mail addresses sealed (AES-256-GCM), with keyed digests for the
lookups; the unique ID number becomes a unique digest once every row has one."""

import django.core.validators
from django.db import migrations

import ninhaoban.vault.fields
from ninhaoban.vault.services import seal_existing


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_helper_commission")]

    operations = [
        migrations.AddField(
            model_name="applicant",
            name="identifier_digest",
            field=ninhaoban.vault.fields.DigestField(of="identifier"),
        ),
        migrations.AddField(
            model_name="applicant",
            name="phone_digest",
            field=ninhaoban.vault.fields.DigestField(db_index=True, of="phone"),
        ),
        migrations.AddField(
            model_name="logincode",
            name="phone_digest",
            field=ninhaoban.vault.fields.DigestField(db_index=True, of="phone"),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="email",
            field=ninhaoban.vault.fields.SealedTextField(
                blank=True,
                max_length=254,
                validators=[django.core.validators.EmailValidator()],
                verbose_name="电子邮箱",
            ),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="identifier",
            field=ninhaoban.vault.fields.SealedTextField(max_length=18, verbose_name="证件号码"),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="phone",
            field=ninhaoban.vault.fields.SealedTextField(
                blank=True, max_length=20, verbose_name="手机号码"
            ),
        ),
        migrations.AlterField(
            model_name="logincode",
            name="phone",
            field=ninhaoban.vault.fields.SealedTextField(max_length=20),
        ),
        migrations.AlterField(
            model_name="staff",
            name="phone",
            field=ninhaoban.vault.fields.SealedTextField(
                blank=True, max_length=20, verbose_name="电话"
            ),
        ),
        seal_existing("accounts", "Applicant", "LoginCode", "Staff"),
        migrations.AlterField(
            model_name="applicant",
            name="identifier_digest",
            field=ninhaoban.vault.fields.DigestField(of="identifier", unique=True),
        ),
    ]
