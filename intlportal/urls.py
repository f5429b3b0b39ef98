from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import cas_views
from accounts.forms_signin import SignInForm
from intlportal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(
        redirect_authenticated_user=True, authentication_form=SignInForm), name="login"),
    # A session opened through the university's CAS server ends there too (accounts.cas_views).
    path("accounts/logout/", cas_views.sign_out, name="logout"),
    path("accounts/", include("accounts.urls")),
    path("language/", views.set_language, name="set-language"),
    path("faculties/", include("faculties.urls")),
    path("staff/", include("staff.urls")),
    path("exchanges/", include("exchanges.urls")),
    path("programs/", include("programs.urls")),
    path("abroad/", include("trips.urls")),
    path("visits/", include("visits.urls")),
    path("documents/", include("documents.urls")),
    path("assessment/", include("assessment.urls")),
    path("data/", include("dataexchange.urls")),
    path("notifications/", include("notifications.urls")),
    path("work-queue/", include("workqueue.urls")),
    path("history/", include("intlportal.history")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]
