from django.urls import path

from ninhaoban.kiosk import video_console_views as views

app_name = "video-console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:call_id>/", views.call_page, name="call"),
    path("<str:call_id>/answer/", views.answer, name="answer"),
    path("<str:call_id>/signal/", views.signal, name="signal"),
    path("<str:call_id>/signals/", views.signals, name="signals"),
    path("<str:call_id>/push/", views.push, name="push"),
]
