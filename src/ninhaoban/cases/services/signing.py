"""在线签署: the applicant signs the documents the platform wrote from their online form (the
申请书, the model texts they chose) by a code sent to their phone.

The code is the accounts service's SMS code, with its limits per number, address, browser
and day and its wrong-try count; the target of those limits is the signer's ID number, as at
a terminal. Confirmed, every unsigned written document of the case records the time, the
masked phone and the SHA-256 of its content, and one ledger entry names each digest as a
subject, so whoever holds the PDF finds the entry by the digest it prints.
"""

from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.sources import Source
from ninhaoban.cases import written
from ninhaoban.cases.models import Case, CaseMaterial, Channel
from ninhaoban.cases.services.base import Actor
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput
from ninhaoban.core.idnumbers import mask_phone
from ninhaoban.ledger.services import record

PURPOSE = "签署申请书"


def unsigned(case: Case) -> list[CaseMaterial]:
    """The written documents of an online application still waiting for the SMS code."""
    holder = case.parent or case
    if holder.channel != Channel.ONLINE:
        return []
    return [m for m in written.written_materials(holder) if m.signed_at is None]


def _signer(case: Case, actor: Actor) -> tuple[Applicant, list[CaseMaterial]]:
    """Who signs (the person who acted: the applicant, or the 经办人 for a company) and what."""
    holder = case.parent or case
    if actor.kind != "applicant" or actor.applicant is None or actor.applicant != holder.applicant:
        raise Forbidden("只有申请人本人可以签署申请书", "only the applicant signs the application")
    if holder.channel != Channel.ONLINE:
        raise Conflict(
            "只有网上申报的申请书以短信验证码签署",
            "only an online application is signed by an SMS code",
        )
    pending = unsigned(holder)
    if not pending:
        raise Conflict("没有待签署的申请书", "there is nothing left to sign")
    signer = actor.agent or actor.applicant
    if not signer.phone:
        raise InvalidInput(
            "账户没有手机号码，无法接收签署验证码，请到窗口签署",
            "the account has no mobile number for the code: sign at a window",
            field="code",
        )
    return signer, pending


def send_code(case: Case, actor: Actor, source: Source) -> str:
    """Send the signing code; the masked phone it went to, for the page to say."""
    signer, _ = _signer(case, actor)
    accounts.request_login_code(
        target=accounts.login_code_target(signer.identifier),
        phone=signer.phone,
        source=source,
        purpose=PURPOSE,
    )
    return mask_phone(signer.phone)


def sign(case: Case, actor: Actor, code: str, source: Source) -> list[CaseMaterial]:
    """Confirm the code; every unsigned written document of the case is then signed."""
    signer, _ = _signer(case, actor)
    if not (code or "").strip().isdigit():
        raise InvalidInput("请输入6位短信验证码", "enter the 6-digit SMS code", field="code")
    accounts.check_login_code(
        signer.phone, code, source, target=accounts.login_code_target(signer.identifier)
    )
    holder = case.parent or case
    with transaction.atomic():
        pending = list(
            CaseMaterial.objects.select_for_update()
            .filter(pk__in=[m.pk for m in unsigned(holder)], signed_at__isnull=True)
            .order_by("pk")
        )
        now, phone = timezone.now(), mask_phone(signer.phone)
        for row in pending:
            row.signed_at, row.signed_phone = now, phone
            row.signed_digest = written.content_digest(holder, row)
            row.save(update_fields=["signed_at", "signed_phone", "signed_digest"])
        digests = {row.key: row.signed_digest for row in pending}
        record(
            "case.written_signed",
            [f"case:{holder.case_no}", *(f"sha256:{d}" for d in digests.values())],
            actor.ledger,
            {"method": "sms", "phone": phone, "digests": digests},
        )
    return pending
