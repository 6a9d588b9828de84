"""一表申请: one form for a bundle, what the platform already knows filled in and marked, the
申请书 and model texts written from it as PDFs, and every bad input refused with nothing
stored."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import materials, services, written
from ninhaoban.cases.models import Case, MaterialState
from ninhaoban.cases.services import oneform
from ninhaoban.catalog import oneform as catalog_oneform
from ninhaoban.catalog.models import MaterialSource
from ninhaoban.core.errors import InvalidInput
from ninhaoban.demo import licences as demo_licences
from ninhaoban.demo.oneform import COMPANY
from ninhaoban.exchange.models import DataQuery
from ninhaoban.exchange.sandbox import records
from ninhaoban.licences import selectors as licence_selectors
from tests.cases.conftest import PDF
from tests.exchange.conftest import _clean_exchange_state, sandbox, sources

__all__ = ["_clean_exchange_state", "sandbox", "sources"]

pytestmark = pytest.mark.django_db

BUNDLE = "qiye-kaiban"


def owner() -> Applicant:
    """A demo person who owns property (the sandbox's register and their 不动产权证书)."""
    for person in Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk"):
        if records.premises(person.identifier, person.name):
            return person
    raise AssertionError("no demo person owns property")


def premises(person: Applicant) -> str:
    return licence_selectors.valid_licence_for(person, "11100000000013338W003").fields["location"]


@pytest.fixture
def world(sources, today) -> str:
    demo_licences.seed_catalog_rights()
    demo_licences.seed_licences()
    return sources


def company_form(person: Applicant, **changes: str) -> dict[str, str]:
    typed = {
        "organization_name": "咸宁市示例商贸有限公司",
        "type": "有限责任公司（自然人独资）",
        "registered_capital": "50",
        "scope": "日用百货销售",
        "supervisor": "李四",
        "seal_count": "2",
        "invoice_kind": "数电发票（普通发票）",
        "staff_count": "3",
        "fund_rate": "12",
    }
    return {**typed, **changes}


def _prefilled(person: Applicant) -> dict[str, str]:
    """What the page shows filled in before anything is typed (the browser posts it back)."""
    plan = services.plan_for(bundle_code=BUNDLE)
    asked = catalog_oneform.fields_for(plan.versions)
    known = oneform.known_values(person, asked, actor=person.subject, role="system")
    return {k: v.value for k, v in known.items()}


def _post(person: Applicant, typed: dict[str, str], **extra) -> tuple[Client, object]:
    client = Client()
    client.force_login(ensure_applicant_user(person))
    typed = {**_prefilled(person), **typed}
    data = {"bundle": BUNDLE, "consent": "1", **{f"form-{k}": v for k, v in typed.items()}}
    data.update(extra)
    return client, client.post("/apply/", data)


def test_the_bundle_asks_each_field_once_with_the_catalogs_definition(world):
    plan = services.plan_for(bundle_code=BUNDLE)
    fields = catalog_oneform.fields_for(plan.versions)
    keys = [f.key for f in fields]
    assert len(keys) == len(set(keys)) and set(COMPANY) <= set(keys)
    capital = next(f for f in fields if f.key == "registered_capital")
    assert (capital.label, capital.kind, capital.low) == ("注册资本（万元）", "money", 1)
    written_needs = [n for n in plan.needs if n.source == MaterialSource.GENERATED]
    assert len(written_needs) == 5  # each item's 申请书 or 登记表
    # the 营业执照 the later items need is issued by the bundle's first stage
    licence = next(n for n in plan.needs if n.licence_type_code == "11100000000013338W001")
    assert licence.source == MaterialSource.GOVERNMENT


def test_prefill_says_where_each_value_comes_from(world):
    person = owner()
    plan = services.plan_for(bundle_code=BUNDLE)
    known = oneform.known_values(
        person, catalog_oneform.fields_for(plan.versions), actor=person.subject, role="system"
    )
    assert known["applicant_name"].value == person.name
    assert known["applicant_id"].label == "申请人账户信息"
    assert known["address"].value == premises(person)
    assert known["address"].label == "电子证照：不动产权证书"
    page = Client()
    page.force_login(ensure_applicant_user(person))
    html = page.get(f"/apply/?bundle={BUNDLE}").content.decode()
    assert f'value="{premises(person)}"' in html and "已预填：电子证照：不动产权证书" in html


def test_one_form_makes_the_bundle_with_nothing_to_hand_in(world):
    person = owner()
    typed = company_form(person, applicant_name=f"{person.name}")
    plan = services.plan_for(bundle_code=BUNDLE)
    chosen = [n.key for n in plan.needs if n.template]
    _, response = _post(person, typed, template=chosen)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(applicant=person, parent__isnull=True)
    states = dict(case.materials.values_list("name", "state"))
    assert list(states.values()).count(MaterialState.GENERATED) == 5
    assert states["公司章程"] == MaterialState.TEMPLATE
    assert states["住所使用相关文件"] == MaterialState.SHARED  # the founder owns the premises
    assert not [s for s in states.values() if s == MaterialState.MISSING]
    assert DataQuery.objects.filter(case_ref=case.case_no, data_key="real_estate.premises").exists()
    assert case.form["prefilled"]["address"] == "电子证照：不动产权证书"
    assert case.form["corrected"] == []
    # the PDFs say what was typed and what was prefilled
    row = case.materials.get(name="公司登记（备案）申请书")
    text = _text(written.document_pdf(case, row))
    assert "咸宁市示例商贸有限公司" in text and person.name in text and "50.00" in text
    articles = _text(written.document_pdf(case, case.materials.get(name="公司章程")))
    assert "咸宁市示例商贸有限公司" in articles and "日用百货销售" in articles
    mine = Client()
    mine.force_login(ensure_applicant_user(person))
    own = mine.get(f"/cases/{case.case_no}/written/{row.pk}.pdf")
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"


def test_the_clerk_sees_what_was_prefilled_and_what_was_changed(world, staff_client):
    person = owner()
    typed = company_form(person, address=premises(person), applicant_name="王某某")
    appointment = next(
        n.key for n in services.plan_for(bundle_code=BUNDLE).needs if "任职" in n.name
    )
    files = {"file-name:公司章程": SimpleUploadedFile("a.pdf", PDF)}  # a signed paper instead
    _, response = _post(person, typed, template=[appointment], **files)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(applicant=person, parent__isnull=True)
    assert case.form["corrected"] == ["applicant_name"]
    clerk = staff_client("clerk.city")
    page = clerk.get(f"/console/cases/{case.case_no}/").content.decode()
    row = re.search(r'<tr id="field-applicant_name" class="corrected">.*?</tr>', page, re.S)
    assert row and "申请人修改了预填内容" in row.group(0) and "王某某" in row.group(0)
    assert re.search(r'<tr id="field-address">.*?预填.*?不动产权证书', page, re.S)
    assert person.identifier not in page  # masked on the page
    generated = case.materials.filter(state=MaterialState.GENERATED).first()
    before = DataQuery.objects.filter(case_ref=case.case_no).count()
    pdf = clerk.get(f"/console/cases/{case.case_no}/written/{generated.pk}.pdf")
    assert pdf.status_code == 200 and person.identifier in _text(pdf.content)
    assert DataQuery.objects.filter(case_ref=case.case_no).count() == before + 1  # traced


def test_a_tenant_hands_in_the_lease(world):
    person = owner()
    typed = company_form(person, address="咸宁市咸安区某某路租赁商铺1号")
    chosen = [n.key for n in services.plan_for(bundle_code=BUNDLE).needs if n.template]
    _, response = _post(person, typed, template=chosen)
    assert response.status_code == 302
    case = Case.objects.get(applicant=person, parent__isnull=True)
    row = case.materials.get(name="住所使用相关文件")
    assert row.state == MaterialState.MISSING and row.note == materials.NOT_OWNED_NOTE
    assert case.form["corrected"] == ["address"]


def test_a_prefilled_field_changed_to_something_invalid_is_refused_beside_it(world):
    person = owner()
    typed = company_form(person, applicant_id="420000000000000000", applicant_phone="12345")
    _, response = _post(person, typed)
    page = response.content.decode()
    assert response.status_code == 422 and not Case.objects.filter(applicant=person).exists()
    assert 'id="form-applicant_id-error"' in page and 'id="form-applicant_phone-error"' in page
    assert "联系电话：应为11位手机号码" in page
    assert 'value="420000000000000000"' in page  # what was typed comes back


def test_a_template_for_a_material_that_does_not_allow_one_is_refused(world):
    person = owner()
    plan = services.plan_for(bundle_code=BUNDLE)
    not_allowed = next(n.key for n in plan.needs if not n.template)
    _, response = _post(person, company_form(person), template=[not_allowed])
    page = response.content.decode()
    assert response.status_code == 422 and not Case.objects.filter(applicant=person).exists()
    assert "不能以示范文本代替" in page
    with pytest.raises(InvalidInput) as refused:
        oneform.chosen_templates(plan.needs, [not_allowed])
    assert refused.value.field == f"template-{not_allowed}"


def test_consent_withdrawn_half_way_submits_nothing(world):
    person = owner()
    client = Client()
    client.force_login(ensure_applicant_user(person))
    typed = {f"form-{k}": v for k, v in {**_prefilled(person), **company_form(person)}.items()}
    response = client.post("/apply/", {"bundle": BUNDLE, **typed})  # consent unticked
    page = response.content.decode()
    assert response.status_code == 422 and not Case.objects.filter(applicant=person).exists()
    assert "住所使用相关文件" in page and "未同意查询" in page
    assert not DataQuery.objects.filter(applicant=person, data_key="real_estate.premises").exists()


def test_generated_form_with_fields_missing_is_named_in_the_notice(world):
    person = owner()
    client = Client()
    client.force_login(ensure_applicant_user(person))
    response = client.post(
        "/apply/",
        {"bundle": BUNDLE, "consent": "1", "form-organization_name": "咸宁市示例商贸有限公司"},
    )
    page = response.content.decode()
    assert response.status_code == 422 and not Case.objects.filter(applicant=person).exists()
    assert "申请表未填写" in page and "注册资本（万元）" in page


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
