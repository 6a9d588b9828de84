"""CorrectionNotice becomes Notice: the same table also keeps the 特别程序告知书 (第45条) and
the 延期告知书 (第42条); existing rows are correction notices."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_escalation_runs"),
    ]

    operations = [
        migrations.RenameModel(old_name="CorrectionNotice", new_name="Notice"),
        migrations.AlterModelOptions(
            name="notice",
            options={
                "ordering": ["case_id", "pk"],
                "verbose_name": "告知书",
                "verbose_name_plural": "告知书",
            },
        ),
        migrations.AddField(
            model_name="notice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("correction", "补正材料一次性告知书"),
                    ("special_procedure", "特别程序告知书"),
                    ("extension", "延期告知书"),
                ],
                default="correction",
                max_length=24,
                verbose_name="告知书类别",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="problems",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="notice",
            name="procedure",
            field=models.CharField(
                blank=True,
                choices=[
                    ("hearing", "听证"),
                    ("tender", "招标"),
                    ("auction", "拍卖"),
                    ("inspection", "检验"),
                    ("testing", "检测"),
                    ("quarantine", "检疫"),
                    ("appraisal", "鉴定"),
                    ("expert_review", "专家评审"),
                ],
                max_length=16,
                verbose_name="特别程序",
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="reason",
            field=models.CharField(blank=True, max_length=512, verbose_name="事由"),
        ),
        migrations.AddField(
            model_name="notice",
            name="days",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="延长工作日"),
        ),
        migrations.AddField(
            model_name="notice",
            name="due_before",
            field=models.DateField(blank=True, null=True, verbose_name="原办结期限"),
        ),
        migrations.AddField(
            model_name="notice",
            name="days_left",
            field=models.IntegerField(blank=True, null=True, verbose_name="停表时剩余工作日"),
        ),
        migrations.AddField(
            model_name="notice",
            name="ended_on",
            field=models.DateField(blank=True, null=True, verbose_name="特别程序结束日期"),
        ),
        migrations.AddField(
            model_name="notice",
            name="due_after",
            field=models.DateField(blank=True, null=True, verbose_name="变更后的办结期限"),
        ),
    ]
