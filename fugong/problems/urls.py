from django.urls import path

from fugong.problems import views

app_name = "problems"
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("queue/", views.problem_queue, name="queue"),
    path("new/", views.problem_create, name="create"),
    path("export.xlsx", views.problem_export, name="export"),
    path("stats/", views.problem_stats, name="stats"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/moves/", views.problem_move, name="move"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attach"),
]
