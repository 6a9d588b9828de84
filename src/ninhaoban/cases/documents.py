"""受理回执 and 一次性告知书: the two papers the window hands out, as PDFs and page data.

Both name the applicant masked (never the full ID number) and carry a QR code to the
public progress page of the case.
"""

from dataclasses import dataclass

from django.conf import settings

from ninhaoban.cases.models import Case, CaseMaterial, CorrectionNotice
from ninhaoban.core.pdf import Heading, KeyValue, Paragraph, Table, render_pdf

ARTICLE_32 = (
    "依据《中华人民共和国行政许可法》第三十二条，申请材料不齐全或者不符合法定形式的，"
    "行政机关应当当场或者在五日内一次告知申请人需要补正的全部内容。"
)


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
        dept = c.department.name if c.department_id else "各承办部门（见子办件）"
        return [
            ("办件编号", c.case_no),
            ("事项名称", c.title),
            ("申请人", f"{c.applicant.display_name}（{c.applicant.masked_identifier}）"),
            ("收件日期", f"{c.received_on:%Y年%m月%d日}"),
            ("受理日期", f"{c.accepted_on:%Y年%m月%d日}" if c.accepted_on else "—"),
            ("承办单位", f"{c.region.name}{dept}"),
            ("受理地", c.intake_region.name),
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
            subtitle="咸宁市政务服务 · 您好办",
            footer="本回执由您好办平台生成，办件编号可用于查询进度。",
        )


def notice_pdf(notice: CorrectionNotice) -> bytes:
    case = notice.case
    rows = [["序号", "材料", "需要补正的内容"]] + [
        [str(i), p["material"], p["problem"]] for i, p in enumerate(notice.problems, start=1)
    ]
    return render_pdf(
        "补正材料一次性告知书",
        [
            KeyValue(
                [
                    ("办件编号", case.case_no),
                    ("事项名称", case.title),
                    (
                        "申请人",
                        f"{case.applicant.display_name}（{case.applicant.masked_identifier}）",
                    ),
                    ("告知日期", f"{notice.issued_on:%Y年%m月%d日}"),
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
        subtitle="咸宁市政务服务 · 您好办",
    )
