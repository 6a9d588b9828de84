"""Reads of licences and proofs that other apps and the pages need."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.accounts.scoping import scoped
from ninhaoban.core.errors import NotFound
from ninhaoban.licences.identifiers import parse_licence_id
from ninhaoban.licences.models import Licence, LicenceStatus, Proof
from ninhaoban.licences.payloads import verify_licence

LICENCE_READERS = (Role.CLERK, Role.APPROVER, Role.CHIEF, Role.SUPERVISOR)


def _with_relations(rows: QuerySet[Licence]) -> QuerySet[Licence]:
    return rows.select_related("licence_type", "holder", "issuer")


def valid_licence_for(applicant: Applicant, licence_type_code: str) -> Licence | None:
    """The newest licence of that type the applicant holds that is in force and genuine:
    what intake attaches instead of asking for the paper (免提交)."""
    today = dt.date.today()
    rows = _with_relations(
        Licence.objects.filter(
            holder=applicant,
            licence_type__code=licence_type_code,
            status=LicenceStatus.VALID,
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    ).order_by("-issued_on", "-pk")
    return next((lic for lic in rows if verify_licence(lic, today).in_force), None)


def licences_of(applicant: Applicant) -> list[Licence]:
    rows = _with_relations(Licence.objects.filter(holder=applicant))
    return list(rows.order_by("licence_type__code", "-issued_on"))


def licence_by_identifier(identifier: str) -> Licence:
    parsed = parse_licence_id(identifier)
    found = _with_relations(Licence.objects.filter(identifier=str(parsed))).first()
    if found is None:
        raise NotFound(f"证照{parsed}不存在", f"no licence {parsed}")
    return found


def licences_for(user: User | AnonymousUser) -> QuerySet[Licence]:
    """Staff see licences of holders inside their region scope."""
    return _with_relations(
        scoped(Licence.objects.all(), user, LICENCE_READERS, region_field="holder__region_id")
    )


def proof_by_number(number: str) -> Proof:
    found = (
        Proof.objects.select_related("holder", "issuer")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(f"证明{number}不存在", f"no proof {number}")
    return found
