from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from panah.api.api import api
from panah.api.views import tokens
from panah.audit.views import audit_log
from panah.common.views import healthz, home, readyz

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("panah.accounts.urls")),
    path("persons/", include("panah.registry.urls")),
    path("persons/", include("panah.status.urls")),
    path("audit/", audit_log, name="audit_log"),
    path("stats/", include("panah.stats.urls")),
    path("jobs/", include("panah.jobs.urls")),
    path("duplicates/", include("panah.matching.urls")),
    path("knowledge/", include("panah.knowledge.urls")),
    path("cases/", include("panah.cases.urls")),
    path("", include("panah.notices.urls")),
    path("imports/", include("panah.imports.urls")),
    path("exports/", include("panah.exports.urls")),
    path("privacy/", include("panah.privacy.urls")),
    path("files/", include("panah.evidence.urls")),
    path("alerts/", include("panah.alerts.urls")),
    path("appointments/", include("panah.appointments.urls")),
    path("api/v1/", api.urls),
    path("api/tokens/", tokens, name="api_tokens"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]

handler400 = "panah.common.views.bad_request"
handler404 = "panah.common.views.not_found"
handler500 = "panah.common.views.server_error"
