"""预约, 取号, 叫号: a hall's lines (队列), its windows' booking capacity, bookings of
half-hour slots, and the numbered tickets each window calls.

A ticket's number is unique per line and day (`TicketCounter` hands it out under a row
lock), shown with the line's prefix (A012). Waiting and service times are kept on the ticket
when it is called and finished, so the supervision's 平均等候时长 is one indexed aggregate.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.regions.models import ServiceHall, Window

SLOT_MINUTES = 30


class QueueGroup(models.Model):
    """One line of a hall (综合业务 A, 不动产登记 B …). Items of the departments named in
    `dept_types` queue here; the hall's general line (empty `dept_types`) takes the rest."""

    hall = models.ForeignKey(
        ServiceHall, on_delete=models.CASCADE, related_name="+", verbose_name="大厅"
    )
    prefix = models.CharField("号码前缀", max_length=1)
    name = models.CharField("队列名称", max_length=32)
    dept_types = models.CharField("部门类别", max_length=256, blank=True)

    class Meta:
        ordering = ["hall_id", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "prefix"], name="one_prefix_per_hall")
        ]
        verbose_name = "排队队列"
        verbose_name_plural = "排队队列"

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"

    @property
    def department_types(self) -> list[str]:
        return [t for t in self.dept_types.split(",") if t]


class QueueWindow(models.Model):
    """A window's place in the queue: the line it calls from and how many bookings it takes
    per half hour (0: it serves walk-ins only)."""

    window = models.OneToOneField(
        Window, on_delete=models.CASCADE, related_name="+", verbose_name="窗口"
    )
    group = models.ForeignKey(
        QueueGroup, on_delete=models.CASCADE, related_name="windows", verbose_name="队列"
    )
    per_slot = models.PositiveSmallIntegerField("每半小时预约容量", default=2)

    class Meta:
        verbose_name = "叫号窗口"
        verbose_name_plural = "叫号窗口"


class HallSchedule(models.Model):
    """When a hall takes bookings: its morning and afternoon hours on working days, and how
    many working days ahead one may book. A hall without a row has the default hours."""

    hall = models.OneToOneField(
        ServiceHall, on_delete=models.CASCADE, related_name="+", verbose_name="大厅"
    )
    am_start = models.TimeField("上午开始", default=dt.time(9, 0))
    am_end = models.TimeField("上午结束", default=dt.time(12, 0))
    pm_start = models.TimeField("下午开始", default=dt.time(13, 30))
    pm_end = models.TimeField("下午结束", default=dt.time(17, 30))
    book_days = models.PositiveSmallIntegerField("可预约工作日数", default=10)

    class Meta:
        verbose_name = "大厅预约时间"
        verbose_name_plural = "大厅预约时间"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CHECKED_IN = "checked_in", _("已取号")
    CANCELLED = "cancelled", _("已取消")
    MISSED = "missed", _("已过时")


class BookingChannel(models.TextChoices):
    WEB = "web", _("网上预约")
    KIOSK = "kiosk", _("自助终端预约")


class Booking(models.Model):
    """预约: one applicant's half-hour slot for one item at one hall. `code` (预约码) and the
    ID number's last four characters let the kiosk find it; the ledger names it by id."""

    hall = models.ForeignKey(ServiceHall, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(QueueGroup, on_delete=models.PROTECT, related_name="bookings")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="bookings")
    day = models.DateField("预约日期")
    start = models.TimeField("时段开始")
    code = models.CharField("预约码", max_length=8, unique=True)
    status = models.CharField(
        "状态", max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    channel = models.CharField("渠道", max_length=8, choices=BookingChannel.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "start", "pk"]
        indexes = [
            models.Index(fields=["group", "day", "start", "status"]),
            models.Index(fields=["applicant", "day"]),
            models.Index(fields=["status", "day"]),
        ]
        verbose_name = "预约"
        verbose_name_plural = "预约"

    def __str__(self) -> str:
        return f"{self.day} {self.start:%H:%M} {self.group}"

    @property
    def end(self) -> dt.time:
        moment = dt.datetime.combine(self.day, self.start) + dt.timedelta(minutes=SLOT_MINUTES)
        return moment.time()


class SlotLoad(models.Model):
    """How many live bookings one line's half hour holds: bumped by a conditional UPDATE
    that refuses to pass the capacity, so two bookings of the last place cannot both win."""

    group = models.ForeignKey(QueueGroup, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    start = models.TimeField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "start"], name="one_load_per_slot")
        ]


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")
    NO_SHOW = "no_show", _("过号")


OPEN_AT_WINDOW = (TicketStatus.CALLED, TicketStatus.SERVING)


class Ticket(models.Model):
    """排队号: one number of one line on one day. A booking's holder gets `priority_from`
    (the booked slot's start): from then on the number is called before walk-ins."""

    hall = models.ForeignKey(ServiceHall, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(QueueGroup, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField("日期")
    number = models.PositiveIntegerField("号码")
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="ticket"
    )
    priority_from = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    called_by = models.CharField(max_length=32, blank=True)
    taken_at = models.DateTimeField("取号时间")
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    last_called_at = models.DateTimeField(null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    service_seconds = models.PositiveIntegerField(null=True, blank=True)
    # where it was taken, for the limits: a terminal's code, or digests of address and browser
    taken_from_ip = models.CharField(max_length=40, blank=True)
    taken_from_device = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["day", "group_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "number"], name="one_number_per_line")
        ]
        indexes = [
            models.Index(fields=["group", "day", "status"]),
            models.Index(fields=["hall", "day", "status"]),
            models.Index(fields=["day", "hall"]),
            models.Index(fields=["day", "taken_from_device", "taken_at"]),
            models.Index(fields=["day", "taken_from_ip"]),
        ]
        verbose_name = "排队号"
        verbose_name_plural = "排队号"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.group.prefix}{self.number:03d}"


class TicketCounter(models.Model):
    """The last number handed out per line per day."""

    group = models.ForeignKey(QueueGroup, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "day"], name="one_counter_per_line_day")
        ]
