"""The papers a case produces, as PDFs and page data: the 受理回执, the 一次性告知书 of the
window, and the written notices of the back office about the clock (特别程序告知书,
延期告知书).

Each names the applicant masked (never the full ID number) and carries a QR code to the
public progress page of the case.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from ninhaoban.accounts.models import Mandate
from ninhaoban.cases.models import Case, CaseMaterial, Notice, NoticeKind
from ninhaoban.core.pdf import Heading, KeyValue, Paragraph, Table, render_pdf

ARTICLE_32 = (
    "依据《中华人民共和国行政许可法》第三十二条，申请材料不齐全或者不符合法定形式的，"
    "行政机关应当当场或者在五日内一次告知申请人需要补正的全部内容。"
)


ARTICLE_45 = (
    "依据《中华人民共和国行政许可法》第四十五条，行政机关作出行政许可决定，依法需要听证、"
    "招标、拍卖、检验、检测、检疫、鉴定和专家评审的，所需时间不计算在法定办理期限内。"
    "行政机关应当将所需时间书面告知申请人。"
)
ARTICLE_42 = (
    "依据《中华人民共和国行政许可法》第四十二条，行政机关应当自受理行政许可申请之日起"
    "二十日内作出行政许可决定；二十日内不能作出决定的，经本行政机关负责人批准，可以延长"
    "十日，并应当将延长期限的理由告知申请人。"
)
SUBTITLE = "咸宁市政务服务 · 您好办"


def _day(value: dt.date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else "—"


def progress_url(case: Case) -> str:
    return f"{settings.NHB_BASE_URL}/cases/{case.case_no}/"


@dataclass(frozen=True)
class Receipt:
    """受理回执: what was accepted, by whom, when it is due, and where to follow it."""

    case: Case
    materials: list[CaseMaterial]

    @classmethod
    def of(cls, case: Case) -> "Receipt":
        holder = case.parent or case
        return cls(case, list(CaseMaterial.objects.filter(case=holder).order_by("pk")))

    @property
    def pairs(self) -> list[tuple[str, str]]:
        c = self.case
        # a department's name already begins with its region's ("崇阳县市场监督管理局")
        dept = (
            c.department.name
            if c.department is not None
            else f"{c.region.name}各承办部门（见子办件）"
        )
        decider = c.department.name if c.department is not None else c.region.name
        return [
            ("办件编号", c.case_no),
            ("事项名称", c.title),
            ("申请人", f"{c.applicant.display_name}（{c.applicant.masked_identifier}）"),
            ("收件日期", f"{c.received_on:%Y年%m月%d日}"),
            ("受理日期", f"{c.accepted_on:%Y年%m月%d日}" if c.accepted_on else "—"),
            ("承办单位", dept),
            ("受理地", c.intake_region.name),
            *([("代办人", c.helper_label)] if c.helper_label else []),
            *(
                [("全市通办", f"{c.intake_region.name}收件受理，由{decider}审批决定")]
                if c.intake_region_id and not c.intake_region_id.startswith(c.region.prefix)
                else []
            ),
            (
                "办理时限",
                "即办" if c.limit_days == 0 else f"{c.limit_days}个工作日（不含特别程序时间）",
            ),
            ("预计办结日期", f"{c.due_date:%Y年%m月%d日}" if c.due_date else "—"),
        ]

    def pdf(self) -> bytes:
        rows = [["材料", "来源", "状态"]] + [
            [m.name, m.get_source_display(), m.get_state_display()] for m in self.materials
        ]
        return render_pdf(
            "受理回执",
            [
                KeyValue(self.pairs),
                Heading("申请材料"),
                Table(rows, widths=(0.5, 0.25, 0.25)),
                Paragraph("扫描二维码或登录“您好办”可随时查看办理进度。"),
            ],
            qr_url=progress_url(self.case),
            subtitle=SUBTITLE,
            footer="本回执由您好办平台生成，办件编号可用于查询进度。",
        )


def notice_pdf(notice: Notice) -> bytes:
    """The PDF of any notice: the 一次性告知书 lists problems, the others are about the clock."""
    if notice.kind == NoticeKind.CORRECTION:
        return _correction_pdf(notice)
    return ClockNotice(notice).pdf()


def _applicant(case: Case) -> str:
    return f"{case.applicant.display_name}（{case.applicant.masked_identifier}）"


def _correction_pdf(notice: Notice) -> bytes:
    case = notice.case
    rows = [["序号", "材料", "需要补正的内容"]] + [
        [str(i), p["material"], p["problem"]] for i, p in enumerate(notice.problems, start=1)
    ]
    return render_pdf(
        NoticeKind.CORRECTION.label,
        [
            KeyValue(
                [
                    ("办件编号", case.case_no),
                    ("事项名称", case.title),
                    ("申请人", _applicant(case)),
                    ("告知日期", _day(notice.issued_on)),
                ]
            ),
            Paragraph(ARTICLE_32),
            Heading("需要补正的全部内容"),
            Table(rows, widths=(0.1, 0.35, 0.55)),
            Paragraph(
                "请一次补齐以上全部材料；补齐后重新起算受理期限。可在网上办事大厅上传，或到任一综合窗口提交。"
            ),
        ],
        qr_url=progress_url(case),
        subtitle=SUBTITLE,
    )


@dataclass(frozen=True)
class ClockNotice:
    """特别程序告知书 (第45条) and 延期告知书 (第42条): one layout, because both tell the
    applicant what happened to the legal time limit, why, and the due date that applies.
    `pairs` is also what the case pages show."""

    notice: Notice

    @property
    def title(self) -> str:
        return NoticeKind(self.notice.kind).label

    @property
    def pairs(self) -> list[tuple[str, str]]:
        n, case = self.notice, self.notice.case
        head = [
            ("办件编号", case.case_no),
            ("事项名称", case.title),
            ("申请人", _applicant(case)),
        ]
        if n.kind == NoticeKind.EXTENSION:
            return [
                *head,
                ("延期决定日期", _day(n.issued_on)),
                ("延长期限", f"{n.days}个工作日"),
                ("原办结期限", _day(n.due_before)),
                ("延期后的办结期限", _day(n.due_after)),
            ]
        rows = [
            *head,
            ("特别程序", n.get_procedure_display()),
            ("开始日期", _day(n.issued_on)),
            ("停止计时前的办结期限", _day(n.due_before)),
            ("剩余办理时限", f"{n.days_left}个工作日（特别程序结束后继续计算）"),
        ]
        if n.ended_on:
            rows += [
                ("特别程序结束日期", _day(n.ended_on)),
                ("恢复计时后的办结期限", _day(n.due_after)),
            ]
        else:
            rows.append(("办结期限", "特别程序进行中，停止计时；结束后另行计算并告知"))
        return rows

    @property
    def article(self) -> str:
        return ARTICLE_42 if self.notice.kind == NoticeKind.EXTENSION else ARTICLE_45

    @property
    def seal(self) -> str:
        case = self.notice.case
        department = case.department.name if case.department is not None else ""
        return f"{case.region.name}{department}（印章）　　{_day(self.notice.issued_on)}"

    def pdf(self) -> bytes:
        n = self.notice
        why = "延期理由" if n.kind == NoticeKind.EXTENSION else "事由"
        return render_pdf(
            self.title,
            [
                KeyValue(self.pairs),
                Heading(why),
                Paragraph(n.reason),
                Paragraph(self.article),
                Paragraph(self.seal),
            ],
            qr_url=progress_url(n.case),
            subtitle=SUBTITLE,
            footer="扫描二维码或登录“您好办”可随时查看办理进度。",
        )


COMMISSION_TEXT = (
    "本人自愿委托上述代办人，在委托期限内代为申报下列政务服务事项、提交申请材料并领取相关告知书。"
    "本委托经本人签字并以本人手机短信验证码确认后生效。本人可随时在“您好办”网站“我的代办委托”"
    "中撤销本委托；撤销后代办人不得再以本人名义办理，撤销前已办理的事项继续有效。"
)


def commission_pdf(mandate: Mandate, item_names: dict[str, str]) -> bytes:
    """帮办代办委托书: who asks whom (the resident masked, the helper and their station) to
    apply for which items until when; the resident signs it before it can be confirmed."""
    resident = mandate.organization
    helper = mandate.helper.name if mandate.helper is not None else ""
    rows = [["序号", "事项编码", "事项名称"]] + [
        [str(i), code, item_names.get(code, "")] for i, code in enumerate(mandate.items, start=1)
    ]
    return render_pdf(
        "帮办代办委托书",
        [
            KeyValue(
                [
                    ("委托书编号", f"WT{mandate.pk:08d}"),
                    ("委托人", f"{resident.display_name}（{resident.masked_identifier}）"),
                    ("代办人", helper),
                    ("代办机构", mandate.station_name),
                    ("委托期限", f"{_day(mandate.valid_from)}至{_day(mandate.valid_until)}"),
                ]
            ),
            Heading("委托代办事项"),
            Table(rows, widths=(0.1, 0.35, 0.55)),
            Paragraph(COMMISSION_TEXT),
            Paragraph("委托人签字：____________________　　日期：____________"),
        ],
        subtitle=SUBTITLE,
        footer="本委托书由您好办平台生成；签名图像与本文件的SHA-256摘要记入平台存证账本。",
    )
