"""双随机一公开 (registers, plans, draws, results) and 招标投标投诉 (projects, complaints).

Only `ninhaoban.inspections.services` writes these tables; others read through selectors.
"""

from django.db import models
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant, Staff
from ninhaoban.cases.models import Upload
from ninhaoban.regions.models import Department, Region


class CheckItem(models.Model):
    """随机抽查事项清单: what a department may inspect, and on what legal basis."""

    code = models.CharField("事项编码", max_length=32, unique=True)
    name = models.CharField("抽查事项", max_length=128)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField("检查依据", max_length=256)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "随机抽查事项"
        verbose_name_plural = "随机抽查事项"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InspectionObject(models.Model):
    """检查对象名录库: an organization (from accounts) with its industry and region."""

    organization = models.OneToOneField(Applicant, on_delete=models.PROTECT, related_name="+")
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=128)
    industry = models.CharField("行业", max_length=32)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "检查对象"
        verbose_name_plural = "检查对象"
        indexes = [models.Index(fields=["industry", "region"])]

    def __str__(self) -> str:
        return f"{self.uscc} {self.name}"


class Inspector(models.Model):
    """执法检查人员名录库: a staff member with an 执法证 number; name and number are public."""

    staff = models.OneToOneField(Staff, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=32)
    cert_no = models.CharField("执法证号", max_length=32, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "执法检查人员"
        verbose_name_plural = "执法检查人员"

    def __str__(self) -> str:
        return f"{self.name} {self.cert_no}"


class Avoidance(models.Model):
    """回避: an inspector who must not be sent to this organization (kin, former employer)."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="avoids")
    target = models.ForeignKey(InspectionObject, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("回避事由", max_length=128)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspector", "target"], name="one_avoidance_per_pair")
        ]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公布待抽取")
    DRAWN = "drawn", _("已抽取")


class Plan(models.Model):
    """抽查计划. Frozen at publication: `snapshot` is the canonical JSON whose digest the
    ledger entry carries, and the draw is a function of it and of a later checkpoint."""

    code = models.CharField("计划编号", max_length=32, unique=True)
    title = models.CharField("计划名称", max_length=128)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField(CheckItem, related_name="plans")
    industry = models.CharField("对象行业", max_length=32, blank=True)
    object_region = models.CharField("对象区划代码前缀", max_length=12)
    sample_count = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    sample_ratio = models.PositiveSmallIntegerField("抽取比例（%）", null=True, blank=True)
    inspectors_per_object = models.PositiveSmallIntegerField("每户检查人员数", default=2)
    start_date = models.DateField("检查开始日期")
    end_date = models.DateField("检查结束日期")
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    snapshot = models.TextField("公布快照（规范JSON）", blank=True)
    publication_entry = models.BigIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    checkpoint_size = models.BigIntegerField(null=True, blank=True)
    seed = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def subject(self) -> str:
        return f"inspection_plan:{self.code}"


class Finding(models.TextChoices):
    QUALIFIED = "qualified", _("合格")
    RECTIFY = "rectify", _("责令整改")
    CASE_FILED = "case_filed", _("立案")
    NOT_FOUND = "not_found", _("未发现")


class DrawnObject(models.Model):
    """One object drawn for a plan, its inspectors, and its result (结果公示 within 20
    working days of the inspection: `due_date`, stored so late results are one query)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="drawn")
    position = models.PositiveIntegerField()
    target = models.ForeignKey(InspectionObject, on_delete=models.PROTECT, related_name="+")
    inspectors = models.ManyToManyField(Inspector, related_name="+")
    inspector_order = models.JSONField("执法证号（按抽取顺序）", default=list)
    finding = models.CharField(max_length=16, choices=Finding.choices, blank=True)
    note = models.CharField("检查情况", max_length=500, blank=True)
    inspected_on = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, db_index=True)
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="one_object_per_position"),
            models.UniqueConstraint(fields=["plan", "target"], name="one_draw_per_object"),
        ]


class TenderProject(models.Model):
    """A tender project under a supervising department, with its announcements and bidders."""

    code = models.CharField("项目编号", max_length=32, unique=True)
    name = models.CharField("项目名称", max_length=128)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suspended_on = models.DateField("暂停招标投标活动日期", null=True, blank=True)

    class Meta:
        verbose_name = "招标项目"
        verbose_name_plural = "招标项目"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AnnouncementKind(models.TextChoices):
    TENDER_NOTICE = "tender_notice", _("招标公告")
    BID_OPENING = "bid_opening", _("开标")
    CANDIDATES = "candidates", _("中标候选人公示")


class Announcement(models.Model):
    project = models.ForeignKey(
        TenderProject, on_delete=models.CASCADE, related_name="announcements"
    )
    kind = models.CharField(max_length=16, choices=AnnouncementKind.choices)
    published_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_announcement_per_kind")
        ]


class Bidder(models.Model):
    project = models.ForeignKey(TenderProject, on_delete=models.CASCADE, related_name="bidders")
    organization = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "organization"], name="one_bid_per_org")
        ]


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("待受理")
    REFUSED = "refused", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    PAUSED = "paused", _("检验检测鉴定专家评审中")
    DECIDED = "decided", _("已作出处理决定")


class PauseKind(models.TextChoices):
    TESTING = "testing", _("检验")
    DETECTION = "detection", _("检测")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", _("投诉成立")
    DISMISSED = "dismissed", _("驳回投诉")


class ComplaintChannel(models.TextChoices):
    WINDOW = "window", _("部门登记")
    ONLINE = "online", _("网上投诉")


class Complaint(models.Model):
    """招标投标投诉 on its legal clock: filed within 10 days of knowing, accepted or refused
    within 3 working days, decided within 30 working days of acceptance (paused for
    检验、检测、鉴定、专家评审). `due_date` is the running deadline, indexed."""

    number = models.CharField("投诉编号", max_length=32, unique=True)
    project = models.ForeignKey(TenderProject, on_delete=models.PROTECT, related_name="complaints")
    complainant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="+")
    about = models.CharField(max_length=16, choices=AnnouncementKind.choices)
    known_on = models.DateField("知道或应当知道之日")
    filed_on = models.DateField("提起投诉日期")
    grounds = models.TextField("投诉事项和理由", max_length=2000)
    status = models.CharField(
        max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.FILED
    )
    due_date = models.DateField(null=True, blank=True, db_index=True)
    accepted_on = models.DateField(null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    pause_kind = models.CharField(max_length=16, choices=PauseKind.choices, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=ComplaintOutcome.choices, blank=True)
    decision = models.TextField("处理决定", max_length=2000, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True)
    channel = models.CharField(
        max_length=8, choices=ComplaintChannel.choices, default=ComplaintChannel.WINDOW
    )
    # online: the 法定代表人 or 经办人 who filed it for the company (None: registered by staff)
    filed_by = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "招标投标投诉"
        verbose_name_plural = "招标投标投诉"

    def __str__(self) -> str:
        return self.number

    @property
    def subject(self) -> str:
        return f"tender_complaint:{self.number}"

    @property
    def is_open(self) -> bool:
        """On a clock still: not yet refused or decided."""
        return self.status not in (ComplaintStatus.REFUSED, ComplaintStatus.DECIDED)


class Evidence(models.Model):
    """证明材料 a bidder handed in with a complaint (kept by content in the cases' store)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="evidence")
    name = models.CharField("文件名", max_length=128)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
