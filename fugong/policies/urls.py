from django.urls import path

from fugong.policies import views, views_ledger

app_name = "policies"
urlpatterns = [
    path("", views.library, name="library"),
    path("mine/", views.mine, name="mine"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.policy_detail, name="policy"),
    path("<int:pk>/attach/", views.policy_attach, name="policy_attach"),
    path("files/<int:pk>/", views.policy_file, name="policy_file"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/enterprises/", views.measure_enterprises, name="enterprises"),
    path("measures/<int:pk>/enterprises.xlsx", views.measure_export, name="export"),
    path("measures/<int:pk>/notify/", views.measure_notify, name="notify"),
    path("measures/<int:pk>/apply/", views.apply, name="apply"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/moves/", views.application_move, name="move"),
    path("applications/<int:pk>/attach/", views.application_attach, name="attach"),
    path("applications/files/<int:pk>/", views.application_file, name="application_file"),
    path("benefits/", views.benefit_list, name="benefits"),
    path("benefits/export.xlsx", views.benefit_export, name="benefits_export"),
    path("benefits/import/", views_ledger.benefit_import_upload, name="benefits_import"),
    path("benefits/import/<uuid:batch_id>/", views_ledger.benefit_import_preview, name="benefits_import_preview"),
    path("measures/<int:pk>/problem/", views_ledger.measure_problem, name="measure_problem"),
]
