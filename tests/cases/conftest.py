"""Fixtures for cases: a settable "today", demo items and applicants, files by their bytes."""

import datetime as dt
import io
import zipfile
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import clock, services
from ninhaoban.cases.models import Case, Channel
from ninhaoban.cases.services import Actor
from ninhaoban.cases.uploads import FileIn
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.demo import licences as demo_licences

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

XIANAN, CHONGYANG, TONGSHAN = "421202000000", "421223000000", "421224000000"
GETIHU = "个体工商户设立登记"
# the application form of the items whose approval issues a licence: its face fields
BUSINESS_LICENCE_FORM = {
    "name": "崇阳县天城镇城关小吃店",
    "type": "个体工商户",
    "legal_representative": "经营者本人",
    "registered_capital": "5万元",
    "founded_on": "2026-09-28",
    "address": "崇阳县天城镇城关街1号",
    "scope": "餐饮服务",
}
FOOD_LICENCE_FORM = {
    "operator": "经营者本人",
    "premises": "崇阳县天城镇城关街1号",
    "category": "小餐饮",
    "items": "热食类食品制售",
}
FORMS = {GETIHU: BUSINESS_LICENCE_FORM, "企业设立登记": BUSINESS_LICENCE_FORM}


def ofd_bytes(with_root: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml" if with_root else "other.xml", "<ofd:OFD/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def licence_types(db) -> None:
    """The demo licence types, which the catalog's items name as what an approval issues."""
    demo_licences.seed_types()


@pytest.fixture
def today(monkeypatch) -> Callable[[dt.date], None]:
    """today(date) makes every service of cases see that date as today."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    set_day(dt.date(2026, 9, 28))
    return set_day


def item(name: str, region: str) -> ServiceItem:
    return ServiceItem.objects.get(base__name=name, region_id=region)


def person(index: int = 0) -> Applicant:
    return Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk")[index]


def staff(username: str) -> Actor:
    return Actor.of(User.objects.get(username=username))


def applicant_actor(applicant: Applicant) -> Actor:
    return Actor.of_applicant(applicant)


def files_for(name: str, region: str) -> dict[str, FileIn]:
    """A PDF for every material the applicant hands in themselves."""
    plan = services.plan_for(item_code=item(name, region).code)
    return {n.key: FileIn(f"{n.name}.pdf", PDF) for n in plan.needs if n.source != "government"}


def window_case(
    name: str = GETIHU,
    region: str = CHONGYANG,
    clerk: str = "clerk.chongyang",
    applicant: Applicant | None = None,
) -> Case:
    return services.submit(
        actor=staff(clerk),
        applicant=applicant or person(),
        channel=Channel.WINDOW,
        item_code=item(name, region).code,
        files=files_for(name, region),
        form=dict(FORMS.get(name, {})),
    )
