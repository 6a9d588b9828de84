import base64

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseEvent
from ninhaoban.ledger.models import LedgerEntry
from tests.cases.conftest import (
    CHONGYANG,
    EXE,
    GETIHU,
    PDF,
    TONGSHAN,
    files_for,
    item,
    person,
    staff,
    window_case,
)

pytestmark = pytest.mark.django_db


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _body(applicant: str = "", name: str = GETIHU, region: str = CHONGYANG, **extra) -> dict:
    files = {
        k: {"name": f.name, "content_base64": _b64(f.data)}
        for k, f in files_for(name, region).items()
    }
    return {"item": item(name, region).code, "applicant": applicant, "files": files, **extra}


def _applicant_client(index: int = 0) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(person(index)))
    return client


def test_window_submit_and_accept_in_one_request(today, staff_client):
    client = staff_client("clerk.chongyang")
    response = client.post(
        "/api/v1/cases/",
        _body(person().identifier, accept=True),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "accepted" and data["region"] == CHONGYANG
    assert data["due_date"] == "2026-09-29"
    assert "*" in data["applicant"] and person().identifier not in response.content.decode()
    assert [e["action"] for e in data["events"]] == ["submit", "accept"]


# SQL statements of one window submit + accept request once the process has served one:
# session, user with staff, grants; applicant, the check that the cached version is still in
# force (materials and steps are cached per process too); the 字段库 rows of the one form
# (一表申请: they may change, so they are read); the case number; the upload looked
# up by digest; then one insert each for the case (stored accepted), its materials, its two
# history rows, its two ledger entries (three inserts each on SQLite) and its steps. The
# answer is built from the rows just written. A change that adds a query per request fails
# here rather than in the benchmark.
# Two of them are supervision's: the case's fact and the rollups it moves, one upsert each,
# in the same transaction (docs/supervision.md).
SUBMIT_AND_ACCEPT_QUERIES = {"postgresql": 15, "sqlite": 20}


def test_window_submit_and_accept_stays_within_its_query_count(today, staff_client):
    client = staff_client("clerk.chongyang")
    warm = client.post(
        "/api/v1/cases/", _body(person(1).identifier, accept=True), content_type="application/json"
    )
    assert warm.status_code == 201
    body = _body(person().identifier, accept=True)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    statements = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) <= SUBMIT_AND_ACCEPT_QUERIES[connection.vendor], "\n".join(statements)
    case = Case.objects.get(case_no=response.json()["case_no"])
    assert case.status == "accepted" and case.steps.count() == len(response.json()["steps"])
    assert [e.action for e in case.events.order_by("pk")] == ["submit", "accept"]
    assert LedgerEntry.objects.filter(kind__in=["case.submit", "case.accept"]).count() == 4


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"applicant": "BAD"}, 422, "invalid_id_number"),
        ({"item": "no-such-item"}, 404, "not_found"),
        ({"version": 7}, 422, "invalid_input"),
        ({"files": {}}, 422, "materials_missing"),
        ({"channel": "carrier-pigeon"}, 422, "invalid_input"),
    ],
)
def test_bad_input_is_a_4xx_that_says_which_and_writes_nothing(
    today, staff_client, change, status, code
):
    if change.get("applicant") == "BAD":  # a real number with its check character changed
        number = person().identifier
        change = {"applicant": number[:17] + ("0" if number[17] != "0" else "1")}
    body = {**_body(person().identifier), **change}
    before = (Case.objects.count(), CaseEvent.objects.count())
    response = staff_client("clerk.chongyang").post(
        "/api/v1/cases/", body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert (Case.objects.count(), CaseEvent.objects.count()) == before


def test_a_renamed_exe_is_refused_through_the_api(today):
    body = _body()
    key = next(iter(body["files"]))
    body["files"][key] = {"name": "申请书.pdf", "content_base64": _b64(EXE)}
    response = _applicant_client().post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 422 and "OFD" in response.json()["message"]


def test_applicant_submits_follows_and_withdraws(today):
    client = _applicant_client()
    created = client.post("/api/v1/cases/", _body(), content_type="application/json")
    assert created.status_code == 201
    case_no = created.json()["case_no"]
    mine = client.get("/api/v1/cases/").json()
    assert [c["case_no"] for c in mine] == [case_no]
    assert client.get(f"/api/v1/cases/{case_no}").json()["status_label"] == "已申报"
    assert _applicant_client(1).get(f"/api/v1/cases/{case_no}").status_code == 404
    withdrawn = client.post(
        f"/api/v1/cases/{case_no}/withdraw", {}, content_type="application/json"
    )
    assert withdrawn.json()["status"] == "withdrawn"
    again = client.post(f"/api/v1/cases/{case_no}/withdraw", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "wrong_status"


def test_an_applicant_cannot_accept(today):
    client = _applicant_client()
    case_no = client.post("/api/v1/cases/", _body(), content_type="application/json").json()[
        "case_no"
    ]
    response = client.post(f"/api/v1/cases/{case_no}/accept")
    assert response.status_code == 403


def test_approver_queue_is_scoped_and_sorted_by_due_date(today, staff_client):
    slow = window_case("药品零售企业许可", CHONGYANG)
    fast = window_case(GETIHU, CHONGYANG)
    other = window_case(GETIHU, TONGSHAN, clerk="clerk.tongshan")
    for case, clerk in ((slow, "clerk.chongyang"), (fast, "clerk.chongyang")):
        services.accept(case, staff(clerk))
    services.accept(other, staff("clerk.tongshan"))
    queue = staff_client("approver.chongyang.market").get("/api/v1/cases/").json()
    assert [c["case_no"] for c in queue] == [fast.case_no, slow.case_no]
    hidden = staff_client("approver.chongyang.market").get(f"/api/v1/cases/{other.case_no}")
    assert hidden.status_code == 404
    denied = staff_client("approver.chongyang.market").post(
        f"/api/v1/cases/{other.case_no}/start-review"
    )
    assert denied.status_code == 404


def test_a_list_is_one_query_whatever_its_length(today, staff_client):
    for i in range(3):
        services.accept(window_case(applicant=person(i)), staff("clerk.chongyang"))
    approver = staff_client("approver.chongyang.market")

    def reads(captured: list[dict]) -> list[str]:
        # the calendar's cache re-checks itself every 30 s, whichever request comes then:
        # a cost per process and half-minute, not per list
        return [
            q["sql"]
            for q in captured
            if q["sql"].startswith("SELECT") and "regions_workcalendar" not in q["sql"]
        ]

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert approver.get("/api/v1/cases/").status_code == 200
        return reads(ctx.captured_queries)

    few = statements()
    services.accept(window_case(applicant=person(3)), staff("clerk.chongyang"))
    services.accept(window_case(applicant=person(4)), staff("clerk.chongyang"))
    assert len(statements()) == len(few)
    mine = _applicant_client()
    with CaptureQueriesContext(connection) as ctx:
        listed = mine.get("/api/v1/cases/").json()
    assert listed and listed[0]["department"] and len(reads(ctx.captured_queries)) <= 4


def test_the_whole_way_through_the_api(today, staff_client):
    case = window_case()
    services.accept(case, staff("clerk.chongyang"))
    approver, chief = (
        staff_client("approver.chongyang.market"),
        staff_client("chief.chongyang.market"),
    )
    url = f"/api/v1/cases/{case.case_no}"
    step = approver.get(url).json()["steps"][1]
    assert step["name"] == "审查" and step["state"] == "active"
    done = approver.post(
        f"{url}/steps/{step['id']}/complete", {"opinion": "符合"}, content_type="application/json"
    )
    assert done.json()["status"] == "in_review"
    decided = chief.post(f"{url}/decide", {"outcome": "approved"}, content_type="application/json")
    assert decided.json()["status"] == "decided"
    clerk = staff_client("clerk.chongyang")
    posted = clerk.post(f"{url}/deliver", {"method": "post"}, content_type="application/json")
    assert posted.status_code == 422 and posted.json()["field"] == "tracking_no"
    clerk.post(f"{url}/deliver", {"method": "window"}, content_type="application/json")
    assert clerk.post(f"{url}/close").json()["status"] == "closed"


def test_corrections_through_the_api(today, staff_client):
    case = window_case()
    clerk = staff_client("clerk.chongyang")
    url = f"/api/v1/cases/{case.case_no}"
    notice = clerk.post(
        f"{url}/corrections",
        {"problems": [{"material": "经营场所使用证明", "problem": "复印件不清晰"}]},
        content_type="application/json",
    )
    assert notice.status_code == 200 and notice.json()["problems"][0]["problem"] == "复印件不清晰"
    key = case.materials.get(name="经营场所使用证明").key
    supplied = _applicant_client().post(
        f"{url}/supply",
        {"files": {key: {"name": "a.pdf", "content_base64": _b64(PDF)}}},
        content_type="application/json",
    )
    assert supplied.json()["status"] == "submitted"


def test_clock_notices_are_in_the_answer_for_staff_and_applicant(today, staff_client):
    case = window_case()
    services.accept(case, staff("clerk.chongyang"))
    approver, chief = (
        staff_client("approver.chongyang.market"),
        staff_client("chief.chongyang.market"),
    )
    url = f"/api/v1/cases/{case.case_no}"
    approver.post(f"{url}/start-review")
    due = approver.get(url).json()["due_date"]
    suspended = approver.post(
        f"{url}/suspend",
        {"procedure": "expert_review", "reason": "须组织专家评审"},
        content_type="application/json",
    ).json()
    (notice,) = suspended["notices"]
    assert notice["kind"] == "special_procedure" and notice["procedure"] == "expert_review"
    assert notice["due_before"] == due and notice["ended_on"] is None
    resumed = approver.post(
        f"{url}/resume", {"reason": "评审结束"}, content_type="application/json"
    )
    assert resumed.json()["notices"][0]["due_after"] == resumed.json()["due_date"]
    extended = chief.post(
        f"{url}/extend", {"days": 5, "reason": "情况复杂"}, content_type="application/json"
    ).json()
    assert [n["kind"] for n in extended["notices"]] == ["special_procedure", "extension"]
    assert extended["notices"][1]["days"] == 5
    seen = _applicant_client().get(url).json()["notices"]
    assert [n["kind"] for n in seen] == ["special_procedure", "extension"]


def test_openapi_documents_the_cases_router(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/cases/" in paths and "/api/v1/cases/{case_no}/decide" in paths


def test_an_applicant_cannot_claim_the_window_channel(today):
    before = Case.objects.count()
    response = _applicant_client().post(
        "/api/v1/cases/", _body(channel="window"), content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["field"] == "channel"
    assert "窗口" in response.json()["message"] and "window" in response.json()["message_en"]
    assert Case.objects.count() == before
    ok = _applicant_client().post(
        "/api/v1/cases/", _body(channel="online"), content_type="application/json"
    )
    assert ok.status_code == 201 and ok.json()["channel"] == "online"
