from django.urls import path

from fugong.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:table>.xlsx", views.table_export, name="export"),
    path("drill/", views.drill, name="drill"),
    path("projects/", views.project_drill, name="projects"),
    path("brief/", views.brief, name="brief"),
    path("table/<str:table>/", views.table_section, name="table"),
    path("panels/", views.panels, name="panels"),
]
