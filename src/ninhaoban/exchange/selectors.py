"""Reads of the exchange registry that intake and reports need."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Applicant
from ninhaoban.catalog.selectors import base_code_of
from ninhaoban.exchange.datasets import data_set_name
from ninhaoban.exchange.models import PREFILL, Consent, DataAuthorization, DataQuery, DataSource


def authorization_codes(item_code: str) -> list[str]:
    """The codes an access right may be granted on for this item: its 实施编码 and its
    基本编码, so that one right on the base item covers every region's implementation of it
    (同事同标), while a right on one 实施编码 stays local."""
    if not item_code:
        return [""]
    base = base_code_of(item_code)
    return [item_code, base] if base else [item_code]


def shared_data_ready(data_key: str, item_code: str, roles: Iterable[str]) -> bool:
    """Whether intake of this item could fetch the data: a system offers it and a right exists
    (whether the department is up and the applicant consents is only known at query time)."""
    offered = any(data_key in s.offers for s in DataSource.objects.filter(enabled=True))
    return (
        offered
        and DataAuthorization.objects.filter(
            data_key=data_key,
            item_code__in=authorization_codes(item_code),
            role__in=list(roles),
            active=True,
        ).exists()
    )


def prefill_consent(applicant: Applicant) -> Consent | None:
    """The applicant's live consent to fill their form from shared data, if they gave one."""
    return (
        Consent.objects.filter(
            applicant=applicant,
            purpose=PREFILL,
            case_ref="",
            kiosk_session="",
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-pk")
        .first()
    )


def queries_about(applicant: Applicant, limit: int = 200) -> list[DataQuery]:
    """The newest traces of reads of this applicant's data, for the applicant to see."""
    return list(
        DataQuery.objects.filter(applicant=applicant)
        .select_related("source")
        .order_by("-created_at", "-pk")[:limit]
    )


STAFF_ASKED = _("工作人员（编号%(number)s）")


def describe_actor(actor: str, applicant: Applicant) -> str:
    """Who asked, in words a citizen understands, without naming staff members."""
    if actor == applicant.subject:
        return _("本人")
    if actor == "public":
        return _("公众扫码核验")
    if actor == "system":
        return _("平台自动核验")
    if actor.startswith("staff:"):
        return STAFF_ASKED % {"number": actor.removeprefix("staff:")}
    return actor


def describe_data(data_key: str) -> str:
    kind = data_key.partition(":")[0]
    if kind == "licence":
        return _("电子证照")
    if kind == "proof":
        return _("证明")
    return data_set_name(data_key)
