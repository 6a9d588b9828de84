"""The printed 办事指南 of an item and of a bundle, through the shared `core.pdf` blocks."""

from ninhaoban.catalog.guides import BundleGuide, Guide, HallInfo, source_text
from ninhaoban.catalog.models import Requirement
from ninhaoban.core.pdf import Heading, KeyValue, Paragraph, Table, render_pdf

FOOTER = "您好办 · 咸宁市政务服务平台 · 以现行版本为准"


def _halls(halls: list[HallInfo]) -> list:
    rows = [["办理地点", "地址", "办公时间", "受理窗口"]]
    rows += [[h.name, h.address, h.hours, "；".join(h.windows)] for h in halls]
    return [Heading("办理地点和时间"), Table(rows, widths=[0.22, 0.26, 0.24, 0.28])]


def guide_pdf(guide: Guide) -> bytes:
    v = guide.version
    blocks: list = [
        KeyValue(
            [
                ("实施编码", guide.item.code),
                ("事项类型", guide.item_type),
                ("实施主体", guide.item.department.name),
                ("办理时限", guide.limits_text),
                ("到现场次数", guide.visits_text),
                ("网办深度", guide.online_depth),
                ("网上办理", guide.online_link or "暂不支持网上办理"),
                ("送达方式", "、".join(guide.delivery) or "窗口领取"),
                ("版本", f"第{v.number}版，{v.valid_from or '草稿'}起施行"),
            ]
        ),
        Heading("受理条件"),
        Paragraph(v.conditions or "无特别条件"),
        Heading("设定依据"),
        Paragraph(v.legal_basis or guide.item.base.legal_basis or "—"),
        Heading("申请材料"),
        Table(
            [["序号", "材料名称", "必要性", "形式与份数", "来源", "说明"]]
            + [
                [
                    str(i),
                    m.name,
                    Requirement(m.requirement).label,
                    f"{m.get_form_display()} {m.copies}份",
                    source_text(m),
                    m.notes + (f"（示例：{m.sample.name}）" if m.sample else ""),
                ]
                for i, m in enumerate(guide.materials, start=1)
            ],
            widths=[0.07, 0.27, 0.12, 0.14, 0.2, 0.2],
        ),
        Heading("收费标准"),
    ]
    if guide.fees:
        blocks.append(
            Table(
                [["收费项目", "标准", "依据", "可否减免"]]
                + [
                    [f.name, f.standard, f.basis, "可减免" if f.waivable else "否"]
                    for f in guide.fees
                ],
                widths=[0.2, 0.25, 0.43, 0.12],
            )
        )
    else:
        blocks.append(Paragraph("不收费"))
    blocks += [
        Heading("办理流程"),
        Table(
            [["环节", "办理人员", "时限（工作日）", "并联组"]]
            + [
                [s.name, s.get_role_display(), str(s.working_days), s.parallel_group or "—"]
                for s in guide.steps
            ],
            widths=[0.35, 0.25, 0.2, 0.2],
        ),
    ]
    if guide.special_procedures:
        blocks.append(
            Paragraph("特别程序（所需时间不计入办理时限）：" + "、".join(guide.special_procedures))
        )
    blocks += _halls(guide.halls)
    return render_pdf(
        f"{guide.title}办事指南",
        blocks,
        qr_url=guide.online_link or None,
        subtitle=f"{guide.item.region.name} · {guide.item.department.name}",
        footer=FOOTER,
    )


def bundle_pdf(bundle_guide: BundleGuide, qr_url: str) -> bytes:
    b = bundle_guide.bundle
    blocks: list = [
        KeyValue(
            [
                ("一件事", b.name),
                ("承诺时限", f"{b.promised_days}个工作日（并联办理需{bundle_guide.plan_days}个）"),
                ("涉及部门", "、".join(bundle_guide.departments)),
                (
                    "申请材料",
                    f"合并后{len(bundle_guide.materials)}项"
                    f"（各事项单独办理共需{bundle_guide.requested_total}项）",
                ),
            ]
        ),
        Paragraph(b.description),
        Heading("包含事项"),
        Table(
            [["阶段", "事项", "实施部门", "承诺时限"]]
            + [
                [f"第{stage}阶段", g.title, g.item.department.name, g.limits_text]
                for stage, guides in bundle_guide.stages
                for g in guides
            ],
            widths=[0.12, 0.33, 0.25, 0.3],
        ),
        Heading("一次提交的申请材料"),
        Table(
            [["序号", "材料名称", "来源", "用于事项"]]
            + [
                [str(i), m.name, source_text(m), "、".join(m.items)]
                for i, m in enumerate(bundle_guide.materials, start=1)
            ],
            widths=[0.08, 0.32, 0.3, 0.3],
        ),
    ]
    blocks += _halls(bundle_guide.halls)
    return render_pdf(
        f"“{b.name}”一件事办事指南",
        blocks,
        qr_url=qr_url,
        subtitle=b.region.name,
        footer=FOOTER,
    )
