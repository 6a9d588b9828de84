from django.urls import path

from ninhaoban.portal import ledger_views as views

urlpatterns = [path("", views.lookup, name="ledger-lookup")]
