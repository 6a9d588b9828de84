from django.db import models
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.exchange.models import DataQuery
from ninhaoban.regions.models import Department, DepartmentType
from ninhaoban.vault.fields import SealedJSONField


class LicenceStatus(models.TextChoices):
    VALID = "10", _("有效")
    SUSPENDED = "20", _("暂扣")
    REVOKED = "30", _("撤销")
    CANCELLED = "40", _("注销")
    EXPIRED = "50", _("失效")


class LicenceType(models.Model):
    """证照类型. `layout` lists the fields a licence of this type carries, in display order,
    as [key, label] pairs; `validity_years` 0 means 长期 (no expiry). An empty `holder_kind`
    means either kind may hold it: a 营业执照 is held by a company and by a 个体工商户, whom
    the platform knows as the natural person who runs it (经营者)."""

    code = models.CharField("证照类型代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    issuing_department_type = models.CharField(
        "颁发部门类别", max_length=32, choices=DepartmentType.choices
    )
    holder_kind = models.CharField(
        "持证主体", max_length=16, choices=ApplicantKind.choices, blank=True
    )
    validity_years = models.PositiveSmallIntegerField("有效期（年）", default=0)
    layout = models.JSONField("照面项", default=list)

    class Meta:
        ordering = ["code"]
        verbose_name = "证照类型"
        verbose_name_plural = "证照类型"

    def __str__(self) -> str:
        return self.name


class LicenceSerial(models.Model):
    """The last 流水号 used per type and issuer, locked while a licence is numbered."""

    licence_type = models.ForeignKey(LicenceType, on_delete=models.CASCADE)
    issuer = models.ForeignKey(Department, on_delete=models.CASCADE)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["licence_type", "issuer"], name="one_serial_per_issuer")
        ]


class Licence(models.Model):
    identifier = models.CharField("证照标识", max_length=96, unique=True)
    licence_type = models.ForeignKey(
        LicenceType, on_delete=models.PROTECT, related_name="licences", verbose_name="证照类型"
    )
    holder = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="licences", verbose_name="持证主体"
    )
    issuer = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="颁发机构")
    fields = SealedJSONField("照面信息", default=dict)
    issued_on = models.DateField("颁发日期")
    expires_on = models.DateField("有效期至", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=2, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    status_reason = models.CharField("状态原因", max_length=200, blank=True)
    case_ref = models.CharField("办件编号", max_length=64, blank=True)
    key_id = models.CharField(max_length=40)
    signature = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["holder", "licence_type", "status"])]
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.identifier}"


class ProofKind(models.TextChoices):
    SOCIAL_INSURANCE = "social_insurance", _("社会保险个人参保缴费证明")
    HOUSING_FUND = "housing_fund", _("住房公积金缴存证明")
    PROPERTY_RECORD = "property_record", _("不动产登记查询结果")
    NO_PROPERTY = "no_property", _("无房证明")
    BUSINESS_REGISTRATION = "business_registration", _("营业执照信息")
    HOUSEHOLD = "household", _("户籍证明")


class Proof(models.Model):
    """证明: issued on demand from a department's records, signed, valid for a while."""

    number = models.CharField("证明编号", max_length=32, unique=True)
    kind = models.CharField("证明类别", max_length=32, choices=ProofKind.choices)
    holder = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="proofs", verbose_name="申请人"
    )
    issuer = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="出具机构")
    data = SealedJSONField("证明内容")
    data_query = models.ForeignKey(DataQuery, on_delete=models.PROTECT)
    issued_at = models.DateTimeField("出具时间")
    valid_until = models.DateField("有效期至")
    revoked = models.BooleanField("已作废", default=False)
    purpose = models.CharField("用途", max_length=128)
    key_id = models.CharField(max_length=40)
    signature = models.CharField(max_length=100)

    class Meta:
        verbose_name = "证明"
        verbose_name_plural = "证明"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
