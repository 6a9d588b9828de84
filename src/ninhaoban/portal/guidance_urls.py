from django.urls import path

from ninhaoban.portal import guidance_views as views

urlpatterns = [
    path("search/", views.search, name="guidance-search"),
    path("search/results/", views.results, name="guidance-results"),
]
