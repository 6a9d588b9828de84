"""办件: cases, their append-only history, materials, written notices and steps.

A case stores what the law's clock needs as plain columns (`due_date`, the days left while
the clock stands still, the one extension) and the competent region and department, so the
queues, the escalation scan and the statistics are index range scans, never a walk through
the history. Yellow and red are not stored per case: they follow from `due_date` and today,
so they can never be stale. `CaseEvent` is the history and only grows.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant, Mandate
from ninhaoban.catalog.models import (
    Bundle,
    CaseKind,
    DeliveryMethod,
    MaterialSource,
    ServiceItem,
    ServiceItemVersion,
    SpecialProcedure,
)
from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict
from ninhaoban.regions.models import Department, Region, ServiceHall, Window
from ninhaoban.vault.fields import SealedJSONField, SealedTextField


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已申报")
    CORRECTION = "correction", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    IN_REVIEW = "in_review", _("审查中")
    SUSPENDED = "suspended", _("特别程序中")
    DECIDED = "decided", _("已决定")
    DELIVERING = "delivering", _("送达中")
    CLOSED = "closed", _("办结")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


# Cases not finished yet: the clock runs or stands still (a partial index covers them).
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.CORRECTION,
    Status.ACCEPTED,
    Status.IN_REVIEW,
    Status.SUSPENDED,
    Status.DECIDED,
    Status.DELIVERING,
)
# What an approver works on; a partial index on exactly this list serves the queue.
QUEUE_STATUSES = (Status.ACCEPTED, Status.IN_REVIEW, Status.SUSPENDED)
# Statuses whose clock runs: a stopped clock (correction, special procedure) has no due date.
TIMED_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.IN_REVIEW,
    Status.DECIDED,
    Status.DELIVERING,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上办事大厅")
    WINDOW = "window", _("窗口")
    KIOSK = "kiosk", _("自助服务终端")
    API = "api", _("接口")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")


class Case(models.Model):
    case_no = models.CharField("办件编号", max_length=32, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # indexed by (applicant, -created_at) below; no separate FK index to maintain
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="申请人",
        db_index=False,
    )
    item = models.ForeignKey(
        ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    item_version = models.ForeignKey(
        ServiceItemVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    bundle = models.ForeignKey(
        Bundle, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    bundle_stage = models.PositiveSmallIntegerField("一件事阶段", default=0)
    title = models.CharField("事项名称", max_length=128)
    # indexed by (region, department, status, due_date) below
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="承办区划",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="承办部门",
    )
    intake_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="受理地区划"
    )
    # the hall and window that took the application in (a kiosk: its hall), where known;
    # none online or through a department system. Supervision ranks halls and windows by them.
    intake_hall = models.ForeignKey(
        ServiceHall,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="受理大厅",
        db_index=False,
    )
    intake_window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="受理窗口",
        db_index=False,
    )
    channel = models.CharField("申报渠道", max_length=8, choices=Channel.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices)
    form = SealedJSONField("申请表", default=dict, blank=True)
    kind = models.CharField("办件类型", max_length=16, choices=CaseKind.choices)
    limit_days = models.PositiveIntegerField("承诺时限（工作日）")
    joint = models.BooleanField("联办（第42条 45+15）", default=False)
    received_on = models.DateField("收件日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # indexed for open cases by the partial index case_open_due below
    due_date = models.DateField("到期日", null=True, blank=True)
    days_left = models.IntegerField("停表时剩余工作日", null=True, blank=True)
    stopped_for = models.CharField(
        "停表原因", max_length=16, choices=SpecialProcedure.choices, blank=True
    )
    extended_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_reason = models.CharField("延期理由", max_length=256, blank=True)
    outcome = models.CharField("决定", max_length=16, choices=Outcome.choices, blank=True)
    reason = models.CharField("理由", max_length=512, blank=True)
    delivery_method = models.CharField(
        "送达方式", max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    tracking_no = models.CharField("快递单号", max_length=64, blank=True)
    # where 邮政快递送达 goes: asked and checked at intake, shown to the clerk who posts it
    post_recipient = SealedTextField("收件人", max_length=32, blank=True)
    post_phone = SealedTextField("收件人电话", max_length=20, blank=True)
    post_address = SealedTextField("邮寄地址", max_length=200, blank=True)
    licence_ref = models.CharField("证照标识", max_length=128, blank=True)
    # 帮办代办: the 委托书 under which a village station's or town centre's helper applied
    commission = models.ForeignKey(
        Mandate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="代办委托",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        indexes = [
            models.Index(
                fields=["region", "department", "status", "due_date"], name="case_scope_status"
            ),
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_created"),
            models.Index(
                fields=["department", "due_date"],
                name="case_queue",
                condition=Q(status__in=QUEUE_STATUSES),
            ),
            models.Index(
                fields=["due_date"], name="case_open_due", condition=Q(status__in=OPEN_STATUSES)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_no} {self.title}"

    @property
    def helper_label(self) -> str:
        """代办人: who applied for the resident, and from which station ("" if they applied
        themself): the case page, the receipt and 我的办件 show it."""
        commission = self.commission
        if commission is None or commission.helper is None:
            return ""
        return f"{commission.helper.name}（{commission.station_name}）"

    @property
    def is_bundle(self) -> bool:
        return self.bundle_id is not None and self.parent_id is None

    @property
    def subject(self) -> str:
        return f"case:{self.case_no}"

    @property
    def due_is_provisional(self) -> bool:
        """The due date counts days of a year whose holiday notice is not out yet (预计): like
        yellow and red, it follows from the date and the calendar and is never stale."""
        return self.due_date is not None and workdays.is_provisional(self.due_date)


class AppendOnly(Conflict):
    def __init__(self) -> None:
        super().__init__("办件历史只能追加，不能修改或删除", "case history is append-only")


class CaseEvent(models.Model):
    """One step of a case's history; rows are only ever inserted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.CharField("操作人", max_length=64)
    actor_name = models.CharField("操作人名称", max_length=64, blank=True)
    note = models.CharField("说明", max_length=512, blank=True)
    visible = models.BooleanField("申请人可见", default=True)
    due_date = models.DateField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "pk"]
        verbose_name = "办件记录"
        verbose_name_plural = "办件记录"

    @property
    def status_label(self) -> str:
        """The status the case moved to, as the applicant reads it (站内消息)."""
        return Status(self.to_status).label

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly()


class Upload(models.Model):
    """A file an applicant handed in, kept by content: the same bytes are stored once."""

    sha256 = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="cases/uploads/")
    created_at = models.DateTimeField(auto_now_add=True)


class HeldUpload(models.Model):
    """A valid file of an application refused for another reason, kept for its holder a
    short while: a browser cannot fill a file input again, so the page carries this
    unguessable token instead and the file need not be chosen twice."""

    token = models.CharField(max_length=64, unique=True)
    holder = models.CharField(max_length=64)  # the actor's ledger name
    key = models.CharField(max_length=96)
    name = models.CharField("文件名", max_length=128)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class MaterialState(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    LICENCE = "licence", _("电子证照免提交")
    SHARED = "shared", _("共享数据免提交")
    GOVERNMENT = "government", _("部门核发免提交")
    GENERATED = "generated", _("平台生成申请表免提交")
    TEMPLATE = "template", _("示范文本生成免提交")
    MISSING = "missing", _("未提交")
    REJECTED = "rejected", _("不符合要求")


COVERED_STATES = (
    MaterialState.UPLOADED,
    MaterialState.LICENCE,
    MaterialState.SHARED,
    MaterialState.GOVERNMENT,
    MaterialState.GENERATED,
    MaterialState.TEMPLATE,
)


class CaseMaterial(models.Model):
    """One material of a case; a bundle keeps them on the parent so each is asked once."""

    # the unique (case, key) constraint is the index for this key
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="materials", db_index=False
    )
    key = models.CharField(max_length=96)
    name = models.CharField("材料名称", max_length=128)
    source = models.CharField("来源", max_length=16, choices=MaterialSource.choices)
    requirement = models.CharField("必要性", max_length=16)
    state = models.CharField("状态", max_length=16, choices=MaterialState.choices)
    reference = models.CharField("证照标识或查询编号", max_length=128, blank=True)
    upload = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.PROTECT)
    file_name = models.CharField("文件名", max_length=128, blank=True)
    note = models.CharField("说明", max_length=256, blank=True)
    items = models.JSONField("用于事项", default=list)
    # a document the platform wrote, signed online by an SMS code: when, to which phone
    # (masked), and the SHA-256 of what was signed (also in the ledger)
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    signed_phone = models.CharField("签署手机（脱敏）", max_length=20, blank=True)
    signed_digest = models.CharField("签署内容摘要", max_length=64, blank=True)

    class Meta:
        ordering = ["case_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="material_once_per_case")
        ]

    @property
    def covered(self) -> bool:
        return self.state in COVERED_STATES


class NoticeKind(models.TextChoices):
    CORRECTION = "correction", _("补正材料一次性告知书")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序告知书")
    EXTENSION = "extension", _("延期告知书")


class Notice(models.Model):
    """A written notice to the applicant (告知书), kept so it can be printed again.

    One table for the three the law asks for, because they share who, when and which case:
    一次性告知 (第32条: `problems` is a list of {material, problem}, `answered_on` when the
    applicant supplied them), 特别程序 (第45条: `procedure`, `reason`, the due date before
    the clock stopped and the days left; `ended_on` and `due_after` once it ends) and 延期
    (第42条: `days`, `reason`, the due date before and after). A correction notice sits on
    the case that holds the materials (a bundle's parent); the others on the case whose
    clock they concern.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(
        "告知书类别", max_length=24, choices=NoticeKind.choices, default=NoticeKind.CORRECTION
    )
    issued_on = models.DateField()
    issued_by = models.CharField(max_length=64)
    problems = models.JSONField(default=list, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    procedure = models.CharField(
        "特别程序", max_length=16, choices=SpecialProcedure.choices, blank=True
    )
    reason = models.CharField("事由", max_length=512, blank=True)
    days = models.PositiveSmallIntegerField("延长工作日", default=0)
    due_before = models.DateField("原办结期限", null=True, blank=True)
    days_left = models.IntegerField("停表时剩余工作日", null=True, blank=True)
    ended_on = models.DateField("特别程序结束日期", null=True, blank=True)
    due_after = models.DateField("变更后的办结期限", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "pk"]
        verbose_name = "告知书"
        verbose_name_plural = "告知书"


class StepState(models.TextChoices):
    WAITING = "waiting", _("待办")
    ACTIVE = "active", _("办理中")
    DONE = "done", _("已完成")


class CaseStep(models.Model):
    """One back-office step of one case, copied from the pinned catalog version."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    stage = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=128)
    role = models.CharField(max_length=16)
    state = models.CharField(max_length=8, choices=StepState.choices)
    opinion = models.CharField(max_length=512, blank=True)
    done_by = models.CharField(max_length=64, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "position"]


class CaseCounter(models.Model):
    """The last sequence number handed out per region per day (for `case_no`)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "day"], name="one_counter_per_region_day")
        ]


class EscalationRun(models.Model):
    """One day's escalation: how many cases turned yellow or red since the previous run's day
    (those the approvers and chiefs were told of) and how many were auto-accepted."""

    day = models.DateField(unique=True)
    new_warnings = models.PositiveIntegerField(default=0)
    new_overdue = models.PositiveIntegerField(default=0)
    auto_accepted = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]


class DueDateRecompute(models.Model):
    """One calendar change's walk over the open cases whose due dates depended on it.

    Written in the change's own transaction with what the walk needs to be resumed after a
    crash and run again without effect: the working days before and after the change (from
    the day before the first changed date on) and each affected case with the due date it
    had then. A case whose due date has changed since is someone else's to decide.
    """

    reason = models.CharField("原因", max_length=128)
    actor = models.CharField(max_length=64)
    anchor = models.DateField()
    old_working = models.JSONField(default=list)
    new_working = models.JSONField(default=list)
    last_day = models.DateField()
    items = models.JSONField(default=list)  # [[case id, due date], …] in id order
    done = models.PositiveIntegerField(default=0)
    moved = models.JSONField(default=list)  # [[case_no, old due, new due], …]
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "办理期限重算"
        verbose_name_plural = "办理期限重算"
