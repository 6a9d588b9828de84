"""Roles × scopes × endpoints: every staff-facing page and API operation, asked by every role
of two counties (咸安区 and 崇阳县), an applicant of each and an anonymous visitor, about real
objects of BOTH counties, answers exactly the status written down for that cell.

The expectation of a row is a role → status map; a pair (same, other) gives the answer about
an object of the asker's own county and about one of the other county. A state-changing call
runs inside a savepoint that is rolled back, so every cell sees the same world.

Every URL pattern and every API operation must have a row here (or be listed as public, with
the test that covers it): a new endpoint fails `test_every_endpoint_has_a_row` until its
cells are written down.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ninhaoban.accounts.models import Applicant, ApplicantKind, Role
from ninhaoban.accounts.services import create_staff, ensure_applicant_user, grant_role
from ninhaoban.appointments.services import open_queue
from ninhaoban.cases import services as cases
from ninhaoban.cases.models import Notice
from ninhaoban.catalog import selectors as catalog
from ninhaoban.demo import licences as demo_licences
from ninhaoban.kiosk import services as kiosk_services
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.licences.services import issue_licence
from ninhaoban.regions.models import Department, Region, ServiceHall, Window
from tests.cases.conftest import CHONGYANG, GETIHU, XIANAN, item, staff, window_case
from tests.inspections.conftest import inspection_world

pytestmark = pytest.mark.django_db

COUNTIES = {"xianan": XIANAN, "chongyang": CHONGYANG}
# the demo's staff of each county; the roles the demo gives only 崇阳县 are made for 咸安区
STAFF = {
    "clerk": {"xianan": "clerk.xianan", "chongyang": "clerk.chongyang"},
    "approver": {"xianan": "approver.xianan.market", "chongyang": "approver.chongyang.market"},
    "chief": {"xianan": "chief.xianan.market", "chongyang": "chief.chongyang.market"},
    "supervisor": {"xianan": "supervisor.xianan", "chongyang": "supervisor.chongyang"},
    "catalog_admin": {"xianan": "catalog.xianan", "chongyang": "catalog.chongyang"},
    "admin": {"xianan": "admin.xianan", "chongyang": "admin.county.chongyang"},
}
MADE = [
    ("supervisor.xianan", Role.SUPERVISOR, XIANAN),
    ("catalog.xianan", Role.CATALOG_ADMIN, XIANAN),
    ("admin.xianan", Role.ADMIN, XIANAN),
    ("admin.county.chongyang", Role.ADMIN, CHONGYANG),
]
ROLES = ["anonymous", "applicant", *STAFF]
BUSINESS = "11100000000013338W001"  # 营业执照
KIOSKS = {"xianan": "XA-ZWZX-01", "chongyang": "CY-ZWZX-01"}


@dataclass(frozen=True)
class Row:
    method: str  # GET, or POST (run in a savepoint that is rolled back)
    path: str  # {case_no}, {notice_id}, {material}, {item}, {version}, {kiosk}, {licence}, {hall} …
    expect: dict[str, int | tuple[int, int]]
    body: dict[str, Any] | None = None  # a JSON body (API), else an empty form


def E(default: int | tuple[int, int], **cells: int | tuple[int, int]) -> dict:
    """Every role answers `default` except those named."""
    assert set(cells) <= set(ROLES), set(cells) - set(ROLES)
    return {role: cells.get(role, default) for role in ROLES}


SUPERVISION = E(403, anonymous=302, supervisor=(200, 403), chief=(200, 403), admin=(200, 403))
SUPERVISION_API = {**SUPERVISION, "anonymous": 401}


def VIDEO(own: int) -> dict:
    return E(403, anonymous=302, clerk=(own, 403), chief=(own, 403), admin=(own, 403))


ROWS: dict[str, Row] = {
    # 一张网考评: supervisors and chiefs (their department) of the county asked, and admins
    "console/supervision/": Row("GET", "console/supervision/?region={region}", SUPERVISION),
    "console/supervision/board/": Row(
        "GET", "console/supervision/board/?region={region}", SUPERVISION
    ),
    "console/supervision/cases/": Row(
        "GET", "console/supervision/cases/?region={region}", SUPERVISION
    ),
    "console/supervision/drill/<slug:drill>/": Row(
        "GET", "console/supervision/drill/overdue/?region={region}", SUPERVISION
    ),
    "console/supervision/export.xlsx": Row(
        "GET", "console/supervision/export.xlsx?region={region}", SUPERVISION
    ),
    "console/supervision/live/": Row(
        "GET", "console/supervision/live/?region={region}", SUPERVISION
    ),
    "console/supervision/screen/": Row(
        "GET", "console/supervision/screen/?region={region}", SUPERVISION
    ),
    "GET /api/v1/supervision/figures": Row(
        "GET", "api/v1/supervision/figures?region={region}", SUPERVISION_API
    ),
    "GET /api/v1/supervision/trend": Row(
        "GET", "api/v1/supervision/trend?region={region}", SUPERVISION_API
    ),
    "GET /api/v1/supervision/ranking": Row(
        "GET", "api/v1/supervision/ranking?region={region}", SUPERVISION_API
    ),
    "GET /api/v1/supervision/cases": Row(
        "GET", "api/v1/supervision/cases?drill=overdue&region={region}", SUPERVISION_API
    ),
    "GET /api/v1/applicants/": Row("GET", "api/v1/applicants/", E(200, anonymous=401)),
    "GET /api/v1/applicants/{applicant_id}": Row(
        "GET",
        "api/v1/applicants/{applicant}",
        E((200, 404), anonymous=401, applicant=404, catalog_admin=404),
    ),
    "POST /api/v1/applicants/{applicant_id}/in-person-check": Row(
        "POST",
        "api/v1/applicants/{applicant}/in-person-check",
        E(
            (403, 404),
            anonymous=401,
            applicant=404,
            catalog_admin=404,
            clerk=(200, 404),
            admin=(200, 404),
        ),
        body={},
    ),
    "GET /api/v1/cases/": Row("GET", "api/v1/cases/", E(200, anonymous=401)),
    "GET /api/v1/cases/requirements": Row(
        "GET", "api/v1/cases/requirements?item={item}", E(200, anonymous=401)
    ),
    "GET /api/v1/cases/{case_no}": Row(
        "GET", "api/v1/cases/{case_no}", E((200, 404), anonymous=401, catalog_admin=404)
    ),
    "GET /api/v1/catalog/audit": Row(
        "GET",
        "api/v1/catalog/audit",
        E(403, anonymous=401, supervisor=200, catalog_admin=200, admin=200),
    ),
    "GET /api/v1/ledger/entries": Row(
        "GET",
        "api/v1/ledger/entries?subject=case:{case_no}",
        E(403, anonymous=401, supervisor=(200, 404), admin=(200, 404)),
    ),
    "GET /api/v1/licences/{identifier}": Row(
        "GET",
        "api/v1/licences/{licence}",
        E((200, 404), anonymous=401, applicant=403, catalog_admin=404),
    ),
    "POST /api/v1/applicants/organizations": Row(
        "POST",
        "api/v1/applicants/organizations",
        E(403, anonymous=401, clerk=(422, 403), admin=(422, 403)),
        body={"uscc": "91420000MA00000000", "name": "测试公司", "region": "{region}"},
    ),
    "POST /api/v1/applicants/search": Row(
        "POST", "api/v1/applicants/search", E(200, anonymous=401), body={"q": "张"}
    ),
    "POST /api/v1/applicants/persons": Row(
        "POST",
        "api/v1/applicants/persons",
        E(403, anonymous=401, clerk=(201, 403), admin=(201, 403)),
        body={"id_number": "11010519491231002X", "name": "测试", "region": "{region}"},
    ),
    "POST /api/v1/cases/": Row(
        "POST",
        "api/v1/cases/",
        E(403, anonymous=401, applicant=422, clerk=422, admin=422),
        body={"item": "{item}", "applicant": "{id_number}"},
    ),
    "POST /api/v1/cases/{case_no}/accept": Row(
        "POST",
        "api/v1/cases/{case_no}/accept",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={},
    ),
    "POST /api/v1/cases/{case_no}/close": Row(
        "POST",
        "api/v1/cases/{case_no}/close",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={},
    ),
    "POST /api/v1/cases/{case_no}/corrections": Row(
        "POST",
        "api/v1/cases/{case_no}/corrections",
        E(
            (403, 404),
            anonymous=401,
            approver=(422, 404),
            chief=(422, 404),
            catalog_admin=404,
            admin=(422, 404),
        ),
        body={"problems": [{"material": "身份证明", "problem": "不清晰"}]},
    ),
    "POST /api/v1/cases/{case_no}/decide": Row(
        "POST",
        "api/v1/cases/{case_no}/decide",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={"outcome": "denied", "reason": "不符合条件"},
    ),
    "POST /api/v1/cases/{case_no}/deliver": Row(
        "POST",
        "api/v1/cases/{case_no}/deliver",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={"method": "window"},
    ),
    "POST /api/v1/cases/{case_no}/extend": Row(
        "POST",
        "api/v1/cases/{case_no}/extend",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={"days": 2, "reason": "需现场核查"},
    ),
    "POST /api/v1/cases/{case_no}/refuse": Row(
        "POST",
        "api/v1/cases/{case_no}/refuse",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={"reason": "不属于本机关职权范围"},
    ),
    "POST /api/v1/cases/{case_no}/reopen": Row(
        "POST",
        "api/v1/cases/{case_no}/reopen",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={"reason": "误驳回"},
    ),
    "POST /api/v1/cases/{case_no}/resume": Row(
        "POST",
        "api/v1/cases/{case_no}/resume",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={"reason": "评审结束"},
    ),
    "POST /api/v1/cases/{case_no}/start-review": Row(
        "POST",
        "api/v1/cases/{case_no}/start-review",
        E(
            (403, 404),
            anonymous=401,
            approver=(200, 404),
            chief=(200, 404),
            catalog_admin=404,
            admin=(200, 404),
        ),
        body={},
    ),
    "POST /api/v1/cases/{case_no}/steps/{step_id}/complete": Row(
        "POST",
        "api/v1/cases/{case_no}/steps/{step}/complete",
        E(
            (409, 404),
            anonymous=401,
            applicant=(403, 404),
            supervisor=(403, 404),
            catalog_admin=404,
        ),
        body={"opinion": "同意"},
    ),
    "POST /api/v1/cases/{case_no}/supply": Row(
        "POST",
        "api/v1/cases/{case_no}/supply",
        E((409, 404), anonymous=401, catalog_admin=404),
        body={"files": {}},
    ),
    "POST /api/v1/cases/{case_no}/suspend": Row(
        "POST",
        "api/v1/cases/{case_no}/suspend",
        E(
            (403, 404),
            anonymous=401,
            approver=(200, 404),
            chief=(200, 404),
            catalog_admin=404,
            admin=(200, 404),
        ),
        body={"procedure": "expert_review", "reason": "专家评审"},
    ),
    "POST /api/v1/cases/{case_no}/withdraw": Row(
        "POST",
        "api/v1/cases/{case_no}/withdraw",
        E((403, 404), anonymous=401, applicant=(200, 404), catalog_admin=404),
        body={"reason": "申请人撤回"},
    ),
    "POST /api/v1/licences/{identifier}/status": Row(
        "POST",
        "api/v1/licences/{licence}/status",
        E(
            (422, 404),
            anonymous=401,
            applicant=403,
            clerk=(403, 404),
            supervisor=(403, 404),
            catalog_admin=404,
        ),
        body={"status": "suspended", "reason": "核查"},
    ),
    # 好差评 (tests/evaluation): a missing rating, rectification or appeal id answers each
    # staff member 404, the scope of real ones is walked in tests/evaluation/test_pages.py
    "POST /api/v1/evaluation/cases/{case_no}/rating": Row(
        "POST",
        "api/v1/evaluation/cases/{case_no}/rating",
        E(403, anonymous=401, applicant=(409, 404)),
        body={"level": 5},
    ),
    "POST /api/v1/evaluation/ratings/{rating_id}/comment": Row(
        "POST",
        "api/v1/evaluation/ratings/999999/comment",
        E(403, anonymous=401, applicant=404),
        body={"text": "追评"},
    ),
    "POST /api/v1/evaluation/entries": Row(
        "POST",
        "api/v1/evaluation/entries",
        E(
            (403, 404),
            anonymous=401,
            applicant=403,
            clerk=(201, 404),
            supervisor=(201, 404),
            catalog_admin=404,
            admin=(201, 404),
        ),
        body={"channel": "hotline", "level": 5, "case_no": "{case_no}"},
    ),
    "POST /api/v1/evaluation/surveys": Row(
        "POST",
        "api/v1/evaluation/surveys",
        E(403, anonymous=401, supervisor=422, admin=422),
        body={"content_base64": "eA=="},
    ),
    "GET /api/v1/evaluation/ratings": Row(
        "GET", "api/v1/evaluation/ratings", E(200, anonymous=401, applicant=403)
    ),
    "GET /api/v1/evaluation/rectifications": Row(
        "GET", "api/v1/evaluation/rectifications", E(200, anonymous=401, applicant=403)
    ),
    "POST /api/v1/evaluation/rectifications/{rectification_id}/{step}": Row(
        "POST",
        "api/v1/evaluation/rectifications/999999/verify",
        E(404, anonymous=401, applicant=403),
        body={"note": "核实"},
    ),
    "POST /api/v1/evaluation/ratings/{rating_id}/appeal": Row(
        "POST",
        "api/v1/evaluation/ratings/999999/appeal",
        E(404, anonymous=401, applicant=403),
        body={"reason": "误评"},
    ),
    "POST /api/v1/evaluation/appeals/{appeal_id}/decision": Row(
        "POST",
        "api/v1/evaluation/appeals/999999/decision",
        E(404, anonymous=401, applicant=403),
        body={"upheld": True, "note": "成立"},
    ),
    "GET /api/v1/evaluation/satisfaction": Row(
        "GET",
        "api/v1/evaluation/satisfaction?region={region}&start=2026-01-01&end=2026-12-31",
        E(403, anonymous=401, supervisor=(200, 403), admin=(200, 403)),
    ),
    "GET /api/v1/evaluation/ranking": Row(
        "GET",
        "api/v1/evaluation/ranking?region={region}&month=2026-09",
        E(403, anonymous=401, supervisor=(200, 403), admin=(200, 403)),
    ),
    "console/": Row("GET", "console/", E(200, anonymous=302, applicant=403)),
    # the working-day calendar is the city administrator's alone: no county role edits it
    "console/calendar/": Row("GET", "console/calendar/", E(403, anonymous=302)),
    "console/calendar/day/": Row("POST", "console/calendar/day/", E(403, anonymous=302)),
    "console/calendar/import/": Row("POST", "console/calendar/import/", E(403, anonymous=302)),
    "console/cases/": Row("GET", "console/cases/", E(200, anonymous=302, applicant=403)),
    "console/cases/<str:case_no>/": Row(
        "GET",
        "console/cases/{case_no}/",
        E((200, 404), anonymous=302, applicant=403, catalog_admin=404),
    ),
    "console/cases/<str:case_no>/<str:action>/": Row(
        "POST",
        "console/cases/{case_no}/accept/",
        E((409, 404), anonymous=302, applicant=403, catalog_admin=404),
    ),
    "console/cases/<str:case_no>/materials/<int:material_id>/": Row(
        "GET",
        "console/cases/{case_no}/materials/{material}/",
        E((200, 404), anonymous=302, applicant=403, catalog_admin=404),
    ),
    "console/cases/<str:case_no>/notices/<int:notice_id>.pdf": Row(
        "GET",
        "console/cases/{case_no}/notices/{notice_id}.pdf",
        E((200, 404), anonymous=302, applicant=403, catalog_admin=404),
    ),
    "console/cases/<str:case_no>/written/<int:material_id>.pdf": Row(
        "GET",  # an uploaded material is not one the platform wrote: 404 inside the scope too
        "console/cases/{case_no}/written/{material}.pdf",
        E(404, anonymous=302, applicant=403),
    ),
    "console/cases/<str:case_no>/receipt/": Row(
        "GET",
        "console/cases/{case_no}/receipt/",
        E((200, 404), anonymous=302, applicant=403, catalog_admin=404),
    ),
    "console/cases/new/": Row(
        "GET", "console/cases/new/", E(403, anonymous=302, clerk=200, admin=200)
    ),
    "console/register/": Row(
        "GET", "console/register/", E(403, anonymous=302, clerk=200, admin=200)
    ),
    "console/catalog/": Row(
        "GET", "console/catalog/", E(403, anonymous=302, catalog_admin=200, admin=200)
    ),
    "console/catalog/audit/": Row(
        "GET",
        "console/catalog/audit/",
        E(403, anonymous=302, supervisor=200, catalog_admin=200, admin=200),
    ),
    "console/catalog/export.<str:fmt>": Row(
        "GET", "console/catalog/export.xlsx", E(403, anonymous=302, catalog_admin=200, admin=200)
    ),
    "console/catalog/items/<str:code>/": Row(
        "GET",
        "console/catalog/items/{item}/",
        E(403, anonymous=302, catalog_admin=(200, 403), admin=(200, 403)),
    ),
    "console/catalog/items/<str:code>/draft/": Row(
        "POST",
        "console/catalog/items/{item}/draft/",
        E(403, anonymous=302, catalog_admin=(302, 403), admin=(302, 403)),
    ),
    "console/catalog/items/<str:code>/end/": Row(
        "POST",
        "console/catalog/items/{item}/end/",
        E(403, anonymous=302, catalog_admin=(302, 403), admin=(302, 403)),
    ),
    # 进驻 register: the catalog admins (and admins) of the county asked
    "console/catalog/halls/": Row(
        "GET",
        "console/catalog/halls/?region={region}",
        E(403, anonymous=302, catalog_admin=(200, 403), admin=(200, 403)),
    ),
    "console/catalog/halls/<int:hall_id>/": Row(
        "POST",
        "console/catalog/halls/{hall}/",
        E(403, anonymous=302, catalog_admin=(302, 403), admin=(302, 403)),
    ),
    "console/catalog/new/": Row(
        "GET", "console/catalog/new/", E(403, anonymous=302, catalog_admin=200, admin=200)
    ),
    "console/catalog/stats/": Row(
        "GET",
        "console/catalog/stats/",
        E(403, anonymous=302, supervisor=200, catalog_admin=200, admin=200),
    ),
    "console/catalog/transfer/": Row(
        "GET", "console/catalog/transfer/", E(403, anonymous=302, catalog_admin=200, admin=200)
    ),
    "console/catalog/versions/<int:version_id>/discard/": Row(
        "POST",
        "console/catalog/versions/{version}/discard/",
        E(403, anonymous=302, catalog_admin=(409, 403), admin=(409, 403)),
    ),
    "console/catalog/versions/<int:version_id>/edit/": Row(
        "GET",
        "console/catalog/versions/{version}/edit/",
        E(403, anonymous=302, catalog_admin=(409, 403), admin=(409, 403)),
    ),
    "console/catalog/versions/<int:version_id>/file/": Row(
        "POST",
        "console/catalog/versions/{version}/file/",
        E(403, anonymous=302, catalog_admin=(422, 403), admin=(422, 403)),
    ),
    "console/catalog/versions/<int:version_id>/preview/": Row(
        "GET",
        "console/catalog/versions/{version}/preview/",
        E(403, anonymous=302, catalog_admin=(200, 403), admin=(200, 403)),
    ),
    "console/catalog/versions/<int:version_id>/publish/": Row(
        "POST",
        "console/catalog/versions/{version}/publish/",
        E(403, anonymous=302, catalog_admin=(409, 403), admin=(409, 403)),
    ),
    # 好差评 pages: the supervisor's region, the department's rectifications (scoped lists;
    # a missing id answers 404), staff entry, the survey import, window duty
    "console/evaluation/": Row(
        "GET",
        "console/evaluation/?region={region}",
        E(403, anonymous=302, supervisor=(200, 403), admin=(200, 403)),
    ),
    "console/evaluation/rectifications/": Row(
        "GET", "console/evaluation/rectifications/", E(200, anonymous=302, applicant=403)
    ),
    "console/evaluation/rectifications/<int:pk>/": Row(
        "GET",
        "console/evaluation/rectifications/999999/",
        E(404, anonymous=302, applicant=403),
    ),
    "console/evaluation/rectifications/<int:pk>/step/": Row(
        "POST",
        "console/evaluation/rectifications/999999/step/",
        E(404, anonymous=302, applicant=403),
    ),
    "console/evaluation/rectifications/<int:pk>/appeal/": Row(
        "POST",
        "console/evaluation/rectifications/999999/appeal/",
        E(404, anonymous=302, applicant=403),
    ),
    "console/evaluation/appeals/": Row(
        "GET", "console/evaluation/appeals/", E(200, anonymous=302, applicant=403)
    ),
    "console/evaluation/appeals/<int:pk>/decide/": Row(
        "POST",
        "console/evaluation/appeals/999999/decide/",
        E(404, anonymous=302, applicant=403),
    ),
    "console/evaluation/entry/": Row(
        "GET",
        "console/evaluation/entry/",
        E(403, anonymous=302, clerk=200, supervisor=200, admin=200),
    ),
    "console/evaluation/survey/": Row(
        "GET", "console/evaluation/survey/", E(403, anonymous=302, supervisor=200, admin=200)
    ),
    "console/evaluation/windows/": Row(
        "GET",
        "console/evaluation/windows/",
        E(200, anonymous=302, applicant=403, supervisor=403, catalog_admin=403),
    ),
    "console/evaluation/windows/<int:pk>/": Row(
        "POST",
        "console/evaluation/windows/999999/",
        E(404, anonymous=302, applicant=403),
    ),
    "console/kiosks/": Row("GET", "console/kiosks/", E(403, anonymous=302, admin=200)),
    "console/kiosks/<slug:code>/enrolment/": Row(
        "POST", "console/kiosks/{kiosk}/enrolment/", E(403, anonymous=302, admin=(200, 403))
    ),
    "console/kiosks/<slug:code>/devices/": Row(
        "POST", "console/kiosks/{kiosk}/devices/", E(403, anonymous=302, admin=(422, 403))
    ),
    "console/kiosks/<slug:code>/switch/": Row(
        "POST", "console/kiosks/{kiosk}/switch/", E(403, anonymous=302, admin=(302, 403))
    ),
    # 视窗服务: the clerks and chiefs of the terminal's region, and admins
    "console/video/": Row("GET", "console/video/", E(200, anonymous=302, applicant=403)),
    "console/video/<str:call_id>/": Row("GET", "console/video/{call}/", VIDEO(200)),
    "console/video/<str:call_id>/answer/": Row("POST", "console/video/{call}/answer/", VIDEO(200)),
    "console/video/<str:call_id>/signal/": Row("POST", "console/video/{call}/signal/", VIDEO(422)),
    "console/video/<str:call_id>/signals/": Row("GET", "console/video/{call}/signals/", VIDEO(200)),
    "console/video/<str:call_id>/push/": Row("POST", "console/video/{call}/push/", VIDEO(422)),
    "console/kiosks/new/": Row("POST", "console/kiosks/new/", E(403, anonymous=302, admin=422)),
    "console/licences/": Row(
        "GET",
        "console/licences/?q={licence}",
        E((200, 404), anonymous=302, applicant=403, catalog_admin=404),
    ),
}

# 双随机一公开 and 招标投标投诉: a department's managers (approver, chief; an admin of the
# region) run them, a supervisor reads them; a plan or complaint of the other county is not there
MANAGERS = ("approver", "chief", "admin")


def _inspections(default, ok: int, **cells) -> dict:
    managed = {role: (ok, 404) for role in MANAGERS}
    return E(default, **{**managed, **cells})


ROWS |= {
    "console/inspections/": Row(
        "GET", "console/inspections/", E(200, anonymous=302, applicant=403)
    ),
    "console/inspections/new/": Row(
        "POST", "console/inspections/new/", E(422, anonymous=302, applicant=403)
    ),
    "console/inspections/plans/<str:code>/": Row(
        "GET",
        "console/inspections/plans/{plan}/",
        _inspections(404, 200, anonymous=302, applicant=403, supervisor=(200, 404)),
    ),
    "console/inspections/plans/<str:code>/<str:action>/": Row(
        "POST",
        "console/inspections/plans/{plan}/publish/",
        _inspections(404, 302, anonymous=302, applicant=403, supervisor=(403, 404)),
    ),
    "console/complaints/": Row("GET", "console/complaints/", E(200, anonymous=302, applicant=403)),
    "console/complaints/new/": Row(
        "POST", "console/complaints/new/", E(404, anonymous=302, applicant=403)
    ),
    "console/complaints/<str:number>/": Row(
        "GET",
        "console/complaints/{complaint}/",
        _inspections(404, 200, anonymous=302, applicant=403, supervisor=(200, 404)),
    ),
    "console/complaints/<str:number>/<str:action>/": Row(
        "POST",
        "console/complaints/{complaint}/accept/",
        _inspections(404, 302, anonymous=302, applicant=403, supervisor=(403, 404)),
    ),
    # the registers: a department's managers keep them, a supervisor only reads them
    "console/inspections/registers/": Row(
        "GET", "console/inspections/registers/", E(200, anonymous=302, applicant=403)
    ),
    "console/inspections/registers/new/<str:kind>/": Row(
        "POST", "console/inspections/registers/new/item/", E(422, anonymous=302, applicant=403)
    ),
    "console/inspections/registers/items/<str:code>/<str:action>/": Row(
        "POST",
        "console/inspections/registers/items/{plan_item}/retire/",
        _inspections(404, 302, anonymous=302, applicant=403, supervisor=(403, 404)),
    ),
    "console/inspections/registers/inspectors/<str:cert_no>/<str:action>/": Row(
        "POST",
        "console/inspections/registers/inspectors/{cert}/deactivate/",
        _inspections(404, 302, anonymous=302, applicant=403, supervisor=(403, 404)),
    ),
    "console/inspections/registers/avoidances/new/": Row(
        "POST",
        "console/inspections/registers/avoidances/new/",
        E(404, anonymous=302, applicant=403),
    ),
    "console/inspections/registers/avoidances/<int:avoidance_id>/end/": Row(
        "POST",
        "console/inspections/registers/avoidances/{avoidance}/end/",
        _inspections(404, 302, anonymous=302, applicant=403, supervisor=(403, 404)),
    ),
    "console/tenders/": Row("GET", "console/tenders/", E(200, anonymous=302, applicant=403)),
    "console/tenders/new/": Row(
        "POST", "console/tenders/new/", E(422, anonymous=302, applicant=403)
    ),
    "console/tenders/<str:code>/<str:action>/": Row(
        "POST",
        "console/tenders/{project}/bidder/",
        _inspections(404, 422, anonymous=302, applicant=403, supervisor=(403, 404)),
    ),
    "console/complaints/<str:number>/evidence/<int:evidence_id>/": Row(
        "GET",
        "console/complaints/{complaint}/evidence/999999/",
        E(404, anonymous=302, applicant=403),
    ),
    "GET /api/v1/inspections/items": Row("GET", "api/v1/inspections/items", E(200, anonymous=401)),
    "POST /api/v1/inspections/items": Row(
        "POST",
        "api/v1/inspections/items",
        E(403, anonymous=401, approver=(201, 403), chief=(201, 403), admin=(201, 403)),
        body={"department": "{department}", "code": "NEW-1", "name": "检查", "legal_basis": "法"},
    ),
    "POST /api/v1/inspections/items/{code}": Row(
        "POST",
        "api/v1/inspections/items/{plan_item}",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={"name": "检查", "legal_basis": "依据"},
    ),
    "POST /api/v1/inspections/items/{code}/retire": Row(
        "POST",
        "api/v1/inspections/items/{plan_item}/retire",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={},
    ),
    "GET /api/v1/inspections/inspectors": Row(
        "GET", "api/v1/inspections/inspectors", E(200, anonymous=401)
    ),
    "POST /api/v1/inspections/inspectors": Row(
        "POST",
        "api/v1/inspections/inspectors",
        E(403, anonymous=401, approver=(201, 403), chief=(201, 403), admin=(201, 403)),
        body={"department": "{department}", "username": "{spare}", "cert_no": "{spare_cert}"},
    ),
    "POST /api/v1/inspections/inspectors/{cert_no}/deactivate": Row(
        "POST",
        "api/v1/inspections/inspectors/{cert}/deactivate",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={},
    ),
    "GET /api/v1/inspections/avoidances": Row(
        "GET", "api/v1/inspections/avoidances", E(200, anonymous=401)
    ),
    "POST /api/v1/inspections/avoidances": Row(
        "POST",
        "api/v1/inspections/avoidances",
        _inspections(404, 201, anonymous=401, supervisor=(403, 404)),
        body={"cert_no": "{cert}", "uscc": "{object}", "reason": "亲属"},
    ),
    "POST /api/v1/inspections/avoidances/{avoidance_id}/end": Row(
        "POST",
        "api/v1/inspections/avoidances/{avoidance}/end",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={},
    ),
    "GET /api/v1/inspections/projects": Row(
        "GET", "api/v1/inspections/projects", E(200, anonymous=401)
    ),
    "POST /api/v1/inspections/projects": Row(
        "POST",
        "api/v1/inspections/projects",
        E(403, anonymous=401, approver=(201, 403), chief=(201, 403), admin=(201, 403)),
        body={"department": "{department}", "code": "ZB-NEW", "name": "工程"},
    ),
    "POST /api/v1/inspections/projects/{code}/announcements": Row(
        "POST",
        "api/v1/inspections/projects/{project}/announcements",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={"kind": "tender_notice", "published_on": "{notice_on}"},
    ),
    "POST /api/v1/inspections/projects/{code}/bidders": Row(
        "POST",
        "api/v1/inspections/projects/{project}/bidders",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={"uscc": "{object}"},
    ),
    "GET /api/v1/inspections/plans": Row("GET", "api/v1/inspections/plans", E(200, anonymous=401)),
    "POST /api/v1/inspections/plans": Row(
        "POST",
        "api/v1/inspections/plans",
        E(403, anonymous=401, approver=(201, 403), chief=(201, 403), admin=(201, 403)),
        body={
            "department": "{department}",
            "title": "抽查",
            "items": ["{plan_item}"],
            "sample_count": 2,
            "start_date": "2026-12-01",
            "end_date": "2026-12-31",
        },
    ),
    "POST /api/v1/inspections/plans/{code}": Row(
        "POST",
        "api/v1/inspections/plans/{plan}",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={
            "department": "{department}",
            "title": "抽查（修改）",
            "items": ["{plan_item}"],
            "sample_count": 3,
            "start_date": "2026-12-01",
            "end_date": "2026-12-31",
        },
    ),
    "POST /api/v1/inspections/plans/{code}/publish": Row(
        "POST",
        "api/v1/inspections/plans/{plan}/publish",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={},
    ),
    "POST /api/v1/inspections/plans/{code}/draw": Row(
        "POST",
        "api/v1/inspections/plans/{plan}/draw",
        _inspections(404, 409, anonymous=401, supervisor=(403, 404)),
        body={},
    ),
    "POST /api/v1/inspections/plans/{code}/results/{position}": Row(
        "POST",
        "api/v1/inspections/plans/{plan}/results/1",
        E(404, anonymous=401),
        body={"finding": "qualified", "inspected_on": "2026-12-01"},
    ),
    "GET /api/v1/inspections/complaints": Row(
        "GET", "api/v1/inspections/complaints", E(200, anonymous=401)
    ),
    "POST /api/v1/inspections/complaints": Row(
        "POST",
        "api/v1/inspections/complaints",
        _inspections(404, 201, anonymous=401, supervisor=(403, 404)),
        body={
            "project": "{project}",
            "complainant": "{bidder}",
            "about": "candidates",
            "known_on": "{known_on}",
            "grounds": "评标不公",
        },
    ),
    "POST /api/v1/inspections/complaints/{number}/{action}": Row(
        "POST",
        "api/v1/inspections/complaints/{complaint}/accept",
        _inspections(404, 200, anonymous=401, supervisor=(403, 404)),
        body={},
    ),
}

# 叫号: the clerks (and administrators) of the window's hall (a general window: no department)
CLERK_AT_WINDOW = E(403, anonymous=302, clerk=(200, 403), admin=(200, 403))
ROWS |= {
    "console/queue/": Row("GET", "console/queue/", E(200, anonymous=302, applicant=403)),
    "console/queue/<int:window_id>/": Row("GET", "console/queue/{window}/", CLERK_AT_WINDOW),
    "console/queue/<int:window_id>/waiting/": Row(
        "GET", "console/queue/{window}/waiting/", CLERK_AT_WINDOW
    ),
    "console/queue/<int:window_id>/<str:action>/": Row(
        "POST",
        "console/queue/{window}/next/",
        E(403, anonymous=302, clerk=(409, 403), admin=(409, 403)),
    ),
    "GET /api/v1/appointments/bookings": Row(
        "GET", "api/v1/appointments/bookings", E(403, anonymous=401, applicant=200)
    ),
    "POST /api/v1/appointments/bookings": Row(
        "POST",
        "api/v1/appointments/bookings",
        E(403, anonymous=401, applicant=422),  # a day in the past
        body={"hall": "{hall}", "item": "{item}", "day": "2020-01-06", "start": "09:00"},
    ),
    "POST /api/v1/appointments/bookings/{booking_id}/cancel": Row(
        "POST",
        "api/v1/appointments/bookings/999999/cancel",
        E(403, anonymous=401, applicant=404),
        body={},
    ),
    "POST /api/v1/appointments/halls/{hall_id}/tickets": Row(
        "POST",
        "api/v1/appointments/halls/{hall}/tickets",
        E(422, anonymous=401),  # anyone signed in may take a number; neither line nor code
        body={},
    ),
    "POST /api/v1/appointments/windows/{window_id}/{action}": Row(
        "POST",
        "api/v1/appointments/windows/{window}/next",
        E(403, anonymous=401, clerk=(409, 403), admin=(409, 403)),
        body={},
    ),
}


# 字段库 (the city's one form fields), 帮办代办 (a village station's or town centre's helpers),
# 缴费 (orders in the staff member's scope; 对账 for the city only): no such object answers 404
def STAFF_ONLY(staff: int) -> dict:
    return E(staff, anonymous=302, applicant=403)


def CATALOG(ok: int) -> dict:
    return E(403, anonymous=302, catalog_admin=ok, admin=ok)


def HELPERS(ok: int) -> dict:
    """帮办代办 is window work: a clerk (a station's, a centre's) or an administrator."""
    return E(403, anonymous=302, clerk=ok, admin=ok)


ROWS |= {
    "console/catalog/fields/": Row("GET", "console/catalog/fields/", CATALOG(200)),
    "console/catalog/fields/<slug:key>/": Row(
        "GET", "console/catalog/fields/no-such-field/", CATALOG(404)
    ),
    "console/daiban/": Row("GET", "console/daiban/", HELPERS(200)),
    "console/daiban/counts/": Row("GET", "console/daiban/counts/", STAFF_ONLY(200)),
    "console/daiban/<int:pk>/": Row("GET", "console/daiban/999999/", HELPERS(404)),
    "console/daiban/<int:pk>/document.pdf": Row(
        "GET", "console/daiban/999999/document.pdf", HELPERS(404)
    ),
    "console/daiban/<int:pk>/<slug:action>/": Row(
        "POST", "console/daiban/999999/confirm/", HELPERS(404)
    ),
    "console/payments/": Row("GET", "console/payments/", STAFF_ONLY(200)),
    "console/payments/<str:order_no>/": Row(
        "GET", "console/payments/NO-SUCH-ORDER/", STAFF_ONLY(404)
    ),
    "console/payments/<str:order_no>/refund/": Row(
        "POST", "console/payments/NO-SUCH-ORDER/refund/", STAFF_ONLY(404)
    ),
    "console/payments/reconciliations/": Row(
        "GET", "console/payments/reconciliations/", STAFF_ONLY(403)
    ),
    "console/payments/reconciliations/<int:pk>/": Row(
        "GET", "console/payments/reconciliations/999999/", STAFF_ONLY(403)
    ),
}

# Pages and operations that are not staff-facing, and the tests that cover who sees them.
PUBLIC: dict[str, str] = {
    "care/": "tests/portal/test_care.py",
    # the citizen's website: public pages, and an applicant's own cases, licences and proofs
    "": "tests/portal/test_pages.py",
    "healthz": "tests/portal/test_pages.py",
    "figures/": "tests/portal/test_pages.py",
    "open-data/": "tests/supervision/test_pages.py",
    "favicon.ico": "tests/portal/test_pages.py",
    "progress/": "tests/cases (the anonymous progress lookup: a case number and four characters)",
    "login/": "tests/accounts/test_accounts.py",
    "register/": "tests/exchange/test_registration.py (实名注册: anyone, checked by 公安)",
    "login/captcha.png": "tests/accounts (the SMS login's CAPTCHA)",
    "login/captcha.wav": "tests/accounts (the SMS login's CAPTCHA)",
    "logout/": "tests/accounts/test_accounts.py",
    "console/login/": "tests/accounts/test_accounts.py (the staff sign-in form)",
    "i18n/setlang/": "tests/portal/test_english.py",
    "apply/": "tests/cases (online application)",
    "cases/": "tests/cases (my cases: the applicant's own only)",
    "organizations/": "tests/exchange/test_organizations.py (a person's own companies and agents)",
    "organizations/act/": "tests/exchange/test_organizations.py (only under a mandate in force)",
    "complaints/": "tests/inspections/test_portal_complaints.py (a bidder's own, acting for it)",
    "cases/<str:case_no>/": "tests/cases",
    "cases/<str:case_no>/notices/<int:notice_id>.pdf": "tests/cases",
    "cases/<str:case_no>/progress/": "tests/cases",
    "cases/<str:case_no>/receipt.pdf": "tests/cases",
    "cases/<str:case_no>/written/<int:material_id>.pdf": "tests/cases/test_one_form.py",
    "cases/<str:case_no>/supply/": "tests/cases",
    "cases/<str:case_no>/withdraw/": "tests/cases",
    "catalog/": "tests/catalog/test_guides.py",
    "catalog/bundles/": "tests/catalog/test_guides.py",
    "catalog/bundles/<slug:code>/": "tests/catalog/test_guides.py",
    "catalog/bundles/<slug:code>/guide.pdf": "tests/catalog/test_guides.py",
    "catalog/items/<str:code>/": "tests/catalog/test_guides.py",
    "catalog/items/<str:code>/guide.pdf": "tests/catalog/test_guides.py",
    "catalog/versions/<int:version_id>/materials/<int:position>/<str:kind>": "tests/catalog",
    "search/": "tests/guidance/test_search.py",
    "search/results/": "tests/guidance/test_search.py",
    "ledger/": "tests/ledger/test_api.py (public lookup, persons hidden)",
    "verify/licences/<str:identifier>/": "tests/licences/test_licences.py",
    "verify/proofs/<str:number>/": "tests/licences/test_proofs.py",
    "my/licences/": "tests/licences (the holder's own)",
    "my/licences/<str:identifier>/": "tests/licences",
    "my/licences/<str:identifier>/pdf": "tests/licences",
    "my/proofs/": "tests/licences/test_proofs.py",
    "my/proofs/<str:number>/pdf": "tests/licences/test_proofs.py",
    "cases/<str:case_no>/pay/": "tests/payments/test_pages.py (the applicant's own case)",
    "pay/": "tests/payments/test_pages.py",
    "pay/utility/": "tests/payments/test_pages.py",
    "pay/pension/": "tests/payments/test_pages.py",
    "my/payments/": "tests/payments/test_pages.py (the payer's own)",
    "my/payments/<str:order_no>/": "tests/payments/test_pages.py (others: 404)",
    "my/payments/<str:order_no>/status/": "tests/payments/test_pages.py (others: 404)",
    "my/payments/<str:order_no>/cancel/": "tests/payments/test_pages.py (others: 404)",
    "my/payments/<str:order_no>/receipt.pdf": "tests/payments/test_pages.py (others: 404)",
    "verify/receipts/<str:number>/": "tests/payments/test_pages.py (public, masked)",
    "apply/prefill/": "tests/cases/test_shared_prefill.py (the applicant's own consent)",
    "cases/<str:case_no>/sign/": "tests/cases/test_sign_online.py (the applicant's own case)",
    "cases/<str:case_no>/sign/code/": "tests/cases/test_sign_online.py (the applicant's own)",
    "commissions/": "tests/cases/test_daiban_pages.py (the resident's own 委托书)",
    "my/queries/": "tests/licences",
    "my/notices/": "tests/portal (an applicant's own 站内消息)",
    "cases/<str:case_no>/rate/": "tests/evaluation/test_pages.py (the applicant's own case)",
    "rate/<str:token>/": "tests/evaluation/test_pages.py (the SMS link: its token is the key)",
    "evaluation/": "tests/evaluation/test_pages.py (评价公开, masked)",
    "appointments/": "tests/appointments/test_pages.py (the applicant's own bookings)",
    "appointments/new/": "tests/appointments/test_pages.py",
    "appointments/<int:booking_id>/": "tests/appointments/test_pages.py",
    "appointments/<int:booking_id>/cancel/": "tests/appointments/test_pages.py",
    # the terminals: each page knows only its own session (and the test below)
    "kiosk/search/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/search/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/apply/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/apply/<str:item_code>/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/cases/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/cases/<str:case_no>/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/cases/<str:case_no>/receipt.pdf": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/enrol/": "tests/kiosk/test_enrolment.py",
    "kiosk/<slug:code>/exit/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/identify/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/register/": "tests/kiosk/test_register.py (实名注册 at the terminal)",
    "kiosk/<slug:code>/identify/card/": "tests/kiosk/test_devices.py",
    "kiosk/<slug:code>/progress/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/region/": "tests/kiosk/test_tongban.py",
    "kiosk/<slug:code>/bundles/": "tests/kiosk/test_bundles.py",
    "kiosk/<slug:code>/bundles/<slug:bundle_code>/": "tests/kiosk/test_bundles.py",
    "kiosk/<slug:code>/video/": "tests/kiosk/test_video.py",
    "kiosk/<slug:code>/video/start/": "tests/kiosk/test_video.py",
    "kiosk/<slug:code>/video/<str:call_id>/signal/": "tests/kiosk/test_video.py",
    "kiosk/<slug:code>/video/<str:call_id>/signals/": "tests/kiosk/test_video.py",
    "kiosk/<slug:code>/video/<str:call_id>/pushed/<int:signal_id>/": "tests/kiosk/test_video.py",
    "kiosk/<slug:code>/proofs/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/proofs/<str:number>.pdf": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/proofs/<str:number>/": "tests/kiosk/test_kiosk.py",
    "kiosk/<slug:code>/rate/": "tests/evaluation/test_pages.py",
    "kiosk/<slug:code>/pad/": "tests/evaluation/test_pages.py (the window's 评价器)",
    "kiosk/<slug:code>/queue/": "tests/appointments/test_pages.py (取号)",
    "kiosk/<slug:code>/queue/<int:ticket_id>/": "tests/appointments/test_pages.py",
    "kiosk/<slug:code>/screen/": "tests/appointments/test_pages.py (叫号大屏)",
    "kiosk/<slug:code>/screen/live/": "tests/appointments/test_pages.py",
    "kiosk/<slug:code>/book/": "tests/kiosk/test_booking.py (the identified person's own)",
    "kiosk/<slug:code>/book/<int:booking_id>/": "tests/kiosk/test_booking.py (others: 404)",
    "kiosk/<slug:code>/organizations/": "tests/kiosk/test_agent.py (under a mandate in force)",
    "kiosk/<slug:code>/pay/": "tests/kiosk/test_pay.py",
    "kiosk/<slug:code>/pay/utility/": "tests/kiosk/test_pay.py",
    "kiosk/<slug:code>/pay/pension/": "tests/kiosk/test_pay.py",
    "kiosk/<slug:code>/pay/cases/<str:case_no>/": "tests/kiosk/test_pay.py (the person's own)",
    "kiosk/<slug:code>/pay/orders/<str:order_no>/": "tests/kiosk/test_pay.py (others: 404)",
    "kiosk/<slug:code>/pay/orders/<str:order_no>/receipt.pdf": "tests/kiosk/test_pay.py",
    # the open API: the catalog, search, regions and the working-day calendar, verification
    "GET /api/v1/catalog/bundles": "tests/catalog/test_api.py",
    "GET /api/v1/catalog/bundles/{code}": "tests/catalog/test_api.py",
    "GET /api/v1/catalog/items": "tests/catalog/test_api.py",
    "GET /api/v1/catalog/items/{code}": "tests/catalog/test_api.py",
    "GET /api/v1/catalog/stats": "tests/catalog/test_api.py",
    "GET /api/v1/guidance/search": "tests/guidance/test_search.py",
    "GET /api/v1/supervision/public": "tests/supervision/test_pages.py",
    "GET /api/v1/regions/workdays/add": "tests/regions/test_regions.py",
    "GET /api/v1/regions/workdays/between": "tests/regions/test_regions.py",
    "GET /api/v1/regions/{code}": "tests/regions/test_regions.py",
    "GET /api/v1/regions/{code}/children": "tests/regions/test_regions.py",
    "GET /api/v1/licences/exemptions/bundles/{code}": "tests/licences/test_exemption.py",
    "GET /api/v1/licences/exemptions/items/{code}": "tests/licences/test_exemption.py",
    "GET /api/v1/licences/verify/{identifier}": "tests/licences/test_api.py",
    # the transparency log: public by design (bodies of entries about persons redacted)
    "GET /api/v1/ledger/checkpoint": "tests/ledger/test_api.py",
    "GET /api/v1/ledger/checkpoints/{size}": "tests/ledger/test_api.py",
    "GET /api/v1/ledger/entries/{index}": "tests/ledger/test_api.py (redacted for the public)",
    "GET /api/v1/ledger/key": "tests/ledger/test_api.py",
    "GET /api/v1/ledger/proofs/consistency": "tests/ledger/test_api.py",
    "GET /api/v1/ledger/proofs/inclusion": "tests/ledger/test_api.py",
    "GET /api/v1/ledger/witness": "tests/ledger/test_api.py",
    "POST /api/v1/ledger/witness/cosignatures": "tests/ledger/test_api.py",
    # payments: the platforms' notifications, answered only when their signature verifies
    "POST /api/v1/payments/notify/{provider}": "tests/payments/test_callbacks.py",
    # 好差评: the SMS link (its token is the key) and the public figures (评价公开)
    "POST /api/v1/evaluation/invitations/{token}/rating": "tests/evaluation/test_api.py",
    "GET /api/v1/evaluation/public": "tests/evaluation/test_api.py",
    # 预约取号: the halls, their free half hours and the hall screen (numbers only)
    "GET /api/v1/appointments/halls": "tests/appointments/test_api.py",
    "GET /api/v1/appointments/halls/{hall_id}/slots": "tests/appointments/test_api.py",
    "GET /api/v1/appointments/halls/{hall_id}/board": "tests/appointments/test_api.py",
    # 双随机一公开: plans, draws, results and complaint decisions are public by law
    "inspections/": "tests/inspections/test_complaints.py",
    "inspections/plans/<str:code>/": "tests/inspections/test_plans.py",
    "inspections/plans/<str:code>/verify/": "tests/inspections/test_plans.py",
    "GET /api/v1/inspections/public/plans": "tests/inspections/test_plans.py",
    "GET /api/v1/inspections/public/plans/{code}/bundle": "tests/inspections/test_plans.py",
    "GET /api/v1/inspections/public/decisions": "tests/inspections/test_complaints.py",
}


def _routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if not route.startswith(("admin/", "api/")):
                    walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.add(route)

    walk(get_resolver().url_patterns, "")
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            found.add(f"{method.upper()} {path}")
    return found


def test_every_endpoint_has_a_row():
    routes = _routes()
    assert sorted(routes - set(ROWS) - set(PUBLIC)) == []
    assert sorted((set(ROWS) | set(PUBLIC)) - routes) == []


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> dict[str, dict[str, str]]:
    """In each county: an accepted case (extended, so it has a notice), its applicant (a
    resident), a licence, the 个体工商户设立登记 item and its version, and a kiosk. The case's
    uploads are stored when its transaction commits, as in the running platform."""
    demo_licences.seed_types()
    for username, role, region in MADE:
        grant_role(
            create_staff(username=username, name=username, password="Xianning-2026"),
            role,
            Region.objects.get(code=region),
        )
    objects = {}
    for county, region in COUNTIES.items():
        resident = (
            Applicant.objects.filter(kind=ApplicantKind.PERSON, region__code__startswith=region[:6])
            .order_by("pk")
            .first()
        )
        with django_capture_on_commit_callbacks(execute=True):
            case = window_case(region=region, clerk=STAFF["clerk"][county], applicant=resident)
        cases.accept(case, staff(STAFF["clerk"][county]))
        cases.extend(case, staff(STAFF["chief"][county]), days=2, reason="需现场核查")
        notice = Notice.objects.filter(case=case).latest("pk")
        step = case.steps.order_by("position").first()
        service_item = item(GETIHU, region)
        licence = issue_licence(
            licence_type_code=BUSINESS,
            holder=case.applicant,
            fields=dict(LICENCE_FIELDS),
            issuer_department=Department.objects.get(region_id=region, dept_type="market"),
            actor="system",
        )
        objects[county] = {
            "case_no": case.case_no,
            "notice_id": str(notice.pk),
            "step": str(step.pk if step else 0),
            "material": str(case.materials.filter(upload__isnull=False).earliest("pk").pk),
            "applicant": str(case.applicant_id),
            "id_number": case.applicant.identifier,
            "region": region,
            "item": service_item.code,
            "version": str(catalog.current_version(service_item).pk),
            "kiosk": KIOSKS[county],
            "call": kiosk_services.start_call(Kiosk.objects.get(code=KIOSKS[county])).call_id,
            "licence": licence.identifier,
        }
    for county, region in COUNTIES.items():
        objects[county] |= inspection_world(region[:6])
        hall = ServiceHall.objects.filter(region_id=region).order_by("pk").first()
        open_queue(hall, actor="test")
        window = Window.objects.filter(hall=hall, is_general=True).order_by("number").first()
        objects[county] |= {"window": str(window.pk), "hall": str(hall.pk)}
    return objects


LICENCE_FIELDS = {
    "name": "天城镇示例小吃店",
    "type": "个体工商户",
    "legal_representative": "经营者本人",
    "registered_capital": "5万元",
    "founded_on": "2026-09-28",
    "address": "天城镇城关街1号",
    "scope": "餐饮服务",
}


def _client(role: str, county: str, world: dict) -> Client:
    client = Client()
    if role == "applicant":
        applicant = Applicant.objects.get(pk=world[county]["applicant"])
        client.force_login(ensure_applicant_user(applicant))
    elif role != "anonymous":
        client.force_login(User.objects.get(username=STAFF[role][county]))
    return client


def _fill(value: Any, objects: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: objects[m.group(1)], value)
    if isinstance(value, dict):
        return {k: _fill(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, objects) for v in value]
    return value


def _ask(client: Client, row: Row, objects: dict[str, str]) -> int:
    path = "/" + _fill(row.path, objects).lstrip("/")
    if row.method == "GET":
        return client.get(path).status_code
    with transaction.atomic():
        if row.body is None:
            status = client.post(path, {}).status_code
        else:
            body = json.dumps(_fill(row.body, objects))
            status = client.post(path, body, content_type="application/json").status_code
        transaction.set_rollback(True)
    return status


@pytest.mark.parametrize("name", sorted(ROWS))
def test_matrix(world, name):
    row = ROWS[name]
    found, wanted = {}, {}
    for role in ROLES:
        expected = row.expect[role]
        same, other = expected if isinstance(expected, tuple) else (expected, expected)
        for county in COUNTIES:
            client = _client(role, county, world)
            for target in COUNTIES:
                key = (role, county, target)
                wanted[key] = same if target == county else other
                found[key] = _ask(client, row, world[target])
    wrong = {k: (found[k], wanted[k]) for k in found if found[k] != wanted[k]}
    assert wrong == {}, f"{name}: (role, asker's county, object's county): (got, expected)"


# And beyond the staff-facing cells: no page or API read answers any demo role with a
# server error, and the terminal's pages never lead to the console or the admin.
USERS = [
    None,
    "admin",
    "catalog.chongyang",
    "supervisor.chongyang",
    "clerk.chongyang",
    "approver.tongshan.market",
    "chief.chongyang.market",
    "clerk.tiancheng",
]
SAMPLES = {"code": "421223", "region": "421223", "index": "0", "size": "1"}
KIOSK = "CY-ZWZX-01"  # a demo terminal: every kiosk page is addressed by one


def _sample(path: str) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return SAMPLES.get(name, "1")

    return re.sub(r"\{([^}]+)\}", value, path)


def _api_paths() -> list[tuple[str, bool]]:
    schema = Client().get("/api/v1/openapi.json").json()
    found = []
    for path, operations in schema["paths"].items():
        if "get" in operations:
            secured = bool(operations["get"].get("security"))
            found.append((_sample(path), secured))
    return sorted(found)


def _page_paths() -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("admin/", "api/")):
                    continue
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<" not in route and "(" not in route:
                found.append("/" + prefix + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def _signed_in(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", USERS)
def test_api_gets_never_fail(username):
    client = _signed_in(username)
    for path, secured in _api_paths():
        response = client.get(path)
        assert response.status_code < 500, (username, path, response.content[:300])
        if username is None and secured:
            assert response.status_code in (401, 403, 404), (path, response.status_code)


def _kiosk_paths() -> list[str]:
    """Every kiosk page at a demo terminal, other arguments filled with a sample."""
    resolver = next(
        p for p in get_resolver().url_patterns if str(getattr(p, "pattern", "")) == "kiosk/"
    )

    def fill(route: str) -> str:
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: KIOSK if m.group(1) == "code" else "1", route)

    return sorted("/kiosk/" + fill(str(p.pattern)) for p in resolver.url_patterns)


@pytest.mark.parametrize("username", USERS)
def test_kiosk_pages_never_fail_nor_lead_to_staff_pages(username):
    """Whoever is signed in on the website, the terminal's pages know only their own
    session: no server error and no link to the console or the admin."""
    client = _signed_in(username)
    paths = _kiosk_paths()
    assert f"/kiosk/{KIOSK}/" in paths and len(paths) > 5
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, (username, path, response.content[:300])
        page = response.content.decode() if response.status_code == 200 else ""
        assert "/console/" not in page and "/admin/" not in page, (username, path)


@pytest.mark.parametrize("username", USERS)
def test_pages_never_fail(username):
    client = _signed_in(username)
    for path in _page_paths():
        if path in ("/logout/", "/i18n/setlang/"):
            continue
        response = client.get(path)
        assert response.status_code < 500, (username, path, response.content[:300])
