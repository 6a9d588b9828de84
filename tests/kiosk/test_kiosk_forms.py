"""The kiosk's 自助申报 form: consent starts unticked, and a refused scan keeps the rest."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, MaterialState
from tests.cases.conftest import BUSINESS_LICENCE_FORM, CHONGYANG, EXE, GETIHU, PDF, item
from tests.kiosk.conftest import BASE

pytestmark = pytest.mark.django_db


def test_a_refused_scan_keeps_the_form_and_consent_starts_unticked(today, identified):
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk").first()
    client = identified(person)
    code = item(GETIHU, CHONGYANG).code
    blank = client.get(f"{BASE}apply/{code}/").content.decode()
    assert re.search(r'name="consent" value="1"\s*>', blank)
    actor = services.Actor.of_applicant(person)
    needs = services.preview(person, services.plan_for(item_code=code), actor=actor)
    keys = [
        n.key
        for n, state in needs
        if n.source != "shared_data"
        and state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT, MaterialState.GENERATED)
    ]
    files = {f"file-{k}": SimpleUploadedFile(f"{k}.pdf", PDF) for k in keys[1:]}
    files[f"file-{keys[0]}"] = SimpleUploadedFile("scan.pdf", EXE)
    response = client.post(
        f"{BASE}apply/{code}/", {"consent": "1", "form-scope": "日用百货", **files}
    )
    page = response.content.decode()
    assert response.status_code == 422 and not Case.objects.filter(applicant=person).exists()
    assert ">日用百货</textarea>" in page and re.search(r'name="consent" value="1"\s*checked', page)
    assert f'id="file-{keys[0]}-error"' in page
    assert all(f'name="held-{k}"' in page for k in keys[1:])


def test_the_kiosk_offers_the_model_text_and_writes_the_application_itself(today, identified):
    """一表申请 at the terminal as on the website: the 申请书 is written from the form (no scan
    asked), and a material that allows the city's model text offers it beside the scanner."""
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk").first()
    client = identified(person)
    code = item(GETIHU, CHONGYANG).code
    actor = services.Actor.of_applicant(person)
    needs = services.preview(person, services.plan_for(item_code=code), actor=actor)
    generated = next(n for n, state in needs if state == MaterialState.GENERATED)
    model = next(n for n, _ in needs if n.template)
    page = client.get(f"{BASE}apply/{code}/").content.decode()
    assert f'name="template" value="{model.key}"' in page
    assert f'id="file-{generated.key}"' not in page
    scans = [
        n.key
        for n, state in needs
        if n.source != "shared_data"
        and n.key != model.key
        and state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT, MaterialState.GENERATED)
    ]
    form = {f"form-{k}": v for k, v in BUSINESS_LICENCE_FORM.items()}
    form["form-organization_name"] = BUSINESS_LICENCE_FORM["name"]  # the 字段库's key
    files = {f"file-{k}": SimpleUploadedFile(f"{k}.pdf", PDF) for k in scans}
    response = client.post(
        f"{BASE}apply/{code}/", {"consent": "1", "template": model.key, **form, **files}
    )
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    case = Case.objects.get(applicant=person)
    states = dict(case.materials.values_list("key", "state"))
    assert states[model.key] == MaterialState.TEMPLATE
    assert states[generated.key] == MaterialState.GENERATED
