import hashlib
import hmac
from typing import ClassVar

from django.conf import settings
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from ninhaoban.core.idnumbers import mask_id_number, mask_name, mask_phone
from ninhaoban.regions.models import Department, Level, Region
from ninhaoban.vault.fields import DigestField, SealedTextField


class Role(models.TextChoices):
    CLERK = "clerk", _("窗口人员")
    APPROVER = "approver", _("审批人员")
    CHIEF = "chief", _("首席代表")
    SUPERVISOR = "supervisor", _("监察人员")
    CATALOG_ADMIN = "catalog_admin", _("事项管理员")
    ADMIN = "admin", _("系统管理员")


class Staff(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField("姓名", max_length=32)
    phone = SealedTextField("电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.name

    @property
    def actor(self) -> str:
        return f"staff:{self.pk}"


class ApiToken(models.Model):
    """A machine's key to the API (a department system, a window's own application): it
    acts as the staff account it belongs to, with that account's roles and scope, and is
    sent as `Authorization: Bearer <token>`. Only the token's SHA-256 is kept; `prefix`
    names it in lists and in the ledger."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_on = models.DateField("最近使用日期", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"


class StaffRole(models.Model):
    """One role of one staff member, bound to a region subtree and optionally a department."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="范围（区划）")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name="范围（部门）"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "role", "region", "department"], name="unique_staff_role_scope"
            )
        ]
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"

    def __str__(self) -> str:
        dept = f" {self.department.name}" if self.department is not None else ""
        return f"{self.get_role_display()} @ {self.region.name}{dept}"


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANIZATION = "organization", _("法人")


class AssuranceLevel(models.IntegerChoices):
    NONE = 0, _("未实名")
    BASIC = 1, _("基本实名（证件号码与姓名核验）")
    PHONE = 2, _("实名手机号核验")
    FACE = 3, _("人脸识别核验")
    IN_PERSON = 4, _("窗口现场核验")


class Applicant(models.Model):
    """申请人: a person by 居民身份证号码 or an organization by 统一社会信用代码.

    One table so that a case, a licence or a consent points at "the applicant" with one key;
    `Person` and `Organization` are proxies that give each kind its own manager and admin.
    """

    kind = models.CharField("类别", max_length=16, choices=ApplicantKind.choices)
    identifier = SealedTextField("证件号码", max_length=18)
    identifier_digest = DigestField(of="identifier", unique=True)
    name = models.CharField("名称", max_length=128)
    phone = SealedTextField("手机号码", max_length=20, blank=True)
    phone_digest = DigestField(of="phone", db_index=True)
    email = SealedTextField("电子邮箱", max_length=254, blank=True, validators=[validate_email])
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="applicants", verbose_name="所属区划"
    )
    assurance = models.IntegerField(
        "实名认证等级", choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    legal_representative = models.CharField("法定代表人", max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申请人"
        verbose_name_plural = "申请人"
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return f"{self.display_name} {self.masked_identifier}"

    @property
    def is_person(self) -> bool:
        return self.kind == ApplicantKind.PERSON

    @property
    def masked_identifier(self) -> str:
        return mask_id_number(self.identifier) if self.is_person else self.identifier

    @property
    def display_name(self) -> str:
        return mask_name(self.name) if self.is_person else self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def subject(self) -> str:
        """The ledger's name for this applicant: a keyed digest, never the number itself."""
        return f"{self.kind}:{subject_digest(self.identifier)}"


def subject_digest(identifier: str) -> str:
    key = settings.NHB_SUBJECT_KEY.encode("utf-8")
    return hmac.new(key, identifier.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


class PersonManager(models.Manager["Person"]):
    def get_queryset(self) -> models.QuerySet["Person"]:
        return super().get_queryset().filter(kind=ApplicantKind.PERSON)


class OrganizationManager(models.Manager["Organization"]):
    def get_queryset(self) -> models.QuerySet["Organization"]:
        return super().get_queryset().filter(kind=ApplicantKind.ORGANIZATION)


class Person(Applicant):
    objects: ClassVar[PersonManager] = PersonManager()

    class Meta:
        proxy = True
        verbose_name = "自然人"
        verbose_name_plural = "自然人"


class Organization(Applicant):
    objects: ClassVar[OrganizationManager] = OrganizationManager()

    class Meta:
        proxy = True
        verbose_name = "法人"
        verbose_name_plural = "法人"


class LoginThrottle(models.Model):
    """Failed logins of one source: an account from one address (`acct:<digest>@<ip>`) or one
    address whatever the account (`ip:<ip>`). Too many lock that source, each lock twice as
    long as the one before; the account stays open to everyone else. The key holds a digest,
    never the typed name (which is sometimes a password typed in the wrong field)."""

    key = models.CharField(max_length=128, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    lockouts = models.PositiveIntegerField(default=0)


class LoginCode(models.Model):
    """A one-time SMS code for an applicant's login; only its hash is stored."""

    phone = SealedTextField(max_length=20)
    phone_digest = DigestField(of="phone", db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class LoginCodeEvent(models.Model):
    """One request for an SMS login code (granted or refused) or one wrong code, whether or
    not the number is registered: the limits per number, address, browser and day count
    these, so a registered and an unregistered number meet the same limits. `target` and
    `device` are keyed digests (of the phone or ID number, of the browser's cookie or the
    terminal), never the values."""

    class Kind(models.TextChoices):
        SENT = "sent", "已发送"
        REFUSED = "refused", "被限制"
        WRONG = "wrong", "验证码错误"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    target = models.CharField(max_length=32)
    ip = models.CharField(max_length=45)
    device = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["target", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
            models.Index(fields=["device", "created_at"]),
        ]


class MandateKind(models.TextChoices):
    REPRESENTATIVE = "representative", _("企业法定代表人")
    AGENT = "agent", _("企业经办人")
    HELPER = "helper", _("帮办代办")


class Mandate(models.Model):
    """Who may act for an applicant: an organization's 法定代表人 (confirmed by the 市场监管
    register when they linked it) or an 经办人 they named; or, for a resident, a 帮办代办
    staff member of a village station or town centre (`helper`, at `station`) under a 委托书
    the resident signed and confirmed by SMS (`confirmed_at`). Each for some items or all
    (`items` empty) until an end date (inclusive). Revoked rows stay: the history says who
    acted for whom under which."""

    organization = models.ForeignKey(
        Applicant, on_delete=models.CASCADE, related_name="mandates", verbose_name="法人"
    )
    person = models.ForeignKey(
        Applicant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mandates_held",
        verbose_name="被授权人",
    )
    helper = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissions",
        verbose_name="代办人",
    )
    station = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("身份", max_length=16, choices=MandateKind.choices)
    items = models.JSONField("授权事项（空为全部）", default=list, blank=True)
    valid_from = models.DateField("授权起始日期")
    valid_until = models.DateField("授权截止日期（含）", null=True, blank=True)
    granted_by = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.CharField(max_length=64, blank=True)
    # 委托书 (帮办代办 only): the resident's signature (pad PNG or scanned page) and the SHA-256
    # of it and of the PDF signed, both subjects of the ledger entry; the SMS confirmation
    signature = models.BinaryField(blank=True, default=b"")
    signature_sha256 = models.CharField(max_length=64, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField("短信确认时间", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person", "kind"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_mandate_per_person",
            )
        ]
        verbose_name = "法人授权"
        verbose_name_plural = "法人授权"

    def __str__(self) -> str:
        who = self.helper.name if self.helper is not None else ""
        if self.person is not None:
            who = self.person.display_name
        return f"{who} → {self.organization.display_name}（{self.get_kind_display()}）"

    @property
    def station_name(self) -> str:
        """某某村便民服务站 / 某某镇便民服务中心: where the helper works."""
        station = self.station
        if station is None:
            return ""
        if station.level == Level.VILLAGE:
            town = station.parent.name if station.parent is not None else ""
            return f"{town}{station.name}便民服务站"
        return f"{station.name}便民服务中心"

    @property
    def all_items(self) -> bool:
        return not self.items
