from django.urls import path

from ninhaoban.portal import catalog_views as views

app_name = "catalog"
urlpatterns = [
    path("", views.catalog_list, name="list"),
    path("items/<str:code>/", views.item_guide, name="guide"),
    path("items/<str:code>/guide.pdf", views.item_guide_pdf, name="guide-pdf"),
    path(
        "versions/<int:version_id>/materials/<int:position>/<str:kind>",
        views.material_file,
        name="material-file",
    ),
    path("bundles/", views.bundle_list, name="bundles"),
    path("bundles/<slug:code>/", views.bundle_detail, name="bundle"),
    path("bundles/<slug:code>/guide.pdf", views.bundle_pdf, name="bundle-pdf"),
]
