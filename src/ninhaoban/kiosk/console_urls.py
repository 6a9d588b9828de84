from django.urls import path

from ninhaoban.kiosk import console_views as views

app_name = "kiosk-console"
urlpatterns = [
    path("", views.terminals, name="terminals"),
    path("new/", views.add, name="add"),
    path("<slug:code>/switch/", views.switch, name="switch"),
    path("<slug:code>/devices/", views.devices, name="devices"),
    path("<slug:code>/enrolment/", views.enrolment, name="enrolment"),
]
