from django.urls import include, path

from config import views
from config.api import api
from fugong.core import views as core_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("fugong.accounts.urls")),
    path("enterprises/", include("fugong.enterprises.urls")),
    path("dispatch/", include("fugong.dispatch.urls")),
    path("analytics/", include("fugong.analytics.urls")),
    path("problems/", include("fugong.problems.urls")),
    path("finance/", include("fugong.finance.urls")),
    path("relief/", include("fugong.relief.urls")),
    path("catalogue/", include("fugong.catalogue.urls")),
    path("arrears/", include("fugong.arrears.urls")),
    path("chains/", include("fugong.chains.urls")),
    path("workgroups/", include("fugong.workgroups.urls")),
    path("notices/", include("fugong.notices.urls")),
    path("policies/", include("fugong.policies.urls")),
    path("security/", include("fugong.security.urls")),
    path("api/", api.urls),
]

handler404 = "fugong.core.views.not_found"
