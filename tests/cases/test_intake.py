import datetime as dt

import pytest

from ninhaoban.cases import materials, services
from ninhaoban.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseMaterial,
    Channel,
    MaterialState,
    Notice,
    Status,
    Upload,
)
from ninhaoban.cases.services import Actor, Incomplete
from ninhaoban.cases.services.escalation import scan
from ninhaoban.cases.uploads import FileIn, sniff
from ninhaoban.core.errors import Forbidden, InvalidInput, NotFound
from ninhaoban.demo import licences as demo_licences
from ninhaoban.licences import services as licences
from ninhaoban.licences.models import LicenceType
from ninhaoban.licences.schema import schema
from ninhaoban.regions.models import Department
from tests.cases.conftest import (
    CHONGYANG,
    EXE,
    GETIHU,
    PDF,
    PNG,
    TONGSHAN,
    XIANAN,
    files_for,
    item,
    ofd_bytes,
    person,
    staff,
    window_case,
)

pytestmark = pytest.mark.django_db
D = dt.date


def _nothing_written():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Upload.objects.count(),
        CaseCounter.objects.count(),
    )


def test_sniffing_looks_at_bytes_not_names():
    assert sniff(PDF) == "application/pdf"
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 16) == "image/jpeg"
    assert sniff(ofd_bytes()) == "application/ofd"
    assert sniff(ofd_bytes(with_root=False)) is None
    assert sniff(EXE) is None


def test_a_renamed_exe_is_refused_and_nothing_is_written(today):
    files = files_for(GETIHU, CHONGYANG)
    key = next(iter(files))
    files[key] = FileIn("营业场所证明.pdf", EXE)
    before = _nothing_written()
    with pytest.raises(InvalidInput, match="不是PDF、JPEG、PNG或OFD") as refused:
        services.submit(
            actor=staff("clerk.chongyang"),
            applicant=person(),
            channel=Channel.WINDOW,
            item_code=item(GETIHU, CHONGYANG).code,
            files=files,
        )
    assert refused.value.status == 422
    assert _nothing_written() == before


def test_a_file_too_large_is_refused(today, settings):
    settings.NHB_UPLOAD_MAX_BYTES = 10
    with pytest.raises(InvalidInput, match="超过"):
        window_case()


def test_uploads_are_stored_with_their_digest_and_sniffed_type(today):
    files = files_for(GETIHU, CHONGYANG)
    files[next(iter(files))] = FileIn("scan.pdf", ofd_bytes())
    case = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=person(),
        channel=Channel.WINDOW,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files,
    )
    first = case.materials.exclude(upload=None).first()
    assert first.upload.content_type == "application/ofd"
    assert len(first.upload.sha256) == 64 and first.file_name == "scan.pdf"


def test_case_no_is_region_date_sequence(today):
    today(D(2026, 9, 28))
    a, b = window_case(), window_case()
    assert a.case_no == "421223000000" + "20260928" + "00001"
    assert b.case_no.endswith("00002")
    other = window_case(region=TONGSHAN, clerk="clerk.tongshan")
    assert other.case_no.startswith("42122400000020260928")


def test_online_intake_with_missing_materials_is_refused_naming_each(today):
    applicant = person()
    before = _nothing_written()
    with pytest.raises(Incomplete) as refused:
        services.submit(
            actor=Actor.of_applicant(applicant),
            applicant=applicant,
            channel=Channel.ONLINE,
            item_code=item(GETIHU, CHONGYANG).code,
        )
    message = refused.value.message_zh
    assert "个体工商户登记（备案）申请书" in message and "经营场所使用证明" in message
    assert "委托代理人" not in message  # optional
    # the licence this person does not hold is named now, not on the next submit
    assert "申请人居民身份证（未能通过电子证照或共享数据获取，请上传）" in message
    assert refused.value.status == 422
    assert _nothing_written() == before


def test_window_intake_answers_an_incomplete_application_with_one_notice(today):
    case = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=person(),
        channel=Channel.WINDOW,
        item_code=item(GETIHU, CHONGYANG).code,
        allow_incomplete=True,
    )
    case.refresh_from_db()
    assert case.status == Status.CORRECTION
    notice = Notice.objects.get(case=case)
    listed = [p["material"] for p in notice.problems]
    assert listed == ["个体工商户登记（备案）申请书", "申请人居民身份证", "经营场所使用证明"]


def test_a_correction_notice_lists_found_and_missing_problems_at_once(today):
    files = files_for(GETIHU, CHONGYANG)
    files.pop(next(k for k in files if k.startswith("licence:")))
    case = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=person(),
        channel=Channel.WINDOW,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files,
        allow_incomplete=True,
    )
    case.refresh_from_db()
    notice = Notice.objects.get(case=case)
    assert [p["material"] for p in notice.problems] == ["申请人居民身份证"]
    # later, at the window, an officer finds two more problems: all are in one new notice
    key = case.materials.get(name="申请人居民身份证").key
    services.supply_correction(case, staff("clerk.chongyang"), {key: FileIn("id.png", PNG)})
    notice = services.request_correction(
        case,
        staff("clerk.chongyang"),
        problems=[
            {"material": "经营场所使用证明", "problem": "租赁协议未签字"},
            {"material": "个体工商户登记（备案）申请书", "problem": "经营范围填写不规范"},
        ],
    )
    assert {p["material"] for p in notice.problems} == {
        "经营场所使用证明",
        "个体工商户登记（备案）申请书",
    }
    with pytest.raises(Incomplete) as still:
        services.supply_correction(
            case,
            Actor.of_applicant(case.applicant),
            {case.materials.get(name="经营场所使用证明").key: FileIn("a.pdf", PDF)},
        )
    assert "个体工商户登记（备案）申请书" in still.value.message_zh


def test_a_licence_the_applicant_holds_covers_the_material(today):
    demo_licences.seed_types()
    applicant = person(3)
    kind = LicenceType.objects.get(code="11100000000013338W004")
    licences.issue_licence(
        licence_type_code="11100000000013338W004",
        holder=applicant,
        fields={f.key: "示例" for f in schema(kind)},
        issuer_department=licences.issuing_department(applicant, "public_security"),
        actor="system",
    )
    files = {k: v for k, v in files_for(GETIHU, CHONGYANG).items() if not k.startswith("licence:")}
    case = services.submit(
        actor=Actor.of_applicant(applicant),
        applicant=applicant,
        channel=Channel.ONLINE,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files,
    )
    row = CaseMaterial.objects.get(case=case, name="申请人居民身份证")
    assert row.state == MaterialState.LICENCE and row.reference.startswith("1.2.156.3005.2.")


def test_unavailable_shared_data_means_please_upload(today):
    """No right to the data (the demo grants none here): the case is stored and the one
    notice asks for the document, in words that do not say why it was not found."""
    applicant = person()
    case = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=applicant,
        channel=Channel.WINDOW,
        item_code=item("结婚登记", CHONGYANG).code,
        files={
            k: v for k, v in files_for("结婚登记", CHONGYANG).items() if not k.startswith("data:")
        },
        consent=True,
    )
    assert case.status == Status.CORRECTION
    problems = Notice.objects.get(case=case).problems
    assert problems == [
        {"material": "居民户口簿", "problem": f"未提交（{materials.NOT_FOUND_NOTE}）"}
    ]
    case = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=applicant,
        channel=Channel.WINDOW,
        item_code=item("结婚登记", CHONGYANG).code,
        files=files_for("结婚登记", CHONGYANG),
    )
    assert case.materials.get(name="居民户口簿").state == MaterialState.UPLOADED


def test_unknown_item_and_unpublished_version(today):
    clerk, applicant = staff("clerk.chongyang"), person()
    with pytest.raises(NotFound):
        services.submit(actor=clerk, applicant=applicant, channel=Channel.WINDOW, item_code="nope")
    code = item(GETIHU, CHONGYANG).code
    with pytest.raises(InvalidInput, match="第9版"):
        services.submit(
            actor=clerk, applicant=applicant, channel=Channel.WINDOW, item_code=code, version=9
        )
    today(D(2025, 6, 1))  # before the demo catalog's versions took effect
    with pytest.raises(InvalidInput, match="没有现行有效的已发布版本"):
        services.submit(actor=clerk, applicant=applicant, channel=Channel.WINDOW, item_code=code)


def test_only_clerks_take_applications_and_applicants_apply_for_themselves(today):
    code = item(GETIHU, CHONGYANG).code
    with pytest.raises(Forbidden):
        services.submit(
            actor=staff("approver.chongyang.market"),
            applicant=person(),
            channel=Channel.WINDOW,
            item_code=code,
        )
    with pytest.raises(Forbidden):
        services.submit(
            actor=Actor.of_applicant(person(1)),
            applicant=person(2),
            channel=Channel.ONLINE,
            item_code=code,
        )


def test_accepted_in_xianan_for_a_chongyang_item_goes_to_chongyang(today):
    case = window_case(GETIHU, CHONGYANG, clerk="clerk.xianan")
    services.accept(case, staff("clerk.xianan"))
    case.refresh_from_db()
    assert case.intake_region_id == XIANAN
    assert case.region_id == CHONGYANG
    assert case.department == Department.objects.get(region_id=CHONGYANG, dept_type="market")
    assert case.case_no.startswith(CHONGYANG)
    with pytest.raises(Forbidden):
        services.start_review(case, staff("approver.xianan.market"))
    services.start_review(case, staff("approver.chongyang.market"))


def test_a_kiosk_application_is_received_where_the_terminal_stands(today):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    town = "421223100000"  # 天城镇, a town of 崇阳县
    case = services.submit(
        actor=Actor.of_applicant(applicant),
        applicant=applicant,
        channel=Channel.KIOSK,
        item_code=code,
        files=files_for(GETIHU, CHONGYANG),
        received_at=town,
    )
    assert case.intake_region_id == town and case.region_id == CHONGYANG
    with pytest.raises(InvalidInput):
        services.submit(
            actor=Actor.of_applicant(applicant),
            applicant=applicant,
            channel=Channel.ONLINE,
            item_code=code,
            files=files_for(GETIHU, CHONGYANG),
            received_at=town,
        )


def test_clerk_of_another_county_cannot_accept_an_online_case(today):
    applicant = person()
    case = services.submit(
        actor=Actor.of_applicant(applicant),
        applicant=applicant,
        channel=Channel.ONLINE,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files_for(GETIHU, CHONGYANG),
    )
    with pytest.raises(Forbidden):
        services.accept(case, staff("clerk.tongshan"))
    services.accept(case, staff("clerk.chongyang"))


def test_article_32_auto_acceptance(today):
    today(D(2026, 9, 28))
    untouched = window_case()
    corrected = window_case()
    services.request_correction(
        corrected,
        staff("clerk.chongyang"),
        problems=[{"material": "经营场所使用证明", "problem": "不清晰"}],
    )
    today(D(2026, 10, 10))  # the 5th working day: still in time
    assert scan().auto_accepted == 0
    today(D(2026, 10, 12))
    assert scan().auto_accepted == 1
    untouched.refresh_from_db()
    assert untouched.status == Status.ACCEPTED
    assert untouched.accepted_on == D(2026, 9, 28)
    assert untouched.due_date == D(2026, 9, 29)  # 1 working day from receipt
    assert untouched.events.last().actor == "system"
    assert "第三十二条" in untouched.events.last().note
    corrected.refresh_from_db()
    assert corrected.status == Status.CORRECTION
