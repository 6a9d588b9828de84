"""The service catalog: base items, their implementations and the versions people apply under.

A `ServiceItem` is the stable identity (实施编码, region, department) that permissions and
cases attach to; what it requires lives in `ServiceItemVersion`, which is edited as a draft
and frozen once published, so a case can always point at exactly the rules it was made under.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import AssuranceLevel, Role
from ninhaoban.core.errors import Conflict
from ninhaoban.regions.models import Department, Level, Region, ServiceHall


class ItemType(models.TextChoices):
    """GB/T 39046 事项类型; the stored value is the standard code."""

    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER_POWER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


class CaseKind(models.TextChoices):
    IMMEDIATE = "immediate", _("即办件")
    PROMISED = "promised", _("承诺件")


class OnlineDepth(models.IntegerChoices):
    """网办深度. From level 3 on an application can be made online (可网办)."""

    INFORMATION = 1, _("一级：在线办事指南")
    FORMS = 2, _("二级：表格下载与预约")
    SUBMISSION = 3, _("三级：在线申报、预审")
    FULL = 4, _("四级：全程网办")


ONLINE_MIN_DEPTH = OnlineDepth.SUBMISSION


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    POST = "post", _("邮政快递送达")
    ELECTRONIC = "electronic", _("电子证照送达")


class SpecialProcedure(models.TextChoices):
    """行政许可法 第45条: time these take is not counted in the limit."""

    HEARING = "hearing", _("听证")
    TENDER = "tender", _("招标")
    AUCTION = "auction", _("拍卖")
    INSPECTION = "inspection", _("检验")
    TESTING = "testing", _("检测")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Requirement(models.TextChoices):
    REQUIRED = "required", _("必要")
    OPTIONAL = "optional", _("非必要（视情形提交）")
    DEFERRABLE = "deferrable", _("容缺（可后补）")


class MaterialForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    EITHER = "either", _("纸质或电子")


class MaterialSource(models.TextChoices):
    """docs/contracts.md: codes, not foreign keys, because licences and exchange sit above."""

    APPLICANT = "applicant", _("申请人自备")
    LICENCE = "licence", _("电子证照")
    SHARED_DATA = "shared_data", _("部门共享数据")
    GOVERNMENT = "government", _("政府部门核发")
    GENERATED = "generated", _("平台生成（申请表）")


class TemplateKind(models.TextChoices):
    """Standard documents the city publishes as model text: generated from the one form and
    offered in place of an upload wherever the catalog allows it (`MaterialRequirement`)."""

    ARTICLES = "articles", _("公司章程（示范文本）")
    APPOINTMENT = "appointment", _("任职文件（示范文本）")
    PLEDGE = "pledge", _("承诺书（示范文本）")
    POWER_OF_ATTORNEY = "power_of_attorney", _("委托书（示范文本）")


class FieldKind(models.TextChoices):
    """How a field of the one form (一表申请) is typed and checked."""

    TEXT = "text", _("文本")
    LONG_TEXT = "long_text", _("多行文本")
    DATE = "date", _("日期")
    INTEGER = "integer", _("整数")
    MONEY = "money", _("金额")
    ID_NUMBER = "id_number", _("居民身份证号码")
    USCC = "uscc", _("统一社会信用代码")
    PHONE = "phone", _("手机号码")
    CHOICE = "choice", _("选项")


# 行使层级: the digit in the 实施编码 after the agency's USCC.
LEVEL_DIGITS = {Level.CITY: "3", Level.COUNTY: "4", Level.TOWN: "5", Level.VILLAGE: "6"}


class TypeLabel(models.Model):
    """A local name for an item type (审批, 核准, 备案 …) and the standard type it means."""

    label = models.CharField("本地类型名称", max_length=32, unique=True)
    item_type = models.CharField("标准事项类型", max_length=2, choices=ItemType.choices)
    note = models.CharField("说明", max_length=128, blank=True)

    class Meta:
        ordering = ["item_type", "label"]
        verbose_name = "事项类型标签"
        verbose_name_plural = "事项类型标签"

    def __str__(self) -> str:
        return f"{self.label} → {self.get_item_type_display()}"

    @property
    def is_standard(self) -> bool:
        return self.label == ItemType(self.item_type).label


class ProofRequirement(models.Model):
    """证明事项 an office may not demand (清理证明事项): matched inside material names."""

    name = models.CharField("证明名称", max_length=64, unique=True)
    allowed = models.BooleanField("允许索要", default=False)
    reason = models.CharField("理由", max_length=256, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "证明事项"
        verbose_name_plural = "证明事项"

    def __str__(self) -> str:
        return self.name


class BaseItem(models.Model):
    code = models.CharField("基本编码", max_length=17, unique=True)
    name = models.CharField("事项名称", max_length=128)
    item_type = models.CharField("事项类型", max_length=2, choices=ItemType.choices)
    legal_basis = models.TextField("设定依据", blank=True)
    legal_days = models.PositiveIntegerField("法定时限（工作日）")
    levels = models.JSONField("行使层级", default=list, blank=True)
    aliases = models.JSONField("别名、关键词", default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "基本目录事项"
        verbose_name_plural = "基本目录事项"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ServiceItem(models.Model):
    """One agency's implementation of a base item in one region; permissions attach here."""

    code = models.CharField("实施编码", max_length=36, unique=True)
    base = models.ForeignKey(
        BaseItem, on_delete=models.PROTECT, related_name="implementations", verbose_name="基本目录"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_items", verbose_name="区划"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="service_items", verbose_name="实施部门"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["region", "department"])]
        verbose_name = "实施清单事项"
        verbose_name_plural = "实施清单事项"

    def __str__(self) -> str:
        return f"{self.base.name}（{self.region.name}）"


class ServiceItemVersion(models.Model):
    """What a service item requires from valid_from (inclusive) to valid_to (exclusive)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    state = models.CharField(
        "状态", max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_to = models.DateField("失效日期（不含）", null=True, blank=True)
    name = models.CharField("事项名称", max_length=128)
    type_label = models.CharField("本地类型名称", max_length=32, blank=True)
    case_kind = models.CharField("办件类型", max_length=16, choices=CaseKind.choices)
    legal_days = models.PositiveIntegerField("法定时限（工作日）")
    promised_days = models.PositiveIntegerField("承诺时限（工作日）")
    visits_required = models.PositiveSmallIntegerField("到现场次数", default=1)
    online_depth = models.PositiveSmallIntegerField(
        "网办深度", choices=OnlineDepth.choices, default=OnlineDepth.INFORMATION
    )
    kiosk_enabled = models.BooleanField("可在自助终端办理", default=False)
    # who may apply for themself: intake refuses an account below it (403 saying how to rise)
    min_assurance = models.PositiveSmallIntegerField(
        "最低实名认证等级", choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    conditions = models.TextField("受理条件", blank=True)
    legal_basis = models.TextField("实施依据", blank=True)
    delivery_methods = models.JSONField("送达方式", default=list, blank=True)
    special_procedures = models.JSONField("特别程序", default=list, blank=True)
    online_url = models.CharField("网上办理地址", max_length=256, blank=True)
    # a code, not a foreign key: licences sits above catalog (see rules.LICENCE_TYPE_CODE)
    licence_type_code = models.CharField("签发证照类型代码", max_length=32, blank=True)
    # 企业设立登记 and its like: the licence is the new organization's, not the founder's
    establishes_organization = models.BooleanField("证照签发给新设立的法人", default=False)
    created_by = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="version_number_per_item"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state="draft"),
                name="one_draft_per_item",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=False, valid_to__gt=models.F("valid_from")),
                name="version_interval_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(valid_from__isnull=False),
                name="published_version_has_start",
            ),
        ]
        indexes = [models.Index(fields=["item", "state", "valid_from"], name="version_in_force")]
        verbose_name = "实施清单版本"
        verbose_name_plural = "实施清单版本"

    def __str__(self) -> str:
        return f"{self.name} v{self.number}（{self.get_state_display()}）"

    @property
    def is_published(self) -> bool:
        return self.state == VersionState.PUBLISHED

    def save(self, *args, **kwargs) -> None:
        """A published version never changes; the only write allowed is ending it once."""
        if self.pk is not None:
            stored = (
                ServiceItemVersion.objects.filter(pk=self.pk).values("state", "valid_to").first()
            )
            if stored and stored["state"] == VersionState.PUBLISHED:
                ending = set(kwargs.get("update_fields") or ()) == {"valid_to"}
                if not (ending and stored["valid_to"] is None):
                    raise PublishedVersionFrozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedVersionFrozen()
        return super().delete(*args, **kwargs)


class PublishedVersionFrozen(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "已发布的版本不能修改，请新建草稿版本",
            "a published version cannot be changed; create a new draft version",
        )


class VersionPart(models.Model):
    """A row that belongs to one version and is frozen with it."""

    version = models.ForeignKey(ServiceItemVersion, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("名称", max_length=128)

    class Meta:
        abstract = True
        ordering = ["version_id", "position"]

    def _check_draft(self) -> None:
        if ServiceItemVersion.objects.filter(
            pk=self.version_id, state=VersionState.PUBLISHED
        ).exists():
            raise PublishedVersionFrozen()

    def save(self, *args, **kwargs) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)


class MaterialRequirement(VersionPart):
    version = models.ForeignKey(
        ServiceItemVersion, on_delete=models.CASCADE, related_name="materials"
    )
    requirement = models.CharField(
        "必要性", max_length=16, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    form = models.CharField(
        "材料形式", max_length=16, choices=MaterialForm.choices, default=MaterialForm.EITHER
    )
    copies = models.PositiveSmallIntegerField("份数", default=1)
    source = models.CharField(
        "来源", max_length=16, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    licence_type_code = models.CharField("证照类型代码", max_length=32, blank=True)
    data_key = models.CharField("共享数据集", max_length=64, blank=True)
    issuer = models.CharField("出具单位", max_length=64, blank=True)
    notes = models.CharField("说明", max_length=256, blank=True)
    sample = models.FileField("示例样表", upload_to="catalog/samples/", blank=True)
    blank_form = models.FileField("空白表格", upload_to="catalog/forms/", blank=True)
    # a generated form's (or a template's) fields: keys of the 字段库 (FormField)
    fields = models.JSONField("表单字段", default=list, blank=True)
    template = models.CharField(
        "可由示范文本生成", max_length=32, choices=TemplateKind.choices, blank=True
    )

    class Meta(VersionPart.Meta):
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.name


class Fee(VersionPart):
    version = models.ForeignKey(ServiceItemVersion, on_delete=models.CASCADE, related_name="fees")
    standard = models.CharField("收费标准", max_length=128)
    amount = models.DecimalField(
        "金额（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    basis = models.CharField("收费依据", max_length=256, blank=True)
    waivable = models.BooleanField("可减免", default=False)

    class Meta(VersionPart.Meta):
        verbose_name = "收费项目"
        verbose_name_plural = "收费项目"

    def __str__(self) -> str:
        return f"{self.name} {self.standard}"


class ProcessStep(VersionPart):
    """A back-office step; steps sharing a parallel group run at the same time (联审)."""

    version = models.ForeignKey(ServiceItemVersion, on_delete=models.CASCADE, related_name="steps")
    role = models.CharField("办理角色", max_length=16, choices=Role.choices)
    working_days = models.PositiveSmallIntegerField("时限（工作日）", default=0)
    parallel_group = models.CharField("并联组", max_length=16, blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"

    def __str__(self) -> str:
        return self.name


class Bundle(models.Model):
    """一件事: several service items of several departments applied for as one."""

    code = models.SlugField("编号", max_length=64, unique=True)
    name = models.CharField("名称", max_length=64)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="bundles", verbose_name="区划"
    )
    description = models.TextField("说明", blank=True)
    promised_days = models.PositiveIntegerField("承诺时限（工作日）")
    aliases = models.JSONField("别名、关键词", default=list, blank=True)
    items = models.ManyToManyField(ServiceItem, through="BundleItem", related_name="bundles")

    class Meta:
        ordering = ["region_id", "code"]
        verbose_name = "一件事"
        verbose_name_plural = "一件事"

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    """Items in the same stage run in parallel; stages run one after another."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="members")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("序号")
    stage = models.PositiveSmallIntegerField("阶段", default=1)

    class Meta:
        ordering = ["bundle_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "item"], name="item_once_per_bundle")
        ]
        verbose_name = "一件事所含事项"
        verbose_name_plural = "一件事所含事项"


class FormField(models.Model):
    """One field of the city's 字段库: every item's form that needs, say, 注册资本 asks it under
    this one key, label, type and check, so a bundle's one form asks it once. `prefill` names
    where the platform already knows the value (docs/contracts.md, 一表申请)."""

    key = models.SlugField("字段代码", max_length=48, unique=True)
    label = models.CharField("名称", max_length=64)
    label_en = models.CharField("英文名称", max_length=96, blank=True)
    kind = models.CharField("类型", max_length=16, choices=FieldKind.choices)
    required = models.BooleanField("必填", default=True)
    max_length = models.PositiveSmallIntegerField("最大长度", default=100)
    low = models.BigIntegerField("最小值", null=True, blank=True)
    high = models.BigIntegerField("最大值", null=True, blank=True)
    choices = models.JSONField("选项", default=list, blank=True)
    help = models.CharField("填写说明", max_length=256, blank=True)
    prefill = models.CharField("预填来源", max_length=96, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "表单字段"
        verbose_name_plural = "表单字段"

    def __str__(self) -> str:
        return f"{self.label}（{self.key}）"


class OfferMode(models.TextChoices):
    """How a hall offers an item (进驻方式)."""

    DEPARTMENT = "department", _("部门窗口现场办理")
    GENERAL = "general", _("综合窗口受理")
    VIDEO = "video", _("视频帮办（远程）")


class HallDepartment(models.Model):
    """部门进驻: a department with staff at the hall's windows (应进必进)."""

    hall = models.ForeignKey(ServiceHall, on_delete=models.CASCADE, related_name="stationed")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["hall_id", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "department"], name="department_once_per_hall")
        ]
        verbose_name = "进驻部门"
        verbose_name_plural = "进驻部门"


class HallItem(models.Model):
    """事项进驻: an item the hall takes in, and how (`modes`: OfferMode values)."""

    hall = models.ForeignKey(ServiceHall, on_delete=models.CASCADE, related_name="offers")
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="offers")
    modes = models.JSONField("进驻方式", default=list)

    class Meta:
        ordering = ["hall_id", "item_id"]
        constraints = [models.UniqueConstraint(fields=["hall", "item"], name="item_once_per_hall")]
        indexes = [models.Index(fields=["item", "hall"], name="offer_by_item")]
        verbose_name = "进驻事项"
        verbose_name_plural = "进驻事项"
