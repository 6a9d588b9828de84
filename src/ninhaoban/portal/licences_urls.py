from django.urls import path

from ninhaoban.portal import licences_views as views

urlpatterns = [
    path("verify/licences/<str:identifier>/", views.verify_licence_page, name="verify-licence"),
    path("verify/proofs/<str:number>/", views.verify_proof_page, name="verify-proof"),
    path("my/licences/", views.my_licences, name="my-licences"),
    path("my/queries/", views.my_queries, name="my-queries"),
    path("my/licences/<str:identifier>/", views.my_licence, name="my-licence"),
    path("my/licences/<str:identifier>/pdf", views.my_licence_pdf, name="my-licence-pdf"),
    path("my/proofs/", views.my_proofs, name="my-proofs"),
    path("my/proofs/<str:number>/pdf", views.my_proof_pdf, name="my-proof-pdf"),
]
