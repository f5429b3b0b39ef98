"""CAS sign-in and sign-out (django-cas-ng's views, explained when the portal refuses)."""

from django.contrib.auth.decorators import login_not_required
from django_cas_ng import views as cas


@login_not_required
def cas_login(request):  # placeholder, replaced by the CAS part of issue 19
    return cas.LoginView.as_view()(request)


@login_not_required
def cas_logout(request):
    return cas.LogoutView.as_view()(request)
