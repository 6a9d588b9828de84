import datetime as dt
import subprocess

import pytest
import zxingcpp
from django.test import Client
from PIL import Image

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.core.errors import InvalidInput, NotFound
from ninhaoban.exchange.models import DataQuery
from ninhaoban.ledger.models import LedgerEntry, LedgerSubject
from ninhaoban.ledger.signing import keyring
from ninhaoban.licences import selectors, services
from ninhaoban.licences.documents import licence_pdf, licence_verify_url
from ninhaoban.licences.identifiers import parse_licence_id
from ninhaoban.licences.models import Licence, LicenceStatus
from ninhaoban.licences.payloads import verify_licence
from ninhaoban.regions.models import Department
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db

BUSINESS = "11100000000013338W001"
ID_CARD = "11100000000013338W004"
FIELDS = {
    "name": "咸宁示例商贸有限公司",
    "type": "有限责任公司",
    "legal_representative": "张三丰",
    "registered_capital": "100万元人民币",
    "founded_on": "2020-05-01",
    "address": "咸宁市咸安区温泉路1号",
    "scope": "日用百货销售",
}


def _org() -> Applicant:
    return Applicant.objects.filter(kind="organization").order_by("pk").first()


def _market(org: Applicant) -> Department:
    return services.issuing_department(org, "market")


def _issue(org: Applicant | None = None, **extra) -> Licence:
    org = org or _org()
    return services.issue_licence(
        licence_type_code=BUSINESS,
        holder=org,
        fields=dict(FIELDS),
        issuer_department=_market(org),
        case_ref="4212230001",
        actor="staff:1",
        **extra,
    )


def test_issue_signs_numbers_and_records(sources):
    licence = _issue()
    parsed = parse_licence_id(licence.identifier)
    assert parsed.type_code == BUSINESS and parsed.issuer_uscc == licence.issuer.uscc
    assert verify_licence(licence).in_force
    assert licence.expires_on is None
    entry = LedgerSubject.objects.get(subject=f"licence:{licence.identifier}").entry
    assert entry.kind == "licence.issued"
    assert licence.holder.identifier not in entry.body
    second = _issue()
    assert int(parse_licence_id(second.identifier).serial) == int(parsed.serial) + 1


@pytest.mark.parametrize(
    "change",
    [
        {"fields": {**FIELDS, "registered_capital": "1000万元人民币"}},
        {"issued_on": dt.date(2020, 1, 2)},
        {"case_ref": "other"},
    ],
)
def test_one_changed_field_breaks_the_signature(sources, change):
    licence = _issue()
    Licence.objects.filter(pk=licence.pk).update(**change)
    tampered = Licence.objects.get(pk=licence.pk)
    verdict = verify_licence(tampered)
    assert not verdict.genuine and verdict.state == "forged"
    assert selectors.valid_licence_for(tampered.holder, BUSINESS) is None


def test_changed_holder_name_breaks_the_signature(sources):
    licence = _issue()
    Applicant.objects.filter(pk=licence.holder_id).update(name="别的公司")
    assert not verify_licence(Licence.objects.get(pk=licence.pk)).genuine


def test_revoked_licence_verifies_as_revoked(sources, client):
    licence = _issue()
    added = NewEntries()
    services.revoke_licence(licence, reason="以欺骗手段取得", actor="staff:1")
    verdict = verify_licence(Licence.objects.get(pk=licence.pk))
    assert verdict.genuine and verdict.state == "revoked" and not verdict.in_force
    assert selectors.valid_licence_for(licence.holder, BUSINESS) is None
    before = DataQuery.objects.count()
    page = client.get(f"/verify/licences/{licence.identifier}/")
    assert page.status_code == 200 and "已撤销" in page.content.decode()
    assert DataQuery.objects.count() == before + 1
    assert added.kinds.count("licence.status_changed") == 1
    assert f"licence:{licence.identifier}" in added.subjects("licence.status_changed")


def test_revoke_needs_a_reason_and_a_valid_state(sources):
    licence = _issue()
    with pytest.raises(InvalidInput):
        services.revoke_licence(licence, reason=" ", actor="staff:1")
    services.revoke_licence(licence, reason="违法", actor="staff:1")
    with pytest.raises(Exception) as caught:
        services.revoke_licence(licence, reason="again", actor="staff:1")
    assert caught.value.status == 409


def test_expired_licence_verifies_as_expired(sources):
    person = Applicant.objects.filter(kind="person").order_by("pk").first()
    licence = services.issue_licence(
        licence_type_code=ID_CARD,
        holder=person,
        fields={"sex": "男", "birth_date": "1980-01-01", "address": "咸宁市"},
        issuer_department=services.issuing_department(person, "public_security"),
        actor="staff:1",
        issued_on=dt.date(2000, 3, 1),
    )
    assert licence.expires_on == dt.date(2020, 2, 29)
    assert verify_licence(licence).state == "expired"
    assert selectors.valid_licence_for(person, ID_CARD) is None


def test_verification_page_shows_only_masked_data(sources, client):
    person = Applicant.objects.filter(kind="person").order_by("pk").first()
    licence = services.issue_licence(
        licence_type_code=ID_CARD,
        holder=person,
        fields={"sex": "男", "birth_date": "1980-01-01", "address": "咸宁市温泉路8号"},
        issuer_department=services.issuing_department(person, "public_security"),
        actor="staff:1",
    )
    page = client.get(f"/verify/licences/{licence.identifier}/").content.decode()
    assert person.display_name in page and "有效" in page
    assert person.name not in page and person.identifier not in page and "温泉路8号" not in page
    trace = DataQuery.objects.order_by("-pk").first()
    assert trace.applicant == person and trace.actor == "public" and trace.outcome == "read"


def test_bad_identifier_on_the_page_is_a_4xx(client):
    assert client.get("/verify/licences/1.2.156.3005.2.X.Y.1.001.Q/").status_code == 422
    ok_but_absent = "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F"
    assert client.get(f"/verify/licences/{ok_but_absent}/").status_code == 404


def test_rotation_keeps_old_signatures_valid(sources):
    first = _issue()
    old_kid = first.key_id
    new_kid = keyring().rotate()
    second = _issue()
    assert second.key_id == new_kid != old_kid
    assert verify_licence(first).in_force and verify_licence(second).in_force
    assert set(keyring().key_ids()) >= {old_kid, new_kid}


def test_bad_input_writes_nothing(sources):
    org = _org()
    before = (Licence.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(InvalidInput):
        services.issue_licence(
            licence_type_code=BUSINESS,
            holder=org,
            fields={"type": "x"},
            issuer_department=_market(org),
            actor="staff:1",
        )
    with pytest.raises(InvalidInput):
        services.issue_licence(
            licence_type_code=BUSINESS,
            holder=org,
            fields=dict(FIELDS),
            issuer_department=services.issuing_department(org, "hrss"),
            actor="staff:1",
        )
    with pytest.raises(NotFound):
        services.issue_licence(
            licence_type_code="nope",
            holder=org,
            fields={},
            issuer_department=_market(org),
            actor="staff:1",
        )
    assert (Licence.objects.count(), LedgerEntry.objects.count()) == before


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _pdf_qr(pdf: bytes, tmp_path) -> list[str]:
    """Rasterise the page and decode its QR codes with zxing-cpp, as a phone would."""
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    return [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


def test_licence_pdf_text_and_qr(sources, tmp_path):
    licence = _issue()
    pdf = licence_pdf(licence)
    text = _pdf_text(pdf, tmp_path)
    assert "营业执照" in text and licence.holder.name in text and "张三丰" in text
    assert _pdf_qr(pdf, tmp_path) == [licence_verify_url(licence)]


def test_my_licences_pages(sources):
    licence = _issue()
    other = _issue(Applicant.objects.filter(kind="organization").order_by("pk")[1])
    client = Client()
    client.force_login(ensure_applicant_user(licence.holder))
    listing = client.get("/my/licences/").content.decode()
    assert "营业执照" in listing and licence.identifier in listing
    assert other.identifier not in listing
    detail = client.get(f"/my/licences/{licence.identifier}/")
    assert detail.status_code == 200 and "张三丰" in detail.content.decode()
    shown = DataQuery.objects.filter(applicant=licence.holder, purpose="亮证").get()
    assert shown.actor == licence.holder.subject
    download = client.get(f"/my/licences/{licence.identifier}/pdf")
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    assert client.get(f"/my/licences/{other.identifier}/").status_code == 404


def test_my_licences_needs_an_applicant(staff_client, client):
    assert client.get("/my/licences/").status_code == 302
    assert staff_client("clerk.city").get("/my/licences/").status_code == 403


def test_valid_licence_for_the_holder(sources):
    licence = _issue()
    assert selectors.valid_licence_for(licence.holder, BUSINESS) == licence
    assert selectors.valid_licence_for(licence.holder, ID_CARD) is None
    services.change_status(licence, LicenceStatus.SUSPENDED, reason="整改", actor="staff:1")
    assert selectors.valid_licence_for(licence.holder, BUSINESS) is None
    services.change_status(licence, LicenceStatus.VALID, reason="整改完毕", actor="staff:1")
    assert selectors.valid_licence_for(licence.holder, BUSINESS) == licence


def test_signing_keys_command_rotates():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("signing_keys", stdout=out)
    first = keyring().current_key_id()
    call_command("signing_keys", "rotate", stdout=out)
    assert keyring().current_key_id() != first
    assert out.getvalue().count("BEGIN PUBLIC KEY") == 3


def test_applicant_sees_who_read_their_data(sources, client):
    licence = _issue()
    client.get(f"/verify/licences/{licence.identifier}/")
    own = Client()
    own.force_login(ensure_applicant_user(licence.holder))
    page = own.get("/my/queries/").content.decode()
    assert "公众扫码核验" in page and "电子证照" in page and "扫码核验" in page
    other = Client()
    other.force_login(ensure_applicant_user(Applicant.objects.filter(kind="person").first()))
    assert "公众扫码核验" not in other.get("/my/queries/").content.decode()


def test_nightly_job_marks_expired_licences(sources):
    from ninhaoban.licences.tasks import expire_licences

    person = Applicant.objects.filter(kind="person").order_by("pk").first()
    old = services.issue_licence(
        licence_type_code=ID_CARD,
        holder=person,
        fields={"sex": "男", "birth_date": "1980-01-01", "address": "咸宁市"},
        issuer_department=services.issuing_department(person, "public_security"),
        actor="staff:1",
        issued_on=dt.date(2000, 3, 1),
    )
    current = _issue()
    expire_licences.call_local()
    assert Licence.objects.get(pk=old.pk).status == LicenceStatus.EXPIRED
    assert Licence.objects.get(pk=current.pk).status == LicenceStatus.VALID
    assert verify_licence(Licence.objects.get(pk=old.pk)).state == "expired"
    assert services.expire_due_licences() == 0


def test_amendment_issues_the_next_version_and_cancels_the_old(sources):
    licence = _issue()
    amended = services.amend_licence(
        licence, fields={"address": "咸宁市咸安区银泉大道2号"}, actor="staff:1", case_ref="C-2"
    )
    old_id, new_id = parse_licence_id(licence.identifier), parse_licence_id(amended.identifier)
    assert (new_id.serial, new_id.version) == (old_id.serial, "002")
    assert amended.fields["address"] == "咸宁市咸安区银泉大道2号"
    assert amended.fields["legal_representative"] == "张三丰"
    assert verify_licence(amended).in_force
    assert verify_licence(Licence.objects.get(pk=licence.pk)).state == "cancelled"
    assert selectors.valid_licence_for(licence.holder, BUSINESS) == amended
    with pytest.raises(Exception) as caught:
        services.amend_licence(licence, fields={}, actor="staff:1")
    assert caught.value.status == 409
