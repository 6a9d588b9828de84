"""The one label table: every key a person may meet (a status, a role, a material source, a
ledger entry kind, any choice) and the Chinese label it is shown as.

Pages, PDFs and exports show a key only through `label()` (in templates the `label` filter);
the English label is the Chinese one's entry in the catalogue (django.po), through gettext,
like every other text of the UI. The Chinese labels of choices stay where they are defined
(the models' choices, the case transitions), so this table only gathers them by group.
"""

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import ApplicantKind, AssuranceLevel, Role
from ninhaoban.appointments.models import BookingChannel, BookingStatus, TicketStatus
from ninhaoban.cases.machine import APPLICANT, SYSTEM, TRANSITIONS
from ninhaoban.cases.models import Channel, MaterialState, NoticeKind, Status, StepState
from ninhaoban.cases.models import Outcome as Decision
from ninhaoban.catalog.audit import KINDS as AUDIT_FINDINGS
from ninhaoban.catalog.models import (
    CaseKind,
    DeliveryMethod,
    FieldKind,
    ItemType,
    MaterialForm,
    MaterialSource,
    OfferMode,
    OnlineDepth,
    Requirement,
    SpecialProcedure,
    TemplateKind,
    VersionState,
)
from ninhaoban.evaluation.models import REASONS, AppealDecision, RaterAnswer, RectificationState
from ninhaoban.evaluation.models import Channel as RatingChannel
from ninhaoban.evaluation.models import Dimension as RatingDimension
from ninhaoban.evaluation.models import Level as RatingLevel
from ninhaoban.evaluation.models import Target as RatingTarget
from ninhaoban.exchange.models import Outcome as QueryOutcome
from ninhaoban.i18n import in_english
from ninhaoban.inspections.models import (
    AnnouncementKind,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    Finding,
    PauseKind,
    PlanStatus,
)
from ninhaoban.licences.models import LicenceStatus, ProofKind
from ninhaoban.payments.models import (
    CallbackOutcome,
    MismatchKind,
    OrderKind,
    OrderState,
    ProviderCode,
    ReceiptVerdict,
    RefundState,
)
from ninhaoban.payments.models import Channel as PayChannel
from ninhaoban.regions.models import DayKind, DepartmentType, Level, RegionKind

# Ledger entry kinds other than a case's transitions (case.<transition> is labelled by it).
LEDGER_KINDS = {
    "api_token.issued": _("签发接口令牌"),
    "api_token.revoked": _("吊销接口令牌"),
    "applicant.login": _("申请人登录"),
    "applicant.phone_changed": _("申请人更换手机号码"),
    "applicant.registered": _("申请人注册"),
    "applicant.self_registered": _("申请人实名注册"),
    "applicant.viewed": _("查阅申请人信息"),
    "calendar.day_changed": _("调整工作日历单日"),
    "calendar.notice_imported": _("导入节假日安排通知"),
    "case.escalation": _("预警和超期扫描"),
    "case.files_held": _("暂存已收材料文件"),
    "catalog.base_item_created": _("新增基本目录事项"),
    "catalog.bundle_saved": _("保存一件事"),
    "catalog.draft_created": _("新建事项草稿"),
    "catalog.draft_discarded": _("放弃事项草稿"),
    "catalog.draft_updated": _("修改事项草稿"),
    "catalog.hall_register_set": _("修改大厅进驻部门和事项"),
    "catalog.ended": _("事项停止实施"),
    "catalog.form_field_saved": _("保存表单字段"),
    "catalog.imported": _("导入事项"),
    "catalog.item_created": _("新增实施清单事项"),
    "catalog.material_file_attached": _("上传材料样表"),
    "catalog.proof_saved": _("保存证明事项"),
    "catalog.published": _("发布事项版本"),
    "catalog.type_label_saved": _("保存事项类型名称"),
    "commission.confirmed": _("居民短信确认代办委托"),
    "commission.drafted": _("生成代办委托书"),
    "commission.revoked": _("居民撤销代办委托"),
    "commission.signed": _("居民签署代办委托书"),
    "evaluation.appeal_decided": _("裁定差评申诉"),
    "evaluation.appealed": _("提出差评申诉"),
    "evaluation.answer": _("差评整改反馈"),
    "evaluation.case_presented": _("窗口请求评价"),
    "evaluation.escalated": _("差评整改超期上报"),
    "evaluation.follow_up": _("差评回访"),
    "evaluation.follow_up_comment": _("追加评价"),
    "evaluation.invited": _("发送评价短信"),
    "evaluation.pad_bound": _("设置窗口评价器"),
    "evaluation.rated": _("服务评价"),
    "evaluation.recalendar": _("整改期限随工作日历调整"),
    "evaluation.rectification_opened": _("差评转整改"),
    "evaluation.rectify": _("差评整改"),
    "evaluation.survey_imported": _("导入第三方测评"),
    "evaluation.verify": _("差评核实"),
    "evaluation.window_taken": _("窗口上岗"),
    "exchange.authorization_withdrawn": _("撤销共享授权"),
    "exchange.authorized": _("授予共享授权"),
    "exchange.consent_granted": _("授权同意"),
    "exchange.consent_revoked": _("撤回授权同意"),
    "exchange.query": _("共享数据查询"),
    "exchange.source_registered": _("登记部门系统"),
    "guidance.synonym_added": _("新增同义词"),
    "guidance.synonym_changed": _("修改同义词"),
    "guidance.synonym_deleted": _("删除同义词"),
    "kiosk.acting_for": _("终端切换代表企业办事"),
    "kiosk.enrolled": _("终端完成注册"),
    "kiosk.enrolment_issued": _("签发终端注册码"),
    "kiosk.enrolment_voided": _("作废终端注册码"),
    "kiosk.registered": _("登记自助终端"),
    "kiosk.session_ended": _("终端会话结束"),
    "kiosk.session_started": _("终端会话开始"),
    "ledger.cosigned": _("见证签名"),
    "licence.amended": _("变更证照信息"),
    "licence.issued": _("签发电子证照"),
    "licence.status_changed": _("变更证照状态"),
    "payment.closed": _("关闭缴费订单"),
    "payment.created": _("生成缴费订单"),
    "payment.failed": _("支付未成功"),
    "payment.paid": _("缴费成功并开具电子票据"),
    "payment.paying": _("发起支付"),
    "payment.reconciled": _("支付对账"),
    "payment.refund_failed": _("退款未成功"),
    "payment.refund_requested": _("申请退款"),
    "payment.refunded": _("退款成功"),
    "proof.issued": _("出具证明"),
    "proof.revoked": _("作废证明"),
    "staff.created": _("新增工作人员"),
    "staff.phone_changed": _("工作人员更换手机号码"),
    "staff.role_changed": _("变更工作人员角色"),
    "staff.role_granted": _("授予工作人员角色"),
    "staff.role_revoked": _("撤销工作人员角色"),
    "supervision.rebuilt": _("重算考评汇总"),
}

# 预约取号 (appointments): bookings, numbers and the hall's queue settings
QUEUE_KINDS = {
    "booking.cancelled": _("取消预约"),
    "booking.checked_in": _("凭预约取号"),
    "booking.made": _("预约"),
    "booking.missed": _("预约过时未取号"),
    "booking.reminded": _("预约提醒"),
    "queue.opened": _("大厅启用排队叫号"),
    "queue.settings_changed": _("修改大厅预约设置"),
    "queue.ticket_called": _("叫号"),
    "queue.ticket_finished": _("窗口办结"),
    "queue.ticket_no_show": _("过号"),
    "queue.ticket_recalled": _("重呼"),
    "queue.ticket_started": _("开始办理"),
    "queue.ticket_taken": _("取号"),
}


# What a case's history row may say it did: the transitions, and a bundle's parent following
# its children (cases.services.bundles).
CASE_ACTIONS = {t.name: t.label for t in TRANSITIONS.values()} | {
    "derived": _("随子办件更新"),
    "recalendar": _("办理期限随工作日历调整"),
}


# 双随机一公开 and 招标投标投诉 (inspections)
INSPECTION_LEDGER_KINDS = {
    "inspection.avoidance_added": _("登记回避关系"),
    "inspection.deadlines_moved": _("公示和投诉期限随工作日历调整"),
    "inspection.drawn": _("双随机抽取"),
    "inspection.avoidance_removed": _("解除回避关系"),
    "inspection.inspector_deactivated": _("停用执法检查人员"),
    "inspection.inspector_registered": _("登记执法检查人员"),
    "inspection.item_edited": _("修改随机抽查事项"),
    "inspection.item_registered": _("登记随机抽查事项"),
    "inspection.item_retired": _("停用随机抽查事项"),
    "inspection.object_registered": _("登记检查对象"),
    "inspection.plan_created": _("新建抽查计划"),
    "inspection.plan_published": _("公布抽查计划"),
    "inspection.plan_published_by": _("公布抽查计划（经办人）"),
    "inspection.plan_updated": _("修改抽查计划"),
    "inspection.result_published": _("公示检查结果"),
    "inspection.result_recorded": _("录入检查结果"),
    "tender.announced": _("发布招标公告信息"),
    "tender.bid": _("登记投标人"),
    "tender.complaint_accept": _("受理投诉"),
    "tender.complaint_decide": _("作出投诉处理决定"),
    "tender.complaint_filed": _("登记投诉"),
    "tender.complaint_pause": _("投诉处理中止计时"),
    "tender.complaint_refuse": _("不予受理投诉"),
    "tender.complaint_resume": _("投诉处理恢复计时"),
    "tender.complaint_suspend": _("责令暂停招标投标活动"),
    "tender.project_registered": _("登记招标项目"),
}
DEADLINE_ALERTS = {"ok": _("期限内"), "warning": _("即将到期"), "overdue": _("已超期")}


def _choices(*kinds: type[models.Choices]) -> dict[str, str]:
    return {str(value): str(text) for kind in kinds for value, text in kind.choices}


GROUPS: dict[str, Mapping[str, str]] = {
    "applicant_kind": _choices(ApplicantKind),
    "assurance": _choices(AssuranceLevel),
    "audit_finding": AUDIT_FINDINGS,
    "case_kind": _choices(CaseKind),
    "case_status": _choices(Status),
    "channel": _choices(Channel),
    "day_kind": _choices(DayKind),
    "decision": _choices(Decision),
    "delivery": _choices(DeliveryMethod),
    "department_type": _choices(DepartmentType),
    "field_kind": _choices(FieldKind),
    "item_type": _choices(ItemType),
    "ledger_kind": LEDGER_KINDS
    | QUEUE_KINDS
    | INSPECTION_LEDGER_KINDS
    | {f"case.{name}": text for name, text in CASE_ACTIONS.items()},
    "level": _choices(Level),
    "licence_status": _choices(LicenceStatus),
    "material_form": _choices(MaterialForm),
    # 好差评: levels, channels, what is rated, reasons (praise and complaint), the 差评 workflow
    "rating_appeal": _choices(AppealDecision),
    "rating_channel": _choices(RatingChannel),
    "rating_dimension": _choices(RatingDimension),
    "rating_level": _choices(RatingLevel),
    "rating_reason_bad": {code: bad for code, (_good, bad) in REASONS.items()},
    "rating_reason_good": {code: good for code, (good, _bad) in REASONS.items()},
    "rating_target": _choices(RatingTarget),
    "rater_answer": _choices(RaterAnswer),
    "rectification_state": _choices(RectificationState),
    "material_source": _choices(MaterialSource),
    "material_state": _choices(MaterialState),
    "notice_kind": _choices(NoticeKind),
    "offer_mode": _choices(OfferMode),
    "online_depth": _choices(OnlineDepth),
    "pay_callback": _choices(CallbackOutcome),
    "pay_channel": _choices(PayChannel),
    "pay_kind": _choices(OrderKind),
    "pay_mismatch": _choices(MismatchKind),
    "pay_provider": _choices(ProviderCode),
    "pay_refund": _choices(RefundState),
    "pay_state": _choices(OrderState),
    "proof_kind": _choices(ProofKind),
    "receipt_verdict": _choices(ReceiptVerdict),
    "query_outcome": _choices(QueryOutcome),
    "region_kind": _choices(RegionKind),
    "requirement": _choices(Requirement),
    "role": _choices(Role) | {APPLICANT: _("申请人"), SYSTEM: _("系统")},
    "special_procedure": _choices(SpecialProcedure),
    "step_state": _choices(StepState),
    "template_kind": _choices(TemplateKind),
    "transition": CASE_ACTIONS,
    "version_state": _choices(VersionState),
    "booking_status": _choices(BookingStatus),
    "booking_channel": _choices(BookingChannel),
    "ticket_status": _choices(TicketStatus),
    "plan_status": _choices(PlanStatus),
    "finding": _choices(Finding),
    "complaint_status": _choices(ComplaintStatus),
    "complaint_outcome": _choices(ComplaintOutcome),
    "pause_kind": _choices(PauseKind),
    "announcement": _choices(AnnouncementKind),
    "complaint_channel": _choices(ComplaintChannel),
    "deadline_alert": DEADLINE_ALERTS,
}


def label(group: str, key: object) -> str:
    """The label of `key` in the active language; an unknown key is shown as it is, so the
    label test (tests/portal/test_labels.py) finds it."""
    if key is None or key == "":
        return ""
    text = GROUPS[group].get(str(key))
    return gettext(text) if text is not None else str(key)


def one_language(obj: object, name: str = "message") -> str:
    """Of a text held in both languages (`message_zh`/`message_en`, `label_zh`/`label_en`),
    the one of the active language: pages speak one language at a time. A Chinese text held
    under the bare name (`label` beside `label_en`) serves too, and stands in for an English
    one not written yet."""
    if in_english() and (english := getattr(obj, f"{name}_en", "")):
        return str(english)
    return str(getattr(obj, f"{name}_zh", None) or getattr(obj, name, ""))
