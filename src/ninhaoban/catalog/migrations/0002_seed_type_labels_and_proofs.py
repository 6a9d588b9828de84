"""The maintained tables start with the standard names, the local labels seen in Hubei's
catalogs, and the proofs that the 证明事项清理 campaign abolished."""

from django.db import migrations

STANDARD = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}
LOCAL = [
    ("审批", "01", "行政审批的习惯叫法"),
    ("行政审批", "01", ""),
    ("许可", "01", ""),
    ("核准", "01", "如企业投资项目核准"),
    ("审核", "01", ""),
    ("认可", "01", "如资质认可"),
    ("核发", "01", "如许可证核发"),
    ("认定", "07", "如资格认定"),
    ("确认", "07", ""),
    ("登记", "07", "如不动产登记、户口登记"),
    ("备案", "10", "事后备案不是许可"),
    ("工程验收", "10", "竣工验收备案"),
    ("给付", "05", ""),
    ("征收", "04", ""),
    ("裁决", "09", ""),
    ("奖励", "08", ""),
    ("检查", "06", ""),
    ("处罚", "02", ""),
    ("强制", "03", ""),
    ("服务", "20", ""),
    ("便民服务", "20", ""),
]
DENIED_PROOFS = [
    ("非党员证明", "无法定依据，已取消（国办发〔2018〕47号）"),
    ("父子关系证明", "亲属关系以户籍信息核验，不再要求另开证明"),
    ("亲属关系证明", "以户籍、婚姻登记信息核验"),
    ("贫困证明", "以民政低保、特困信息核验，不得要求社区出具"),
    ("无业证明", "无法定依据，已取消"),
    ("健在证明", "以告知承诺或人脸识别认证代替"),
    ("生存证明", "以告知承诺或人脸识别认证代替"),
    ("婚育情况证明", "以婚姻、户籍信息核验"),
]


def seed(apps, schema_editor):
    TypeLabel = apps.get_model("catalog", "TypeLabel")
    ProofRequirement = apps.get_model("catalog", "ProofRequirement")
    for code, name in STANDARD.items():
        TypeLabel.objects.update_or_create(label=name, defaults={"item_type": code})
    for label, code, note in LOCAL:
        TypeLabel.objects.update_or_create(label=label, defaults={"item_type": code, "note": note})
    for name, reason in DENIED_PROOFS:
        ProofRequirement.objects.update_or_create(
            name=name, defaults={"allowed": False, "reason": reason}
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
