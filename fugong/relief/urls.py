from django.urls import path

from fugong.relief import views

app_name = "relief"
urlpatterns = [
    path("loans/", views.loan_list, name="list"),
    path("loans/export.xlsx", views.loan_export, name="export"),
    path("loans/new/", views.loan_create, name="create"),
    path("loans/watch/", views.watch, name="watch"),
    path("loans/stats/", views.loan_stats, name="stats"),
    path("loans/<int:pk>/", views.loan_detail, name="detail"),
    path("loans/<int:pk>/moves/", views.loan_move, name="move"),
    path("funds/", views.fund_list, name="funds"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/export.xlsx", views.fund_export, name="fund_export"),
    path("funds/<int:pk>/loans/new/", views.fund_loan_create, name="fund_loan_create"),
]
