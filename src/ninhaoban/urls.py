from django.contrib import admin
from django.urls import include, path

from ninhaoban.api.api import api
from ninhaoban.portal import views as portal

admin.site.site_header = "您好办 管理后台"
admin.site.site_title = "您好办"

urlpatterns = [
    path("", portal.home, name="home"),
    path("healthz", portal.healthz, name="healthz"),
    path("login/", portal.applicant_login, name="applicant-login"),
    path("logout/", portal.do_logout, name="logout"),
    path("console/login/", portal.staff_login, name="staff-login"),
    path("console/catalog/", include("ninhaoban.catalog.console_urls")),
    path("console/", include("ninhaoban.console.urls")),
    path("catalog/", include("ninhaoban.catalog.urls")),
    path("ledger/", include("ninhaoban.ledger.urls")),
    path("", include("ninhaoban.licences.urls")),
    path("", include("ninhaoban.guidance.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
