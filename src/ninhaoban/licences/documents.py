"""The printable forms of licences and proofs: PDFs whose QR code leads to the verifier."""

from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localtime

from ninhaoban.core.pdf import KeyValue, Paragraph, render_pdf
from ninhaoban.licences import schema
from ninhaoban.licences.models import Licence, Proof
from ninhaoban.licences.proofs import SPECS


def licence_verify_url(licence: Licence) -> str:
    return settings.NHB_BASE_URL + reverse("verify-licence", args=[licence.identifier])


def proof_verify_url(proof: Proof) -> str:
    return settings.NHB_BASE_URL + reverse("verify-proof", args=[proof.number])


def _signature_note(key_id: str, url: str) -> str:
    return (
        f"本文件由您好办平台以Ed25519电子签名签发（密钥{key_id}），"
        f"扫描二维码或访问 {url} 可核验真伪和状态。"
    )


def licence_pdf(licence: Licence) -> bytes:
    kind = licence.licence_type
    pairs = [
        ("证照标识", licence.identifier),
        ("持证主体", licence.holder.name),
        ("证件号码", licence.holder.identifier),
    ]
    pairs += [(spec.zh, str(value)) for spec, value in schema.face(licence)]
    pairs += [
        ("颁发机构", licence.issuer.name),
        ("颁发日期", licence.issued_on.isoformat()),
        ("有效期至", licence.expires_on.isoformat() if licence.expires_on else "长期"),
    ]
    url = licence_verify_url(licence)
    return render_pdf(
        kind.name,
        [KeyValue(pairs)],
        qr_url=url,
        subtitle="电子证照",
        footer=_signature_note(licence.key_id, url),
    )


def proof_pdf(proof: Proof) -> bytes:
    spec = SPECS[proof.kind]
    url = proof_verify_url(proof)
    blocks = [
        KeyValue(
            [
                ("证明编号", proof.number),
                ("申请人", proof.holder.name),
                ("证件号码", proof.holder.identifier),
                ("用途", proof.purpose),
            ]
        ),
        *spec.blocks(proof.data),
        Paragraph(
            f"出具机构：{proof.issuer.name}　"
            f"出具时间：{localtime(proof.issued_at):%Y年%m月%d日 %H:%M}　"
            f"有效期至：{proof.valid_until:%Y年%m月%d日}"
        ),
    ]
    return render_pdf(
        proof.get_kind_display(),
        blocks,
        qr_url=url,
        subtitle="证明",
        footer=_signature_note(proof.key_id, url),
    )
