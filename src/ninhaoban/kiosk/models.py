from django.db import models
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant
from ninhaoban.regions.models import ServiceHall


class IdentityDevices(models.TextChoices):
    SMS = "sms", _("手工输入证件号码＋短信验证码")
    SIMULATOR = "simulator", _("身份证阅读器、人脸比对、指纹仪（设备模拟器）")


class Kiosk(models.Model):
    """自助服务终端: one terminal in a hall. Its pages are addressed by `code` but answer only
    the terminal's own browser: the one enrolled with a one-time code an administrator
    issued, which keeps a device key whose hash is `device_hash`. An inactive terminal's
    pages answer 404."""

    code = models.SlugField("终端编号", max_length=32, unique=True)
    hall = models.ForeignKey(
        ServiceHall, on_delete=models.PROTECT, related_name="kiosks", verbose_name="所在大厅"
    )
    name = models.CharField("名称", max_length=64)
    active = models.BooleanField("启用", default=True)
    device_hash = models.CharField(max_length=64, blank=True)
    enrolment_hash = models.CharField(max_length=64, blank=True)
    enrolment_expires = models.DateTimeField("安装码有效期至", null=True, blank=True)
    enrolment_failures = models.PositiveSmallIntegerField(default=0)
    identity_devices = models.CharField(
        "身份核验设备", max_length=16, choices=IdentityDevices.choices, default=IdentityDevices.SMS
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "自助服务终端"
        verbose_name_plural = "自助服务终端"

    def __str__(self) -> str:
        return f"{self.hall.name} {self.name}"


class KioskSession(models.Model):
    """One person's use of one terminal, from the identity check to 退出, the next person,
    or a few idle minutes. `session_id` is the public name consents and query traces carry;
    the browser holds a separate secret whose hash is `token_hash`, so the ledger, which
    records session ids, never holds what would let someone take a session over."""

    kiosk = models.ForeignKey(Kiosk, on_delete=models.PROTECT, related_name="sessions")
    session_id = models.CharField("会话编号", max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="kiosk_sessions", verbose_name="办事人"
    )
    method = models.CharField("核验方式", max_length=16)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    last_seen = models.DateTimeField("最近操作")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    # 正在代表: the company the person acts for as its 经办人 (or 法定代表人), if any
    acting_for = models.ForeignKey(
        Applicant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="正在代表",
    )

    class Meta:
        verbose_name = "终端会话"
        verbose_name_plural = "终端会话"

    def __str__(self) -> str:
        return self.session_id


class CallState(models.TextChoices):
    RINGING = "ringing", _("呼叫中")
    ANSWERED = "answered", _("通话中")
    ENDED = "ended", _("已结束")


class VideoCall(models.Model):
    """视窗服务: a terminal's video call to the clerks of its hall's region. The media goes
    browser to browser on the hall's LAN (host candidates only); the platform carries only
    the call's signalling, in `VideoSignal`, and what the clerk pushes to the screen."""

    kiosk = models.ForeignKey(Kiosk, on_delete=models.PROTECT, related_name="video_calls")
    call_id = models.CharField("呼叫编号", max_length=32, unique=True)
    state = models.CharField(
        "状态", max_length=8, choices=CallState.choices, default=CallState.RINGING
    )
    clerk = models.CharField("接听人员", max_length=64, blank=True)
    started_at = models.DateTimeField("呼叫时间", auto_now_add=True)
    answered_at = models.DateTimeField("接听时间", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "视窗服务通话"
        verbose_name_plural = "视窗服务通话"

    def __str__(self) -> str:
        return self.call_id


class Side(models.TextChoices):
    TERMINAL = "terminal", _("终端")
    CLERK = "clerk", _("大厅工作人员")


class SignalKind(models.TextChoices):
    OFFER = "offer", "offer"
    ANSWER = "answer", "answer"
    CANDIDATE = "candidate", "candidate"
    PUSH = "push", "push"
    BYE = "bye", "bye"


class VideoSignal(models.Model):
    """One message of a call's signalling, read by the other side's polling in `pk` order."""

    call = models.ForeignKey(VideoCall, on_delete=models.CASCADE, related_name="signals")
    sender = models.CharField(max_length=8, choices=Side.choices)
    kind = models.CharField(max_length=12, choices=SignalKind.choices)
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["call", "sender", "id"], name="video_signal_poll")]


class KioskSignature(models.Model):
    """办事签名: what a person signed on the terminal's signature pad when the devices
    identified them, kept with its SHA-256, which the ledger holds."""

    session = models.OneToOneField(KioskSession, on_delete=models.PROTECT, related_name="signature")
    image = models.BinaryField("签名图像")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "办事签名"
        verbose_name_plural = "办事签名"
