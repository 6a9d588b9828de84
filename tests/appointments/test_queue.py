"""Bookings, numbers and the window's calls, through the services: capacity, the calendar
and hours, priority for booking holders, one number per person, the window's own tickets,
waiting and service times, the ledger and the SMS."""

import datetime as dt

import pytest

from ninhaoban.accounts.notify import LogProvider
from ninhaoban.appointments import selectors, services
from ninhaoban.appointments.models import Booking, BookingStatus, SlotLoad, Ticket, TicketStatus
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ninhaoban.regions.models import Window
from tests.appointments.conftest import (
    MONDAY,
    NOW,
    XIANAN,
    at,
    general_windows,
    line_of,
    market_item,
    market_window,
    opened,
    resident,
    user,
)
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)
NINE = dt.time(9, 0)


def book(hall, who=0, day=TUESDAY, start=NINE, now=NOW) -> Booking:
    return services.book(
        applicant=resident(who), place=hall, item=market_item(), day=day, start=start, now=now
    )


def test_opening_a_hall_makes_a_general_line_and_one_per_department(hall):
    prefixes = {g.prefix: g for g in selectors.lines(hall)}
    assert prefixes["A"].name == "综合业务" and not prefixes["A"].department_types
    market = selectors.group_for_item(hall, market_item())
    assert market.department_types == ["market"] and market.prefix != "A"
    _, group = selectors.window(market_window(hall).pk)
    assert group == market
    assert selectors.capacity(market) == 2  # one window, two bookings per half hour


def test_slots_follow_the_hall_hours_and_the_calendar(hall):
    market = selectors.group_for_item(hall, market_item())
    found = selectors.slots(market, MONDAY, at(MONDAY, 10, 10))
    assert [s.start for s in found][:2] == [dt.time(9), dt.time(9, 30)]
    assert dt.time(12) not in [s.start for s in found]  # the lunch break
    assert found[-1].start == dt.time(17)
    assert [s.past for s in found][:4] == [True, True, True, False]
    saturday = MONDAY + dt.timedelta(days=5)
    assert selectors.slots(market, saturday, NOW) == []
    days = selectors.booking_days(hall, MONDAY)
    assert saturday not in days and len(days) == 11  # today and 10 working days ahead


def test_booking_takes_a_place_writes_the_ledger_and_sends_an_sms(
    hall, django_capture_on_commit_callbacks
):
    entries = NewEntries()
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(hall)
    assert booking.status == BookingStatus.BOOKED and len(booking.code) == 8
    assert SlotLoad.objects.get(group=booking.group, day=TUESDAY, start=NINE).booked == 1
    assert entries.kinds == ["booking.made"]
    assert resident(0).subject in entries.subjects("booking.made")
    message = LogProvider.sent[-1]
    assert message.phone == resident(0).phone and booking.code in message.text
    assert booking.code not in message.loggable  # the log never shows the code


@pytest.mark.parametrize(
    ("day", "start", "now", "error"),
    [
        (MONDAY - dt.timedelta(days=1), NINE, NOW, InvalidInput),  # yesterday
        (MONDAY, NINE, at(MONDAY, 9, 5), InvalidInput),  # a half hour that has begun
        (MONDAY + dt.timedelta(days=5), NINE, NOW, InvalidInput),  # a Saturday
        (dt.date(2027, 1, 1), NINE, at(dt.date(2026, 12, 28), 8), InvalidInput),  # 元旦
        (TUESDAY, dt.time(12, 0), NOW, InvalidInput),  # the lunch break
        (TUESDAY, dt.time(9, 10), NOW, InvalidInput),  # not a half hour
        (MONDAY + dt.timedelta(days=40), NINE, NOW, InvalidInput),  # too far ahead
    ],
)
def test_a_bad_slot_is_refused_and_nothing_written(hall, day, start, now, error):
    entries = NewEntries()
    with pytest.raises(error):
        book(hall, day=day, start=start, now=now)
    assert not Booking.objects.exists() and not SlotLoad.objects.exists()
    assert entries.kinds == []


def test_a_full_half_hour_is_refused_and_a_cancelled_place_frees_it(hall):
    first, second = book(hall, 0), book(hall, 1)
    entries = NewEntries()
    with pytest.raises(Conflict):
        book(hall, 2)
    assert Booking.objects.count() == 2 and entries.kinds == []
    services.cancel(first, applicant=resident(0), now=NOW)
    assert book(hall, 2).status == BookingStatus.BOOKED
    assert second.status == BookingStatus.BOOKED


def test_one_live_booking_per_person_hall_and_day(hall):
    book(hall)
    with pytest.raises(Conflict):
        book(hall, start=dt.time(14))
    assert Booking.objects.count() == 1


def test_cancel_only_ones_own_and_before_the_half_hour(hall):
    booking = book(hall)
    with pytest.raises(NotFound):
        services.cancel(booking, applicant=resident(1), now=NOW)
    with pytest.raises(Conflict):
        services.cancel(booking, applicant=resident(0), now=at(TUESDAY, 9, 1))
    entries = NewEntries()
    services.cancel(booking, applicant=resident(0), now=NOW)
    assert entries.kinds == ["booking.cancelled"]
    with pytest.raises(Conflict):
        services.cancel(booking, applicant=resident(0), now=NOW)


def test_an_item_not_offered_at_the_hall_is_refused(hall):
    elsewhere = market_item(XIANAN)
    with pytest.raises(NotFound):
        selectors.bookable_item(hall, elsewhere.code)
    assert selectors.bookable_item(hall, market_item().code) == market_item()


def test_numbers_run_per_line_and_day_with_the_prefix(hall):
    general = line_of(hall, "A")
    market = selectors.group_for_item(hall, market_item())
    nine = at(MONDAY, 9)
    labels = [services.take_ticket(general, actor="kiosk:t", now=nine).label for _ in range(3)]
    assert labels == ["A001", "A002", "A003"]
    assert services.take_ticket(market, actor="kiosk:t", now=nine).label == f"{market.prefix}001"
    tomorrow = services.take_ticket(general, actor="kiosk:t", now=at(TUESDAY, 8, 30))
    assert tomorrow.label == "A001" and tomorrow.day == TUESDAY


def test_check_in_with_the_booking_code_and_priority_in_the_slot(
    hall, django_capture_on_commit_callbacks
):
    booking = book(hall, now=NOW)
    market = booking.group
    walk_in = services.take_ticket(market, actor="kiosk:t", now=at(TUESDAY, 8, 30))
    with pytest.raises(NotFound):
        services.check_in(
            hall, code=booking.code, tail="0000", actor="kiosk:t", now=at(TUESDAY, 8, 35)
        )
    entries = NewEntries()
    tail = resident(0).identifier[-4:]
    ticket = services.check_in(
        hall, code=booking.code.lower(), tail=tail, actor="kiosk:t", now=at(TUESDAY, 8, 40)
    )
    assert entries.kinds == ["booking.checked_in", "queue.ticket_taken"]
    assert ticket.booking == booking and ticket.number == walk_in.number + 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    with pytest.raises(Conflict):
        services.check_in(hall, code=booking.code, tail=tail, actor="k", now=at(TUESDAY, 8, 41))
    # before the booked half hour: by number; from 9:00 the booking holder comes first
    order = selectors.calling_order(market, TUESDAY, at(TUESDAY, 8, 50))
    assert [t.pk for t in order] == [walk_in.pk, ticket.pk]
    order = selectors.calling_order(market, TUESDAY, at(TUESDAY, 9, 0))
    assert [t.pk for t in order] == [ticket.pk, walk_in.pk]
    window = market_window(hall)
    with django_capture_on_commit_callbacks(execute=True):
        called = services.call_next(window, user=user("clerk.chongyang"), now=at(TUESDAY, 9, 1))
    assert called.pk == ticket.pk and called.wait_seconds == 21 * 60
    assert "叫号" in LogProvider.sent[-1].subject and ticket.label in LogProvider.sent[-1].text


def test_check_in_on_another_day_or_after_the_slot_is_refused(hall):
    booking = book(hall)
    tail = resident(0).identifier[-4:]
    for now in (NOW, at(TUESDAY, 9, 46)):
        with pytest.raises(Conflict):
            services.check_in(hall, code=booking.code, tail=tail, actor="k", now=now)
    assert not Ticket.objects.exists()
    assert services.mark_missed(at(TUESDAY, 9, 46)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.MISSED


def test_a_window_calls_serves_and_records_times(hall):
    general = line_of(hall, "A")
    window = general_windows(hall)[0]
    clerk = user("clerk.chongyang")
    first = services.take_ticket(general, actor="k", now=at(MONDAY, 9))
    second = services.take_ticket(general, actor="k", now=at(MONDAY, 9, 2))
    entries = NewEntries()
    called = services.call_next(window, user=clerk, now=at(MONDAY, 9, 10))
    assert called.pk == first.pk and called.status == TicketStatus.CALLED
    with pytest.raises(Conflict):  # the window still has a number open
        services.call_next(window, user=clerk, now=at(MONDAY, 9, 11))
    services.recall(window, first.pk, user=clerk, now=at(MONDAY, 9, 12))
    services.start_service(window, first.pk, user=clerk, now=at(MONDAY, 9, 13))
    done = services.finish_service(window, first.pk, user=clerk, now=at(MONDAY, 9, 25))
    assert (done.wait_seconds, done.service_seconds, done.recalls) == (600, 720, 1)
    services.call(window, second.pk, user=clerk, now=at(MONDAY, 9, 30))
    services.no_show(window, second.pk, user=clerk, now=at(MONDAY, 9, 35))
    assert entries.kinds == [
        "queue.ticket_called",
        "queue.ticket_recalled",
        "queue.ticket_started",
        "queue.ticket_finished",
        "queue.ticket_called",
        "queue.ticket_no_show",
    ]
    assert all(s.startswith("ticket:") for s in entries.subjects("queue.ticket_called"))
    with pytest.raises(Conflict):  # nobody waits any more
        services.call_next(window, user=clerk, now=at(MONDAY, 9, 40))
    figures = selectors.waiting(region_code="421223", start=MONDAY, end=MONDAY)
    assert (figures.tickets, figures.served, figures.no_shows) == (2, 1, 1)
    assert figures.mean_wait_minutes == pytest.approx((10 + 28) / 2)
    assert figures.mean_service_minutes == 12.0
    assert selectors.waiting(region_code="421202", start=MONDAY, end=MONDAY).tickets == 0
    empty = selectors.waiting(region_code="421223", start=TUESDAY, end=TUESDAY)
    assert empty.mean_wait_minutes is None and empty.tickets == 0


def test_a_number_called_twice_or_another_windows_ticket_is_a_conflict(hall):
    general = line_of(hall, "A")
    one, two = general_windows(hall)[:2]
    clerk = user("clerk.chongyang")
    ticket = services.take_ticket(general, actor="k", now=at(MONDAY, 9))
    services.call(one, ticket.pk, user=clerk, now=at(MONDAY, 9, 1))
    entries = NewEntries()
    with pytest.raises(Conflict):
        services.call(two, ticket.pk, user=clerk, now=at(MONDAY, 9, 2))
    for action in (services.recall, services.start_service, services.no_show):
        with pytest.raises(Conflict):
            action(two, ticket.pk, user=clerk, now=at(MONDAY, 9, 2))
    with pytest.raises(Conflict):  # not being served yet
        services.finish_service(one, ticket.pk, user=clerk, now=at(MONDAY, 9, 2))
    market = selectors.group_for_item(hall, market_item())
    other_line = services.take_ticket(market, actor="k", now=at(MONDAY, 9))
    with pytest.raises(Conflict):
        services.call(two, other_line.pk, user=clerk, now=at(MONDAY, 9, 2))
    assert entries.kinds == ["queue.ticket_taken"]
    ticket.refresh_from_db()
    assert (ticket.window_id, ticket.status) == (one.pk, TicketStatus.CALLED)


def test_only_clerks_of_the_halls_region_call(hall):
    general = line_of(hall, "A")
    services.take_ticket(general, actor="k", now=at(MONDAY, 9))
    window = general_windows(hall)[0]
    for name in ("clerk.xianan", "approver.chongyang.market", "catalog.chongyang"):
        with pytest.raises(Forbidden):
            services.call_next(window, user=user(name), now=at(MONDAY, 9, 1))
    assert not Ticket.objects.filter(status=TicketStatus.CALLED).exists()
    windows = [w for w, _ in selectors.windows_for(user("clerk.chongyang"))]
    assert window in windows and all(w.hall_id == hall.pk for w in windows)
    assert selectors.windows_for(user("clerk.xianan")) == []


def test_ticket_of_another_hall_is_not_found(hall):
    other = opened(XIANAN)
    ticket = services.take_ticket(line_of(other, "A"), actor="k", now=at(MONDAY, 9))
    with pytest.raises(NotFound):
        services.call(general_windows(hall)[0], ticket.pk, user=user("admin"), now=at(MONDAY, 9))


def test_settings_by_the_hall_admin_only_and_checked(hall):
    market = selectors.group_for_item(hall, market_item())
    window = market_window(hall)
    hours = {"am_start": "08:30", "am_end": "12:00", "pm_start": "14:00", "pm_end": "17:00"}
    with pytest.raises(Forbidden):
        services.save_settings(
            hall, user=user("clerk.chongyang"), hours=hours, book_days=5, windows={}
        )
    bad = {**hours, "pm_start": "11:00"}
    entries = NewEntries()
    with pytest.raises(InvalidInput):
        services.save_settings(hall, user=user("admin"), hours=bad, book_days=5, windows={})
    with pytest.raises(InvalidInput):
        services.save_settings(
            hall, user=user("admin"), hours=hours, book_days=5, windows={window.pk: (market.pk, 99)}
        )
    assert entries.kinds == []
    services.save_settings(
        hall, user=user("admin"), hours=hours, book_days=5, windows={window.pk: (market.pk, 4)}
    )
    assert entries.kinds == ["queue.settings_changed"]
    assert selectors.capacity(market) == 4
    starts = selectors.slot_starts(selectors.schedule_of(hall))
    assert starts[0] == dt.time(8, 30) and dt.time(13, 30) not in starts
    assert len(selectors.booking_days(hall, MONDAY)) == 6


def test_reminders_go_once_for_the_days_bookings(hall, django_capture_on_commit_callbacks):
    book(hall)
    entries = NewEntries()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(TUESDAY, NOW) == 1
    assert services.send_reminders(TUESDAY, NOW) == 0
    assert entries.kinds == ["booking.reminded"]
    assert "提醒" in LogProvider.sent[-1].text


def test_the_hall_screen_shows_calls_and_nothing_personal(hall):
    booking = book(hall)
    tail = resident(0).identifier[-4:]
    ticket = services.check_in(hall, code=booking.code, tail=tail, actor="k", now=at(TUESDAY, 9))
    services.call_next(market_window(hall), user=user("clerk.chongyang"), now=at(TUESDAY, 9, 5))
    screen = selectors.board(hall, TUESDAY)
    assert [(c.label, c.window) for c in screen.calls] == [
        (ticket.label, market_window(hall).number)
    ]
    assert sum(n for _, n in screen.waiting) == 0


def test_windows_without_a_line_are_not_callable(hall):
    window = Window.objects.filter(hall__region_id="421223100000").first()
    with pytest.raises(NotFound):
        selectors.window(window.pk)
