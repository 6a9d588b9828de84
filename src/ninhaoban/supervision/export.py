"""The XLSX export of every table of a dashboard: figures, trend, rankings, and every case
of the warning and overdue board (the page shows the newest). Case rows carry numbers, items
and dates, never the applicant."""

import io
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ninhaoban.labels import label
from ninhaoban.supervision import selectors
from ninhaoban.supervision.selectors import RANK_TITLES, Scope

FIGURE_HEADER = ("指标", "数值", "单位", "分子", "分母", "目录承诺", "计算公式")
TREND_HEADER = ("期间", "收件", "受理", "决定", "按时决定", "办结", "按时办结率")
RANK_HEADER = ("名次", "名称", "收件", "决定", "按时办结率", "平均办理时长", "办结")
BOARD_HEADER = ("类别", "办件编号", "事项", "承办部门", "状态", "到期日")
RANK_COLUMNS = ("rank", "name", "received", "decided", "on_time_rate", "mean_days", "closed")


def workbook(user: User | AnonymousUser, scope: Scope) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("指标")
    sheet.append([_("区划"), scope.region.name, _("部门"), scope.department_name or _("全部")])
    sheet.append([_("起始日期"), scope.start.isoformat(), _("截止日期"), scope.end.isoformat()])
    sheet.append([_(h) for h in FIGURE_HEADER])
    for f in selectors.figures(scope):
        sheet.append(
            [
                _(f.label),
                _cell(f.value),
                _(f.unit),
                _cell(f.numerator),
                _cell(f.denominator),
                _cell(f.promised),
                _(f.formula),
            ]
        )
    trend = book.create_sheet(_("趋势"))
    trend.append([_(h) for h in TREND_HEADER])
    for row in selectors.trend(scope, by="day"):
        trend.append(
            [
                row["period"],
                row["received"],
                row["accepted"],
                row["decided"],
                row["decided_on_time"],
                row["closed"],
                _cell(row["on_time_rate"]),
            ]
        )
    for by, title in RANK_TITLES.items():
        ranks = book.create_sheet(_(title))
        ranks.append([_(h) for h in RANK_HEADER])
        for entry in selectors.ranking(scope, by):
            cells = [_cell(entry[c]) for c in RANK_COLUMNS]
            cells[1] = _(str(cells[1]))
            ranks.append(cells)
    board = book.create_sheet(_("预警超期"))
    board.append([_(h) for h in BOARD_HEADER])
    for drill, kind in (("overdue", _("超期")), ("warning", _("预警"))):
        for case in selectors.drill_all(user, scope, drill):
            board.append(
                [
                    kind,
                    case.case_no,
                    case.title,
                    case.department.name if case.department else "",
                    label("case_status", case.status),
                    case.due_date.isoformat() if case.due_date else "",
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    return _("暂无数据") if value is None else value
