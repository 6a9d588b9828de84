"""电子票据: the signed payload of a receipt, its verification and its printable PDF.

The payload holds only what the receipt shows (the payer's name and number masked), so the
public verify page can recompute it from the stored order and check the platform's Ed25519
signature without showing anything more than the paper does.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localtime

from ninhaoban.core.pdf import KeyValue, Paragraph, Table, render_pdf
from ninhaoban.ledger.signing import Signature, keyring
from ninhaoban.payments.models import OrderKind, OrderState, Receipt, ReceiptVerdict, yuan


def payload(receipt: Receipt) -> dict:
    order = receipt.order
    return {
        "number": receipt.number,
        "order_no": order.order_no,
        "kind": order.kind,
        "reference": order.reference,
        "title": order.title,
        "amount_fen": order.amount_fen,
        "lines": order.lines,
        "payer": order.payer.display_name,
        "payer_id": order.payer.masked_identifier,
        "payee": receipt.payee,
        "provider": order.provider,
        "transaction_id": order.transaction_id,
        "issued_at": receipt.issued_at.isoformat(),
    }


def sign(receipt: Receipt) -> Signature:
    return keyring().sign(payload(receipt))


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    in_force: bool
    label: str  # a ReceiptVerdict


def verify(receipt: Receipt) -> Verdict:
    genuine = keyring().verify(payload(receipt), Signature(receipt.key_id, receipt.signature))
    if not genuine:
        return Verdict(False, False, ReceiptVerdict.INVALID)
    if receipt.voided_at is not None or receipt.order.state == OrderState.REFUNDED:
        return Verdict(True, False, ReceiptVerdict.VOIDED)
    return Verdict(True, True, ReceiptVerdict.VALID)


def verify_url(receipt: Receipt) -> str:
    return settings.NHB_BASE_URL + reverse("verify-receipt", args=[receipt.number])


def receipt_pdf(receipt: Receipt) -> bytes:
    order = receipt.order
    url = verify_url(receipt)
    rows = [["项目", "金额（元）", "依据"]]
    rows += [
        [line["name"], yuan(int(line["amount_fen"])), line.get("basis", "")] for line in order.lines
    ]
    rows.append(["合计", order.amount_yuan, ""])
    return render_pdf(
        "政务服务缴费电子票据",
        [
            KeyValue(
                [
                    ("票据号码", receipt.number),
                    ("订单号", order.order_no),
                    ("缴费类别", OrderKind(order.kind).label),
                    ("缴费对象", order.reference),
                    ("摘要", order.title),
                    ("缴费人", order.payer.display_name),
                    ("证件号码", order.payer.masked_identifier),
                    ("收款单位", receipt.payee),
                    ("支付平台交易号", order.transaction_id),
                    ("开票时间", f"{localtime(receipt.issued_at):%Y年%m月%d日 %H:%M}"),
                ]
            ),
            Table(rows, widths=[0.45, 0.2, 0.35]),
            Paragraph(f"合计金额：人民币 {order.amount_yuan} 元"),
        ],
        qr_url=url,
        subtitle="电子票据",
        footer=(
            f"本票据由您好办平台以Ed25519电子签名签发（密钥{receipt.key_id}），"
            f"扫描二维码或访问 {url} 可核验真伪和状态。"
        ),
    )
