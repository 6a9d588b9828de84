from django.urls import path

from ninhaoban.console import catalog_views as views

app_name = "catalog-console"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_item, name="new"),
    path("audit/", views.audit_report, name="audit"),
    path("stats/", views.stats_report, name="stats"),
    path("transfer/", views.transfer_page, name="transfer"),
    path("export.<str:fmt>", views.export, name="export"),
    path("fields/", views.form_fields, name="fields"),
    path("fields/<slug:key>/", views.form_field, name="field"),
    path("halls/", views.halls, name="halls"),
    path("halls/<int:hall_id>/", views.hall_register, name="hall"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/draft/", views.new_draft, name="new-draft"),
    path("items/<str:code>/end/", views.end, name="end"),
    path("versions/<int:version_id>/edit/", views.edit_draft, name="edit"),
    path("versions/<int:version_id>/preview/", views.preview, name="preview"),
    path("versions/<int:version_id>/publish/", views.publish, name="publish"),
    path("versions/<int:version_id>/discard/", views.discard, name="discard"),
    path("versions/<int:version_id>/file/", views.attach_file, name="attach-file"),
]
