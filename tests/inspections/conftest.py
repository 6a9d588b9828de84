"""Fixtures for inspections: the demo registers of 咸安区 and 崇阳县, a plan to publish."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from ninhaoban.accounts.services import create_staff
from ninhaoban.demo import inspections as demo
from ninhaoban.inspections import services
from ninhaoban.inspections.models import Avoidance, InspectionObject, Inspector, Plan
from ninhaoban.regions import calendar as stored_calendar
from ninhaoban.regions.models import Department

XIANAN, CHONGYANG = "421202", "421223"


@pytest.fixture
def registers(db) -> dict[str, Department]:
    return {county: demo.seed_registers(county) for county in (XIANAN, CHONGYANG)}


def user(name: str) -> User:
    return User.objects.get(username=name)


def chief(county: str = XIANAN) -> User:
    return user(f"chief.{'xianan' if county == XIANAN else 'chongyang'}.market")


def plan_fields(county: str = XIANAN, **changes: Any) -> dict[str, Any]:
    return {
        "title": "食品经营者双随机抽查",
        "item_codes": [f"{county}-food"],
        "industry": "",
        "object_region": f"{county}000000",
        "sample_count": 5,
        "sample_ratio": None,
        "inspectors_per_object": 2,
        "start_date": dt.date(2026, 12, 1),
        "end_date": dt.date(2026, 12, 31),
        **changes,
    }


@pytest.fixture
def make_plan(registers) -> Callable[..., Plan]:
    def make(county: str = XIANAN, **changes: Any) -> Plan:
        return services.create_plan(
            chief(county), registers[county], **plan_fields(county, **changes)
        )

    return make


def api_body(plan_or_department: Any, county: str = XIANAN, **changes: Any) -> dict[str, Any]:
    fields = plan_fields(county, **changes)
    return {
        "department": plan_or_department.pk,
        "title": fields["title"],
        "items": fields["item_codes"],
        "industry": fields["industry"],
        "object_region": fields["object_region"],
        "sample_count": fields["sample_count"],
        "sample_ratio": fields["sample_ratio"],
        "inspectors_per_object": fields["inspectors_per_object"],
        "start_date": fields["start_date"].isoformat(),
        "end_date": fields["end_date"].isoformat(),
    }


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    import json

    return client.post(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def fresh_calendar():
    """A test's calendar changes are rolled back with its transaction: so is the cache."""
    stored_calendar.invalidate()
    yield
    stored_calendar.invalidate()


def inspection_world(county: str) -> dict[str, str]:
    """For the roles × endpoints matrix: in a county, the registers, a draft plan and a
    complaint just filed about a project's candidates."""
    department = demo.seed_registers(county)
    today = timezone.localdate()
    plan = services.create_plan(chief(county), department, **plan_fields(county))
    project = services.register_project(
        code=f"ZB-{county}", name="道路工程", department=department, actor="system"
    )
    services.announce(project, "candidates", today - dt.timedelta(days=3), actor="system")
    bidders = [o.organization for o in demo_objects(county)[:2]]
    for org in bidders:
        services.add_bidder(project, org, actor="system")
    complaint = services.file_complaint(
        chief(county),
        project,
        complainant=bidders[0].identifier,
        about="candidates",
        known_on=today - dt.timedelta(days=2),
        grounds="评标不公",
        today=today,
    )
    inspector = Inspector.objects.filter(department=department).order_by("cert_no").first()
    avoidance = Avoidance.objects.filter(inspector=inspector).first()
    spare = f"spare.{county}"
    create_staff(username=spare, name="备用人员", password="Xianning-2026")
    return {
        "cert": inspector.cert_no,
        "avoidance": str(avoidance.pk),
        "spare": spare,
        "spare_cert": f"{county}99999",
        "object": demo_objects(county)[2].uscc,
        "notice_on": (today - dt.timedelta(days=10)).isoformat(),
        "plan": plan.code,
        "plan_item": f"{county}-food",
        "department": str(department.pk),
        "project": project.code,
        "complaint": complaint.number,
        "bidder": bidders[1].identifier,
        "known_on": (today - dt.timedelta(days=1)).isoformat(),
    }


def demo_objects(county: str) -> list[InspectionObject]:
    return list(InspectionObject.objects.filter(region__code__startswith=county).order_by("uscc"))
