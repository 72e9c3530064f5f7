from django.urls import path

from fugong.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.post_list, name="posts"),
    path("export.xlsx", views.post_export, name="export"),
    path("new/", views.post_create, name="post_create"),
    path("<int:pk>/", views.post_detail, name="post"),
    path("<int:pk>/action/", views.post_action, name="post_action"),
    path("pair/", views.pair, name="pair"),
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/export.xlsx", views.pairing_export, name="pairings_export"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pk>/moves/", views.pairing_move, name="pairing_move"),
    path("links/", views.chain_list, name="links"),
    path("links/export.xlsx", views.link_export, name="links_export"),
    path("links/import/", views.link_import, name="links_import"),
    path("links/import/<uuid:batch_id>/", views.link_import_preview, name="links_import_preview"),
    path("links/<str:credit_code>/", views.chain_detail, name="chain"),
    path("links/<int:pk>/delete/", views.link_delete, name="link_delete"),
    path("figures/", views.figures, name="figures"),
]
