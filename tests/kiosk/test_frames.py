"""The anonymous progress lookup on the portal (the kiosk's own lookup, one selector) and the
kiosk's 智能导办 inside the terminal's frame."""

from django.test import Client

from tests.cases.conftest import window_case
from tests.kiosk.conftest import BASE, KIOSK, terminal


def _wrong(tail: str) -> str:
    return "0000" if tail != "0000" else "1111"


def test_portal_progress_lookup_shows_status_and_nothing_personal(today):
    case = window_case()
    applicant = case.applicant
    tail = applicant.identifier[-4:]
    client = Client()
    assert "progress-case-no" in client.get("/progress/").content.decode()
    miss = client.post("/progress/", {"case_no": case.case_no, "tail": _wrong(tail)})
    assert miss.status_code == 404 and case.title not in miss.content.decode()
    hit = client.post("/progress/", {"case_no": case.case_no, "tail": tail.lower()})
    page = hit.content.decode()
    assert hit.status_code == 200
    assert case.title in page and case.get_status_display() in page
    for secret in (applicant.identifier, applicant.name, applicant.phone):
        assert secret not in page
    for material in case.materials.all():
        assert material.name not in page


def test_portal_and_kiosk_share_the_tries_of_a_case_number(today):
    case = window_case()
    tail = case.applicant.identifier[-4:]
    for _ in range(3):
        Client().post("/progress/", {"case_no": case.case_no, "tail": _wrong(tail)})
    for _ in range(2):
        terminal().post(f"{BASE}progress/", {"case_no": case.case_no, "tail": _wrong(tail)})
    refused = Client().post("/progress/", {"case_no": case.case_no, "tail": tail})
    assert refused.status_code == 429 and case.title not in refused.content.decode()


def test_kiosk_search_is_inside_the_terminal_frame():
    home = terminal().get(BASE).content.decode()
    assert f'href="{BASE}search/"' in home
    page = terminal().get(f"{BASE}search/", {"q": "gjj"}).content.decode()
    assert "公积金" in page and 'data-key="g"' in page
    assert f'href="{BASE}"' in page and "kiosk-exit" in page
    for portal_only in ("工作人员登录", "办事人登录", "/console/"):
        assert portal_only not in page
    plain = Client().get("/kiosk/search/").content.decode()
    assert 'class="kiosk"' in plain and "工作人员登录" not in plain
    assert KIOSK not in plain
