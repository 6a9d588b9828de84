from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from ninhaoban.api.api import api
from ninhaoban.console import licences_views as console_licences
from ninhaoban.portal import apply_views as portal_apply
from ninhaoban.portal import appointments_views as portal_appointments
from ninhaoban.portal import captcha as portal_captcha
from ninhaoban.portal import care as portal_care
from ninhaoban.portal import cases_views as portal_cases
from ninhaoban.portal import commissions_views as portal_commissions
from ninhaoban.portal import complaints_views as portal_complaints
from ninhaoban.portal import evaluation_views as portal_evaluation
from ninhaoban.portal import inspections_views as portal_inspections
from ninhaoban.portal import organizations_views as portal_organizations
from ninhaoban.portal import payments_views as portal_pay
from ninhaoban.portal import register_views as portal_register
from ninhaoban.portal import views as portal

handler404 = "ninhaoban.api.api.not_found"

admin.site.site_header = "您好办 管理后台"
admin.site.site_title = "您好办"

urlpatterns = [
    path("", portal.home, name="home"),
    path("healthz", portal.healthz, name="healthz"),
    # for pages that name no icon (the admin's) and browsers that ask this path anyway
    path("favicon.ico", RedirectView.as_view(url=static("ninhaoban/favicon.ico"), permanent=True)),
    path("login/", portal.applicant_login, name="applicant-login"),
    path("register/", portal_register.register, name="register"),
    path("login/captcha.png", portal_captcha.captcha_image, name="captcha-image"),
    path("login/captcha.wav", portal_captcha.captcha_audio, name="captcha-audio"),
    path("logout/", portal.do_logout, name="logout"),
    path("console/login/", portal.staff_login, name="staff-login"),
    path("apply/", portal_apply.apply, name="apply"),
    path("apply/prefill/", portal_apply.prefill, name="apply-prefill"),
    path("figures/", portal.figures, name="figures"),
    path("open-data/", portal.open_data, name="open-data"),
    path("progress/", portal_cases.progress_lookup, name="progress-lookup"),
    path("my/notices/", portal_cases.my_notices, name="my-notices"),
    path("cases/", portal_cases.my_cases, name="my-cases"),
    path("organizations/", portal_organizations.index, name="organizations"),
    path("commissions/", portal_commissions.index, name="my-commissions"),
    path("organizations/act/", portal_organizations.act, name="organizations-act"),
    path("complaints/", portal_complaints.my_complaints, name="my-complaints"),
    path("cases/<str:case_no>/", portal_cases.case_page, name="my-case"),
    path("cases/<str:case_no>/progress/", portal_cases.progress, name="my-case-progress"),
    path("cases/<str:case_no>/supply/", portal_cases.supply, name="my-case-supply"),
    path("cases/<str:case_no>/withdraw/", portal_cases.withdraw, name="my-case-withdraw"),
    path("cases/<str:case_no>/sign/code/", portal_cases.sign_code, name="my-case-sign-code"),
    path("cases/<str:case_no>/sign/", portal_cases.sign, name="my-case-sign"),
    path("cases/<str:case_no>/receipt.pdf", portal_cases.receipt_pdf, name="my-case-receipt"),
    path("cases/<str:case_no>/rate/", portal_evaluation.rate_case, name="my-case-rate"),
    path("rate/<str:token>/", portal_evaluation.rate_link, name="rate-link"),
    path("evaluation/", portal_evaluation.public, name="evaluation-public"),
    path(
        "cases/<str:case_no>/written/<int:material_id>.pdf",
        portal_cases.written_pdf,
        name="my-case-written",
    ),
    path(
        "cases/<str:case_no>/notices/<int:notice_id>.pdf",
        portal_cases.notice_pdf,
        name="my-case-notice",
    ),
    path("appointments/", portal_appointments.my_appointments, name="my-appointments"),
    path("appointments/new/", portal_appointments.book, name="book-appointment"),
    path(
        "appointments/<int:booking_id>/",
        portal_appointments.appointment,
        name="my-appointment",
    ),
    path(
        "appointments/<int:booking_id>/cancel/",
        portal_appointments.cancel,
        name="cancel-appointment",
    ),
    path("cases/<str:case_no>/pay/", portal_pay.pay_case, name="my-case-pay"),
    path("pay/", portal_pay.pay_home, name="pay-home"),
    path("pay/utility/", portal_pay.utility, name="pay-utility"),
    path("pay/pension/", portal_pay.pension, name="pay-pension"),
    path("my/payments/", portal_pay.my_payments, name="my-payments"),
    path("my/payments/<str:order_no>/", portal_pay.order_page, name="my-payment"),
    path("my/payments/<str:order_no>/status/", portal_pay.order_status, name="my-payment-status"),
    path("my/payments/<str:order_no>/cancel/", portal_pay.cancel, name="my-payment-cancel"),
    path(
        "my/payments/<str:order_no>/receipt.pdf", portal_pay.receipt_pdf, name="my-payment-receipt"
    ),
    path("verify/receipts/<str:number>/", portal_pay.verify_receipt_page, name="verify-receipt"),
    path("inspections/", portal_inspections.index, name="inspections"),
    path("inspections/plans/<str:code>/", portal_inspections.plan_page, name="inspections-plan"),
    path(
        "inspections/plans/<str:code>/verify/",
        portal_inspections.verify_page,
        name="inspections-verify",
    ),
    path("console/licences/", console_licences.staff_licence, name="staff-licence"),
    path("console/catalog/", include("ninhaoban.console.catalog_urls")),
    path("console/kiosks/", include("ninhaoban.kiosk.console_urls")),
    path("console/video/", include("ninhaoban.kiosk.video_console_urls")),
    path("console/", include("ninhaoban.console.urls")),
    path("catalog/", include("ninhaoban.portal.catalog_urls")),
    path("ledger/", include("ninhaoban.portal.ledger_urls")),
    path("", include("ninhaoban.portal.licences_urls")),
    path("", include("ninhaoban.portal.guidance_urls")),
    path("kiosk/", include("ninhaoban.kiosk.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("care/", portal_care.set_care, name="set-care"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
