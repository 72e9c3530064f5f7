from django.urls import path

from fugong.arrears import views

app_name = "arrears"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("export.xlsx", views.item_export, name="export"),
    path("figures/", views.figures, name="figures"),
    path("new/", views.item_create, name="create"),
    path("import/", views.item_import, name="import"),
    path("import/<uuid:batch_id>/", views.item_import_preview, name="import_preview"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/moves/", views.item_move, name="move"),
]
