from django.urls import path

from ninhaoban.guidance import views

urlpatterns = [
    path("search/", views.search_page, name="guidance-search"),
    path("search/results/", views.results, name="guidance-results"),
    path("kiosk/search/", views.kiosk_page, name="kiosk-search"),
]
