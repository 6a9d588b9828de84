"""Halls and windows: intake records the window (a clerk's) or the hall (a kiosk's) that
took an application in, and the dashboard ranks halls and windows from them, with known
answers on a small world, drill-down to the cases, and a 崇阳县 supervisor who sees nothing
of 通山县 (not even a 通山县 hall that took in a 崇阳县 case) in pages, API and export."""

import datetime as dt
import io

import openpyxl
import pytest

from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseStep, Channel, StepState
from ninhaoban.core.errors import Forbidden, InvalidInput, NotFound
from ninhaoban.regions.models import ServiceHall, Window
from ninhaoban.supervision import selectors
from ninhaoban.supervision.models import CaseFact
from tests.cases.conftest import (
    BUSINESS_LICENCE_FORM,
    CHONGYANG,
    GETIHU,
    TONGSHAN,
    applicant_actor,
    files_for,
    item,
    person,
    staff,
)

pytestmark = pytest.mark.django_db
D0 = dt.date(2026, 9, 28)


def _windows(region: str) -> list[Window]:
    found = list(Window.objects.filter(hall__region_id=region).order_by("hall_id", "number")[:2])
    assert len(found) == 2 and found[0].hall_id == found[1].hall_id
    return found


def _at(window: Window | None, clerk: str = "clerk.chongyang", who: int = 0) -> Case:
    return services.submit(
        actor=staff(clerk),
        applicant=person(who),
        channel=Channel.WINDOW,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(BUSINESS_LICENCE_FORM),
        accept_at_once=True,
        window_id=window.pk if window else None,
    )


def _decide(case: Case) -> None:
    chief = staff("chief.chongyang.market")
    step = CaseStep.objects.get(case=case, state=StepState.ACTIVE)
    services.complete_step(case, step.pk, chief, opinion="符合")
    services.decide(case, chief, outcome="approved")


@pytest.fixture
def world(today) -> dict[str, object]:
    """崇阳县: two cases at window A (one decided on the day), one at window B of the same
    hall, one online; 通山县's clerk takes in a 崇阳县 case at a 通山县 window (通办)."""
    today(D0)
    a, b = _windows(CHONGYANG)
    there = _windows(TONGSHAN)[0]
    first = _at(a)
    _decide(first)
    second = _at(a, who=1)
    third = _at(b, who=2)
    applicant = person(4)
    online = services.submit(
        actor=applicant_actor(applicant),
        applicant=applicant,
        channel=Channel.ONLINE,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(BUSINESS_LICENCE_FORM),
        consent=True,
    )
    away = _at(there, clerk="clerk.tongshan", who=5)
    return {
        "a": a,
        "b": b,
        "there": there,
        "cases": [first, second, third],
        "online": online,
        "away": away,
    }


def test_intake_records_the_window_and_its_hall(world):
    a, there = world["a"], world["there"]
    first = world["cases"][0]
    assert (first.intake_hall_id, first.intake_window_id) == (a.hall_id, a.pk)
    assert first.intake_region_id == a.hall.region_id
    fact = CaseFact.objects.get(case_id=first.pk)
    assert (fact.hall, fact.window) == (a.hall_id, a.pk)
    online = world["online"]
    assert (online.intake_hall_id, online.intake_window_id) == (None, None)
    away = world["away"]
    assert away.region_id == CHONGYANG and away.intake_region_id == there.hall.region_id
    assert away.intake_window_id == there.pk


def test_a_kiosk_records_its_hall(today):
    today(D0)
    hall = ServiceHall.objects.filter(region_id=CHONGYANG).order_by("pk").first()
    applicant = person(6)
    case = services.submit(
        actor=applicant_actor(applicant),
        applicant=applicant,
        channel=Channel.KIOSK,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(BUSINESS_LICENCE_FORM),
        consent=True,
        hall_id=hall.pk,
    )
    assert (case.intake_hall_id, case.intake_window_id) == (hall.pk, None)
    assert case.intake_region_id == hall.region_id


def test_a_window_that_is_not_the_clerks_is_refused_and_nothing_is_written(today):
    today(D0)
    there = _windows(TONGSHAN)[0]
    before = Case.objects.count()
    with pytest.raises(Forbidden):
        _at(there)  # 崇阳县's clerk at a 通山县 window
    with pytest.raises(NotFound):
        services.submit(
            actor=staff("clerk.chongyang"),
            applicant=person(0),
            channel=Channel.WINDOW,
            item_code=item(GETIHU, CHONGYANG).code,
            files=files_for(GETIHU, CHONGYANG),
            form=dict(BUSINESS_LICENCE_FORM),
            window_id=10**9,
        )
    applicant = person(1)
    with pytest.raises(InvalidInput):
        services.submit(
            actor=applicant_actor(applicant),
            applicant=applicant,
            channel=Channel.ONLINE,
            item_code=item(GETIHU, CHONGYANG).code,
            files=files_for(GETIHU, CHONGYANG),
            form=dict(BUSINESS_LICENCE_FORM),
            consent=True,
            window_id=there.pk,
        )
    assert Case.objects.count() == before


def test_the_hall_and_window_rankings_on_the_small_world(world):
    a, b = world["a"], world["b"]
    scope = selectors.scope_of(CHONGYANG, "", D0.isoformat(), D0.isoformat())
    halls = selectors.ranking(scope, "hall")
    assert [(r["key"], r["received"], r["decided"]) for r in halls] == [(a.hall_id, 3, 1)]
    assert halls[0]["on_time_rate"] == 100.0 and halls[0]["mean_days"] == 0.0
    assert halls[0]["name"] == a.hall.name and halls[0]["drill"] == f"hall={a.hall_id}"
    windows = {r["key"]: r for r in selectors.ranking(scope, "window")}
    assert {k: (r["received"], r["decided"]) for k, r in windows.items()} == {
        a.pk: (2, 1),
        b.pk: (1, 0),
    }
    assert windows[a.pk]["rank"] == 1 and windows[b.pk]["on_time_rate"] is None
    assert f"{a.number}号窗口" in windows[a.pk]["name"]
    # the year's view reads the month rows and gives the same answer
    year = selectors.scope_of(CHONGYANG, "", "2026-01-01", "2026-12-31")
    assert selectors.ranking(year, "window") == selectors.ranking(scope, "window")


def test_drill_down_from_a_window_reaches_its_cases(world, staff_client):
    a = world["a"]
    first, second, _ = world["cases"]
    client = staff_client("supervisor.chongyang")
    query = f"from={D0}&to={D0}"
    rows = client.get(f"/api/v1/supervision/cases?drill=received&window={a.pk}&{query}").json()
    assert sorted(r["case_no"] for r in rows) == sorted([first.case_no, second.case_no])
    decided = client.get(f"/api/v1/supervision/cases?drill=decided&window={a.pk}&{query}").json()
    assert [r["case_no"] for r in decided] == [first.case_no]
    page = client.get(f"/console/supervision/drill/received/?{query}&hall={a.hall_id}")
    assert page.status_code == 200
    text = page.content.decode()
    assert first.case_no in text and world["online"].case_no not in text
    bad = client.get(f"/api/v1/supervision/cases?drill=received&window=x&{query}")
    assert bad.status_code == 422


def test_a_chongyang_supervisor_sees_no_tongshan_hall_or_window(world, staff_client):
    there, away = world["there"], world["away"]
    client = staff_client("supervisor.chongyang")
    query = f"from={D0}&to={D0}"
    for by in ("hall", "window"):
        rows = client.get(f"/api/v1/supervision/ranking?by={by}&{query}").json()
        assert rows and all(r["key"] not in (there.pk, there.hall_id) for r in rows), by
    drilled = client.get(
        f"/api/v1/supervision/cases?drill=received&hall={there.hall_id}&{query}"
    ).json()
    assert drilled == []
    page = client.get(f"/console/supervision/?{query}").content.decode()
    assert "大厅排名" in page and "窗口排名" in page
    assert there.hall.name not in page and away.case_no not in page
    response = client.get(f"/console/supervision/export.xlsx?{query}")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"大厅排名", "窗口排名"} <= set(book.sheetnames)
    cells = " ".join(
        str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value
    )
    assert there.hall.name not in cells and world["a"].hall.name in cells
    # the city's supervisor ranks both halls
    city = staff_client("supervisor")
    halls = city.get(f"/api/v1/supervision/ranking?by=hall&{query}").json()
    assert {r["key"] for r in halls} == {world["a"].hall_id, there.hall_id}


def test_the_console_intake_takes_the_clerks_window(today, staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    today(D0)
    b = _windows(CHONGYANG)[1]
    client = staff_client("clerk.chongyang")
    code = item(GETIHU, CHONGYANG).code
    found = {"id_number": person().identifier, "item": code, "step": "find"}
    form = client.post("/console/cases/new/", found).content.decode()
    assert "受理窗口" in form and f'value="{b.pk}"' in form
    data = {**found, "step": "submit", "accept": "1", "window": str(b.pk)}
    data |= {f"form-{k}": v for k, v in BUSINESS_LICENCE_FORM.items()}
    for key, f in files_for(GETIHU, CHONGYANG).items():
        data[f"file-{key}"] = SimpleUploadedFile(f.name, f.data)
    assert client.post("/console/cases/new/", data).status_code == 302
    case = Case.objects.latest("pk")
    assert (case.intake_hall_id, case.intake_window_id) == (b.hall_id, b.pk)
    data["window"] = str(_windows(TONGSHAN)[0].pk)
    for key, f in files_for(GETIHU, CHONGYANG).items():
        data[f"file-{key}"] = SimpleUploadedFile(f.name, f.data)
    refused = client.post("/console/cases/new/", data)
    assert refused.status_code == 422 and "该窗口不在您受理的区划内" in refused.content.decode()
    assert Case.objects.latest("pk").pk == case.pk
