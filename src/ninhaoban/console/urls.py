from django.urls import path

from ninhaoban.console import calendar_views, cases_views, views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/import/", calendar_views.import_notice, name="calendar-import"),
    path("calendar/day/", calendar_views.set_day, name="calendar-day"),
    path("cases/", cases_views.queue, name="cases"),
    path("cases/new/", cases_views.intake, name="case-intake"),
    path("cases/<str:case_no>/", cases_views.case_page, name="case"),
    path("cases/<str:case_no>/receipt/", cases_views.receipt, name="case-receipt"),
    path(
        "cases/<str:case_no>/notices/<int:notice_id>.pdf",
        cases_views.notice_pdf,
        name="case-notice",
    ),
    path(
        "cases/<str:case_no>/materials/<int:material_id>/",
        cases_views.material_file,
        name="case-material",
    ),
    path("cases/<str:case_no>/<str:action>/", cases_views.act, name="case-act"),
]
