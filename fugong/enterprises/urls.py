from django.urls import path

from fugong.enterprises import excel_views, views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.enterprise_mine, name="mine"),
    path("mine/data/", views.enterprise_mine_data, name="mine_data"),
    path("mine/data.json", views.enterprise_mine_data_export, name="mine_data_export"),
    path("new/", views.enterprise_create, name="create"),
    path("counties/", views.county_options, name="county_options"),
    path("export.xlsx", excel_views.enterprise_export, name="export"),
    path("template.xlsx", excel_views.enterprise_template, name="template"),
    path("import/", excel_views.enterprise_import, name="import"),
    path("import/<uuid:batch_id>/", excel_views.enterprise_import_preview, name="import_preview"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<str:credit_code>/", views.enterprise_detail, name="detail"),
    path("<str:credit_code>/edit/", views.enterprise_edit, name="edit"),
]
