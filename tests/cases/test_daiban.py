"""帮办代办: a village station's helper applies for a resident of its area under a 委托书 the
resident signed and confirmed with the SMS code sent to their phone. Each rule has its test:
whose area, who is found, the code, the dates (refused the day after it ends), revocation
(refused afterwards, what was done stays), the items; and the case names the helper."""

import datetime as dt
import io

import pytest
from PIL import Image, ImageDraw

from ninhaoban.accounts import selectors as accounts
from ninhaoban.accounts import services as accounts_services
from ninhaoban.accounts.models import Applicant, Mandate, MandateKind
from ninhaoban.accounts.sources import Source
from ninhaoban.cases import documents, selectors, services
from ninhaoban.cases.models import Case, Channel
from ninhaoban.cases.services import commissions
from ninhaoban.core.errors import Forbidden, InvalidInput, NotFound
from ninhaoban.core.idnumbers import id_check_char
from ninhaoban.regions.models import Region
from tests.cases.conftest import CHONGYANG, PDF, files_for, item, staff
from tests.conftest import NewEntries
from tests.kiosk.conftest import sent_code

pytestmark = pytest.mark.django_db

SHUANGGANG, COMMUNITY = "421223100200", "421223100001"
DIBAO = "最低生活保障申请"
HELPER = "clerk.shuanggang"
SOURCE = Source(ip="127.0.0.1", device="staff:test", terminal=True)


def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (150, 20), (290, 70)], fill=(0, 0, 0, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def resident(region: str = SHUANGGANG, serial: int = 1) -> Applicant:
    body = f"42122319600101{serial:03d}"
    return accounts_services.register_person(
        id_number=body + id_check_char(body),
        name="王秀英",
        region=Region.objects.get(code=region),
        phone=f"139{serial:08d}",
    )


def helper():
    return staff(HELPER).user.staff


def draft(person: Applicant, until: dt.date = dt.date(2026, 10, 30)) -> Mandate:
    return commissions.draft(
        helper=helper(),
        resident_number=person.identifier,
        items=[item(DIBAO, CHONGYANG).code],
        until=until,
    )


def confirmed(person: Applicant, until: dt.date = dt.date(2026, 10, 30)) -> Mandate:
    mandate = draft(person, until)
    commissions.sign(
        mandate, helper=helper(), signature=signature_png(), scanned=False, source=SOURCE
    )
    return accounts_services.confirm_commission(
        mandate, helper=helper(), code=sent_code(person.phone), source=SOURCE
    )


def apply_for(mandate: Mandate) -> Case:
    return services.submit(
        actor=staff(HELPER).helping(accounts.commission_for_helper(helper(), mandate.pk)),
        applicant=mandate.organization,
        channel=Channel.WINDOW,
        item_code=item(DIBAO, CHONGYANG).code,
        files=files_for(DIBAO, CHONGYANG),
        allow_incomplete=True,
        accept_at_once=True,
    )


def test_the_helper_applies_after_the_resident_signs_and_confirms_and_the_case_names_them(today):
    person = resident()
    added = NewEntries()
    mandate = confirmed(person)
    assert mandate.station_id == SHUANGGANG and mandate.confirmed_at is not None
    case = apply_for(mandate)
    assert case.commission_id == mandate.pk and case.intake_region_id == SHUANGGANG
    label = "天城镇双港村便民服务站（天城镇双港村便民服务站）"
    assert case.helper_label == label
    first = case.events.order_by("pk").first()
    assert first.actor_name == f"代办人：{label}"
    receipt = documents.Receipt.of(selectors.case_for_applicant(person, case.case_no))
    assert ("代办人", label) in receipt.pairs
    assert [c.helper_label for c in selectors.cases_of(person)] == [label]
    assert person.subject in added.subjects("case.submit")
    assert f"signature:{mandate.signature_sha256}" in added.subjects("commission.signed")
    assert added.kinds[:3] == ["commission.drafted", "commission.signed", "commission.confirmed"]
    counts = selectors.helper_counts(staff("supervisor.chongyang").user)
    assert [(c["town_name"], c["station"], c["cases"]) for c in counts] == [
        ("天城镇", SHUANGGANG, 1)
    ]
    assert selectors.helper_counts(staff("clerk.tongshan").user) == []


def test_a_scanned_signature_is_taken_and_a_page_that_is_no_scan_is_not(today):
    person = resident()
    mandate = draft(person)
    with pytest.raises(InvalidInput):
        commissions.sign(mandate, helper=helper(), signature=b"hello", scanned=True, source=SOURCE)
    with pytest.raises(InvalidInput):
        commissions.sign(
            mandate, helper=helper(), signature=b"\x89PNG\r\n\x1a\n", scanned=False, source=SOURCE
        )
    mandate.refresh_from_db()
    assert mandate.signature_sha256 == ""
    commissions.sign(mandate, helper=helper(), signature=PDF, scanned=True, source=SOURCE)
    mandate.refresh_from_db()
    assert mandate.signature_sha256 and bytes(mandate.signature) == PDF


def test_a_wrong_code_confirms_nothing_and_nothing_can_be_applied_for(today):
    person = resident()
    mandate = draft(person)
    commissions.sign(
        mandate, helper=helper(), signature=signature_png(), scanned=False, source=SOURCE
    )
    code = sent_code(person.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(Forbidden):
        accounts_services.confirm_commission(mandate, helper=helper(), code=wrong, source=SOURCE)
    mandate.refresh_from_db()
    assert mandate.confirmed_at is None
    with pytest.raises(Forbidden, match="短信验证码确认"):
        apply_for(mandate)
    assert not Case.objects.filter(applicant=person).exists()


def test_an_act_the_day_after_the_authorization_ends_is_refused(today):
    person = resident()
    mandate = confirmed(person, until=dt.date(2026, 9, 30))
    today(dt.date(2026, 9, 30))
    apply_for(mandate)
    today(dt.date(2026, 10, 1))
    with pytest.raises(Forbidden, match="已于2026年09月30日到期") as refused:
        apply_for(mandate)
    assert refused.value.status == 403 and "ended on 2026-09-30" in refused.value.message_en
    assert Case.objects.filter(applicant=person).count() == 1


def test_after_revocation_acts_are_refused_and_what_was_done_stays(today):
    person = resident()
    mandate = confirmed(person)
    case = apply_for(mandate)
    added = NewEntries()
    with pytest.raises(NotFound):
        accounts_services.revoke_commission(mandate, by=resident(serial=2))
    accounts_services.revoke_commission(mandate, by=person)
    with pytest.raises(Forbidden, match="已被撤销"):
        apply_for(mandate)
    case.refresh_from_db()
    assert case.commission_id == mandate.pk and Case.objects.filter(applicant=person).count() == 1
    assert "commission.revoked" in added.kinds


def test_a_helper_acts_only_for_residents_of_their_area_and_a_county_window_is_no_station(today):
    before = Mandate.objects.count()
    with pytest.raises(Forbidden, match="服务范围"):
        draft(resident(COMMUNITY))
    with pytest.raises(Forbidden, match="便民服务中心"):
        commissions.draft(
            helper=staff("clerk.chongyang").user.staff,
            resident_number=resident(serial=3).identifier,
            items=[item(DIBAO, CHONGYANG).code],
            until=dt.date(2026, 10, 30),
        )
    assert Mandate.objects.count() == before


def test_an_unknown_resident_an_unknown_item_and_a_bad_date_write_nothing(today):
    before = Mandate.objects.count()
    body = "42122319600101999"
    with pytest.raises(NotFound) as missing:
        commissions.draft(
            helper=helper(),
            resident_number=body + id_check_char(body),
            items=[item(DIBAO, CHONGYANG).code],
            until=dt.date(2026, 10, 30),
        )
    assert missing.value.status == 404 and missing.value.message_en
    person = resident()
    with pytest.raises(InvalidInput):
        commissions.draft(
            helper=helper(),
            resident_number=person.identifier,
            items=["NO-SUCH"],
            until=dt.date(2026, 10, 30),
        )
    with pytest.raises(InvalidInput):
        draft(person, until=dt.date(2026, 9, 27))
    assert Mandate.objects.count() == before


def test_an_item_beyond_the_authorization_is_refused(today):
    person = resident()
    mandate = confirmed(person)
    with pytest.raises(Forbidden, match="超出"):
        services.submit(
            actor=staff(HELPER).helping(accounts.commission_for_helper(helper(), mandate.pk)),
            applicant=person,
            channel=Channel.WINDOW,
            item_code=item("农村村民宅基地申请审批", "421223100000").code,
            allow_incomplete=True,
        )
    assert not Case.objects.filter(applicant=person).exists()


def test_another_helper_cannot_use_the_authorization(today):
    mandate = confirmed(resident())
    with pytest.raises(NotFound):
        accounts.commission_for_helper(staff("clerk.tiancheng").user.staff, mandate.pk)
    assert mandate.kind == MandateKind.HELPER
