"""The statutory holidays of a year, as the law fixes them, for years with no notice yet.

《全国年节及纪念日放假办法》 (revised 2024, in force from 2025) fixes the holidays themselves;
only the State Council's yearly notice adds the 调休 (weekends swapped for weekdays) and the
bridging days. Until that notice is entered, a provisional year is weekends plus these days,
with nothing guessed: lunar dates and the 清明 solar term come from lunar-python, a maintained
library, not from a table typed by hand.
"""

import datetime as dt

from lunar_python import Lunar

# (month, day) of the fixed-date holidays, after the 2024 revision
_FIXED = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}


def _lunar(year: int, month: int, day: int) -> dt.date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> dt.date:
    """The day of the 清明 solar term in `year`."""
    solar = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Every date of `year` that is a holiday by law, with its name (two festivals on one
    date, as 国庆 and 中秋 can be, share it: "国庆节、中秋节")."""
    days: dict[dt.date, list[str]] = {}

    def add(day: dt.date, name: str) -> None:
        names = days.setdefault(day, [])
        if name not in names:
            names.append(name)

    for (month, day), name in _FIXED.items():
        add(dt.date(year, month, day), name)
    new_year = _lunar(year, 1, 1)
    for offset in range(-1, 3):  # 除夕 to 正月初三
        add(new_year + dt.timedelta(days=offset), "春节")
    add(qingming(year), "清明节")
    add(_lunar(year, 5, 5), "端午节")
    add(_lunar(year, 8, 15), "中秋节")
    return {day: "、".join(names) for day, names in sorted(days.items())}


def provisional_days(year: int) -> list[tuple[dt.date, bool, str, str]]:
    """(date, is_working, kind, note) for every date of `year`: weekends and the statutory
    holidays are off, every other day is a working day; kinds as in `regions.DayKind`."""
    holidays = statutory_holidays(year)
    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day in holidays:
            rows.append((day, False, "holiday", holidays[day]))
        elif day.weekday() >= 5:
            rows.append((day, False, "weekend", ""))
        else:
            rows.append((day, True, "workday", ""))
        day += dt.timedelta(days=1)
    return rows
