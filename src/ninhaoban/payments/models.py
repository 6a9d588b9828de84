"""Payment orders in fen, the callbacks that settle them, refunds, 电子票据 and 对账 runs.

Amounts are integers of fen (分) everywhere: a yuan Decimal appears only where a protocol
speaks yuan (Alipay's `total_amount`) and is converted at that edge.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant
from ninhaoban.regions.models import Department, Region


class OrderKind(models.TextChoices):
    CASE_FEE = "case_fee", _("办件费用")
    WATER = "water", _("水费")
    POWER = "power", _("电费")
    GAS = "gas", _("燃气费")
    SOCIAL_INSURANCE = "social_insurance", _("城乡居民社保")


UTILITY_KINDS = (OrderKind.WATER, OrderKind.POWER, OrderKind.GAS)


class OrderState(models.TextChoices):
    CREATED = "created", _("待支付")
    PAYING = "paying", _("支付中")
    PAID = "paid", _("已支付")
    REFUNDED = "refunded", _("已退款")
    CLOSED = "closed", _("已关闭")


# An order in one of these holds its reference: a second order for the same case fee or the
# same bill cannot be made while one is open or paid, so nothing is paid twice.
HOLDING_STATES = (OrderState.CREATED, OrderState.PAYING, OrderState.PAID)


class ProviderCode(models.TextChoices):
    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")
    UNIONPAY = "unionpay", _("银联卡")


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    KIOSK = "kiosk", _("自助终端")


class PaymentOrder(models.Model):
    order_no = models.CharField("订单号", max_length=32, unique=True)
    kind = models.CharField("缴费类别", max_length=24, choices=OrderKind.choices)
    # What is paid: a case number, "<account>:<period>" of a bill, "<year>" of 社保.
    reference = models.CharField("缴费对象", max_length=64)
    title = models.CharField("摘要", max_length=128)
    lines = models.JSONField("费用明细", default=list)  # [{"name", "amount_fen", "basis"}]
    amount_fen = models.PositiveBigIntegerField("金额（分）")
    payer = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="payment_orders", verbose_name="缴费人"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    state = models.CharField(
        "状态", max_length=16, choices=OrderState.choices, default=OrderState.CREATED
    )
    provider = models.CharField("支付方式", max_length=16, choices=ProviderCode.choices, blank=True)
    checkout = models.CharField("支付码", max_length=256, blank=True)  # the QR's text
    transaction_id = models.CharField("支付平台交易号", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("支付截止")
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    refunded_fen = models.PositiveBigIntegerField("已退款（分）", default=0)
    # A 社保 contribution told to 人社 (empty until 人社 took it; retried until then).
    reported_at = models.DateTimeField("报送人社时间", null=True, blank=True)

    class Meta:
        verbose_name = "缴费订单"
        verbose_name_plural = "缴费订单"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference"],
                condition=Q(state__in=["created", "paying", "paid"]),
                name="one_holding_order_per_reference",
            ),
            models.CheckConstraint(
                condition=Q(refunded_fen__lte=models.F("amount_fen")), name="refund_within_amount"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "created_at"]),
            models.Index(fields=["provider", "paid_on"]),
            models.Index(fields=["state", "expires_at"]),
        ]

    def __str__(self) -> str:
        return self.order_no

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)

    @property
    def is_open(self) -> bool:
        return self.state in (OrderState.CREATED, OrderState.PAYING)


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class CallbackOutcome(models.TextChoices):
    SETTLED = "settled", _("已入账")
    DUPLICATE = "duplicate", _("重复通知")
    REFUSED = "refused", _("已拒绝")
    IGNORED = "ignored", _("不改变订单")
    REFUNDED = "refunded", _("退款已确认")
    FAILED = "failed", _("支付失败")


class CallbackLog(models.Model):
    """Every notification a platform sent, kept or refused; its (provider, notify_id) is
    unique, so a duplicated notification is known by the database, not only by the code."""

    provider = models.CharField(max_length=16, choices=ProviderCode.choices)
    notify_id = models.CharField(max_length=96)
    order_no = models.CharField(max_length=32, blank=True, db_index=True)
    outcome = models.CharField(max_length=16, choices=CallbackOutcome.choices)
    reason = models.CharField(max_length=128, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "notify_id"], name="one_log_per_notify")
        ]


class RefundState(models.TextChoices):
    PENDING = "pending", _("退款处理中")
    SUCCEEDED = "succeeded", _("退款成功")
    FAILED = "failed", _("退款失败")


class Refund(models.Model):
    refund_no = models.CharField("退款单号", max_length=32, unique=True)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.PositiveBigIntegerField("退款金额（分）")
    reason = models.CharField("退款原因", max_length=128)
    state = models.CharField(max_length=16, choices=RefundState.choices)
    actor = models.CharField(max_length=64)
    provider_refund_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Receipt(models.Model):
    """电子票据: what was paid, by whom (masked on the public page), signed with the
    platform's Ed25519 key at the moment the payment settled."""

    number = models.CharField("票据号码", max_length=32, unique=True)
    order = models.OneToOneField(PaymentOrder, on_delete=models.PROTECT, related_name="receipt")
    issued_at = models.DateTimeField()
    payee = models.CharField("收款单位", max_length=128)
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]


class MismatchKind(models.TextChoices):
    MISSING_AT_PLATFORM = "missing_at_platform", _("平台无此笔支付")
    MISSING_HERE = "missing_here", _("本平台未入账")
    AMOUNT_DIFFERS = "amount_differs", _("金额不符")
    TRANSACTION_DIFFERS = "transaction_differs", _("交易号不符")
    REFUND_MISSING_AT_PLATFORM = "refund_missing_at_platform", _("平台无此笔退款")
    REFUND_MISSING_HERE = "refund_missing_here", _("本平台无此笔退款")
    REFUND_AMOUNT_DIFFERS = "refund_amount_differs", _("退款金额不符")


class ReceiptVerdict(models.TextChoices):
    VALID = "valid", _("票据有效")
    VOIDED = "voided", _("票据已冲红（已退款）")
    INVALID = "invalid", _("签名无效，票据不是本平台签发的")


class Reconciliation(models.Model):
    """One 对账 run: a provider's statement of a day against the orders settled that day."""

    provider = models.CharField(max_length=16, choices=ProviderCode.choices)
    day = models.DateField()
    run_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=64)
    platform_rows = models.PositiveIntegerField(default=0)
    our_rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    statement_sha256 = models.CharField(max_length=64)
    mismatches = models.JSONField(default=list)  # [{"kind", "order_no", "ours", "theirs"}]

    class Meta:
        ordering = ["-day", "-run_at", "-pk"]
        indexes = [models.Index(fields=["provider", "day"])]
