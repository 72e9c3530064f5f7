from django.urls import path

from fugong.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("stats/", views.referral_stats, name="stats"),
    path("needs/", views.need_list, name="needs"),
    path("needs/new/", views.need_create, name="need_create"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/export.xlsx", views.batch_export, name="batch_export"),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/moves/", views.referral_move, name="move"),
]
