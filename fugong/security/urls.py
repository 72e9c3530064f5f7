from django.urls import path

from fugong.security import views

app_name = "security"
urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("sessions/", views.my_sessions, name="sessions"),
    path("sessions/<int:pk>/end/", views.my_session_end, name="session_end"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/active/", views.account_active, name="account_active"),
    path("areas/", views.areas, name="areas"),
    path("roles/", views.roles, name="roles"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/revoke/", views.revoke_access, name="revoke_access"),
    path("policy/", views.policy, name="policy"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
]
