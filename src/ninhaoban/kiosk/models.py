from django.db import models

from ninhaoban.accounts.models import Applicant
from ninhaoban.regions.models import ServiceHall


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

    class Meta:
        verbose_name = "终端会话"
        verbose_name_plural = "终端会话"

    def __str__(self) -> str:
        return self.session_id
