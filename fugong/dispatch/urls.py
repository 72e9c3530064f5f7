from django.urls import path

from fugong.dispatch import excel_views, review_views, views

app_name = "dispatch"
urlpatterns = [
    # Intake: the enterprise's own form and the league's grid.
    path("report/", views.report_form, name="form"),
    path("projects/<int:pk>/report/", views.project_report_form, name="project_form"),
    path("grid/", views.grid, name="grid"),
    path("grid/<str:credit_code>/<str:day>/", views.grid_row, name="grid_row"),
    path("reports/daily/<int:pk>/", views.report_detail, {"kind_name": "daily"}, name="daily_detail"),
    path("reports/weekly/<int:pk>/", views.report_detail, {"kind_name": "weekly"}, name="weekly_detail"),
    path("reports/projects/<int:pk>/", views.report_detail, {"kind_name": "project"}, name="project_report_detail"),
    # Excel intake: a template per league and date, upload, preview, commit.
    path("excel/template.xlsx", excel_views.report_template, name="excel_template"),
    path("excel/upload/", excel_views.report_upload, name="excel_upload"),
    path("excel/<uuid:batch_id>/", excel_views.report_preview, name="excel_preview"),
    # Completeness, review and lock.
    path("completeness/", review_views.completeness, name="completeness"),
    path("completeness/remind/", review_views.remind, name="remind"),
    path("review/", review_views.review, name="review"),
    path("review/lock/", review_views.lock, name="lock"),
    path("review/unlock/", review_views.unlock, name="unlock"),
]
