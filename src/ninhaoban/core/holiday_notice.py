"""The State Council's yearly holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知),
read exactly as it is published, and written back in the same form.

An administrator pastes the notice; nothing is retyped into a table by hand, which is where
a wrong date would come from. Each line "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。
1月4日（周日）上班。" gives holiday ranges (放假, and 补休 in older notices) and make-up working
days (上班). Everything the text states twice is checked against itself: the weekday in
brackets against the date, "共N天" against the range, a make-up day against the weekend. A line
that cannot be read one way only is refused with its number, and nothing is stored.
"""

import datetime as dt
import re
from dataclasses import dataclass

from ninhaoban.core.errors import InvalidInput

_HALF_TO_FULL = str.maketrans({":": "：", "(": "（", ")": "）", ",": "，", ";": "；"})
_NUMERALS = "一二三四五六七八九十"
_ITEM = re.compile(rf"^\s*[{_NUMERALS}]+\s*、\s*(?P<names>[^：]{{1,40}})：(?P<body>.*)$")
_TITLE_YEAR = re.compile(r"关于(\d{4})年(?:部分)?节假日安排|现将(\d{4})年")
_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?P<note>（[^）]*）)?")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_COUNT = re.compile(r"(?:共|放假)(\d{1,2})天")
WEEKDAY_NAMES = "一二三四五六日"


class NoticeError(InvalidInput):
    """A notice that cannot be read one way only; `line` is 1-based (0: the whole text)."""

    code = "invalid_notice"

    def __init__(self, line: int, zh: str, en: str) -> None:
        where_zh = f"第{line}行：" if line else ""
        where_en = f"line {line}: " if line else ""
        super().__init__(where_zh + zh, where_en + en, field="notice")
        self.line = line


@dataclass(frozen=True)
class HolidayNotice:
    """What a notice decides: the days off and the make-up working days, each with the name
    of its festival. Dates may lie just across the year's boundary, as notices write them
    ("2022年12月31日至2023年1月2日")."""

    year: int
    holidays: dict[dt.date, str]
    workdays: dict[dt.date, str]

    def as_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
        }


def _year_of(text: str, year: int | None) -> int:
    found = {int(a or b) for a, b in _TITLE_YEAR.findall(text)}
    if len(found) > 1:
        raise NoticeError(
            0, f"通知中出现多个年度：{sorted(found)}", f"several years: {sorted(found)}"
        )
    if year is not None and found and found != {year}:
        (titled,) = found
        raise NoticeError(
            0,
            f"通知标题的年度{titled}与指定的{year}不一致",
            f"the notice's title names {titled}, not {year}",
        )
    if year is None and not found:
        raise NoticeError(
            0,
            "未能从标题中读出年度，请指定年度（--year）",
            "no year in the title: give the year (--year)",
        )
    chosen = year if year is not None else found.pop()
    if not 2000 <= chosen <= 2100:
        raise NoticeError(0, f"年度{chosen}超出范围", f"year {chosen} is out of range")
    return chosen


class _Dates:
    """Reads the dates of one clause, each inheriting the year and month it leaves out from
    the date before it (as in "2月15日至23日"), and checks the weekday written beside it."""

    def __init__(self, line: int, year: int) -> None:
        self.line, self.year = line, year

    def read(self, clause: str) -> list[tuple[dt.date, int, int]]:
        out: list[tuple[dt.date, int, int]] = []
        last: dt.date | None = None
        for m in _DATE.finditer(clause):
            if m["m"] is None and last is None:
                raise NoticeError(
                    self.line, f"日期“{m[0]}”缺少月份", f"the date {m[0]!r} has no month"
                )
            year = int(m["y"]) if m["y"] else (last.year if last else self.year)
            month = int(m["m"]) if m["m"] else last.month  # type: ignore[union-attr]
            try:
                day = dt.date(year, month, int(m["d"]))
            except ValueError:
                raise NoticeError(
                    self.line, f"日期“{m[0]}”不存在", f"no such date: {m[0]!r}"
                ) from None
            across = (day.year, day.month) in ((self.year - 1, 12), (self.year + 1, 1))
            if day.year != self.year and not across:
                raise NoticeError(
                    self.line,
                    f"日期{day}不在{self.year}年内",
                    f"{day} lies outside the year {self.year}",
                )
            weekday = _WEEKDAY.search(m["note"] or "")
            if weekday and _WEEKDAYS[weekday[1]] != day.weekday():
                raise NoticeError(
                    self.line,
                    f"{day.month}月{day.day}日是周{WEEKDAY_NAMES[day.weekday()]}，不是{weekday[0]}",
                    f"{day} is a {day:%A}, not {weekday[0]}",
                )
            out.append((day, m.start(), m.end()))
            last = day
        return out


def _clauses(body: str) -> list[str]:
    """The clauses of a line, with bracketed notes kept whole (a 、 inside （农历腊月二十八、
    周日） does not split anything)."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in body:
        depth += ch == "（"
        depth -= ch == "）"
        if depth == 0 and ch in "。，；":
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return [c.strip() for c in out if c.strip()]


def _holiday_dates(line: int, clause: str, dates: list[tuple[dt.date, int, int]]) -> list[dt.date]:
    if len(dates) == 2 and "至" in clause[dates[0][2] : dates[1][1]]:
        first, last = dates[0][0], dates[1][0]
        if last < first:
            raise NoticeError(
                line, f"{first}至{last}：结束早于开始", f"{first} to {last} ends before it starts"
            )
        if (last - first).days > 30:
            raise NoticeError(line, f"{first}至{last}：假期过长", f"{first} to {last}: too long")
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    if "至" in clause:
        raise NoticeError(
            line, f"无法读出日期范围：“{clause}”", f"cannot read the range {clause!r}"
        )
    return [d for d, _, _ in dates]


def parse_notice(text: str, year: int | None = None) -> HolidayNotice:
    """The notice's days off and make-up days; `year` when the title does not say it."""
    text = text.translate(_HALF_TO_FULL).replace("\r\n", "\n")
    year = _year_of(text, year)
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    where: dict[dt.date, int] = {}
    items = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        item = _ITEM.match(raw)
        if item is None:
            continue
        items += 1
        name = re.sub(r"\s+", "", item["names"])
        reader = _Dates(number, year)
        off: list[dt.date] = []
        on: list[dt.date] = []
        for sentence in re.split(r"。", item["body"]):
            if not sentence.strip() or sentence.strip().startswith("鼓励"):
                continue
            for clause in _clauses(sentence):
                dates = reader.read(clause)
                count = _COUNT.search(clause)
                if "上班" in clause:
                    on += [d for d, _, _ in dates]
                    continue
                if "放假" in clause or "补休" in clause:
                    off += _holiday_dates(number, clause, dates) if dates else []
                if count and ("放假" in clause or not dates):
                    run = _last_run(off)
                    if int(count[1]) != len(run):
                        raise NoticeError(
                            number,
                            f"写明共{count[1]}天，但日期是{len(run)}天",
                            f"says {count[1]} days but the dates give {len(run)}",
                        )
                elif dates and "放假" not in clause and "补休" not in clause:
                    raise NoticeError(
                        number,
                        f"“{clause}”既非放假也非上班，无法确定含义",
                        f"{clause!r} says neither 放假 nor 上班",
                    )
        if not off:
            raise NoticeError(number, f"{name}没有放假日期", f"{name}: no days off")
        for day in on:
            if day.weekday() < 5:
                raise NoticeError(
                    number,
                    f"调休上班日{day}是周{WEEKDAY_NAMES[day.weekday()]}，不是周末",
                    f"the make-up working day {day} is not a weekend",
                )
        for day in off + on:
            if day in where:
                raise NoticeError(
                    number,
                    f"{day}已在第{where[day]}行安排过",
                    f"{day} is already decided on line {where[day]}",
                )
            where[day] = number
        holidays.update(dict.fromkeys(off, name))
        workdays.update(dict.fromkeys(on, name))
    if not items:
        raise NoticeError(
            0,
            "未找到“一、元旦：……”形式的安排",
            "no lines of the form 一、元旦：… were found",
        )
    if not any(d.year == year for d in holidays):
        raise NoticeError(0, f"没有{year}年的放假日期", f"no days off in {year}")
    return HolidayNotice(year, holidays, workdays)


def _last_run(off: list[dt.date]) -> list[dt.date]:
    """The last consecutive run of days off read so far: what a "共N天" counts."""
    if not off:
        return []
    run = [off[-1]]
    for day in reversed(off[:-1]):
        if (run[0] - day).days != 1:
            break
        run.insert(0, day)
    return run


def _written(day: dt.date, year: int, after: dt.date | None = None) -> str:
    weekday = f"（周{WEEKDAY_NAMES[day.weekday()]}）"
    if after is not None and after.year == day.year and after.month == day.month:
        return f"{day.day}日{weekday}"
    if day.year != year:
        return f"{day.year}年{day.month}月{day.day}日{weekday}"
    return f"{day.month}月{day.day}日{weekday}"


def render_notice(year: int, holidays: dict[dt.date, str], workdays: dict[dt.date, str]) -> str:
    """The schedule written as the notice writes it, so it can be read, compared and parsed
    back (parse_notice(render_notice(...)) gives the same days)."""
    by_name: dict[str, tuple[list[dt.date], list[dt.date]]] = {}
    for day in sorted(holidays):
        by_name.setdefault(holidays[day], ([], []))[0].append(day)
    for day in sorted(workdays):
        by_name.setdefault(workdays[day], ([], []))[1].append(day)
    lines = [f"国务院办公厅关于{year}年部分节假日安排的通知", ""]
    ordered = sorted(by_name.items(), key=lambda kv: min(kv[1][0] or kv[1][1]))
    for i, (name, (off, on)) in enumerate(ordered):
        runs: list[list[dt.date]] = []
        for day in off:
            if runs and (day - runs[-1][-1]).days == 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        parts = []
        for run in runs:
            if len(run) == 1:
                parts.append(f"{_written(run[0], year)}放假，共1天。")
            else:
                start, end = run[0], run[-1]
                parts.append(
                    f"{_written(start, year)}至{_written(end, year, start)}放假调休，"
                    f"共{len(run)}天。"
                )
        if on:
            parts.append("、".join(_written(d, year) for d in on) + "上班。")
        lines.append(f"{_numeral(i + 1)}、{name}：{''.join(parts)}")
    return "\n".join(lines) + "\n"


def _numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    return (
        ("" if n < 20 else _NUMERALS[n // 10 - 1])
        + "十"
        + (_NUMERALS[n % 10 - 1] if n % 10 else "")
    )
