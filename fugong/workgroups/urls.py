from django.urls import path

from fugong.workgroups import views

app_name = "workgroups"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/weekly.docx", views.weekly_report, name="weekly_report"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/add/", views.plan_add, name="plan_add"),
    path("plans/<int:pk>/items/<int:item_id>/remove/", views.plan_remove, name="plan_remove"),
    path("plans/<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/check/", views.visit_check, name="visit_check"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
