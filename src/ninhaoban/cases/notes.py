"""Notes the platform itself writes into a case's history and material table. They are stored
in Chinese, the language of the record, and shown in the reader's language. One table serves
both ways: `write` fills a template, `shown` recognises a stored note by the same template and
fills the template's translation; what a person typed inside a note (a reason, an opinion)
stays as typed. A note that matches no template is shown as stored."""

import re
from functools import cache

from django.utils.translation import get_language, gettext, gettext_noop

from ninhaoban.exchange.selectors import STAFF_ASKED

EXTEND = gettext_noop("延长%(days)s个工作日：%(reason)s")
SUSPEND = gettext_noop("%(procedure)s：%(reason)s（所需时间不计入办理时限）")
POSTED = gettext_noop("%(method)s，快递单号%(tracking_no)s")
RECALENDAR = gettext_noop(
    "因%(reason)s，办理期限由%(old)s调整为%(new)s%(provisional)s，工作日数不变"
)
PROVISIONAL = gettext_noop("（预计）")
CALENDAR_NOTICE = gettext_noop("%(year)s年节假日安排公布")
CALENDAR_WORKDAY = gettext_noop("%(day)s调整为工作日（%(reason)s）")
CALENDAR_RESTDAY = gettext_noop("%(day)s调整为休息日（%(reason)s）")
DERIVED = gettext_noop("随子办件状态更新")
DEEMED_ACCEPTED = gettext_noop(
    "收件后五个工作日内未作处理，依《行政许可法》第三十二条自收件之日起视为受理"
)
# where a prefilled field of the 一表申请 came from (the licence's own source reads as LABELLED)
PREFILL_ACCOUNT = gettext_noop("申请人账户信息")
PREFILL_SHARED = gettext_noop("共享数据：%(name)s（经本人同意）")
# a decision's outcome or a step's name, then what the person said
LABELLED = gettext_noop("%(label)s：%(text)s")
TEMPLATES = (
    SUSPEND,
    EXTEND,
    RECALENDAR,
    CALENDAR_WORKDAY,
    CALENDAR_RESTDAY,
    CALENDAR_NOTICE,
    POSTED,
    STAFF_ASKED,
    PREFILL_SHARED,
    LABELLED,
)
ZH_DATE = re.compile(r"(\d{4})年(\d{2})月(\d{2})日")
FIELD = re.compile(r"%\\\((\w+)\\\)s")
# fields that sit side by side in a template need their own shape to be told apart
SHAPES = {
    "days": r"\d+",
    "number": r"\d+",
    "year": r"\d{4}",
    "day": r"\d{4}-\d{2}-\d{2}",
    "old": ZH_DATE.pattern,
    "new": ZH_DATE.pattern,
    "provisional": f"(?:{re.escape(PROVISIONAL)})?",
}


def write(template: str, **params: object) -> str:
    return template % params


def date(day: object) -> str:
    """A date inside a note, as the record writes it; shown as ISO in English."""
    return f"{day:%Y年%m月%d日}"


@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(
        FIELD.sub(lambda m: f"(?P<{m[1]}>{SHAPES.get(m[1], '.*?')})", re.escape(template))
    )


def shown(text: str) -> str:
    """The note in the active language."""
    if not text:
        return ""
    translated = gettext(text)
    if translated != text:
        return translated
    for template in TEMPLATES:
        found = _pattern(template).fullmatch(text)
        if found is None:
            continue
        params = {name: _part(value) for name, value in found.groupdict().items()}
        return gettext(template) % params
    return text


def _part(value: str) -> str:
    shown_value = shown(value)
    if (get_language() or "zh-hans").startswith("zh"):
        return shown_value
    return ZH_DATE.sub(r"\1-\2-\3", shown_value)
