"""好差评 (GB/T 39735, 国办发〔2019〕51号): ratings, the rectification of every 差评, appeals,
and the tallies the figures and rankings read.

A rating is a fact: it is only ever inserted (the one later addition, 追评, is a row of its
own). What it rates is stored as plain columns (region, department, hall, window, staff
member, item, case) so that every figure is a sum over `DailyTally` or `MonthlyTally`,
which the services keep current in the rating's own transaction, never a scan of ratings.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant, Staff
from ninhaoban.cases.models import Case
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.core.errors import Conflict
from ninhaoban.regions.models import Department, Region, ServiceHall, Window


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# 好评 are the three upper levels, 差评 the two lower ones (国办发〔2019〕51号)
GOOD_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC)
BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)


class Channel(models.TextChoices):
    WINDOW_PAD = "window_pad", _("窗口评价器")
    WEBSITE = "website", _("政务服务网")
    KIOSK = "kiosk", _("自助终端")
    SMS = "sms", _("短信链接")
    HOTLINE = "hotline", _("12345热线")
    MAILBOX = "mailbox", _("意见箱")
    GUESTBOOK = "guestbook", _("留言本")
    SURVEY = "survey", _("第三方测评")


# what staff type in for a person who rated by phone or on paper
STAFF_ENTRY_CHANNELS = (Channel.HOTLINE, Channel.MAILBOX, Channel.GUESTBOOK)


class Target(models.TextChoices):
    CASE = "of_case", _("办件评价")
    WINDOW = "of_window", _("窗口评价")
    HALL = "of_hall", _("大厅评价")
    SERVICE = "of_service", _("渠道评价")


# GB/T 39735's categories; the words differ for praise and for complaint
REASONS: dict[str, tuple[str, str]] = {
    "attitude": (_("服务态度好"), _("服务态度差")),
    "efficiency": (_("办事效率高"), _("办事效率低")),
    "materials": (_("材料要求合理"), _("材料要求多")),
    "process": (_("流程环节简便"), _("流程环节繁琐")),
    "fees": (_("收费规范"), _("收费不合理")),
    "usability": (_("平台方便易用"), _("平台不好用")),
    "other": (_("其他"), _("其他")),
}


class AppendOnly(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "评价一经提交不能修改或删除", "a rating can be neither changed nor deleted"
        )


class Evaluation(models.Model):
    """One rating of one case or one service, from one channel."""

    target = models.CharField("评价对象", max_length=12, choices=Target.choices)
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    reasons = models.JSONField("评价原因", default=list, blank=True)
    comment = models.CharField("意见", max_length=500, blank=True)
    channel = models.CharField("评价渠道", max_length=12, choices=Channel.choices)
    rater = models.ForeignKey(
        Applicant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name="评价人",
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hall = models.ForeignKey(
        ServiceHall, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.CharField("录入人", max_length=64, blank=True)
    # the one transaction a service rating is about (a kiosk session): rated once
    reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("评价时间", db_index=True)
    day = models.DateField("评价日期")

    class Meta:
        ordering = ["-pk"]
        verbose_name = "评价"
        verbose_name_plural = "评价"
        indexes = [models.Index(fields=["region", "day"], name="evaluation_region_day")]
        constraints = [
            # 一事一评: a case is rated once by its applicant, whatever the channel
            models.UniqueConstraint(
                fields=["case", "rater"],
                name="one_rating_per_case_and_rater",
                condition=Q(case__isnull=False, rater__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["reference"], name="one_rating_per_reference", condition=~Q(reference="")
            ),
        ]

    def __str__(self) -> str:
        return f"评价{self.pk} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def real_name(self) -> bool:
        return self.rater_id is not None

    @property
    def subject(self) -> str:
        return f"evaluation:{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly()


class FollowUpComment(models.Model):
    """追评: the one later comment the rater may add; it changes nothing of the rating."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="follow_up_comment"
    )
    text = models.CharField("追评", max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly()


class RectificationState(models.TextChoices):
    OPEN = "unverified", _("待核实")
    VERIFIED = "verified", _("已核实")
    RECTIFIED = "rectified", _("已整改")
    ANSWERED = "answered", _("已反馈")
    FOLLOWED_UP = "followed_up", _("已回访")
    VOIDED = "voided", _("申诉成立撤销")


# the order of the steps: each may only follow the one before it
RECTIFICATION_STEPS = {
    "verify": (RectificationState.OPEN, RectificationState.VERIFIED),
    "rectify": (RectificationState.VERIFIED, RectificationState.RECTIFIED),
    "answer": (RectificationState.RECTIFIED, RectificationState.ANSWERED),
    "follow_up": (RectificationState.ANSWERED, RectificationState.FOLLOWED_UP),
}
OPEN_RECTIFICATION = (
    RectificationState.OPEN,
    RectificationState.VERIFIED,
    RectificationState.RECTIFIED,
)


class RaterAnswer(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("无法联系")


class Rectification(models.Model):
    """差评整改: opened for the department that handled what was rated (谁办理、谁负责),
    verified, rectified and answered within `due_date` (working days), then followed up."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="rectification"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=12, choices=RectificationState.choices, default="unverified"
    )
    opened_on = models.DateField("开始日期")
    due_date = models.DateField("整改反馈期限", null=True, blank=True)
    verify_note = models.CharField("核实情况", max_length=500, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    rectify_note = models.CharField("整改措施", max_length=500, blank=True)
    rectified_on = models.DateField(null=True, blank=True)
    answer_note = models.CharField("反馈内容", max_length=500, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    follow_up_note = models.CharField("回访记录", max_length=500, blank=True)
    rater_answer = models.CharField(
        "评价人意见", max_length=16, choices=RaterAnswer.choices, blank=True
    )
    followed_up_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField("上报首席代表日期", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        indexes = [
            models.Index(fields=["region", "department", "state"], name="rect_scope_state"),
            models.Index(
                fields=["due_date"],
                name="rect_open_due",
                condition=Q(state__in=["unverified", "verified", "rectified"]),
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_RECTIFICATION


class AppealDecision(models.TextChoices):
    PENDING = "undecided", _("待裁定")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")


class Appeal(models.Model):
    """申诉: a department asks that a malicious or mistaken rating not count; a supervisor
    decides. An upheld appeal takes the rating out of every figure and leaves it visible."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="appeal")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("申诉理由", max_length=500)
    filed_by = models.CharField(max_length=64)
    filed_on = models.DateField()
    decision = models.CharField(
        "裁定", max_length=12, choices=AppealDecision.choices, default="undecided"
    )
    decision_note = models.CharField("裁定理由", max_length=500, blank=True)
    decided_by = models.CharField(max_length=64, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "差评申诉"
        verbose_name_plural = "差评申诉"
        indexes = [models.Index(fields=["region", "decision"], name="appeal_scope_decision")]


class RatingInvitation(models.Model):
    """The SMS link sent when a case reaches 办结: a signed token whose nonce is kept only
    as a hash, good for one rating until `expires_at`."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    nonce_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class WindowDuty(models.Model):
    """Who serves at a window now, and the case just handled there: what the window's
    评价器 shows the applicant. One row per window, replaced when the clerk changes."""

    window = models.OneToOneField(Window, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateTimeField()


class WindowPad(models.Model):
    """A terminal (enrolled like any kiosk, by its code) that faces the applicant at one
    window as its 评价器."""

    terminal = models.SlugField("终端编号", max_length=32, unique=True)
    window = models.OneToOneField(Window, on_delete=models.PROTECT, related_name="+")


class Counts(models.Model):
    """What every tally counts; a rating taken out by an upheld appeal is subtracted."""

    ratings = models.IntegerField(default=0)
    good = models.IntegerField(default=0)
    bad = models.IntegerField(default=0)
    bad_rectified = models.IntegerField(default=0)
    followed_up = models.IntegerField(default=0)
    real_bad = models.IntegerField(default=0)
    real_bad_followed_up = models.IntegerField(default=0)
    level_sum = models.IntegerField(default=0)

    class Meta:
        abstract = True


COUNT_FIELDS = (
    "ratings",
    "good",
    "bad",
    "bad_rectified",
    "followed_up",
    "real_bad",
    "real_bad_followed_up",
    "level_sum",
)


class DailyTally(Counts):
    """Per day, region (the rated service's) and department (0: none): what
    `selectors.satisfaction` sums over any date range and region subtree."""

    day = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    department_key = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "day", "department_key"], name="daily_tally_key"
            )
        ]


class Dimension(models.TextChoices):
    WINDOW = "by_window", _("按窗口")
    STAFF = "by_staff", _("按工作人员")
    HALL = "by_hall", _("按大厅")
    DEPARTMENT = "by_department", _("按部门")
    ITEM = "by_item", _("按事项")
    REGION = "by_region", _("按区划")


class MonthlyTally(Counts):
    """Per month and per window, staff member, hall, department, item and region: the
    monthly figures and the ranking read these rows, a few per entity and month."""

    month = models.DateField()  # the first of the month
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.CharField(max_length=64)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "dimension", "key", "region"], name="monthly_tally_key"
            )
        ]
        indexes = [models.Index(fields=["month", "dimension", "region"], name="monthly_tally_rank")]
