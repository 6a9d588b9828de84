"""Rating from every channel: once per case and applicant, only after 办结, never changed;
the SMS link is one-time; bad input answers 4xx and writes nothing; the tallies follow."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases.models import Status
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ninhaoban.evaluation import selectors, services
from ninhaoban.evaluation.models import (
    AppendOnly,
    Channel,
    DailyTally,
    Evaluation,
    MonthlyTally,
    RatingInvitation,
    Rectification,
)
from ninhaoban.evaluation.services import Rating
from ninhaoban.regions.models import Department, ServiceHall, Window
from tests.cases.test_transitions import case_in
from tests.conftest import NewEntries
from tests.evaluation.conftest import closed_case

pytestmark = pytest.mark.django_db
CHONGYANG = "421223000000"
XIANAN = "421202000000"
D = dt.date


def user(username: str) -> User:
    return User.objects.get(username=username)


def figures(region: str = CHONGYANG) -> selectors.Satisfaction:
    return selectors.satisfaction(region_code=region, start=D(2000, 1, 1), end=D(2100, 1, 1))


def tallies() -> list[tuple]:
    daily = sorted(
        DailyTally.objects.values_list(
            "day",
            "region_id",
            "department_key",
            "ratings",
            "good",
            "bad",
            "bad_rectified",
            "followed_up",
            "real_bad",
            "real_bad_followed_up",
            "level_sum",
        )
    )
    monthly = sorted(
        MonthlyTally.objects.values_list(
            "month",
            "dimension",
            "key",
            "region_id",
            "ratings",
            "good",
            "bad",
            "bad_rectified",
            "followed_up",
            "real_bad",
            "real_bad_followed_up",
            "level_sum",
        )
    )
    return [tuple(r) for r in daily] + [tuple(r) for r in monthly]


def test_the_applicant_rates_a_closed_case_once_on_the_website(today):
    case = closed_case()
    entries = NewEntries()
    ev = services.rate_case(
        case,
        case.applicant,
        Rating.of(5, ["attitude", "efficiency"], "很快"),
        channel=Channel.WEBSITE,
    )
    assert ev.level == 5 and ev.real_name and ev.region_id == case.region_id
    assert ev.department_id == case.department_id and ev.item_id == case.item_id
    assert entries.kinds == ["evaluation.rated"]
    assert set(entries.subjects("evaluation.rated")) == {ev.subject, case.subject}
    assert figures().ratings >= 1
    with pytest.raises(Conflict):
        services.rate_case(case, case.applicant, Rating.of(1), channel=Channel.KIOSK)
    assert Evaluation.objects.filter(case=case).count() == 1
    # 追评 once, the rating itself unchanged
    services.add_follow_up_comment(ev, case.applicant, "证照已领取")
    with pytest.raises(Conflict):
        services.add_follow_up_comment(ev, case.applicant, "再说一次")
    ev.refresh_from_db()
    assert ev.comment == "很快" and ev.follow_up_comment.text == "证照已领取"


def test_ratings_cannot_be_changed_or_deleted(today):
    case = closed_case()
    ev = services.rate_case(case, case.applicant, Rating.of(4), channel=Channel.WEBSITE)
    ev.level = 1
    with pytest.raises(AppendOnly):
        ev.save()
    with pytest.raises(AppendOnly):
        ev.delete()
    assert Evaluation.objects.get(pk=ev.pk).level == 4


def test_bad_input_is_refused_and_nothing_is_written(today):
    case = closed_case()
    other = (
        Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(pk=case.applicant_id).first()
    )
    before = Evaluation.objects.count(), tallies()
    with pytest.raises(NotFound):  # someone else's case
        services.rate_case(case, other, Rating.of(5), channel=Channel.WEBSITE)
    for level in (0, 6, "x", None, "3.5", -1):
        with pytest.raises(InvalidInput):
            Rating.of(level)
    with pytest.raises(InvalidInput):
        Rating.of(5, ["not-a-reason"])
    with pytest.raises(InvalidInput):
        Rating.of(5, [], "x" * 501)
    with pytest.raises(InvalidInput):
        Rating.of(5, [], "bad\x00byte")
    with pytest.raises(InvalidInput):
        services.rate_case(case, case.applicant, Rating.of(5), channel=Channel.SURVEY)
    open_case = case_in(Status.ACCEPTED)
    with pytest.raises(Conflict):  # not closed yet
        services.rate_case(open_case, open_case.applicant, Rating.of(5), channel=Channel.WEBSITE)
    assert (Evaluation.objects.count(), tallies()) == before


def test_closing_sends_a_one_time_sms_link(today, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case()
    links = [m for m in sms if "评价" in m.text and case.case_no in m.text]
    assert len(links) == 1 and links[0].phone == case.applicant.phone
    token = links[0].secret
    assert token in links[0].text and token not in links[0].loggable
    assert selectors.invitation_case(token) == case
    ev = services.rate_by_token(token, Rating.of(2, ["efficiency"], "等了很久"))
    assert ev.channel == Channel.SMS and ev.rater_id == case.applicant_id
    with pytest.raises(Conflict):  # reused
        services.rate_by_token(token, Rating.of(5))
    with pytest.raises(Conflict):  # forged
        services.rate_by_token(token[:-2] + "xx", Rating.of(5))
    with pytest.raises(Conflict):
        services.rate_by_token("", Rating.of(5))
    assert Evaluation.objects.filter(case=case).count() == 1


def test_an_expired_sms_link_is_refused(today, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case()
    token = next(m.secret for m in sms if case.case_no in m.text and m.secret)
    RatingInvitation.objects.filter(case=case).update(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(Conflict):
        services.rate_by_token(token, Rating.of(5))
    assert not Evaluation.objects.filter(case=case).exists()


def test_the_kiosk_rates_its_service_once_per_session(today):
    hall = ServiceHall.objects.filter(region_id=CHONGYANG).first()
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON).first()
    ev = services.rate_service(
        channel=Channel.KIOSK,
        hall=hall,
        rater=person,
        rating=Rating.of(5, ["usability"]),
        actor=person.subject,
        reference="kiosk_session:abc",
    )
    assert ev.region_id == CHONGYANG and ev.hall_id == hall.pk
    with pytest.raises(Conflict):
        services.rate_service(
            channel=Channel.KIOSK,
            hall=hall,
            rater=person,
            rating=Rating.of(1),
            actor=person.subject,
            reference="kiosk_session:abc",
        )


def test_the_window_pad_rates_the_clerk_on_duty_and_the_case_put_forward(today):
    window = Window.objects.filter(hall__region_id=CHONGYANG).first()
    clerk = user("clerk.chongyang")
    services.bind_pad(user("admin"), "CY-PJQ-01", window)
    with pytest.raises(Conflict):  # nobody on duty yet
        services.rate_at_window("CY-PJQ-01", Rating.of(5))
    services.take_window(clerk, window)
    anonymous = services.rate_at_window("CY-PJQ-01", Rating.of(4))
    assert anonymous.rater_id is None and anonymous.staff_id == clerk.staff.pk
    assert anonymous.window_id == window.pk and anonymous.channel == Channel.WINDOW_PAD
    case = case_in(Status.ACCEPTED)
    services.present_case(clerk, window, case)
    view = selectors.pad_of_terminal("CY-PJQ-01")
    assert view is not None and view.duty is not None and view.duty.case == case
    ev = services.rate_at_window("CY-PJQ-01", Rating.of(5), case_no=case.case_no)
    assert ev.case == case and ev.rater_id == case.applicant_id
    with pytest.raises(Conflict):  # taken off the pad once rated
        services.rate_at_window("CY-PJQ-01", Rating.of(5), case_no=case.case_no)
    with pytest.raises(NotFound):
        services.rate_at_window("NOT-A-PAD", Rating.of(5))
    # a clerk of another county cannot serve at this window
    with pytest.raises(Forbidden):
        services.take_window(user("clerk.xianan"), window)


def test_staff_enter_hotline_and_comment_box_items_in_their_region(today):
    case = closed_case()
    clerk = user("clerk.chongyang")
    ev = services.enter_item(
        clerk,
        channel=Channel.HOTLINE,
        rating=Rating.of(1, ["attitude"], "窗口人员态度生硬"),
        case=case,
        id_number=case.applicant.identifier,
    )
    assert ev.real_name and ev.entered_by == clerk.staff.actor
    assert Rectification.objects.get(evaluation=ev).department_id == case.department_id
    region = case.region
    box = services.enter_item(clerk, channel=Channel.MAILBOX, rating=Rating.of(5), region=region)
    assert box.rater_id is None and box.region_id == region.pk
    with pytest.raises(Forbidden):  # another county's region
        services.enter_item(
            user("clerk.xianan"), channel=Channel.GUESTBOOK, rating=Rating.of(5), region=region
        )
    with pytest.raises(InvalidInput):
        services.enter_item(clerk, channel=Channel.SURVEY, rating=Rating.of(5), region=region)
    with pytest.raises(InvalidInput):
        services.enter_item(
            clerk, channel=Channel.HOTLINE, rating=Rating.of(5), region=region, id_number="123"
        )


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(services.SURVEY_HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_survey_workbook_is_imported_whole_or_not_at_all(today):
    market = Department.objects.filter(region_id=CHONGYANG).first()
    supervisor = user("supervisor.chongyang")
    good = _workbook(
        [
            ["2026-09-01", CHONGYANG, market.uscc, "满意", "attitude", "好"],
            [dt.datetime(2026, 9, 2), CHONGYANG, "", 1, "efficiency,process", "慢"],
        ]
    )
    before = Evaluation.objects.filter(channel=Channel.SURVEY).count()
    assert services.import_survey(supervisor, good) == 2
    assert Evaluation.objects.filter(channel=Channel.SURVEY).count() == before + 2
    bad = _workbook(
        [
            ["2026-09-01", CHONGYANG, "", 5, "", ""],
            ["2026-09-01", CHONGYANG, "", 9, "", ""],
        ]
    )
    with pytest.raises(InvalidInput) as exc:
        services.import_survey(supervisor, bad)
    assert "第3行" in exc.value.message_zh
    for data in (b"not a workbook", _workbook([["9999-99-99", CHONGYANG, "", 5, "", ""]])):
        with pytest.raises(InvalidInput):
            services.import_survey(supervisor, data)
    with pytest.raises(Forbidden):  # only a supervisor of the rows' region imports
        services.import_survey(user("clerk.chongyang"), good)
    assert Evaluation.objects.filter(channel=Channel.SURVEY).count() == before + 2


def test_running_tallies_equal_a_recount(today):
    case = closed_case()
    services.rate_case(case, case.applicant, Rating.of(1), channel=Channel.WEBSITE)
    services.enter_item(
        user("clerk.chongyang"), channel=Channel.GUESTBOOK, rating=Rating.of(3), region=case.region
    )
    running = tallies()
    services.rebuild_tallies()
    assert tallies() == running
