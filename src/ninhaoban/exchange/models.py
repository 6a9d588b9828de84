from django.db import models
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant
from ninhaoban.regions.models import DepartmentType

# Who may ask, besides the staff roles of accounts.Role: the applicant about themselves
# (kiosk, website) and the platform itself while it resolves materials at intake.
SELF = "applicant"
# the purpose of a consent given before any application exists: the applicant asks the one
# form to be filled from their shared data (docs/contracts.md, 一表申请 prefill)
PREFILL = "预填"
SYSTEM = "system"


class DataSource(models.Model):
    """部门系统: one department's system behind an HTTP/JSON adapter, and the data it offers."""

    key = models.SlugField("标识", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    department_type = models.CharField("部门类别", max_length=32, choices=DepartmentType.choices)
    endpoint = models.URLField("接口地址", max_length=200)
    timeout_ms = models.PositiveIntegerField("超时（毫秒）", default=2000)
    offers = models.JSONField("提供的数据", default=list, help_text="data_key 列表")
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "部门系统"
        verbose_name_plural = "部门系统"

    def __str__(self) -> str:
        return self.name


class DataAuthorization(models.Model):
    """Which data a role may ask for while handling which service item (X-Road's access
    rights per service). An empty item code is the self-service channel (kiosk, website)
    where the applicant asks about themselves, with no case."""

    data_key = models.CharField("数据", max_length=64)
    item_code = models.CharField("事项编码", max_length=64, blank=True)
    role = models.CharField("角色", max_length=16)
    purpose = models.CharField("用途", max_length=128, blank=True)
    active = models.BooleanField("有效", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["data_key", "item_code", "role"], name="one_authorization_per_triple"
            )
        ]
        verbose_name = "共享授权"
        verbose_name_plural = "共享授权"

    def __str__(self) -> str:
        return f"{self.role} → {self.data_key} @ {self.item_code or '自助'}"


class ConsentBasis(models.TextChoices):
    """How the platform knows the applicant agreed: never assumed, always one of these."""

    SESSION = "session", "本人登录后同意"
    KIOSK = "kiosk", "本人在自助终端核验身份后同意"
    ATTESTED = "attested", "窗口人员确认本人持证在场并同意"


class Consent(models.Model):
    """The applicant's consent to fetch named data for one application, one kiosk session,
    or (`purpose` PREFILL, neither) to fill their own form before the application exists."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="consents")
    data_keys = models.JSONField("数据", default=list)
    case_ref = models.CharField("办件", max_length=64, blank=True, db_index=True)
    kiosk_session = models.CharField("终端会话", max_length=64, blank=True, db_index=True)
    purpose = models.CharField("用途", max_length=32, blank=True)
    channel = models.CharField("渠道", max_length=16)
    basis = models.CharField(
        "同意方式", max_length=16, choices=ConsentBasis.choices, default=ConsentBasis.SESSION
    )
    attested_by = models.CharField("确认人", max_length=64, blank=True)
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "授权同意"
        verbose_name_plural = "授权同意"


class Outcome(models.TextChoices):
    OK = "ok", _("已获取")
    NO_RECORD = "no_record", _("无记录")
    REFUSED = "refused", _("未授权")
    NO_CONSENT = "no_consent", _("未经本人同意")
    DOWN = "down", _("部门系统不可用")
    TIMEOUT = "timeout", _("查询超时")
    NO_SOURCE = "no_source", _("无数据来源")
    READ = "read", _("查阅本平台数据")


class DataQuery(models.Model):
    """查询痕迹: who asked what about whom, why, and what came back (digests only)."""

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.CharField("查询人", max_length=64)
    role = models.CharField("角色", max_length=16)
    applicant = models.ForeignKey(
        Applicant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="data_queries",
        verbose_name="数据主体",
        help_text="空：注册前的身份核验，数据主体只以摘要见于存证",
    )
    data_key = models.CharField("数据", max_length=96, db_index=True)
    source = models.ForeignKey(DataSource, null=True, blank=True, on_delete=models.PROTECT)
    item_code = models.CharField("事项编码", max_length=64, blank=True)
    case_ref = models.CharField("办件", max_length=64, blank=True, db_index=True)
    kiosk_session = models.CharField("终端会话", max_length=64, blank=True)
    purpose = models.CharField("用途", max_length=128)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    request_digest = models.CharField(max_length=64)
    response_digest = models.CharField(max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["applicant", "created_at"])]
        verbose_name = "查询痕迹"
        verbose_name_plural = "查询痕迹"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.data_key} {self.outcome}"
