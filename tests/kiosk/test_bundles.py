"""一件事 at the terminal: the bundles of the place, one application for all their items."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import services as cases
from ninhaoban.cases.models import Case, Channel, MaterialState
from tests.cases.conftest import BUSINESS_LICENCE_FORM, CHONGYANG, FOOD_LICENCE_FORM, PDF
from tests.kiosk.conftest import BASE, terminal

pytestmark = pytest.mark.django_db
BUNDLE = "kaiban-canyindian"


def test_the_terminal_lists_the_bundles_of_its_place_and_the_city():
    page = terminal().get(f"{BASE}bundles/").content.decode()
    assert f"{BASE}bundles/{BUNDLE}/" in page and "企业开办" in page
    assert terminal().get(f"{BASE}bundles/no-such-bundle/").status_code in (302, 404)


def test_a_bundle_applied_for_at_the_terminal_is_one_case_with_its_children(today, identified):
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(phone="").order_by("pk")[3]
    client = identified(person)
    assert client.get(f"{BASE}bundles/{BUNDLE}/").status_code == 200
    needs = cases.preview(
        person, cases.plan_for(bundle_code=BUNDLE), actor=cases.Actor.of_applicant(person)
    )
    files = {
        f"file-{n.key}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
        for n, state in needs
        if state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT)
        and n.source != "shared_data"
    }
    form = {f"form-{k}": v for k, v in {**BUSINESS_LICENCE_FORM, **FOOD_LICENCE_FORM}.items()}
    incomplete = client.post(f"{BASE}bundles/{BUNDLE}/", {"consent": "1"})
    assert incomplete.status_code == 422 and not Case.objects.filter(applicant=person).exists()
    response = client.post(
        f"{BASE}bundles/{BUNDLE}/",
        {"consent": "1", "delivery_method": "electronic", **form, **files},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(applicant=person, parent__isnull=True)
    assert case.bundle.code == BUNDLE and case.channel == Channel.KIOSK
    assert case.intake_region_id == CHONGYANG and case.children.count() >= 2
    assert response["Location"] == f"{BASE}cases/{case.case_no}/"
