"""The portal home starts from what people come to do, and 站内消息 list every change of a
signed-in applicant's cases."""

import re

from django.test import Client

from ninhaoban.cases import services
from ninhaoban.cases.models import Status
from tests.cases.conftest import GETIHU, staff, window_case


def test_home_puts_search_first_then_what_people_do(db, today):
    case = window_case()
    page = Client().get("/").content.decode()
    main = page[page.index("<main") :]
    order = [main.index(t) for t in ("guidance-q", "个人办事", "法人办事", "一件事一次办")]
    assert order == sorted(order)
    assert GETIHU in main and f"/catalog/items/{case.item.code}/" in main
    assert 'action="/progress/"' in main and 'href="/figures/"' in main
    assert "一级开发、四级应用" not in main  # the figures are a page of their own


def test_signed_in_applicant_sees_each_status_change(db, today):
    case = window_case()
    services.accept(case, staff("clerk.chongyang"))
    client = Client()
    client.force_login(case.applicant.user)
    messages = client.get("/my/notices/").content.decode()
    listed = re.findall(rf"{case.case_no}</a>[^<]*<strong>([^<]+)</strong>", messages)
    assert listed == [Status.ACCEPTED.label, Status.SUBMITTED.label]
    assert case.case_no in client.get("/").content.decode()
    assert Client().get("/my/notices/").status_code == 302


def test_pages_are_compressed_and_described(db, client):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    page = client.get("/catalog/").content.decode()
    assert re.search(r'<meta name="description" content="[^"]{20,}">', page)
