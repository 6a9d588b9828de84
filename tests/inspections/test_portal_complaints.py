"""招标投标投诉 on the website: a bidder files through its 法定代表人 or a 经办人 acting for it
(正在代表), about an announcement of a project it bid for, with its evidence; a late
complaint, one by a non-bidder, by a person in their own name, by an agent whose scope does
not cover complaints or without evidence is refused in both languages with nothing written;
the company sees its complaints' states and deadlines, and the department handles them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import Applicant, AssuranceLevel
from ninhaoban.cases import clock
from ninhaoban.cases.services import Actor
from ninhaoban.cases.uploads import FileIn
from ninhaoban.core.errors import Forbidden, InvalidInput
from ninhaoban.core.idnumbers import id_check_char
from ninhaoban.inspections import services
from ninhaoban.inspections.models import Complaint, ComplaintChannel, ComplaintStatus
from ninhaoban.regions.models import Region
from tests.cases.conftest import PDF
from tests.conftest import NewEntries
from tests.inspections.conftest import CHONGYANG, XIANAN, demo_objects, user

pytestmark = pytest.mark.django_db


def person(serial: str) -> Applicant:
    body = f"42120219850101{serial}"
    return accounts.register_person(
        id_number=body + id_check_char(body),
        name=f"投诉经办{serial}",
        region=Region.objects.get(code=f"{XIANAN}000000"),
        assurance=AssuranceLevel.BASIC,
    )


@pytest.fixture
def tender(registers) -> dict:
    """A 咸安区 project with its tender notice 20 days ago and candidates 3 days ago; two
    bidders, the first with a 法定代表人, an agent for every item and one for a single item."""
    today = clock.today()
    department = registers[XIANAN]
    project = services.register_project(
        code="ZB-WEB-1", name="城区供水管网工程", department=department, actor="system"
    )
    services.announce(project, "tender_notice", today - dt.timedelta(days=20), actor="system")
    services.announce(project, "candidates", today - dt.timedelta(days=3), actor="system")
    bidder, other = (o.organization for o in demo_objects(XIANAN)[:2])
    for org in (bidder, other):
        services.add_bidder(project, org, actor="system")
    rep = person("111")
    accounts.record_representative(organization=bidder, person=rep, day=today, evidence={})
    agents = {}
    for serial, items in (("222", []), ("333", ["11421202MB0000000X"])):
        agents[serial] = person(serial)
        accounts.name_agent(
            organization=bidder,
            representative=rep,
            agent=agents[serial],
            items=items,
            until=today + dt.timedelta(days=30),
            day=today,
        )
    return {"project": project, "bidder": bidder, "rep": rep, **agents}


def acting(who: Applicant, org: Applicant | None) -> Client:
    client = Client()
    client.force_login(accounts.ensure_applicant_user(who))
    if org is not None:
        assert client.post("/organizations/act/", {"organization": org.pk}).status_code == 302
    return client


def form(project, *, about="candidates", known_days_ago=2, files=1, grounds="评标委员会组成不合法"):
    return {
        "announcement": f"{project.code}|{about}",
        "known_on": (clock.today() - dt.timedelta(days=known_days_ago)).isoformat(),
        "grounds": grounds,
        "evidence": [SimpleUploadedFile(f"证据{n}.pdf", PDF) for n in range(files)],
    }


def test_an_agent_files_for_the_company_and_sees_it_with_its_deadline(
    tender, django_capture_on_commit_callbacks
):
    project, bidder = tender["project"], tender["bidder"]
    client = acting(tender["222"], bidder)
    page = client.get("/complaints/").content.decode()
    assert "城区供水管网工程" in page and "中标候选人公示" in page
    entries = NewEntries()
    with django_capture_on_commit_callbacks(execute=True):  # the files are stored on commit
        done = client.post("/complaints/", form(project, files=2))
    assert done.status_code == 302, done.content.decode()
    complaint = Complaint.objects.get(project=project)
    assert complaint.complainant == bidder and complaint.filed_by == tender["222"]
    assert complaint.channel == ComplaintChannel.ONLINE and complaint.evidence.count() == 2
    assert complaint.status == ComplaintStatus.FILED
    assert entries.kinds == ["tender.complaint_filed"]
    assert bidder.subject in entries.subjects("tender.complaint_filed")
    listed = client.get("/complaints/").content.decode()
    assert complaint.number in listed and "待受理" in listed
    assert complaint.due_date.isoformat() in listed
    # the department sees it, opens the evidence and accepts it
    staff = Client()
    staff.force_login(user("chief.xianan.market"))
    shown = staff.get(f"/console/complaints/{complaint.number}/").content.decode()
    assert "网上投诉" in shown and "证据0.pdf" in shown
    evidence = complaint.evidence.first()
    opened = staff.get(f"/console/complaints/{complaint.number}/evidence/{evidence.pk}/")
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == PDF
    other = Client()
    other.force_login(user("chief.chongyang.market"))
    path = f"/console/complaints/{complaint.number}/evidence/{evidence.pk}/"
    assert other.get(path).status_code == 404
    assert staff.post(f"/console/complaints/{complaint.number}/accept/").status_code == 302
    assert "已受理" in client.get("/complaints/").content.decode()


def test_the_representative_may_file_too(tender):
    client = acting(tender["rep"], tender["bidder"])
    assert client.post("/complaints/", form(tender["project"])).status_code == 302
    assert Complaint.objects.get().filed_by == tender["rep"]


@pytest.mark.parametrize("english", [False, True])
def test_a_late_complaint_is_refused_in_either_language_with_nothing_written(tender, english):
    client = acting(tender["222"], tender["bidder"])
    if english:
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    entries = NewEntries()
    late = client.post(
        "/complaints/", form(tender["project"], about="tender_notice", known_days_ago=11)
    )
    text = late.content.decode()
    assert late.status_code == 422
    if english:
        assert "within 10 days" in text and "ended on" in text
    else:
        assert "10日内" in text and "届满" in text
    assert Complaint.objects.count() == 0 and entries.kinds == []
    # the 10th day is still in time
    assert (
        client.post(
            "/complaints/", form(tender["project"], about="tender_notice", known_days_ago=10)
        ).status_code
        == 302
    )


def test_who_may_not_file_and_bad_input_write_nothing(tender):
    project, bidder = tender["project"], tender["bidder"]
    stranger = services.register_project(
        code="ZB-WEB-2", name="别人的项目", department=project.department, actor="system"
    )
    services.announce(stranger, "tender_notice", clock.today(), actor="system")
    entries = NewEntries()
    own_name = acting(tender["222"], None)  # a person in their own name
    refused = own_name.post("/complaints/", form(project))
    assert refused.status_code == 403 and "代表" in refused.content.decode()
    narrow = acting(tender["333"], bidder)  # an agent for one item only
    refused = narrow.post("/complaints/", form(project))
    assert refused.status_code == 403 and "招标投标投诉" in refused.content.decode()
    agent = acting(tender["222"], bidder)
    assert agent.post("/complaints/", form(project, files=0)).status_code == 422
    assert agent.post("/complaints/", form(project, grounds=" ")).status_code == 422
    assert agent.post("/complaints/", form(project, about="bid_opening")).status_code == 422
    assert agent.post("/complaints/", {**form(project), "known_on": "昨天"}).status_code == 422
    fake = {**form(project), "evidence": [SimpleUploadedFile("证据.pdf", b"MZ\x90\x00exe")]}
    assert agent.post("/complaints/", fake).status_code == 422
    missing = agent.post(
        "/complaints/", {**form(project), "announcement": "ZB-WEB-2|tender_notice"}
    )
    assert missing.status_code == 404
    assert Complaint.objects.count() == 0 and entries.kinds == []


def test_the_service_refuses_a_non_bidder_and_a_person_acting_for_themself(tender):
    project = tender["project"]
    outsider = demo_objects(CHONGYANG)[0].organization
    rep = person("444")
    accounts.record_representative(
        organization=outsider, person=rep, day=clock.today(), evidence={}
    )
    evidence = [FileIn("证据.pdf", PDF)]
    values = {
        "about": "candidates",
        "known_on": clock.today(),
        "grounds": "评标不公",
        "evidence": evidence,
    }
    with pytest.raises(InvalidInput, match="投标人"):
        services.file_complaint_online(
            Actor.acting_for(rep, outsider, clock.today()), project, **values
        )
    with pytest.raises(Forbidden):
        services.file_complaint_online(Actor.of_applicant(rep), project, **values)
    assert Complaint.objects.count() == 0


def test_the_page_without_acting_for_a_company_says_how(tender):
    page = acting(tender["222"], None).get("/complaints/")
    assert page.status_code == 200 and "我的企业" in page.content.decode()
    assert Client().get("/complaints/").status_code == 302
