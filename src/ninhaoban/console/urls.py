from django.urls import path

from ninhaoban.console import (
    calendar_views,
    cases_views,
    evaluation_views,
    inspections_views,
    supervision_views,
    views,
)

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/import/", calendar_views.import_notice, name="calendar-import"),
    path("calendar/day/", calendar_views.set_day, name="calendar-day"),
    path("supervision/", supervision_views.dashboard, name="supervision"),
    path("supervision/live/", supervision_views.live, name="supervision-live"),
    path("supervision/screen/", supervision_views.screen, name="supervision-screen"),
    path("supervision/board/", supervision_views.board, name="supervision-board"),
    path("supervision/cases/", supervision_views.case_list, name="supervision-cases"),
    path("supervision/export.xlsx", supervision_views.export_xlsx, name="supervision-export"),
    path("supervision/drill/<slug:drill>/", supervision_views.drill, name="supervision-drill"),
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
    path(
        "cases/<str:case_no>/written/<int:material_id>.pdf",
        cases_views.written_pdf,
        name="case-written",
    ),
    path("cases/<str:case_no>/<str:action>/", cases_views.act, name="case-act"),
    path("inspections/", inspections_views.plans, name="inspection-plans"),
    path("inspections/new/", inspections_views.create_plan, name="inspection-plan-new"),
    path("inspections/plans/<str:code>/", inspections_views.plan_page, name="inspection-plan"),
    path(
        "inspections/plans/<str:code>/<str:action>/",
        inspections_views.plan_act,
        name="inspection-plan-act",
    ),
    path("complaints/", inspections_views.complaints, name="inspection-complaints"),
    path("complaints/new/", inspections_views.file_complaint, name="inspection-complaint-new"),
    path(
        "complaints/<str:number>/",
        inspections_views.complaint_page,
        name="inspection-complaint",
    ),
    path(
        "complaints/<str:number>/<str:action>/",
        inspections_views.complaint_act,
        name="inspection-complaint-act",
    ),
    path("evaluation/", evaluation_views.dashboard, name="evaluation"),
    path(
        "evaluation/rectifications/",
        evaluation_views.rectifications,
        name="evaluation-rectifications",
    ),
    path(
        "evaluation/rectifications/<int:pk>/",
        evaluation_views.rectification,
        name="evaluation-rectification",
    ),
    path(
        "evaluation/rectifications/<int:pk>/step/",
        evaluation_views.rectification_step,
        name="evaluation-step",
    ),
    path(
        "evaluation/rectifications/<int:pk>/appeal/",
        evaluation_views.appeal,
        name="evaluation-appeal",
    ),
    path("evaluation/appeals/", evaluation_views.appeals, name="evaluation-appeals"),
    path("evaluation/appeals/<int:pk>/decide/", evaluation_views.decide, name="evaluation-decide"),
    path("evaluation/entry/", evaluation_views.entry, name="evaluation-entry"),
    path("evaluation/survey/", evaluation_views.survey, name="evaluation-survey"),
    path("evaluation/windows/", evaluation_views.windows, name="evaluation-windows"),
    path("evaluation/windows/<int:pk>/", evaluation_views.window_act, name="evaluation-window"),
]
