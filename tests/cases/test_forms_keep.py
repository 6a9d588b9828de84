"""A refused form keeps what was typed and the files already received, says each error
beside its field in the chosen language, and asks again only for what was wrong."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, HeldUpload, MaterialState, Status
from ninhaoban.cases.services import Actor, held
from ninhaoban.cases.uploads import FileIn
from ninhaoban.catalog.models import MaterialSource
from ninhaoban.ledger.models import LedgerEntry
from tests.cases.conftest import CHONGYANG, EXE, GETIHU, PDF, item, person, staff, window_case

FOOD = "食品经营许可"

pytestmark = pytest.mark.django_db


def _client(applicant) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(applicant))
    return client


def _to_upload(applicant, code: str) -> list[str]:
    actor = Actor.of_applicant(applicant)
    needs = services.preview(applicant, services.plan_for(item_code=code), actor=actor)
    return [
        n.key
        for n, state in needs
        if n.source != MaterialSource.SHARED_DATA
        and state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT)
    ]


def _tokens(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="held-([^"]+)" value="([^"]+)"', page))


def test_a_refused_upload_keeps_the_typed_fields_and_the_good_files(
    today, django_capture_on_commit_callbacks
):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    first, *rest = _to_upload(applicant, code)
    client = _client(applicant)
    typed = {
        "item": code,
        "consent": "1",
        "form-legal_representative": "王五",
        "note": "周末可联系",
        "delivery_method": "window",
    }
    files = {f"file-{k}": SimpleUploadedFile(f"{k}.pdf", PDF) for k in rest}
    files[f"file-{first}"] = SimpleUploadedFile("virus.pdf", EXE)
    with django_capture_on_commit_callbacks(execute=True):  # the held files are stored
        response = client.post("/apply/", {**typed, **files})
    page = response.content.decode()
    assert response.status_code == 422 and not Case.objects.filter(applicant=applicant).exists()
    assert 'value="王五"' in page and 'value="周末可联系"' in page
    assert re.search(r'name="consent" value="1"\s*checked', page)
    assert re.search(r'<option value="window"\s*selected', page)
    assert "virus.pdf" in page and f'id="file-{first}-error"' in page  # beside its input
    assert "not a PDF" not in page  # one language: Chinese unless English is chosen
    tokens = _tokens(page)
    assert set(tokens) == set(rest) and all(f"已收到：{k}.pdf" in page for k in rest)
    assert LedgerEntry.objects.filter(kind="case.files_held").exists()

    again = {**typed, **{f"held-{k}": t for k, t in tokens.items()}}
    again[f"file-{first}"] = SimpleUploadedFile("good.pdf", PDF)
    response = client.post("/apply/", again)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(applicant=applicant)
    names = dict(case.materials.values_list("key", "file_name"))
    assert names[first] == "good.pdf" and all(names[k] == f"{k}.pdf" for k in rest)
    assert not HeldUpload.objects.filter(token__in=tokens.values()).exists()


def test_an_incomplete_application_holds_what_came_and_names_what_did_not(today):
    applicant = person()
    code = item(FOOD, CHONGYANG).code  # several papers only the applicant has
    first, *rest = _to_upload(applicant, code)
    response = _client(applicant).post(
        "/apply/", {"item": code, "consent": "1", f"file-{first}": SimpleUploadedFile("a.pdf", PDF)}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert set(_tokens(page)) == {first}
    plan = services.plan_for(item_code=code)
    own = [
        n.key
        for n in plan.needs
        if n.source == MaterialSource.APPLICANT and n.requirement == "required" and n.key in rest
    ]
    assert own and all(f'id="file-{k}-error"' in page for k in own)


def test_someone_elses_or_an_old_token_brings_nothing(today, django_capture_on_commit_callbacks):
    owner, other = person(0), person(1)
    code = item(GETIHU, CHONGYANG).code
    keys = _to_upload(owner, code)
    with django_capture_on_commit_callbacks(execute=True):
        kept, refused = held.hold(Actor.of_applicant(owner), {keys[0]: FileIn("x.pdf", PDF)}, {})
    assert not refused
    token = kept[keys[0]].token
    assert held.held_files(Actor.of_applicant(other), {keys[0]: token}) == {}
    assert held.held_files(Actor.of_applicant(owner), {keys[-1]: token}) == {}
    assert held.held_files(Actor.of_applicant(owner), {keys[0]: token})[keys[0]].name == "x.pdf"
    HeldUpload.objects.update(created_at="2000-01-01T00:00:00Z")
    assert held.held_files(Actor.of_applicant(owner), {keys[0]: token}) == {}
    assert held.purge_expired() == 1 and not HeldUpload.objects.exists()


def test_the_english_page_says_the_error_in_english_only(today):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    key = _to_upload(applicant, code)[0]
    client = _client(applicant)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/apply/",
        {"item": code, f"file-{key}": SimpleUploadedFile("virus.pdf", EXE)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "is not a PDF, JPEG, PNG or OFD file" in page
    assert "不是PDF" not in page


def test_consent_starts_unticked(today):
    code = item(GETIHU, CHONGYANG).code
    page = _client(person()).get(f"/apply/?item={code}").content.decode()
    assert re.search(r'name="consent" value="1"\s*>', page)


def test_the_window_keeps_the_form_after_a_bad_file(
    today, staff_client, django_capture_on_commit_callbacks
):
    clerk = staff_client("clerk.chongyang")
    code = item(GETIHU, CHONGYANG).code
    first, *rest = _to_upload(person(), code)
    data = {
        "id_number": person().identifier,
        "item": code,
        "step": "submit",
        "form-legal_representative": "赵六",
        "delivery_method": "post",
        "post_recipient": "赵六",
        "post_phone": "13800000000",
        "post_address": "崇阳县天城镇城关街1号",
        f"file-{first}": SimpleUploadedFile("bad.pdf", EXE),
        **{f"file-{k}": SimpleUploadedFile(f"{k}.pdf", PDF) for k in rest},
    }
    with django_capture_on_commit_callbacks(execute=True):  # the held files are stored
        response = clerk.post("/console/cases/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert 'value="赵六"' in page and 'value="崇阳县天城镇城关街1号"' in page
    assert set(_tokens(page)) == set(rest) and f'id="file-{first}-error"' in page
    again = {k: v for k, v in data.items() if not k.startswith("file-")}
    again.update({f"held-{k}": t for k, t in _tokens(page).items()})
    again[f"file-{first}"] = SimpleUploadedFile("good.pdf", PDF)
    assert clerk.post("/console/cases/new/", again).status_code == 302
    case = Case.objects.latest("pk")
    assert (case.post_recipient, case.post_phone) == ("赵六", "13800000000")


def test_the_correction_page_keeps_the_files_that_were_good(
    today, django_capture_on_commit_callbacks
):
    case = window_case()
    services.request_correction(
        case,
        staff("clerk.chongyang"),
        problems=[
            {"material": m.name, "problem": "不清晰"}
            for m in case.materials.filter(upload__isnull=False).order_by("pk")[:2]
        ],
    )
    asked = list(case.materials.filter(state=MaterialState.REJECTED).order_by("pk"))
    assert len(asked) == 2
    client = _client(case.applicant)
    with django_capture_on_commit_callbacks(execute=True):  # the held file is stored
        response = client.post(
            f"/cases/{case.case_no}/supply/",
            {
                f"file-{asked[0].key}": SimpleUploadedFile("ok.pdf", PDF),
                f"file-{asked[1].key}": SimpleUploadedFile("bad.pdf", EXE),
            },
        )
    page = response.content.decode()
    assert response.status_code == 422
    assert "已收到：ok.pdf" in page and f'id="file-{asked[1].key}-error"' in page
    assert "补正要求：不清晰" in page
    again = {f"held-{k}": t for k, t in _tokens(page).items()}
    again[f"file-{asked[1].key}"] = SimpleUploadedFile("fine.pdf", PDF)
    assert client.post(f"/cases/{case.case_no}/supply/", again).status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({}, "post_recipient"),
        ({"post_recipient": "李雷", "post_phone": "12345"}, "post_phone"),
        (
            {"post_recipient": "李雷", "post_phone": "0715-1234567", "post_address": "崇阳"},
            "post_address",
        ),
    ],
)
def test_delivery_by_post_asks_for_a_checked_address(today, address, field):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    typed = {"item": code, "consent": "1", "delivery_method": "post", **address}
    response = _client(applicant).post("/apply/", typed)
    page = response.content.decode()
    assert response.status_code == 422 and f'id="{field}-error"' in page
    assert all(f'value="{v}"' in page for v in address.values())
    assert not Case.objects.filter(applicant=applicant).exists()


def test_the_address_is_stored_and_shown_to_the_clerk_who_delivers(today, staff_client):
    case = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=person(),
        channel="window",
        item_code=item(GETIHU, CHONGYANG).code,
        files={
            k: FileIn(f"{k}.pdf", PDF) for k in _to_upload(person(), item(GETIHU, CHONGYANG).code)
        },
        delivery_method="post",
        post_address={
            "post_recipient": "韩梅梅",
            "post_phone": "138 0000 0000",
            "post_address": "崇阳县天城镇城关街1号",
        },
    )
    assert (case.post_recipient, case.post_phone) == ("韩梅梅", "13800000000")
    page = staff_client("clerk.chongyang").get(f"/console/cases/{case.case_no}/").content.decode()
    assert "韩梅梅" in page and "13800000000" in page and "崇阳县天城镇城关街1号" in page
    window = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=person(),
        channel="window",
        item_code=item(GETIHU, CHONGYANG).code,
        delivery_method="window",
        post_address={"post_recipient": "韩梅梅"},
        allow_incomplete=True,
    )
    assert window.post_recipient == ""


def test_a_refused_console_action_keeps_its_form(today, staff_client):
    from tests.cases.test_transitions import case_in

    case = case_in(Status.IN_REVIEW)
    chief = staff_client("chief.chongyang.market")
    url = f"/console/cases/{case.case_no}"
    response = chief.post(f"{url}/extend/", {"days": "99", "reason": "需要现场核查"})
    page = response.content.decode()
    assert response.status_code == 422 and 'id="act-extend-error"' in page
    assert 'value="99"' in page and 'value="需要现场核查"' in page
    response = chief.post(f"{url}/decide/", {"outcome": "denied", "field-scope": "日用百货零售"})
    page = response.content.decode()
    assert response.status_code == 422 and 'id="act-decide-error"' in page
    assert (
        'value="日用百货零售"' in page and Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    )
    decided = case_in(Status.DECIDED)
    clerk = staff_client("clerk.chongyang")
    response = clerk.post(f"/console/cases/{decided.case_no}/deliver/", {"method": "post"})
    page = response.content.decode()
    assert response.status_code == 422 and 'id="act-deliver-error"' in page
    assert re.search(r'<option value="post"\s*selected', page)


def test_the_api_takes_and_checks_a_postal_address(today, staff_client):
    import base64

    client = staff_client("clerk.chongyang")
    code = item(GETIHU, CHONGYANG).code
    files = {
        k: {"name": f"{k}.pdf", "content_base64": base64.b64encode(PDF).decode()}
        for k in _to_upload(person(), code)
    }
    body = {"item": code, "applicant": person().identifier, "files": files}
    body["delivery_method"] = "post"
    refused = client.post("/api/v1/cases/", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "post_recipient"
    body["post_address"] = {
        "post_recipient": "李雷",
        "post_phone": "0715-8123456",
        "post_address": "咸宁市咸安区温泉路1号",
    }
    response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(case_no=response.json()["case_no"])
    assert (case.post_recipient, case.post_phone) == ("李雷", "0715-8123456")
