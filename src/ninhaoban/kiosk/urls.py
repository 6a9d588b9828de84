from django.urls import path

from ninhaoban.kiosk import (
    device_views,
    evaluation_views,
    queue_views,
    register_views,
    video_views,
    views,
)

urlpatterns = [
    path("search/", views.search_anywhere, name="kiosk-search"),
    path("<slug:code>/", views.home, name="kiosk-home"),
    path("<slug:code>/enrol/", views.enrol, name="kiosk-enrol"),
    path("<slug:code>/identify/", views.identify, name="kiosk-identify"),
    path("<slug:code>/register/", register_views.register, name="kiosk-register"),
    path(
        "<slug:code>/identify/card/",
        device_views.identify_by_devices,
        name="kiosk-identify-devices",
    ),
    path("<slug:code>/exit/", views.leave, name="kiosk-exit"),
    path("<slug:code>/region/", views.switch_region, name="kiosk-region"),
    path("<slug:code>/search/", views.search, name="kiosk-terminal-search"),
    path("<slug:code>/progress/", views.progress, name="kiosk-progress"),
    path("<slug:code>/cases/", views.my_cases, name="kiosk-cases"),
    path("<slug:code>/cases/<str:case_no>/", views.case_page, name="kiosk-case"),
    path(
        "<slug:code>/cases/<str:case_no>/receipt.pdf",
        views.receipt_pdf,
        name="kiosk-case-receipt",
    ),
    path("<slug:code>/proofs/", views.proofs, name="kiosk-proofs"),
    path("<slug:code>/proofs/<str:number>/", views.proof_page, name="kiosk-proof"),
    path("<slug:code>/proofs/<str:number>.pdf", views.proof_document, name="kiosk-proof-pdf"),
    path("<slug:code>/apply/", views.items, name="kiosk-items"),
    path("<slug:code>/bundles/", views.bundles, name="kiosk-bundles"),
    path("<slug:code>/bundles/<slug:bundle_code>/", views.apply_bundle, name="kiosk-bundle"),
    path("<slug:code>/apply/<str:item_code>/", views.apply, name="kiosk-apply"),
    path("<slug:code>/video/", video_views.call_page, name="kiosk-video"),
    path("<slug:code>/video/start/", video_views.start, name="kiosk-video-start"),
    path("<slug:code>/video/<str:call_id>/signal/", video_views.signal, name="kiosk-video-signal"),
    path(
        "<slug:code>/video/<str:call_id>/signals/", video_views.signals, name="kiosk-video-signals"
    ),
    path(
        "<slug:code>/video/<str:call_id>/pushed/<int:signal_id>/",
        video_views.pushed,
        name="kiosk-video-pushed",
    ),
    path("<slug:code>/rate/", evaluation_views.rate, name="kiosk-rate"),
    path("<slug:code>/pad/", evaluation_views.pad, name="kiosk-pad"),
    path("<slug:code>/queue/", queue_views.take, name="kiosk-take"),
    path("<slug:code>/queue/<int:ticket_id>/", queue_views.ticket, name="kiosk-ticket"),
    path("<slug:code>/screen/", queue_views.screen, name="kiosk-screen"),
    path("<slug:code>/screen/live/", queue_views.screen_live, name="kiosk-screen-live"),
]
