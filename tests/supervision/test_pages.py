"""The pages, API and export of 一张网考评: a 崇阳县 supervisor sees nothing of 通山县 in any
of them, bad input is a 4xx, the public page shows counts and rates only."""

import datetime as dt
import html
import io
import re

import openpyxl
import pytest

from ninhaoban.cases import services
from ninhaoban.cases.models import Case
from tests.cases.conftest import CHONGYANG, TONGSHAN, person, staff, window_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(today):
    mine = window_case(applicant=person(0))
    theirs = window_case(region=TONGSHAN, clerk="clerk.tongshan", applicant=person(3))
    services.accept(theirs, staff("clerk.tongshan"))
    return mine, theirs


def _texts(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def test_a_chongyang_supervisor_sees_nothing_of_tongshan(cases, staff_client):
    mine, theirs = cases
    client = staff_client("supervisor.chongyang")
    for url in [
        "/console/supervision/",
        "/console/supervision/live/",
        "/console/supervision/screen/",
        "/console/supervision/board/",
        "/console/supervision/cases/",
        "/console/supervision/drill/received/",
    ]:
        page = _texts(client.get(url))
        assert theirs.case_no not in page and "通山县" not in page, url
    listed = _texts(client.get("/console/supervision/cases/"))
    assert mine.case_no in listed
    assert mine.case_no in _texts(client.get("/console/supervision/drill/received/"))
    for url in [
        f"/console/supervision/?region={TONGSHAN}",
        f"/console/supervision/export.xlsx?region={TONGSHAN}",
        f"/api/v1/supervision/figures?region={TONGSHAN}",
        f"/api/v1/supervision/cases?drill=received&region={TONGSHAN}",
        "/console/supervision/?region=421200000000",
    ]:
        assert client.get(url).status_code == 403, url
    api = client.get("/api/v1/supervision/cases?drill=received").json()
    assert [row["case_no"] for row in api] == [mine.case_no]
    ranks = client.get("/api/v1/supervision/ranking?by=region").json()
    assert all(not r["key"].startswith("421224") for r in ranks)


def test_the_export_holds_every_table_of_the_scope_only(cases, staff_client):
    _, theirs = cases
    response = staff_client("supervisor.chongyang").get("/console/supervision/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "指标",
        "趋势",
        "区划排名",
        "部门排名",
        "收件地排名",
        "大厅排名",
        "窗口排名",
        "预警超期",
    ]
    cells = " ".join(
        str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value
    )
    assert "通山县" not in cells and theirs.case_no not in cells
    assert "按时办结率" in cells and "崇阳县" in cells


def test_the_city_supervisor_sees_both_and_ranks_the_counties(cases, staff_client):
    mine, theirs = cases
    client = staff_client("supervisor")
    body = client.get("/api/v1/supervision/figures").json()
    assert body["scope"]["region"] == "421200000000"
    received = next(f for f in body["figures"] if f["key"] == "inclusion_cases")
    assert received["denominator"] == 2
    ranks = {r["key"]: r for r in client.get("/api/v1/supervision/ranking").json()}
    assert ranks[CHONGYANG]["received"] == 1 and ranks[TONGSHAN]["received"] == 1
    listed = _texts(client.get(f"/console/supervision/cases/?region={TONGSHAN}"))
    assert theirs.case_no in listed and mine.case_no not in listed


def test_a_chief_reads_their_own_department(cases, staff_client):
    body = staff_client("chief.chongyang.market").get("/api/v1/supervision/figures").json()
    assert body["scope"]["region"] == CHONGYANG and body["scope"]["department"] is not None


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("region=999999", 404),
        ("region=12", 422),
        ("department=abc", 422),
        ("department=99999", 404),
        ("from=2026-10-01&to=2026-09-01", 422),
        ("from=2020-01-01&to=2026-09-01", 422),
        ("from=yesterday", 422),
    ],
)
def test_bad_input_is_a_4xx(cases, staff_client, query, status):
    client = staff_client("supervisor.chongyang")
    assert client.get(f"/console/supervision/?{query}").status_code == status
    assert client.get(f"/api/v1/supervision/figures?{query}").status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/console/supervision/drill/nonsense/",
        "/console/supervision/cases/?status=nonsense",
        "/console/supervision/cases/?alert=nonsense",
        "/console/supervision/cases/?channel=nonsense",
        "/console/supervision/cases/?item=abc",
        "/console/supervision/cases/?after=yesterday_1",
        "/console/supervision/cases/?after=2026-12-01_x",
        "/console/supervision/drill/received/?after=x",
        "/api/v1/supervision/trend?by=week",
        "/api/v1/supervision/ranking?by=floor",
    ],
)
def test_unknown_filters_are_a_422(cases, staff_client, url):
    assert staff_client("supervisor.chongyang").get(url).status_code == 422


def test_the_case_list_filters(cases, staff_client):
    mine, _ = cases
    client = staff_client("supervisor.chongyang")
    assert mine.case_no in _texts(client.get("/console/supervision/cases/?status=submitted"))
    assert mine.case_no not in _texts(client.get("/console/supervision/cases/?status=accepted"))
    assert mine.case_no in _texts(client.get("/console/supervision/cases/?channel=window"))
    assert mine.case_no not in _texts(client.get("/console/supervision/cases/?channel=online"))
    assert mine.case_no not in _texts(client.get("/console/supervision/cases/?alert=overdue"))


def test_the_public_page_shows_the_city_and_counties_without_personal_data(cases, client):
    mine, _ = cases
    page = _texts(client.get("/open-data/"))
    assert "咸宁市" in page and "崇阳县" in page and "通山县" in page
    assert mine.case_no not in page and mine.applicant.name not in page
    body = client.get("/api/v1/supervision/public").json()
    names = {r["name"]: r for r in body["regions"]}
    assert names["崇阳县"]["received"] == 1
    assert client.get("/open-data/?from=2026-10-01&to=2026-01-01").status_code == 422


def test_the_board_and_the_export_do_not_stop_at_the_first_page(today, staff_client, monkeypatch):
    from ninhaoban.supervision import selectors

    made = [window_case(applicant=person(k % 3)) for k in range(5)]
    for case in made:
        services.accept(case, staff("clerk.chongyang"))
    due = max(Case.objects.get(pk=case.pk).due_date for case in made)
    today(due + dt.timedelta(days=1))
    monkeypatch.setattr(selectors, "PAGE", 2)
    client = staff_client("supervisor.chongyang")
    board = _texts(client.get("/console/supervision/board/"))
    assert "超期（2+）" in board
    whole = re.search(r'id="all-overdue" href="([^"]+)"', board)
    assert whole and "/console/supervision/drill/overdue/" in whole.group(1)
    response = client.get("/console/supervision/export.xlsx")
    assert response.status_code == 200
    board = openpyxl.load_workbook(io.BytesIO(response.content))["预警超期"]
    listed = [row[1] for row in board.iter_rows(min_row=2, values_only=True) if row[0] == "超期"]
    assert sorted(listed) == sorted(case.case_no for case in made)


@pytest.mark.parametrize(
    "url", ["/console/supervision/cases/?status=submitted", "/console/supervision/drill/received/"]
)
def test_lists_page_through_every_case_once(today, staff_client, monkeypatch, url):
    from ninhaoban.supervision import selectors

    made = {window_case(applicant=person(k % 3)).case_no for k in range(5)}
    monkeypatch.setattr(selectors, "PAGE", 2)
    client = staff_client("supervisor.chongyang")
    path, seen, pages = url.split("?")[0], [], 0
    while url:
        page = _texts(client.get(url))
        pages += 1
        seen += [no for no in made if f">{no}</a>" in page]
        following = re.search(r'id="next-page" href="\?([^"]+)"', page)
        url = f"{path}?{html.unescape(following.group(1))}" if following else ""
    assert sorted(seen) == sorted(made) and pages == 3
    assert "第一页" in page


def test_the_api_pages_a_drill_down_by_its_next_header(today, staff_client, monkeypatch):
    from ninhaoban.supervision import selectors

    made = {window_case(applicant=person(k % 3)).case_no for k in range(5)}
    monkeypatch.setattr(selectors, "PAGE", 2)
    client = staff_client("supervisor.chongyang")
    seen, after, pages = [], "", 0
    while True:
        answer = client.get(f"/api/v1/supervision/cases?drill=received&after={after}")
        assert answer.status_code == 200
        seen += [row["case_no"] for row in answer.json()]
        pages += 1
        after = answer.headers.get("X-Next-After", "")
        if not after:
            break
    assert sorted(seen) == sorted(made) and pages == 3
    bad = client.get("/api/v1/supervision/cases?drill=received&after=x")
    assert bad.status_code == 422
