from django.urls import path

from ninhaoban.ledger import views

urlpatterns = [path("", views.lookup, name="ledger-lookup")]
