"""The State Council's notice, read as published: known answers from the real notices, the
stored official calendar reproduced for every year, and every malformed notice refused with
the number of its line."""

import datetime as dt
from pathlib import Path

import pytest

from ninhaoban.core.holiday_notice import NoticeError, parse_notice, render_notice
from ninhaoban.core.statutory_holidays import provisional_days, statutory_holidays
from ninhaoban.regions.holidays import official_days

NOTICES = Path(__file__).parent / "notices"
D = dt.date
OFFICIAL = official_days()


def working(notice, day: dt.date) -> bool:
    return day in notice.workdays or (day not in notice.holidays and day.weekday() < 5)


def year_of(year: int) -> list[dict]:
    return [r for r in OFFICIAL if r["date"].year == year]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_published_notices_reproduce_the_official_calendar(year):
    notice = parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))
    assert notice.year == year
    assert [r["date"] for r in year_of(year) if working(notice, r["date"]) != r["is_working"]] == []


def test_the_2026_notice_known_answer():
    notice = parse_notice((NOTICES / "2026.txt").read_text(encoding="utf-8"))
    assert notice.as_json()["workdays"] == [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"
    ]  # fmt: skip
    assert len(notice.holidays) == 33 and notice.holidays[D(2026, 2, 16)] == "春节"
    assert notice.holidays[D(2026, 10, 7)] == "国庆节"


@pytest.mark.parametrize("year", range(2004, 2027))
def test_every_stored_year_written_as_a_notice_reads_back_the_same(year):
    rows = year_of(year)
    holidays = {r["date"]: r["note"] for r in rows if r["kind"] == "holiday"}
    makeup = {r["date"]: r["note"].removesuffix("调休上班") for r in rows if r["kind"] == "makeup"}
    notice = parse_notice(render_notice(year, holidays, makeup))
    assert [r["date"] for r in rows if working(notice, r["date"]) != r["is_working"]] == []


def test_half_width_punctuation_and_a_year_given_apart():
    text = (
        "一、元旦:1月1日(周三)放假1天,不调休。\n"
        "二、春节:1月28日(农历除夕、周二)至2月4日放假调休,共8天。1月26日(周日)、2月8日(周六)上班。"
    )
    notice = parse_notice(text, year=2025)
    assert D(2025, 2, 4) in notice.holidays and D(2025, 2, 8) in notice.workdays


def test_older_notices_with_makeup_rest_and_days_across_the_year():
    text = (
        "国务院办公厅关于2023年部分节假日安排的通知\n"
        "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。\n"
        "二、清明节：4月5日放假，4月7日（星期五）补休。\n"
    )
    notice = parse_notice(text)
    assert D(2022, 12, 31) in notice.holidays and D(2023, 4, 7) in notice.holidays


H = "关于2026年部分节假日安排\n一、元旦："
BAD = {
    "weekday": ("国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：1月1日（周五）放假。", 2),
    "count": (H + "1月1日至3日放假调休，共4天。", 2),
    "makeup on a weekday": (H + "1月1日放假。1月5日（周一）上班。", 2),
    "overlap": (H + "1月1日至3日放假。\n二、春节：1月3日放假。", 3),
    "contradiction": (H + "1月3日放假。1月3日（周六）上班。", 2),
    "outside the year": (H + "2024年5月1日放假。", 2),
    "no month": (H + "3日放假。", 2),
    "neither off nor on": (H + "1月1日至3日，共3天。1月9日值班。", 2),
    "no such date": (H + "2月30日放假。", 2),
    "backwards": (H + "1月3日至1月1日放假。", 2),
    "no year": ("一、元旦：1月1日放假。", 0),
    "no lines": ("国务院办公厅关于2026年部分节假日安排的通知\n放假安排另行通知。", 0),
    "two years": ("关于2026年部分节假日安排\n现将2027年元旦\n一、元旦：1月1日放假。", 0),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_malformed_notice_is_refused_naming_the_line(case):
    text, line = BAD[case]
    with pytest.raises(NoticeError) as refused:
        parse_notice(text)
    assert refused.value.line == line and refused.value.status == 422
    if line:
        assert (
            f"第{line}行" in refused.value.message_zh and f"line {line}" in refused.value.message_en
        )


def test_the_year_given_must_agree_with_the_title():
    with pytest.raises(NoticeError, match="2025"):
        parse_notice((NOTICES / "2026.txt").read_text(encoding="utf-8"), year=2025)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_holidays_are_official_holidays_since_the_2024_revision(year):
    notice = parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))
    days = statutory_holidays(year)
    assert len(days) == 13  # 元旦1 + 春节4 + 清明1 + 劳动2 + 端午1 + 中秋1 + 国庆3 (2025: merged)
    assert set(days) <= set(notice.holidays)


def test_a_provisional_year_guesses_no_makeup_days():
    rows = provisional_days(2027)
    assert len(rows) == 365
    assert not any(working and day.weekday() >= 5 for day, working, _, _ in rows)
    off = {day for day, working, kind, _ in rows if kind == "holiday"}
    # 除夕 2027-02-05 to 初三 02-08; 清明 04-05; 端午 06-09; 中秋 09-15
    assert {D(2027, 2, 5), D(2027, 2, 8), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)} <= off
